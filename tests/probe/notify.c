/* probe notify: one sd_notify datagram to $NOTIFY_SOCKET (README.md).
 *
 *   probe notify [--pid PID] ASSIGNMENT... [-- COMMAND [ARG...]]
 *
 * The assignments (READY=1, STATUS=...) are sent as one datagram, joined
 * with '\n', as sd_notify(3) sends them.  Without --pid it is a plain
 * sendto(): the receiver's SO_PASSCRED makes the kernel attach this
 * process's credentials.  --pid PID sends SCM_CREDENTIALS naming PID
 * instead, as `systemd-notify --pid=PID` does (the kernel allows it to a
 * process with CAP_SYS_ADMIN over its pid namespace).  After "--" the
 * probe execs COMMAND once the datagram is sent, so that a shell init can
 * `exec probe notify READY=1 -- /bin/sh /rest`: the sender is then the
 * cell's init itself and it keeps running.
 *
 * Exit status: 0 sent; 1 not sent (the reason on stderr, with the errno's
 * name); 2 usage; 127 the exec failed.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "probe.h"

int notify_main(int argc, char **argv); /* main.c: `probe notify ...` */

static int usage(void)
{
	fprintf(stderr, "usage: probe notify [--pid PID] KEY=VALUE... [-- COMMAND [ARG...]]\n");
	return 2;
}

static int failed(const char *what, const char *path, int err)
{
	fprintf(stderr, "probe notify: %s %s: %s (%s)\n", what, path, errno_name(err),
		strerror(err));
	return 1;
}

/* Fills sa from $NOTIFY_SOCKET: an absolute path, or "@name" (abstract). */
static int notify_address(const char *path, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (path[0] != '/' && path[0] != '@')
		return -EINVAL;
	if (n >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, path, n);
	if (path[0] == '@') {
		sa->sun_path[0] = '\0';
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	}
	return 0;
}

static ssize_t send_with_pid(int fd, const char *msg, size_t len, const struct sockaddr_un *sa,
			     socklen_t salen, pid_t pid)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} ctrl;
	struct ucred cred = {.pid = pid, .uid = getuid(), .gid = getgid()};
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
	struct msghdr mh = {
	    .msg_name = (void *)sa,
	    .msg_namelen = salen,
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = ctrl.buf,
	    .msg_controllen = sizeof(ctrl.buf),
	};
	struct cmsghdr *cm;

	memset(&ctrl, 0, sizeof(ctrl));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(cm), &cred, sizeof(cred));
	return sendmsg(fd, &mh, MSG_NOSIGNAL);
}

int notify_main(int argc, char **argv)
{
	struct sockaddr_un sa;
	socklen_t salen = 0;
	char **command = NULL;
	const char *path;
	size_t len = 0, off = 0;
	pid_t pid = 0;
	char *msg;
	ssize_t n;
	int i = 1, first, fd, r;

	if (i < argc && strcmp(argv[i], "--pid") == 0) {
		char *end;
		long v;

		if (i + 1 >= argc)
			return usage();
		errno = 0;
		v = strtol(argv[i + 1], &end, 10);
		if (errno || end == argv[i + 1] || *end || v < 1 || v > 0x7fffffff)
			return usage();
		pid = (pid_t)v;
		i += 2;
	}
	first = i;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (argv[i][0] == '=' || !strchr(argv[i], '=') || strchr(argv[i], '\n'))
			return usage();
		len += strlen(argv[i]) + 1;
	}
	if (i == first)
		return usage();
	if (i < argc) {
		if (i + 1 >= argc)
			return usage();
		command = argv + i + 1;
	}

	path = getenv("NOTIFY_SOCKET");
	if (!path || !*path) {
		fprintf(stderr, "probe notify: NOTIFY_SOCKET is not set\n");
		return 1;
	}
	if ((r = notify_address(path, &sa, &salen)) < 0)
		return failed("address", path, -r);
	if (!(msg = malloc(len)))
		return failed("malloc", "", ENOMEM);
	for (int k = first; k < i; k++) {
		size_t l = strlen(argv[k]);

		memcpy(msg + off, argv[k], l);
		off += l;
		msg[off++] = '\n';
	}
	off--; /* no newline after the last assignment, as sd_notify(3) */

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		free(msg);
		return failed("socket", "AF_UNIX", errno);
	}
	if (pid)
		n = send_with_pid(fd, msg, off, &sa, salen, pid);
	else
		n = sendto(fd, msg, off, MSG_NOSIGNAL, (const struct sockaddr *)&sa, salen);
	r = n < 0 ? errno : 0;
	close(fd);
	free(msg);
	if (n < 0)
		return failed(pid ? "sendmsg (SCM_CREDENTIALS) to" : "sendto", path, r);
	if ((size_t)n != off)
		return failed("sendto (short)", path, EMSGSIZE);
	if (command) {
		fflush(NULL);
		execvp(command[0], command);
		fprintf(stderr, "probe notify: exec %s: %s (%s)\n", command[0], errno_name(errno),
			strerror(errno));
		return 127;
	}
	return 0;
}
