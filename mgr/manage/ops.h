/* SPDX-License-Identifier: MIT */
/*
 * What a client may ask of cellmgr: the operations behind the control
 * socket (ctl.c) and the board's admin console.  Each returns 0 or a
 * negative errno and, on failure, a one-line message in err (no trailing
 * newline) that names the cell and what went wrong.  All of them return
 * at once: a start or stop that takes time goes on in the event loop, and
 * the cell's state says where it is.
 */
#ifndef CELLAR_OPS_H
#define CELLAR_OPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "attach.h"
#include "mgr.h"

struct cell *mgr_find_cell(struct mgr *m, const char *name);

/* Starts a cell that is not running (stopped, exited or failed). */
int mgr_start(struct mgr *m, struct cell *c, char *err, size_t errlen);

/* Stops a running cell with its stop signal, then SIGKILL after its
 * stop_timeout; it stays stopped whatever its restart policy says. */
int mgr_stop(struct mgr *m, struct cell *c, char *err, size_t errlen);

/* Stops it (if running) and starts it again once its init is gone. */
int mgr_restart(struct mgr *m, struct cell *c, char *err, size_t errlen);

/* Brings the cell to the foreground (the seat: screen, input, console).
 * On success err holds a note when there was no device to move (a host
 * without --board), else is left empty. */
int mgr_switch(struct mgr *m, struct cell *c, char *err, size_t errlen);

/* Re-reads the cell list.  A file with any error is refused whole: errors
 * gets every message, one per line, and nothing changes; so is a list
 * without a cell while cells run, unless allow_empty (-ECANCELED).  Else
 * new cells start, removed ones stop, a cell whose change is only in the
 * live keys (stop, restart, limits: docs/control.md) takes it running,
 * other changed ones restart. */
int mgr_reload(struct mgr *m, bool allow_empty, char *errors, size_t errlen);

/* Frees the cells a reload removed, once they are gone. */
void mgr_sweep(struct mgr *m);

/* The cell's live figures (cgroup_stat.h): from its cgroup; without
 * cgroup v2, memory is the sum of its processes' RSS.  All unknown when
 * it does not run. */
struct cgroup_stats;
void mgr_cell_stats(struct mgr *m, const struct cell *c, struct cgroup_stats *st);

/* A command to run in a cell (mgr_exec), and what it became. */
struct exec_spawn {
	enum attach_io io;	   /* in: pipes or a new pty */
	unsigned short rows, cols; /* in: ATTACH_PTY: the terminal's size */
	char *const *argv;	   /* in */
	unsigned n;		   /* in: tells concurrent commands apart */
	struct attach_started started;
	int cgroup_fd;			 /* its own cgroup (cgroup.h), or -1 without cgroups */
	char cgroup[CELL_NAME_MAX + 16]; /* that cgroup's name under cellar/ */
};

/*
 * Runs x->argv inside running cell c, like lxc-attach: its namespaces,
 * credentials (the cell's root), capability bounding set and seccomp
 * filter, in a cgroup of its own (cgroup_exec_create()), on pipes or a new
 * pty (attach.h).  Returns at once: on success x->started, x->cgroup_fd
 * and x->cgroup are the caller's to watch, reap and remove.
 */
int mgr_exec(struct mgr *m, struct cell *c, struct exec_spawn *x, char *err, size_t errlen);

#endif
