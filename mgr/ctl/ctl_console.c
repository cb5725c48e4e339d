// SPDX-License-Identifier: MIT
/*
 * cellctl console NAME (docs/control.md, "console"): a control connection
 * that shows the cell's console and types into it.  cellmgr stays the one
 * reader of the console pty (it keeps logging it) and relays: the output
 * goes to the client as it goes to the log, the client's keys are written
 * to the pty, and its window size is set on it.  No descriptor of the
 * client's terminal is ever passed on: the cell sees only its own pty.
 * One console client per cell: a second one takes it over.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"
#include "mgr.h"

/* What a console client may have queued in the kernel before it is
 * dropped (it does not read). */
#define CONSOLE_SNDBUF (256 * 1024)
#define CONSOLE_TAIL_LINES 24

static const char taken_over[] = "\r\n[cellar: this console was taken over by another cellctl]\r\n";

static void set_size(struct cell *c, unsigned rows, unsigned cols)
{
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};

	if (c->pty_master < 0 || !rows || !cols)
		return;
	if (ioctl(c->pty_master, TIOCSWINSZ, &ws) < 0)
		log_errno(neg_errno(), "cell %s: console: window size %ux%u", c->cfg.name, cols,
			  rows);
}

void ctl_console_start(struct mgr *m, struct ctl_client *cl, const struct ctl_request *req,
		       struct cell *c, struct ctl_buf *b)
{
	int sndbuf = CONSOLE_SNDBUF;

	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++) {
		struct ctl_client *o = &m->ctl_clients[i];

		if (o != cl && o->fd >= 0 && o->mode == CTL_CLIENT_CONSOLE && o->follow == c) {
			send(o->fd, taken_over, sizeof(taken_over) - 1,
			     MSG_NOSIGNAL | MSG_DONTWAIT);
			log_info("cell %s: console taken over by another client", c->cfg.name);
			ctl_client_close(m, o);
		}
	}
	setsockopt(cl->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	cl->mode = CTL_CLIENT_CONSOLE;
	cl->follow = c;
	set_size(c, req->rows, req->cols);
	ctl_buf_printf(b, "ok\n");
	b->len +=
	    ring_tail_lines(&c->console_log, CONSOLE_TAIL_LINES, b->buf + b->len, b->cap - b->len);
	log_info("cell %s: console attached (%ux%u)", c->cfg.name, req->cols, req->rows);
}

/* A message from the client: keys, or its new window size. */
static void on_message(struct ctl_client *cl, const char *buf, size_t n)
{
	struct cell *c = cl->follow;
	unsigned rows, cols;
	char size[32];

	if (n < 1 || !c)
		return;
	if (buf[0] == CTL_CONSOLE_INPUT) {
		/* A cell that does not read its console loses keys rather than
		 * stalling cellmgr: the master is non-blocking. */
		if (c->pty_master >= 0 && n > 1 && write(c->pty_master, buf + 1, n - 1) < 0 &&
		    errno != EAGAIN)
			log_errno(neg_errno(), "cell %s: console: write", c->cfg.name);
		return;
	}
	if (buf[0] == CTL_CONSOLE_SIZE && n - 1 < sizeof(size)) {
		memcpy(size, buf + 1, n - 1);
		size[n - 1] = '\0';
		/* NOLINTNEXTLINE(cert-err34-c): checked by the range below. */
		if (sscanf(size, "%u %u", &rows, &cols) == 2 && rows <= 65535 && cols <= 65535)
			set_size(c, rows, cols);
	}
	/* Anything else is dropped: a newer client may say more. */
}

bool ctl_console_input(struct mgr *m, struct ctl_client *cl)
{
	char buf[4096];
	ssize_t n;

	if (cl->mode != CTL_CLIENT_CONSOLE)
		return false;
	while ((n = recv(cl->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		on_message(cl, buf, (size_t)n);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		log_info("cell %s: console detached", cl->follow ? cl->follow->cfg.name : "?");
		ctl_client_close(m, cl);
	}
	return true;
}
