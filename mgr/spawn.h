/* SPDX-License-Identifier: MIT */
/*
 * Starting a cell: the parent prepares what needs host privileges outside
 * the cell (loop device, console pty), clones the cell's init into new
 * namespaces, and the child sets up the root filesystem and execs.
 *
 * A failure in the child reaches cellmgr as one struct child_error through
 * a close-on-exec pipe; end of file on that pipe means the exec succeeded.
 */
#ifndef CELLAR_SPAWN_H
#define CELLAR_SPAWN_H

#include <sys/types.h>

#include "config.h"

struct child_error {
	int err;         /* negative errno */
	char step[240];  /* "mount overlay on /run/cellar/cells/work/root" */
};

__attribute__((format(printf, 3, 4)))
int child_error_set(struct child_error *e, int err, const char *fmt, ...);

struct spawned {
	pid_t pid;
	int pidfd;
	int errpipe;     /* read end */
	int pty_master;
	int pty_slave;
};

/* Starts cfg's init.  Returns 0 (the child may still fail: watch errpipe)
 * or a negative errno, logged, when nothing was started. */
int spawn_cell(const struct cell_config *cfg, const char *state_dir, struct spawned *out);

#endif
