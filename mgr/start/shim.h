/* SPDX-License-Identifier: MIT */
/*
 * The cell's shim: the parent of each cell's init, so that the cell
 * outlives cellmgr (as conmon does for podman).
 *
 *   cellmgr ── shim (cellar-shim) ── cell's init
 *
 * cellmgr starts a child (in cellmgr's memory until its exec: see
 * shim_spawn.c) that starts the cell (spawn_cell), hands cellmgr the
 * cell's fds (console pty, notify socket, setup-error pipe), and then
 * execs the shim: it keeps the console pty and the notify socket open at
 * fds 3, 4 and 5, waits for the cell's init, removes the cell's cgroup tree
 * (cgroup_tree.h: the kernel takes some 20 us per cgroup, which cellmgr's
 * loop must not wait for), records how the cell ended in
 * <state>/cells/NAME.exit and ends the same way (same exit status, or
 * killed by the same signal), so that cellmgr's waitid() on the shim reads
 * the cell's end directly.  When cellmgr dies, the shims and the cells go
 * on; a new cellmgr finds them through <state>/cells/NAME.state, takes the
 * fds back with pidfd_getfd() and reads NAME.exit when a shim ends.
 */
#ifndef CELLAR_SHIM_H
#define CELLAR_SHIM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spawn.h"

/* The fds the shim keeps for a later cellmgr; and, until cellmgr has
 * recorded the cell, the socket its go-ahead comes on (shim_confirm). */
enum { SHIM_FD_PTY_MASTER = 3, SHIM_FD_PTY_SLAVE = 4, SHIM_FD_NOTIFY = 5, SHIM_FD_ACK = 6 };

/* Waits for cellmgr's go-ahead on ack (-1: none to wait for; end of file:
 * cellmgr died before it recorded the cell, which is killed), then for
 * the cell's init; removes cgroup_dir's tree (NULL: none), records the
 * end in exit_file and mirrors it.  Never returns. */
__attribute__((noreturn)) void shim_run(pid_t cell, int ack, const char *exit_file,
					const char *cgroup_dir);

/* Starts a cell under a shim.  out as spawn_cell(); *shim_pidfd is the
 * shim's pidfd (a child of the caller) and out->pidfd the cell's.  The
 * shim (already cellar-shim: its exec is not on the way) then waits for
 * shim_confirm(*ack), which the caller sends once
 * the cell is recorded (record_save): a caller that dies before kills the
 * cell instead of leaving it running unknown to any later cellmgr. */
int shim_spawn(const struct spawn_params *sp, const char *shim_exe, const char *exit_file,
	       struct spawned *out, pid_t *shim_pid, int *shim_pidfd, int *ack);

/* Lets the shim-to-be go on, and closes ack (-1: nothing to do). */
void shim_confirm(int ack);

/* Reads the end a shim recorded: CLD_EXITED/CLD_KILLED and the status or
 * signal, as waitid() reports them.  -ENOENT when there is none. */
int shim_read_exit(const char *exit_file, int *code, int *status);

/* Start time of a process in clock ticks since boot (/proc/PID/stat field
 * 22): with the pid, it names one process for good (no pid reuse). */
int proc_start_time(pid_t pid, uint64_t *ticks);

#endif
