// SPDX-License-Identifier: MIT
/*
 * The board's console (cellmgr's stdin/stdout in board mode) shows the
 * console of one cell at a time, like a terminal multiplexer.  Ctrl-a is
 * the escape: Ctrl-a 1..9 brings the Nth cell to the console, Ctrl-a n the
 * next one, Ctrl-a Ctrl-a sends a literal Ctrl-a.  Everything else typed
 * goes to the front cell's console pty.  A device class of the seat
 * (seat.h): its front step shows the new front's last lines.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cell.h"
#include "console.h"
#include "fileutil.h"
#include "log.h"
#include "seat.h"
#include "termsafe.h"

#include <sys/epoll.h>

#define ESCAPE_KEY 0x01 /* Ctrl-a */
#define SWITCH_TAIL_LINES 8

static void on_input(struct loop_fd *w, uint32_t events, void *data);

void console_init(struct console *con, struct loop *loop, struct cells *cells, struct seat *seat,
		  bool board)
{
	*con = (struct console){.loop = loop, .cells = cells, .seat = seat, .board = board};
	loop_fd_init(&con->w_in);
}

void console_attach(struct console *con)
{
	struct termios raw;

	if (tcgetattr(STDIN_FILENO, &con->saved) == 0) {
		/* Raw: the cell's own pty does line editing, echo and output
		 * processing (its output already ends lines with CR LF), and
		 * Ctrl-C must reach the cell, not kill cellmgr.  cellmgr's own
		 * log lines then carry their CR themselves. */
		raw = con->saved;
		raw.c_oflag &= ~(tcflag_t)OPOST;
		raw.c_iflag &=
		    ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
		raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
		raw.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
		raw.c_cflag |= CS8;
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
			con->restore_termios = true;
			log_set_crlf(true);
		} else
			log_errno(neg_errno(), "console: raw mode");
	}
	if (loop_add_fd(con->loop, &con->w_in, STDIN_FILENO, EPOLLIN, on_input, con) < 0)
		return;
	con->attached = true;
}

void console_detach(struct console *con)
{

	if (con->attached)
		loop_remove_fd(con->loop, &con->w_in);
	if (con->restore_termios) {
		tcsetattr(STDIN_FILENO, TCSANOW, &con->saved);
		log_set_crlf(false);
	}
	con->attached = false;
	con->restore_termios = false;
}

/* The cell's last lines on a switch are a replay, not the cell talking to
 * its terminal: through the filter of mgr/util/termsafe.h (CR LF: the console
 * is in raw mode), so that escape sequences it printed while in the
 * background do not act on the board's terminal. */
static void replay_tail(const struct cell *c)
{
	char tail[2048], safe[TERMSAFE_OUT_MAX(512)];
	struct termsafe t;
	size_t n, off;

	n = ring_tail_lines(&c->console_log, SWITCH_TAIL_LINES, tail, sizeof(tail));
	termsafe_init(&t, true);
	for (off = 0; off < n; off += 512) {
		size_t len = n - off < 512 ? n - off : 512;

		write_all(STDOUT_FILENO, safe,
			  termsafe_filter(&t, tail + off, len, safe, sizeof(safe)));
	}
	write_all(STDOUT_FILENO, safe, termsafe_finish(&t, safe, sizeof(safe)));
}

/* class front: the console shows c from now on, after its last lines. */
static int console_front(void *priv, struct cell *c)
{
	struct console *con = priv;

	con->shown = c;
	if (!con->attached)
		return 0;
	log_info("console: cell %s", c->cfg.name);
	replay_tail(c);
	return 0;
}

/* class gone: a cell that leaves the list is not shown any more. */
static void console_gone(void *priv, struct cell *c)
{
	struct console *con = priv;

	if (con->shown == c)
		con->shown = NULL;
}

static bool console_present(void *priv)
{
	return ((struct console *)priv)->attached;
}

const struct seat_class console_class = {
    .name = "console",
    .present = console_present,
    .front = console_front,
    .gone = console_gone,
};

void console_status(struct console *con, bool ok, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (!con->board)
		return;
	n = snprintf(line, sizeof(line), "%s ", ok ? "[  OK  ]" : "[FAILED]");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 2, fmt, ap);
	va_end(ap);
	n = (int)strlen(line);
	line[n++] = '\r';
	line[n++] = '\n';
	/* The board's console is stderr too, whether or not it is attached. */
	write_all(STDERR_FILENO, line, (size_t)n);
}

void console_output(struct console *con, struct cell *c, const char *buf, size_t len)
{
	if (con->attached && con->shown == c)
		write_all(STDOUT_FILENO, buf, len);
}

/* A switch from the serial console moves the whole foreground (screen,
 * input) like any other: the seat decides. */
static void switch_to(struct console *con, struct cell *c)
{
	char err[160];

	if (seat_switch(con->seat, c, err, sizeof(err)) < 0)
		log_info("console: %s", err);
}

static void escape_command(struct console *con, char key)
{
	struct cell *next;
	size_t i;

	if (key >= '1' && key <= '9') {
		i = (size_t)(key - '1');
		if (i < con->cells->n)
			switch_to(con, con->cells->v[i]);
		else
			log_info("console: no cell %c", key);
		return;
	}
	if (key == 'n' && con->cells->n > 0) {
		next = seat_next(con->seat, seat_front(con->seat), false);
		if (next)
			switch_to(con, next);
		else
			log_info("console: no other cell runs");
		return;
	}
	log_info("console: Ctrl-a then 1-9 or n switches cells, Ctrl-a Ctrl-a sends Ctrl-a");
}

static void forward(struct console *con, const char *buf, size_t len)
{
	struct cell *front = con->shown;

	if (len == 0 || !front || front->pty_master < 0)
		return;
	/* A cell that does not read its console loses input rather than
	 * stalling cellmgr: the master is non-blocking. */
	if (write(front->pty_master, buf, len) < 0 && errno != EAGAIN)
		log_errno(neg_errno(), "console: write to cell %s", front->cfg.name);
}

static void on_input(struct loop_fd *w, uint32_t events, void *data)
{
	struct console *con = data;
	char buf[512], out[512];
	size_t i, o = 0;
	ssize_t n;

	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			/* No console any more (e.g. stdin closed): stop reading it. */
			loop_remove_fd(con->loop, &con->w_in);
			con->attached = false;
		}
		return;
	}
	for (i = 0; i < (size_t)n; i++) {
		char ch = buf[i];

		if (con->escape) {
			con->escape = false;
			if (ch == ESCAPE_KEY) {
				out[o++] = ch;
				continue;
			}
			forward(con, out, o);
			o = 0;
			escape_command(con, ch);
			continue;
		}
		if (ch == ESCAPE_KEY) {
			con->escape = true;
			continue;
		}
		out[o++] = ch;
	}
	forward(con, out, o);
}
