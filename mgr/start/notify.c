// SPDX-License-Identifier: MIT
/* The cells' sd_notify sockets: see notify.h. */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fdpass.h"
#include "log.h"

/* A value copied into status: printable, at most NOTIFY_STATUS_MAX - 1
 * bytes, never ending inside a UTF-8 sequence. */
static void copy_status(char *dst, const char *src, size_t len)
{
	size_t n = len < NOTIFY_STATUS_MAX - 1 ? len : NOTIFY_STATUS_MAX - 1;

	if (n < len) {
		/* Cut before the lead byte of a sequence the cut would split. */
		size_t k = n;

		while (k > 0 && ((unsigned char)src[k] & 0xc0) == 0x80)
			k--;
		if (k < n && n - k < 4)
			n = k;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];

		/* It ends up in logs and on terminals: no escape sequences. */
		dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[n] = '\0';
}

static bool is_assignment(const char *line, size_t len, const char *key, size_t klen)
{
	return len > klen && line[klen] == '=' && memcmp(line, key, klen) == 0;
}

static bool is_one(const char *line, size_t len, const char *key)
{
	size_t klen = strlen(key);

	return len == klen + 2 && is_assignment(line, len, key, klen) && line[klen + 1] == '1';
}

int notify_parse(const char *buf, size_t len, struct notify_msg *out)
{
	static const struct {
		const char *key;
		unsigned flag;
	} ones[] = {
	    {"READY", NOTIFY_READY},
	    {"STOPPING", NOTIFY_STOPPING},
	    {"RELOADING", NOTIFY_RELOADING},
	    {"WATCHDOG", NOTIFY_WATCHDOG},
	};
	const char *p, *end;

	memset(out, 0, sizeof(*out));
	if (len > NOTIFY_MSG_MAX)
		return -EMSGSIZE;
	if (!len)
		return 0;
	if (memchr(buf, '\0', len))
		return -EBADMSG;
	p = buf;
	end = buf + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		for (size_t i = 0; i < sizeof(ones) / sizeof(ones[0]); i++)
			if (is_one(p, n, ones[i].key))
				out->flags |= ones[i].flag;
		if (n >= 7 && memcmp(p, "STATUS=", 7) == 0) {
			out->flags |= NOTIFY_STATUS;
			copy_status(out->status, p + 7, n - 7);
		}
		p += n + 1;
	}
	return 0;
}

int notify_open(const char *path, int *fd)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const int one = 1;
	struct stat st;
	int s, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		/* Left by an earlier cellmgr. */
		if (unlink(path) < 0)
			return neg_errno();
	} else if (errno != ENOENT) {
		return neg_errno();
	}
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return neg_errno();
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    chmod(path, 0600) < 0) {
		r = neg_errno();
		close(s);
		return r;
	}
	*fd = s;
	return 0;
}

/* Closes every fd a datagram brought; returns its sender's credentials. */
static bool take_control(struct msghdr *msg, struct ucred *cred)
{
	bool have = false;
	unsigned n;

	fdpass_take(msg, NULL, 0, &n);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			memcpy(cred, CMSG_DATA(c), sizeof(*cred));
			have = true;
		}
	return have;
}

int notify_read(int fd, pid_t cell_pid, struct notify_msg *out)
{
	/* Room for the credentials and for as many fds as one message can
	 * carry (SCM_MAX_FD), so that none is left behind unclosed. */
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(253 * sizeof(int))];
	} ctrl;
	char buf[NOTIFY_MSG_MAX + 1];
	struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct msghdr msg = {
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = &ctrl,
	    .msg_controllen = sizeof(ctrl),
	};
	struct ucred cred = {0};
	bool have_cred;
	ssize_t n;
	int r;

	memset(out, 0, sizeof(*out));
	do
		n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : neg_errno();
	have_cred = take_control(&msg, &cred);
	/* The cell's init only, as systemd-nspawn does: a pid equality is
	 * exact (cellmgr holds the init's pidfd, so its pid is not reused),
	 * where looking up any other sender in /proc races with its exit. */
	if (!have_cred || cell_pid <= 0 || cred.pid != cell_pid)
		return -EPERM;
	if ((msg.msg_flags & MSG_TRUNC) || (size_t)n > NOTIFY_MSG_MAX)
		return -EMSGSIZE;
	r = notify_parse(buf, (size_t)n, out);
	out->sender = cred.pid;
	return r;
}
