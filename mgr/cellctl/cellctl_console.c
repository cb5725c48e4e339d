// SPDX-License-Identifier: MIT
/*
 * cellctl console NAME (docs/control.md, "console"): the terminal on the
 * cell's console, as lxc-console and machinectl login do.  cellmgr relays
 * both ways over the control connection; the terminal goes raw, its size
 * follows (SIGWINCH), and Ctrl-] q detaches (Ctrl-] Ctrl-] types one
 * Ctrl-]).  Detaching leaves the cell running; cellmgr keeps logging its
 * console all along.
 */
#include "cellctl_console.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cellctl_exec.h"
#include "ctl_client.h"
#include "ctl_proto.h"
#include "fileutil.h"

#define ESCAPE 0x1d /* Ctrl-] */

/* One message to cellmgr: kind and its bytes. */
static int send_msg(int sock, char kind, const char *buf, size_t len)
{
	char msg[1 + 4096];

	msg[0] = kind;
	memcpy(msg + 1, buf, len);
	return send(sock, msg, len + 1, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static int send_size(int sock)
{
	unsigned short rows, cols;
	char text[32];

	cellctl_term_size(&rows, &cols);
	snprintf(text, sizeof(text), "%u %u", rows, cols);
	return send_msg(sock, CTL_CONSOLE_SIZE, text, strlen(text));
}

/* The keys typed, with the escape key's meaning taken out.  Returns 1
 * when the user asked to detach, 0, or -1 when cellmgr is gone. */
static int on_keys(int sock, const char *in, size_t n, bool *escape)
{
	char out[4096];
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = in[i];

		if (*escape) {
			*escape = false;
			if (ch == 'q' || ch == '.')
				return 1;
			out[o++] = ESCAPE;
			if (ch == ESCAPE)
				continue;
		} else if (ch == ESCAPE) {
			*escape = true;
			continue;
		}
		out[o++] = ch;
		if (o >= sizeof(out) - 1) {
			if (send_msg(sock, CTL_CONSOLE_INPUT, out, o) < 0)
				return -1;
			o = 0;
		}
	}
	return o && send_msg(sock, CTL_CONSOLE_INPUT, out, o) < 0 ? -1 : 0;
}

static int relay(int sock, const char *name, int sigfd)
{
	struct pollfd p[3] = {
	    {.fd = STDIN_FILENO, .events = POLLIN},
	    {.fd = sock, .events = POLLIN},
	    {.fd = sigfd, .events = POLLIN},
	};
	bool escape = false;
	char buf[CTL_REPLY_MAX];
	ssize_t n;
	int r;

	for (;;) {
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (p[2].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
				if (si.ssi_signo == SIGWINCH)
					send_size(sock);
				else
					return 0; /* SIGTERM, SIGHUP: detach */
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				cellctl_term_restore();
				fprintf(stderr,
					"\ncellctl: cell %s's console was closed by cellmgr\n",
					name);
				return 1;
			}
			if (n > 0 && write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
				return 1;
		}
		if (p[0].revents & (POLLIN | POLLHUP)) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0) {
				p[0].fd = -1; /* end of input: keep showing the console */
				continue;
			}
			r = on_keys(sock, buf, (size_t)n, &escape);
			if (r)
				return r > 0 ? 0 : 1;
		}
	}
}

int cellctl_console(const char *socket_path, const char *name)
{
	static char reply[CTL_REPLY_MAX + 1];
	unsigned short rows, cols;
	char rows_s[8], cols_s[8];
	const char *fields[] = {"console", name, rows_s, cols_s};
	sigset_t set;
	ssize_t n;
	int sock, sigfd, r;

	cellctl_term_size(&rows, &cols);
	snprintf(rows_s, sizeof(rows_s), "%u", rows);
	snprintf(cols_s, sizeof(cols_s), "%u", cols);
	n = ctl_client_call_held(socket_path, 4, fields, reply, sizeof(reply), &sock);
	if (n < 0)
		return 1;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	fprintf(stderr, "cellctl: cell %s's console; Ctrl-] q detaches (the cell runs on)\n", name);
	if (isatty(STDIN_FILENO))
		cellctl_term_raw();
	if (write_all(STDOUT_FILENO, reply, (size_t)n) < 0)
		return 1;
	r = relay(sock, name, sigfd);
	cellctl_term_restore();
	if (r == 0)
		fprintf(stderr, "\ncellctl: detached from cell %s's console\n", name);
	close(sock);
	return r;
}
