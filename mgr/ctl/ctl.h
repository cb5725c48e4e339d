/* SPDX-License-Identifier: MIT */
/*
 * cellmgr's side of the control socket (docs/control.md, mgr/proto/ctl_proto.h):
 * a fixed table of connections, each non-blocking, each with a deadline
 * until it has sent its request.
 */
#ifndef CELLAR_CTL_H
#define CELLAR_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "cell.h"
#include "loop.h"

struct mgr;

#define CTL_CLIENTS_MAX 16
#define CTL_REQUEST_TIMEOUT_MS 5000

enum ctl_client_mode {
	CTL_CLIENT_REQUEST, /* connected, its request not yet read */
	CTL_CLIENT_FOLLOW,  /* log -f: gets the cell's new console output */
	CTL_CLIENT_EXEC,    /* exec: gets the command's end */
	CTL_CLIENT_CONSOLE, /* console: the cell's output out, keys in (ctl_console.c) */
};

/* After an exec'd command has ended and its cgroup was killed: how long
 * the client's status waits for the cgroup to empty. */
#define CTL_EXEC_END_GRACE_MS 2000

/* The command of an exec connection (ctl_exec.c), from its start until it
 * is reaped and its cgroup removed: a command whose client went away keeps
 * its slot until then. */
struct ctl_exec {
	bool active;
	bool ended;    /* reaped: code, signaled */
	bool killed;   /* its cgroup's cgroup.kill written */
	bool signaled; /* ended by signal code, else exited with status code */
	int code;
	int pidfd; /* until reaped, or -1 */
	struct loop_fd w_pid;
	int setup_fd; /* its setup reports, until its exec, or -1 */
	struct loop_fd w_setup;
	int cgroup_fd; /* its own cgroup, or -1 */
	int events_fd; /* that cgroup's cgroup.events once it was killed, or -1 */
	struct loop_fd w_events;
	struct loop_timer t_end; /* once killed: the status goes out then */
	bool pty;
	int client_fds[3]; /* for the client's "ok": the pty master, or the pipes' ends */
	char cell[CELL_NAME_MAX + 1];
	char cgroup[CELL_NAME_MAX + 16];
};

/* A slot is free when fd is -1 and no exec is active. */
struct ctl_client {
	int fd;
	struct loop_fd w;
	enum ctl_client_mode mode;
	struct loop_timer t_request; /* CTL_CLIENT_REQUEST: dropped then */
	struct cell *follow;	     /* CTL_CLIENT_FOLLOW, CTL_CLIENT_CONSOLE */
	struct ctl_exec exec;	     /* CTL_CLIENT_EXEC, and after its client left */
};

int ctl_listen(struct mgr *m);
void ctl_close(struct mgr *m);

/* Ends the connection (not its command, if any). */
void ctl_client_close(struct mgr *m, struct ctl_client *cl);

/* ctl_exec.c: an exec connection's command.  ctl_exec_start() answers
 * the request (decoded into req, for cell c) itself. */
struct ctl_request;
void ctl_exec_init(struct mgr *m, struct ctl_exec *x);
void ctl_exec_start(struct mgr *m, struct ctl_client *cl, const struct ctl_request *req,
		    struct cell *c);
/* The client hung up: the command and all it started are killed. */
void ctl_exec_hangup(struct mgr *m, struct ctl_client *cl);
/* cellmgr exits: kills the command and all it started, forgets it. */
void ctl_exec_abandon(struct mgr *m, struct ctl_client *cl);

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

/* ctl_console.c: a console connection for cell c (its reply, "ok" and
 * the console's last lines, into b); its messages, read from the loop
 * (false when cl is no console client). */
struct ctl_buf;
void ctl_console_start(struct mgr *m, struct ctl_client *cl, const struct ctl_request *req,
		       struct cell *c, struct ctl_buf *b);
bool ctl_console_input(struct mgr *m, struct ctl_client *cl);

/* A cell is about to be freed: drop every reference a client holds. */
void ctl_forget_cell(struct mgr *m, struct cell *c);

/* ctl_list.c: the replies to list and status. */
struct ctl_buf;
void ctl_list_text(struct mgr *m, struct ctl_buf *b);
void ctl_list_json(struct mgr *m, struct ctl_buf *b);
void ctl_status_text(struct mgr *m, struct cell *c, struct ctl_buf *b);
void ctl_status_json(struct mgr *m, struct cell *c, struct ctl_buf *b);
/* "no cell 'wrok' (did you mean 'work'?)", the suggestion when one of
 * the cells' names is close. */
void ctl_no_cell_text(struct mgr *m, const char *name, char *text, size_t len);

#endif
