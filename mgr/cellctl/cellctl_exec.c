// SPDX-License-Identifier: MIT
/*
 * cellctl's side of exec (docs/control.md, "exec"): relays between its own
 * stdin, stdout and stderr and what cellmgr handed over with "ok": the
 * master of the command's pty, or the client ends of its three pipes.
 * None of cellctl's own descriptors goes into the cell: whatever the cell
 * does to the pty or the pipes, the admin's terminal only ever sees bytes
 * written by cellctl, and is put back in its own mode at the end.
 *
 * One poll loop, no threads.  The cell's side is non-blocking with a small
 * buffer towards it, so a command that does not read its input never
 * blocks its output; writes to our stdout and stderr block, which only
 * the admin's own terminal (or pipe) can make slow.
 */
#include "cellctl_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "fileutil.h"

/* After the command's status: how long the output may stay quiet before
 * cellctl stops waiting for its end of file.  cellmgr sends the status
 * only once the command's cgroup is empty, so the end of file is
 * normally there already; a process outside it that opened the pty (the
 * cell's root can) must not hold cellctl. */
#define DRAIN_IDLE_MS 200
#define DRAIN_MAX_MS 2000

#define EXIT_EXEC_FAILED 125

/* The terminal's mode before raw mode, restored on every way out. */
static struct termios saved_mode;
static bool mode_saved;

void cellctl_term_restore(void)
{
	if (mode_saved)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_mode);
	mode_saved = false;
}

/* Raw mode, as ssh and machinectl shell do: every byte typed (Ctrl-C,
 * Ctrl-Z, Ctrl-D) goes to the command's pty, whose own line discipline
 * gives it its meaning. */
void cellctl_term_raw(void)
{
	struct termios raw;

	if (tcgetattr(STDIN_FILENO, &saved_mode) < 0)
		return;
	raw = saved_mode;
	cfmakeraw(&raw);
	mode_saved = true;
	atexit(cellctl_term_restore);
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) < 0)
		mode_saved = false;
}

/* Our terminal's size onto the pty's (the kernel sends the command
 * SIGWINCH when it changes). */
static void forward_size(int master)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

void cellctl_term_size(unsigned short *rows, unsigned short *cols)
{
	struct winsize ws = {0};

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
		ws.ws_row = ws.ws_col = 0;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct relay {
	bool pty;
	int to_cell;   /* the master, or stdin's pipe; -1 once closed */
	int from_out;  /* the master, or stdout's pipe */
	int from_err;  /* stderr's pipe, or -1 */
	bool stdin_on; /* still read */
	char in[4096]; /* read from our stdin, not yet taken by the cell */
	size_t in_len, in_off;
	bool ended; /* the status (or cellmgr's end) arrived */
	long long ended_ms;
	int code;
};

static void close_cell_fd(struct relay *rl, int *fd)
{
	int old = *fd;

	if (old < 0)
		return;
	/* The pty's master is both directions: close it once. */
	if (rl->to_cell == old)
		rl->to_cell = -1;
	if (rl->from_out == old)
		rl->from_out = -1;
	if (rl->from_err == old)
		rl->from_err = -1;
	*fd = -1;
	close(old);
}

/* Output of the command onto ours; at its end (EOF, or EIO: the pty's
 * slave closed) or when ours is gone, the cell's end is closed. */
static void pump_out(struct relay *rl, int *from, int to)
{
	static char buf[65536];
	ssize_t n;

	do
		n = read(*from, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0 || write_all(to, buf, (size_t)n) < 0)
		close_cell_fd(rl, from);
}

static void pump_in(struct relay *rl)
{
	ssize_t n;

	if (rl->in_len == rl->in_off) {
		do
			n = read(STDIN_FILENO, rl->in, sizeof(rl->in));
		while (n < 0 && errno == EINTR);
		if (n <= 0) {
			/* End of our input: the command's stdin ends (pipes);
			 * a pty gets nothing more. */
			rl->stdin_on = false;
			if (!rl->pty)
				close_cell_fd(rl, &rl->to_cell);
			return;
		}
		rl->in_len = (size_t)n;
		rl->in_off = 0;
	}
	n = write(rl->to_cell, rl->in + rl->in_off, rl->in_len - rl->in_off);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		/* The command's side closed its input. */
		rl->stdin_on = false;
		rl->in_len = rl->in_off = 0;
		if (!rl->pty)
			close_cell_fd(rl, &rl->to_cell);
		return;
	}
	rl->in_off += (size_t)n;
}

static void on_socket(struct relay *rl, int sock, const char *name)
{
	char buf[64];
	ssize_t n;

	do
		n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return;
	rl->ended = true;
	rl->ended_ms = mono_ms();
	rl->stdin_on = false;
	rl->code = n > 0 ? ctl_exec_result_parse(buf, (size_t)n) : -1;
	if (rl->code < 0) {
		cellctl_term_restore();
		fprintf(stderr, "cellctl: exec %s: %s\n", name,
			n > 0 ? "malformed exec result from cellmgr"
			      : "cellmgr ended the session without the command's status");
		rl->code = EXIT_EXEC_FAILED;
	}
}

/* SIGWINCH, and in raw mode the signals that end us (ours, not typed:
 * the terminal sends none in raw mode). */
static int setup_signals(bool pty, bool raw, sigset_t *set)
{
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(set);
	if (pty)
		sigaddset(set, SIGWINCH);
	if (raw) {
		sigaddset(set, SIGINT);
		sigaddset(set, SIGTERM);
		sigaddset(set, SIGHUP);
		sigaddset(set, SIGQUIT);
	}
	if (sigisemptyset(set))
		return -1;
	sigprocmask(SIG_BLOCK, set, NULL);
	return signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int cellctl_exec_relay(int sock, const char *name, bool pty, int fds[3])
{
	struct relay rl = {.pty = pty, .stdin_on = true, .from_err = -1};
	struct signalfd_siginfo si;
	sigset_t set;
	int sigfd;

	if (pty) {
		rl.to_cell = rl.from_out = fds[0];
	} else {
		rl.to_cell = fds[0];
		rl.from_out = fds[1];
		rl.from_err = fds[2];
	}
	for (int i = 0; i < (pty ? 1 : 3); i++)
		fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
	if (pty && isatty(STDIN_FILENO))
		cellctl_term_raw();
	if (pty)
		forward_size(fds[0]);
	sigfd = setup_signals(pty, mode_saved, &set);
	for (;;) {
		struct pollfd p[6];
		int n = 0, k_sock, k_in = -1, k_to = -1, k_out = -1, k_err = -1, k_sig = -1, r;

		if (rl.ended && ((rl.from_out < 0 && rl.from_err < 0) ||
				 mono_ms() - rl.ended_ms > DRAIN_MAX_MS))
			break;
		k_sock = n;
		p[n++] = (struct pollfd){.fd = rl.ended ? -1 : sock, .events = POLLIN};
		if (rl.stdin_on && rl.to_cell >= 0) {
			if (rl.in_len == rl.in_off) {
				k_in = n;
				p[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
			} else {
				k_to = n;
				p[n++] = (struct pollfd){.fd = rl.to_cell, .events = POLLOUT};
			}
		}
		if (rl.from_out >= 0) {
			k_out = n;
			p[n++] = (struct pollfd){.fd = rl.from_out, .events = POLLIN};
		}
		if (rl.from_err >= 0) {
			k_err = n;
			p[n++] = (struct pollfd){.fd = rl.from_err, .events = POLLIN};
		}
		if (sigfd >= 0) {
			k_sig = n;
			p[n++] = (struct pollfd){.fd = sigfd, .events = POLLIN};
		}
		r = poll(p, (nfds_t)n, rl.ended ? DRAIN_IDLE_MS : -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (r == 0 && rl.ended))
			break;
		if (k_out >= 0 && p[k_out].revents)
			pump_out(&rl, &rl.from_out, STDOUT_FILENO);
		if (k_err >= 0 && p[k_err].revents && rl.from_err >= 0)
			pump_out(&rl, &rl.from_err, STDERR_FILENO);
		if ((k_in >= 0 && p[k_in].revents) || (k_to >= 0 && p[k_to].revents)) {
			if (rl.to_cell >= 0)
				pump_in(&rl);
		}
		if (p[k_sock].revents)
			on_socket(&rl, sock, name);
		if (k_sig >= 0 && p[k_sig].revents &&
		    read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGWINCH) {
				if (rl.from_out >= 0)
					forward_size(rl.from_out);
			} else {
				/* Our end: cellmgr sees the hangup and kills the
				 * command. */
				cellctl_term_restore();
				return 128 + (int)si.ssi_signo;
			}
		}
	}
	cellctl_term_restore();
	return rl.ended ? rl.code : EXIT_EXEC_FAILED;
}
