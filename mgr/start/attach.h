/* SPDX-License-Identifier: MIT */
/*
 * Running a command inside a running cell (like lxc-attach or nsenter).
 *
 *  cellmgr                                    the command-to-be
 *  -------------------------------------      -------------------------------
 *  refuses a cell whose init is frozen
 *  pipes (ATTACH_PIPES), a socket pair for
 *  the setup reports
 *  setns(cell, CLONE_NEWPID): only for
 *  the children it makes from now on
 *  clone3(PIDFD|INTO_CGROUP)  ------------->  born in the cell's pid namespace
 *  setns() back to its own pid namespace      and the command's own cgroup;
 *  returns: the loop watches the setup        not dumpable; pipes on 0-2,
 *  socket and the pidfd                       setsid, setns(cell, USER|MNT|
 *                                             UTS|IPC|NET|CGROUP), chdir /,
 *                                             root of the cell; ATTACH_PTY:
 *                                             a new pty from the cell's
 *                                             /dev/ptmx, its master sent to
 *                                             cellmgr, the slave on 0-2 as
 *                                             the controlling terminal;
 *                                             rlimits, bounding set,
 *                                             seccomp, execve on the cell's
 *                                             PATH
 *  end of file on the setup socket: the
 *  exec happened (attach_read_setup)
 *
 * There is no intermediate process: cellmgr (single-threaded) moves only
 * its pid_for_children into the cell for the one clone3 and comes back, so
 * the command is cellmgr's own child, born inside the cell's pid namespace,
 * and its pidfd is cellmgr's.  cellmgr never waits for it: the setup
 * reports and the exit come through the event loop (ctl_exec.c).
 *
 * No descriptor of the client's reaches the command: it gets pipes cellmgr
 * made or a pty of the cell's own devpts, and the other ends go to the
 * client, which relays them (docs/control.md, "exec").
 *
 * Cgroup: the command is born in a cgroup of its own that cellmgr made
 * beside the cell's, outside the subtree delegated to the cell
 * (cgroup_exec_create()): the cell cannot move it, freeze it or put
 * anything else in it, and cgroup.kill there ends everything the command
 * left behind.
 */
#ifndef CELLAR_ATTACH_H
#define CELLAR_ATTACH_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "spawn.h"

struct seccomp_prog;

enum attach_io {
	ATTACH_PIPES, /* stdin, stdout, stderr: three pipes */
	ATTACH_PTY,   /* a new pty of the cell's, its slave on 0-2 */
};

struct attach_request {
	pid_t cell_pid;			    /* the cell's init, in cellmgr's pid namespace */
	int cell_pidfd;			    /* its pidfd */
	const struct cell_config *cfg;	    /* caps_keep/caps_drop, rlimits */
	int cell_cgroup_fd;		    /* the cell's cgroup directory, or -1 */
	int cgroup_fd;			    /* the command's own cgroup, or -1 */
	const struct seccomp_prog *seccomp; /* the cells' filter, or NULL */
	enum attach_io io;
	unsigned short rows, cols; /* ATTACH_PTY: the terminal's size (0: unknown) */
	char *const *argv;	   /* argv[0]: a path, or a name looked up on PATH */
	char *const *envp;	   /* NULL: PATH, TERM, HOME=/root, container=cellar */
};

struct attach_started {
	int pidfd;	   /* the command (close-on-exec) */
	int setup_fd;	   /* its setup reports until exec: attach_read_setup() */
	int client_fds[3]; /* ATTACH_PIPES: stdin's write end, stdout's and
			    * stderr's read ends, for the client; else -1 */
};

/*
 * Starts argv inside the cell as its root, with the cell's namespaces,
 * root directory, capability bounding set, rlimits and seccomp filter, in
 * the cgroup rq->cgroup_fd; its working directory is the cell's "/".
 * Never waits for the command.
 *
 * Returns 0 with *out filled: the caller watches out->setup_fd (until end
 * of file) and out->pidfd, and reaps with waitid(P_PIDFD).  Or a negative
 * errno with a one-line reason in err, such as "the cell's init is frozen
 * (cgroup /x)"; then no process is left.
 */
int attach_spawn(const struct attach_request *rq, struct attach_started *out, char *err,
		 size_t errlen);

/*
 * Reads the setup reports waiting on fd (non-blocking).  Returns 1 when
 * more may come; 0 at end of file: the command exec'd (or died: its pidfd
 * says how); or its setup's error (< 0) with e set ("exec ps: No such
 * file or directory").  A pty master it sent is stored in *pty_master
 * (close-on-exec), which the caller initialises to -1.
 */
int attach_read_setup(int fd, int *pty_master, struct child_error *e);

#endif
