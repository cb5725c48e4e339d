// SPDX-License-Identifier: MIT
/* Reaching cellmgr from cellctl (ctl_client.h). */
#include "ctl_client.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_proto.h"

void ctl_client_unreachable(const char *path, int err)
{
	const char *what, *hint = " (is cellmgr running? --socket PATH)";

	switch (err) {
	case ENOENT: what = "no such file"; break;
	case ECONNREFUSED: what = "connection refused"; break;
	case ENOTDIR: what = "not a directory"; break;
	case ENOTSOCK: what = "not a socket"; break;
	case EACCES:
	case EPERM:
		what = "permission denied";
		hint = " (cellmgr serves root only)";
		break;
	default:
		what = strerror(err);
		hint = "";
		break;
	}
	fprintf(stderr, "cellctl: cannot reach cellmgr at %s: %s%s\n", path, what, hint);
}

int ctl_client_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "cellctl: socket path too long: %s\n", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		fprintf(stderr, "cellctl: socket: %s\n", strerror(-r));
		return r;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		ctl_client_unreachable(path, -r);
		close(fd);
		return r;
	}
	return fd;
}

void ctl_client_print_errors(const char *text, size_t len)
{
	const char *end = text + len, *nl;

	while (text < end) {
		nl = memchr(text, '\n', (size_t)(end - text));
		if (!nl)
			nl = end;
		if ((size_t)(nl - text) >= 7 && strncmp(text, "error: ", 7) == 0)
			text += 7;
		if (nl > text)
			fprintf(stderr, "cellctl: %.*s\n", (int)(nl - text), text);
		text = nl + 1;
	}
}

ssize_t ctl_client_call(const char *path, unsigned n, const char *const fields[], char *reply,
			size_t cap)
{
	int fd;
	ssize_t got = ctl_client_call_held(path, n, fields, reply, cap, &fd);

	if (got >= 0)
		close(fd);
	return got;
}

#define CALL_BUSY (-2)

/* One connection, one request, one reply.  CALL_BUSY when cellmgr turned
 * the connection away before reading the request (every slot taken). */
static ssize_t call_once(const char *path, const char *msg, size_t len, char *reply, size_t cap,
			 int *fd_out)
{
	ssize_t got;
	int fd;

	fd = ctl_client_connect(path);
	if (fd < 0)
		return -1;
	if (send(fd, msg, len, MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "cellctl: send: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	do
		got = recv(fd, reply, cap - 1, MSG_TRUNC);
	while (got < 0 && errno == EINTR);
	if (got < 0 || (size_t)got >= cap || got < 3 || memcmp(reply, "ok\n", 3) != 0)
		close(fd);
	if (got < 0) {
		fprintf(stderr, "cellctl: recv: %s\n", strerror(errno));
		return -1;
	}
	if ((size_t)got >= cap) {
		fprintf(stderr, "cellctl: reply from cellmgr too long\n");
		return -1;
	}
	reply[got] = '\0';
	if (got >= 3 && memcmp(reply, "ok\n", 3) == 0) {
		memmove(reply, reply + 3, (size_t)got - 2);
		*fd_out = fd;
		return got - 3;
	}
	if (strcmp(reply, CTL_BUSY_REPLY) == 0)
		return CALL_BUSY;
	if (got >= 7 && memcmp(reply, "error: ", 7) == 0)
		ctl_client_print_errors(reply, (size_t)got);
	else if (got == 0)
		fprintf(stderr, "cellctl: cellmgr closed the connection without a reply\n");
	else
		fprintf(stderr, "cellctl: malformed reply from cellmgr\n");
	return -1;
}

/* "busy" is only ever said before the request is read, so the request is
 * sent again: after 10, 20, 40 ... 640 ms (CTL_BUSY_RETRIES). */
ssize_t ctl_client_call_held(const char *path, unsigned n, const char *const fields[], char *reply,
			     size_t cap, int *fd_out)
{
	char msg[CTL_REQUEST_MAX];
	ssize_t len, got;
	unsigned delay_ms = 10;

	len = ctl_request_encode(msg, sizeof(msg), n, fields);
	if (len < 0) {
		fprintf(stderr, "cellctl: request too long\n");
		return -1;
	}
	for (int attempt = 0;; attempt++) {
		got = call_once(path, msg, (size_t)len, reply, cap, fd_out);
		if (got != CALL_BUSY)
			return got;
		if (attempt == CTL_BUSY_RETRIES) {
			ctl_client_print_errors(reply, strlen(reply));
			return -1;
		}
		usleep(delay_ms * 1000);
		if (delay_ms < 640)
			delay_ms *= 2;
	}
}

void ctl_client_list_header(FILE *f)
{
	fprintf(f, "%-15s %-9s %7s %8s %8s %8s %-5s %8s %8s %6s %s\n", "NAME", "STATE", "PID",
		"UPTIME", "RESTARTS", "MEMORY", "FRONT", "MEMMAX", "CPU", "PIDS", "IO(R/W)");
}
