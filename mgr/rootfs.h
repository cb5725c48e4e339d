/* SPDX-License-Identifier: MIT */
/*
 * The cell's root filesystem, built by cellmgr from the host side.
 *
 * cellmgr enters the new cell's mount namespace (setns) and, with the
 * host's privileges, mounts there: a private tmpfs for staging, the image
 * read-only and idmapped to the cell's id range, the writable layer (tmpfs
 * or a persistent directory) owned by the cell's root, the overlay of the
 * two, and /dev.  Overlayfs mounted by the host's root over an idmapped
 * lower is what makes copy-up, whiteouts and directory renames work for a
 * user-namespaced cell (ENVIRONMENT.md).  Everything lives in the cell's
 * mount namespace only: it goes away with the cell.
 */
#ifndef CELLAR_ROOTFS_H
#define CELLAR_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "image.h"
#include "spawn.h"

/* A host device node the cell gets in its /dev (its VT, its input
 * devices): bind-mounted from the host side, like the others. */
struct dev_bind {
	char host[64]; /* "/dev/tty3" */
	char cell[64]; /* "tty1", "input/event0": relative to the cell's /dev */
};

#define CELL_DEV_BINDS_MAX 32

struct rootfs_plan {
	const char *workdir; /* <state>/cells/NAME: staging mount point */
	enum image_kind kind;
	const char *image;	     /* the image file or directory */
	const char *loopdev;	     /* for image files */
	const char *persist;	     /* the writable layer's directory, or "" */
	const char *console;	     /* the console pty's slave path on the host */
	const char *notify_path;     /* the cell's sd_notify socket on the host */
	const struct dev_bind *devs; /* extra device nodes */
	unsigned n_devs;
	int userns_fd;	/* the cell's user namespace, or -1 */
	uid_t root_uid; /* the cell's root as the host sees it */
	gid_t root_gid;
};

/* Runs in cellmgr while it is inside the cell's mount namespace.  Leaves
 * the root at <workdir>/root.  On error fills e. */
int rootfs_build(const struct rootfs_plan *p, struct child_error *e);

/* What the cell's init finds in $container and /run/host/container-manager
 * (systemd's container interface). */
#define ROOTFS_CONTAINER_MANAGER "cellar"
/* The most of the host's os-release that is copied. */
#define ROOTFS_OS_RELEASE_MAX 16384

/* Runs right after rootfs_build(), in the same place: the cell's /run (a
 * tmpfs owned by the cell's root, unless the image mounts something there
 * already: systemd mounts its own /run only when /run is not a mount point,
 * so a pre-mounted one survives its boot, as under systemd-nspawn) and
 * /run/host, systemd's container interface: a tiny tmpfs with
 * container-manager ("cellar"), os-release (the host's, when it has one)
 * and the notify socket (notify.h), read-only once filled.  root/run must
 * be a directory or missing, never a symlink (the cell owns its layer).
 * On error fills e. */
int rootfs_run_host(const struct rootfs_plan *p, struct child_error *e);

/* Child side, in the cell's namespaces, with the new root as its working
 * directory: mounts /proc (the host's sensitive files masked, /proc/sys
 * read-only but for net), /sys read-only, the cgroup2 tree (if
 * with_cgroup), devpts, shm and mqueue, then pivots into the new root and
 * detaches the old one. */
int rootfs_enter(bool with_cgroup, struct child_error *e);

#endif
