/* SPDX-License-Identifier: MIT */
/*
 * Per-cell cgroups on cgroup v2: MOUNT/cellar/NAME, with the cell's
 * resource limits, its device program, and the subtree delegated to the
 * cell's root so that the cell's own systemd manages its cgroups below
 * (the cell's cgroup namespace shows NAME as "/").
 *
 * On a hybrid host (v1 controllers, an empty cgroup2 at MOUNT/unified)
 * the cells' cgroups live in that cgroup2: no limits, but a delegated
 * subtree, cgroup.kill and the device program.  Without any cgroup v2 (a
 * v1 host), cells start without cgroups: cgroup_root_init() says so once,
 * and the other calls do nothing.
 */
#ifndef CELLAR_CGROUP_H
#define CELLAR_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "cgroup_stat.h"
#include "cgroup_tree.h"
#include "config.h"
#include "devprog.h"

/* Controllers cellar enables for the cells. */
enum {
	CGROUP_CPU = 1 << 0,
	CGROUP_IO = 1 << 1,
	CGROUP_MEMORY = 1 << 2,
	CGROUP_PIDS = 1 << 3,
};

struct cgroup_root {
	bool available;	      /* cgroup v2 and MOUNT/cellar are usable */
	bool hybrid;	      /* the cgroup2 is MOUNT/unified: no controllers */
	int fd;		      /* MOUNT/cellar, or -1 */
	int parent_fd;	      /* its parent, or -1 */
	char name[32];	      /* "cellar" or "cellar-HASH" */
	char path[PATH_MAX];  /* "/sys/fs/cgroup/cellar" */
	unsigned controllers; /* CGROUP_* enabled for the cells */
};

/* mount is where cgroups are mounted, "/sys/fs/cgroup": a cgroup2, or a
 * hybrid layout's tmpfs with the cgroup2 at MOUNT/unified.  Creates
 * MOUNT/cellar (MOUNT/unified/cellar) and enables cpu, io, memory and pids
 * (those the kernel offers) for it and below.  Returns 0 (root->available
 * tells whether cells get cgroups) or a negative errno, logged, when
 * cgroup v2 is there but cellar/ cannot be set up; root->available is then
 * false, and cells still start, without limits. */
int cgroup_root_init(struct cgroup_root *root, const char *mount);
/* The same for the cellmgr whose run-time state is state_dir (absolute):
 * the board's, /run/cellar, gets cellar/; any other gets cellar-HASH/
 * (FNV-1a of the path, 8 hex digits), so that two cellmgrs on one host
 * never share a cell's cgroup. */
int cgroup_root_init_for(struct cgroup_root *root, const char *mount, const char *state_dir);
/* Closes; removes a cellar-HASH/ directory that no cell uses any more. */
void cgroup_root_fini(struct cgroup_root *root);

/* Creates cellar/NAME (a leftover from a previous run is removed first if
 * it is empty; if it still has processes: -EBUSY), writes the limits the
 * cell sets (memory.max, memory.high, pids.max, cpu.weight, io.weight;
 * one whose controller is missing is skipped with a warning) and
 * cgroup.max.depth and cgroup.max.descendants (the cell's cgroups), attaches
 * dev (if not NULL) and hands the directory, cgroup.procs, cgroup.threads
 * and cgroup.subtree_control to owner_uid:owner_gid; the limit files stay
 * host root's.  *dirfd: the directory (O_RDONLY | O_CLOEXEC) for
 * clone3(CLONE_INTO_CGROUP), or -1 when cgroups are not available (and
 * 0 is returned).  Returns 0 or a negative errno, logged. */
int cgroup_cell_create(struct cgroup_root *root, const struct cell_config *cfg, uid_t owner_uid,
		       gid_t owner_gid, const struct devprog *dev, int *dirfd);

/* SIGKILLs every process in the cell's cgroup tree (cgroup.kill, Linux
 * 5.14+).  Returns 0 or a negative errno: -EOPNOTSUPP, not logged,
 * without cgroups; logged: -EOPNOTSUPP without cgroup.kill, -ENOENT when
 * the cgroup does not exist, others.  On -EOPNOTSUPP the caller kills the
 * cell's init instead, which ends its pid namespace. */
/* A reload's live change: writes cfg's limits (memory, memory_high, pids,
 * cpu_weight, io_weight, cgroups) to the running cell's cgroup, a limit no
 * longer set back to the kernel's default.  0 when cells have no cgroup. */
int cgroup_cell_update(struct cgroup_root *root, const struct cell_config *cfg);

int cgroup_cell_kill(struct cgroup_root *root, const char *name);

/* Removes cellar/NAME and every cgroup the cell made below it (at most its
 * cgroup.max.descendants: about 15-20 us each).  0 when it does not exist
 * or cgroups are not available; -EBUSY (logged) while a process is still
 * in it: call it after the cell's init was reaped.  A cell's shim removes
 * the tree itself when the cell ends (shim.h), so that cellmgr's call
 * normally finds nothing left. */
int cgroup_cell_remove(struct cgroup_root *root, const char *name);

/*
 * A command run by `cellctl exec` gets a cgroup of its own beside the
 * cell's: MOUNT/cellar/NAME.exec-N (a cell's name has no '.'), with the
 * cell's limits (a budget of its own) and the device programs attached to
 * the cell's cgroup (cell_fd, or -1 for none).  Outside the subtree
 * delegated to the cell and left host root's, so the cell can neither
 * move the command out of it (moving a process needs write access to the
 * cgroup.procs of the common ancestor, cellar/), nor freeze it, nor put
 * anything in it; cgroup.kill ends all the command left behind.
 * n tells concurrent commands apart (ctl.c's slot).  A leftover of the
 * same name (a cellmgr killed while the command ran) is killed and
 * removed first.  Returns 0 with *dirfd and name set, *dirfd -1 without
 * cgroups; or a negative errno, logged.
 */
#define CGROUP_EXEC_INFIX ".exec-"
int cgroup_exec_create(struct cgroup_root *root, const struct cell_config *cfg, unsigned n,
		       int cell_fd, char *name, size_t len, int *dirfd);
/* cgroup.kill in dirfd (the exec cgroup name).  0 or a negative errno,
 * logged. */
int cgroup_exec_kill(struct cgroup_root *root, int dirfd, const char *name);
/* rmdir of the exec cgroup name: -EBUSY (logged) while it has processes. */
int cgroup_exec_remove(struct cgroup_root *root, const char *name);
/* At start: kills and removes every exec cgroup a previous cellmgr left. */
void cgroup_exec_sweep(struct cgroup_root *root);

/* "populated" of an open cgroup.events (read at offset 0): 1, 0, or a
 * negative errno.  Reading it also re-arms its EPOLLPRI notification. */
int cgroup_populated(int events_fd);

/* The cell's live figures (cgroup_stat.h): those whose files its cgroup
 * has; the others, and all of them without cgroups or a cgroup, stay
 * CGROUP_STAT_UNKNOWN. */
void cgroup_cell_stats(const struct cgroup_root *root, const char *name, struct cgroup_stats *st);

/* Why some figures are unknown on this host, for `cellctl top` and
 * `list --json` ("figures"), or NULL when every one is there. */
const char *cgroup_stats_note(const struct cgroup_root *root);

#endif
