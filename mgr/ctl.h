/* SPDX-License-Identifier: MIT */
/*
 * cellmgr's side of the control socket (docs/control.md, mgr/ctl_proto.h):
 * a fixed table of connections, each non-blocking, each with a deadline
 * until it has sent its request.
 */
#ifndef CELLAR_CTL_H
#define CELLAR_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "cell.h"

struct mgr;

#define CTL_CLIENTS_MAX 16
#define CTL_REQUEST_TIMEOUT_MS 5000

enum ctl_client_mode {
	CTL_CLIENT_REQUEST, /* connected, its request not yet read */
	CTL_CLIENT_FOLLOW,  /* log -f: gets the cell's new console output */
	CTL_CLIENT_EXEC,    /* exec: gets the command's end */
};

/* A slot is free when both fd and exec_pidfd are -1: a command whose
 * client went away keeps its slot until it is reaped. */
struct ctl_client {
	int fd;
	struct watch w;
	enum ctl_client_mode mode;
	uint64_t deadline_ms; /* CTL_CLIENT_REQUEST: dropped after this */
	struct cell *follow;  /* CTL_CLIENT_FOLLOW */
	int exec_pidfd;	      /* CTL_CLIENT_EXEC: the command, or -1 */
	struct watch w_exec;
};

int ctl_listen(struct mgr *m);
void ctl_close(struct mgr *m);

/* Event loop: WATCH_CTL_LISTEN, WATCH_CTL_CLIENT, WATCH_CTL_EXEC. */
void ctl_on_connection(struct mgr *m);
void ctl_on_request(struct mgr *m, struct ctl_client *cl);
void ctl_on_exec_exit(struct mgr *m, struct ctl_client *cl);

/* Drops clients that sent no request in time; returns ms until the next
 * deadline, or -1 when there is none. */
int ctl_check_timeouts(struct mgr *m, uint64_t now);

/* New console output of cell c, for the clients that follow its log. */
void ctl_on_console_output(struct mgr *m, struct cell *c, const char *buf, size_t len);

/*
 * Runs one request through the control socket's handler for another front
 * end (the admin console, admin.c): every command but exec and log follow,
 * which need a socket connection and are refused.  fields[0] is the
 * command, the rest its arguments as the protocol has them ("json", not
 * "--json").  Returns the reply exactly as the socket would send it: "ok\n"
 * and the output, or "error: TEXT\n" lines; *len is its length.  It is not
 * NUL-terminated and lives in ctl.c's one reply buffer until the next
 * request.
 */
const char *ctl_run(struct mgr *m, unsigned n, const char *const fields[], size_t *len);

/* A cell is about to be freed: drop every reference a client holds. */
void ctl_forget_cell(struct mgr *m, struct cell *c);

/* ctl_list.c: the replies to list and status. */
struct ctl_buf;
void ctl_list_text(struct mgr *m, struct ctl_buf *b);
void ctl_list_json(struct mgr *m, struct ctl_buf *b);
void ctl_status_text(struct mgr *m, struct cell *c, struct ctl_buf *b);
void ctl_status_json(struct mgr *m, struct cell *c, struct ctl_buf *b);

#endif
