// SPDX-License-Identifier: MIT
/* cellctl: the command-line client of cellmgr's control socket. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_proto.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: cellctl [--socket PATH] COMMAND [ARG]\n"
		   "commands:\n"
		   "  list           every cell: name, state, pid, and which is on the console\n"
		   "  status NAME    one cell in detail\n"
		   "  log NAME       the cell's recent console output\n"
		   "  --socket PATH  cellmgr's control socket (default " CTL_DEFAULT_SOCKET ")\n");
}

static int fail(const char *what)
{
	fprintf(stderr, "cellctl: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static char reply[CTL_REPLY_MAX + 1];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *socket_path = CTL_DEFAULT_SOCKET;
	char req[CTL_MSG_MAX + 1];
	size_t len;
	ssize_t n;
	int opt, fd, i;

	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 's': socket_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	len = (size_t)snprintf(req, sizeof(req), "%s", CTL_VERSION);
	for (i = optind; i < argc && len < sizeof(req); i++)
		len += (size_t)snprintf(req + len, sizeof(req) - len, " %s", argv[i]);
	if (len >= sizeof(req)) {
		fprintf(stderr, "cellctl: request too long\n");
		return 2;
	}
	if (strlen(socket_path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "cellctl: socket path too long: %s\n", socket_path);
		return 2;
	}
	strcpy(sa.sun_path, socket_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail("socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail(socket_path);
	if (send(fd, req, len, MSG_NOSIGNAL) < 0)
		return fail("send");
	n = recv(fd, reply, CTL_REPLY_MAX, 0);
	if (n < 0)
		return fail("recv");
	close(fd);
	reply[n] = '\0';
	if (strncmp(reply, "ok\n", 3) == 0) {
		fputs(reply + 3, stdout);
		return 0;
	}
	if (strncmp(reply, "error: ", 7) == 0) {
		fprintf(stderr, "cellctl: %s", reply + 7);
		return 1;
	}
	fprintf(stderr, "cellctl: malformed reply from cellmgr\n");
	return 1;
}
