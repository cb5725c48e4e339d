/* SPDX-License-Identifier: MIT */
/*
 * Running a command inside a running cell (like lxc-attach or nsenter).
 *
 *  cellmgr                                    the command-to-be
 *  -------------------------------------      -------------------------------
 *  the cgroup of the cell's init (read in
 *  the cell's cgroup namespace)
 *  setns(cell, CLONE_NEWPID): only for
 *  the children it makes from now on
 *  clone3(PIDFD|INTO_CGROUP)  ------------->  born in the cell's pid namespace
 *  setns() back to its own pid namespace      and cgroup; not dumpable;
 *                                             fds 0-2, setsid, setns(cell,
 *                                             USER|MNT|UTS|IPC|NET|CGROUP),
 *                                             chdir /, root of the cell,
 *                                             rlimits, bounding set, seccomp,
 *                                             execve on the cell's PATH
 *  waits (at most ATTACH_SETUP_TIMEOUT_MS)
 *  for the error pipe's end of file
 *
 * There is no intermediate process: cellmgr (single-threaded) moves only
 * its pid_for_children into the cell for the one clone3 and comes back, so
 * the command is cellmgr's own child, born inside the cell's pid namespace
 * and cgroup, and its pidfd is cellmgr's.
 *
 * Cgroup: the command joins the cgroup of the cell's init, as the cell's
 * own cgroup namespace shows it (/proc/PID/cgroup read from inside that
 * namespace), below the cell's cgroup.  The cell's top cgroup is not used
 * when its init has left it: a systemd cell moves itself to /init.scope
 * and enables controllers in the top's cgroup.subtree_control, after which
 * the kernel refuses processes there (EBUSY, "no internal processes").
 * The init's cgroup always takes processes, carries the cell's limits, and
 * creating a cgroup of cellmgr's own inside the subtree the cell's systemd
 * manages would step on it.
 */
#ifndef CELLAR_ATTACH_H
#define CELLAR_ATTACH_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"

struct seccomp_prog;

/* How long cellmgr waits for the command's setup (namespaces, credentials,
 * exec).  A cell can make exec hang (a FUSE mount of its own on the
 * command's path); after this the command is taken as started and a late
 * failure shows only as its exit status 127. */
#define ATTACH_SETUP_TIMEOUT_MS 5000

struct attach_request {
	pid_t cell_pid;			    /* the cell's init, in cellmgr's pid namespace */
	int cell_pidfd;			    /* its pidfd */
	const struct cell_config *cfg;	    /* caps_keep/caps_drop, rlimits */
	int cgroup_fd;			    /* the cell's cgroup directory, or -1 */
	const struct seccomp_prog *seccomp; /* the cells' filter, or NULL */
	const int *fds;			    /* stdin, stdout, stderr for the command */
	char *const *argv;		    /* argv[0]: a path, or a name looked up on PATH */
	char *const *envp;		    /* NULL: PATH, TERM, HOME=/root, container=cellar */
};

/*
 * Starts argv inside the cell as its root, with the cell's namespaces,
 * cgroup (see above), root directory, capability bounding set, rlimits and
 * seccomp filter; the command's working directory is the cell's "/".
 * rq->fds stay open: the caller closes them.
 *
 * Returns 0 with *pidfd set (close-on-exec): the command runs, and the
 * caller reaps it with waitid(P_PIDFD).  Or a negative errno with a
 * one-line "STEP: strerror" in err, such as "exec ps: No such file or
 * directory" (the caller names the cell); then no process is left.
 * Child-side failures are not logged here: they are the client's to see.
 */
int attach_spawn(const struct attach_request *rq, int *pidfd, char *err, size_t errlen);

#endif
