/* SPDX-License-Identifier: MIT */
/*
 * Starting a cell.
 *
 *  shim-to-be (cellmgr's child, shim.h)       child (the cell's init-to-be)
 *  -------------------------------------     -------------------------------
 *  loop device, console pty, sync socket
 *  unshare(NEWNS): a mount ns of the host's
 *  user ns, where it stays
 *  clone3(NEWUSER|NEWPID|NEWUTS|NEWIPC|
 *         NEWNET|NEWCGROUP|INTO_CGROUP|
 *         PIDFD)  ------------------------>  waits on the sync socket
 *  writes uid_map / gid_map, "m" -------->  becomes root of its user ns;
 *                                            a helper child makes proc,
 *                                            sysfs, cgroup2, devpts, mqueue,
 *  network                      <---------  shm (fsmount) and sends them
 *  builds the root (rootfs.h), attaches
 *  and masks the API file systems
 *  "g" + the root's dir fd  -------------->  fchdir, unshare(NEWNS): a
 *                                            locked copy; pivot_root,
 *                                            hostname, lo up, rlimits,
 *                                            bounding set, seccomp,
 *                                            execve(init)
 *
 * A failure in the child reaches cellmgr as one struct child_error through
 * a close-on-exec pipe; end of file on that pipe means the exec succeeded.
 */
#ifndef CELLAR_SPAWN_H
#define CELLAR_SPAWN_H

#include <stdint.h>
#include <sys/types.h>

#include "child_error.h"
#include "config.h"

struct seccomp_prog;
struct dev_bind;

struct spawn_params {
	const struct cell_config *cfg;
	const char *image;		    /* the image to start: cfg->image or an update's */
	const char *verity;		    /* its root hash (verity.h), or NULL */
	const char *state_dir;		    /* absolute */
	uint32_t id_base;		    /* host id of the cell's root (userns) */
	int cgroup_fd;			    /* the cell's cgroup, or -1 */
	const char *cgroup_path;	    /* ... its path: the shim removes it, or NULL */
	const struct seccomp_prog *seccomp; /* built once per configuration, or NULL */
	const struct dev_bind *devs;	    /* extra device nodes (VT, input) */
	unsigned n_devs;
};

struct spawned {
	pid_t pid;
	int pidfd;
	int errpipe; /* read end */
	int pty_master;
	int pty_slave;
	int notify;	  /* the cell's sd_notify socket (NOTIFY_SOCKET inside) */
	char reason[256]; /* on failure: "STEP: strerror" */
};

/* Starts the cell's init.  Returns 0 (the child may still fail: watch
 * errpipe) or a negative errno when the cell could not start: then
 * out->reason says why, and it has been logged as "cell NAME: reason". */
int spawn_cell(const struct spawn_params *sp, struct spawned *out);

#endif
