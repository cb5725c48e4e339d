/* SPDX-License-Identifier: MIT */
/*
 * cellmgr --once NAME: one cell of the list, in the foreground.
 *
 * The cell starts through cell_start(), as under supervision (shim,
 * spawn, root, id range, cgroup, seccomp), with its restart policy forced
 * to `never`; its console goes to cellmgr's stdout, cellmgr's log to
 * stderr.  When its init ends, cellmgr exits with the init's exit status,
 * or 128+N when a signal N killed it.  SIGTERM or SIGINT stop the cell
 * with its stop signal first, as for a supervised cell.
 *
 * Beside a running cellmgr: no control socket, and the run-time state
 * (console log, staging directory, notify socket, state record) goes to a
 * private directory <state-dir>/once-NAME.XXXXXX, removed at the end, so
 * that no cellmgr takes the cell for one of its own.  A cell that a
 * cellmgr of the same state directory runs is refused (the two would
 * share its cgroup, veth and persistent layer).  The id range comes from
 * the data directory, as for every start: the cell keeps its ids.
 */
#ifndef CELLAR_ONCE_H
#define CELLAR_ONCE_H

#include "mgr.h"

/* The exit status when the cell could not be run at all: the cell list
 * has errors, no such cell, or its setup failed before its init ran
 * (the reason is logged).  As `docker run` and `podman run` do. */
#define ONCE_EXIT_ERROR 125

/* After setup(): runs m->once_name; returns cellmgr's exit status. */
int once_run(struct mgr *m);

/* The once cell's console output: to stdout. */
void once_output(const char *buf, size_t len);

#endif
