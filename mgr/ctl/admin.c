// SPDX-License-Identifier: MIT
/*
 * The admin console (mgr/ctl/admin.h, docs/control.md): cellctl's commands on
 * a terminal, answered by the control socket's own handler (ctl_run).
 */
#include "admin.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "mgr.h"
#include "termsafe.h"

#define PROMPT "cellar# "
#define LINES_PER_EVENT 16 /* then back to the event loop */

static const char dropped[] = "\n[admin console: output dropped: the line is too slow]\n";

/* Asks epoll for EPOLLOUT only while output waits. */
static void want_output(struct mgr *m, bool want)
{
	struct admin *a = &m->admin;
	if (a->want_out == want)
		return;
	if (loop_modify_fd(&m->loop, &a->w, EPOLLIN | (want ? EPOLLOUT : 0)) == 0)
		a->want_out = want;
}

/* Queues output; what does not fit is dropped, and says so. */
static void out(struct admin *a, const char *s, size_t len)
{
	size_t room;

	if (a->fd < 0 || len == 0)
		return;
	if (a->out_off > 0) {
		memmove(a->out, a->out + a->out_off, a->out_len - a->out_off);
		a->out_len -= a->out_off;
		a->out_off = 0;
	}
	room = sizeof(a->out) - a->out_len;
	if (len > room) {
		/* Keep the start of it, and room for the note. */
		size_t keep = room > sizeof(dropped) ? room - (sizeof(dropped) - 1) : 0;

		if (keep > len)
			keep = len;
		memcpy(a->out + a->out_len, s, keep);
		a->out_len += keep;
		room = sizeof(a->out) - a->out_len;
		if (room >= sizeof(dropped) - 1) {
			memcpy(a->out + a->out_len, dropped, sizeof(dropped) - 1);
			a->out_len += sizeof(dropped) - 1;
		}
		return;
	}
	memcpy(a->out + a->out_len, s, len);
	a->out_len += len;
}

static void out_str(struct admin *a, const char *s)
{
	out(a, s, strlen(s));
}

/* A reply, through the filter of mgr/util/termsafe.h: `log` carries the cell's
 * console bytes, `status` its STATUS= text.  The terminal turns \n into
 * CR LF itself (OPOST, ONLCR). */
static void out_safe(struct admin *a, const char *s, size_t len)
{
	char buf[TERMSAFE_OUT_MAX(1024)];
	struct termsafe t;

	termsafe_init(&t, false);
	while (len > 0) {
		size_t n = len < 1024 ? len : 1024;

		out(a, buf, termsafe_filter(&t, s, n, buf, sizeof(buf)));
		s += n;
		len -= n;
	}
	out(a, buf, termsafe_finish(&t, buf, sizeof(buf)));
}

static void close_console(struct mgr *m, const char *why)
{
	struct admin *a = &m->admin;

	if (a->fd < 0)
		return;
	if (why)
		log_warn("admin console %s: %s: closed", a->path, why);
	loop_remove_fd(&m->loop, &a->w);
	if (a->restore_termios)
		tcsetattr(a->fd, TCSANOW, &a->saved);
	close(a->fd);
	a->fd = -1;
	a->restore_termios = false;
	a->want_out = false;
	a->out_off = a->out_len = 0;
}

/* Writes what the terminal takes now; the rest waits for EPOLLOUT. */
static void flush(struct mgr *m)
{
	struct admin *a = &m->admin;

	while (a->fd >= 0 && a->out_off < a->out_len) {
		ssize_t n = write(a->fd, a->out + a->out_off, a->out_len - a->out_off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			/* EIO after a hang-up: nobody to tell. */
			a->out_off = a->out_len = 0;
			break;
		}
		a->out_off += (size_t)n;
	}
	if (a->fd < 0)
		return;
	if (a->out_off == a->out_len)
		a->out_off = a->out_len = 0;
	want_output(m, a->out_len > 0);
}

static void run_line(struct mgr *m, char *line)
{
	struct admin *a = &m->admin;
	struct admin_cmd cmd;
	const char *reply;
	size_t len;

	switch (admin_cmd_parse(line, &cmd)) {
	case ADMIN_EMPTY: break;
	case ADMIN_HELP: out_str(a, admin_cmd_help()); break;
	case ADMIN_REFUSE:
		out_str(a, "error: ");
		out_str(a, cmd.why);
		out_str(a, "\n");
		break;
	case ADMIN_RUN:
		/* Whoever holds the line controls the cells: leave a trace. */
		if (admin_cmd_changes(&cmd))
			log_info("admin console: %s%s%s", cmd.fields[0], cmd.n > 1 ? " " : "",
				 cmd.n > 1 ? cmd.fields[1] : "");
		reply = ctl_run(m, cmd.n, cmd.fields, &len);
		if (len >= 3 && memcmp(reply, "ok\n", 3) == 0) {
			reply += 3;
			len -= 3;
		}
		out_safe(a, reply, len);
		break;
	}
	out_str(a, PROMPT);
}

/* End of file on a terminal in canonical mode is Ctrl-D on an empty line,
 * unless the line hung up. */
static bool hung_up(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static void on_input(struct mgr *m)
{
	struct admin *a = &m->admin;
	char line[ADMIN_LINE_MAX + 2];

	for (int i = 0; i < LINES_PER_EVENT && a->fd >= 0; i++) {
		/* One line per read (canonical mode), or its first
		 * ADMIN_LINE_MAX + 1 bytes when it is longer. */
		ssize_t n = read(a->fd, line, ADMIN_LINE_MAX + 1);
		bool ended;

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			close_console(m, strerror(errno));
			return;
		}
		if (n == 0) {
			if (hung_up(a->fd)) {
				close_console(m, "hang-up");
				return;
			}
			out_str(a, "\n" PROMPT);
			continue;
		}
		/* A line ends with its newline; a shorter read without one
		 * was ended by Ctrl-D. */
		ended = line[n - 1] == '\n' || n <= ADMIN_LINE_MAX;
		if (!ended) {
			a->discarding = true;
			continue;
		}
		if (a->discarding) {
			a->discarding = false;
			out_str(a, "error: line too long (at most 512 bytes)\n" PROMPT);
			continue;
		}
		line[n] = '\0';
		run_line(m, line);
	}
}

static void on_event(struct loop_fd *w, uint32_t events, void *data)
{
	struct mgr *m = data;
	flush(m);
	on_input(m);
	flush(m);
}

/* The board's console is the cells' screen: never both. */
static bool is_own_console(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && fstat(STDIN_FILENO, &b) == 0 && S_ISCHR(a.st_mode) &&
	       S_ISCHR(b.st_mode) && a.st_rdev == b.st_rdev;
}

void admin_open(struct mgr *m)
{
	struct admin *a = &m->admin;
	struct termios t;
	int fd;

	a->fd = -1;
	loop_fd_init(&a->w);
	if (!m->cfg.host.admin_console[0])
		return;
	snprintf(a->path, sizeof(a->path), "%s", m->cfg.host.admin_console);
	fd = open(a->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		log_errno(neg_errno(), "admin console %s: not opened", a->path);
		return;
	}
	if (!isatty(fd) || is_own_console(fd)) {
		log_error("admin console %s: %s: not opened", a->path,
			  isatty(fd) ? "it is cellmgr's own console" : "not a terminal");
		close(fd);
		return;
	}
	if (tcgetattr(fd, &a->saved) < 0) {
		log_errno(neg_errno(), "admin console %s: not opened", a->path);
		close(fd);
		return;
	}
	/* Canonical mode with echo: the kernel edits the line (Backspace,
	 * Ctrl-U, Ctrl-W; Ctrl-C drops it, no process gets a signal: the
	 * terminal is nobody's controlling terminal).  No flow control, so
	 * a stray Ctrl-S cannot stop the output; CLOCAL, so the modem lines
	 * never hang it up.  Its speed stays what the driver set. */
	t = a->saved;
	t.c_iflag |= ICRNL;
	t.c_iflag &= ~(tcflag_t)(INLCR | IGNCR | IXON | IXOFF | ISTRIP);
	t.c_oflag |= OPOST | ONLCR;
	t.c_oflag &= ~(tcflag_t)(OCRNL | ONLRET | ONOCR);
	t.c_lflag |= ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | ISIG | IEXTEN;
	t.c_lflag &= ~(tcflag_t)(ECHONL | NOFLSH | TOSTOP);
	t.c_cflag |= CLOCAL | CREAD;
	if (tcsetattr(fd, TCSANOW, &t) < 0) {
		log_errno(neg_errno(), "admin console %s: not opened", a->path);
		close(fd);
		return;
	}
	/* What was typed before cellmgr listened is not a command. */
	tcflush(fd, TCIFLUSH);
	if (loop_add_fd(&m->loop, &a->w, fd, EPOLLIN, on_event, m) < 0) {
		tcsetattr(fd, TCSANOW, &a->saved);
		close(fd);
		return;
	}
	a->fd = fd;
	a->restore_termios = true;
	a->want_out = false;
	a->out_off = a->out_len = 0;
	a->discarding = false;
	log_info("admin console on %s: cellctl commands, no shell", a->path);
	out_str(
	    a,
	    "\ncellar admin console: cellctl commands only (no shell); help lists them\n" PROMPT);
	flush(m);
}

void admin_close(struct mgr *m)
{
	close_console(m, NULL);
}
