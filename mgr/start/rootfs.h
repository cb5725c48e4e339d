/* SPDX-License-Identifier: MIT */
/*
 * The cell's root filesystem, built by cellmgr from the host side.
 *
 * The cell's shim-to-be (shim.h) makes a mount namespace of its own, in
 * the host's user namespace, and with the host's privileges mounts there:
 * a private tmpfs for staging, the image read-only and idmapped to the
 * cell's id range, the writable layer (tmpfs or a persistent directory)
 * owned by the cell's root, the overlay of the two, /dev, /run, /run/host
 * and the API file systems the cell's child made for it.  Overlayfs
 * mounted by the host's root over an idmapped lower is what makes copy-up,
 * whiteouts and directory renames work for a user-namespaced cell
 * (ENVIRONMENT.md).  The cell's init then copies that namespace into one
 * of its own user namespace, which locks every mount in it.  The shim
 * stays in the namespace it built, so that cellmgr can bind devices into
 * the running cell's /dev from there (input hot-plug), never entering a
 * namespace the cell controls.
 *
 * Everything inside the overlay is the cell's: it is reached from
 * directory fds only (mountutil.h), never through a path string.
 */
#ifndef CELLAR_ROOTFS_H
#define CELLAR_ROOTFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "image.h"
#include "child_error.h"

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

/* The fds rootfs_build() leaves: the cell's root (the overlay) and its
 * /dev (the tmpfs mount), both O_PATH. */
struct rootfs_fds {
	int root;
	int dev;
};

/* Runs in the cell's shim-to-be, inside the mount namespace it made for
 * the cell (owned by the host's user namespace, so that the cell's copy of
 * it is locked: see spawn.h).  Leaves the root at <workdir>/root and its
 * fds in out (the caller closes them, also on error).  On error fills e. */
int rootfs_build(const struct rootfs_plan *p, struct rootfs_fds *out, struct child_error *e);

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
int rootfs_run_host(const struct rootfs_plan *p, int root, struct child_error *e);

/* The API file systems a full OS expects, in the order apifs_make() hands
 * them over.  They must be made by a process in the cell's namespaces (a
 * proc shows the pid namespace of its maker, a sysfs its network
 * namespace, an mqueue its ipc namespace). */
enum { APIFS_PROC, APIFS_SYS, APIFS_PTS, APIFS_MQUEUE, APIFS_SHM, APIFS_CGROUP, APIFS_N };

/* Child side, in a throwaway mount namespace of the cell's user namespace:
 * makes each of them as a detached mount (fsopen/fsmount); the cgroup2
 * only when with_cgroup (else fds[APIFS_CGROUP] is -1).  On error fills e
 * and closes what it made. */
int apifs_make(bool with_cgroup, int fds[APIFS_N], struct child_error *e);

/* The helper that makes them (apifs_helper.c): started by the cell's
 * child once it is root of its user namespace, in all of the cell's
 * namespaces but the mount namespace; it makes the API file systems and
 * sends them on sync (to apifs_receive()), then sets the cell's hostname,
 * brings lo up and sends how that went (to apifs_receive_names()).  It
 * shares the child's memory until it exits; returns its pid, reaped with
 * apifs_helper_reap() (as late as the exec: its exit takes a while).  On
 * error fills e. */
struct apifs_helper {
	const char *hostname;
	bool with_cgroup;
	int sync;
};
pid_t apifs_helper_start(const struct apifs_helper *h, struct child_error *e);
int apifs_helper_reap(pid_t pid, struct child_error *e);

/* Host side: the helper's API file systems, in fds[APIFS_N] (-1 where
 * none); its own error, if it had one, in e. */
int apifs_receive(int sock, int fds[APIFS_N], struct child_error *e);
/* Host side, then: the helper's hostname and lo, 0 or its error in e. */
int apifs_receive_names(int sock, struct child_error *e);

/* Host side, after rootfs_build(): attaches them in the cell's root (proc,
 * sys, sys/fs/cgroup, dev/pts, dev/mqueue, dev/shm), masks the host's
 * sensitive files in proc and sys, and makes /proc/sys read-only but for
 * net.  On error fills e. */
int apifs_attach(const struct rootfs_plan *p, const struct rootfs_fds *t, const int fds[APIFS_N],
		 struct child_error *e);

/* Child side, last: takes a copy of the mount namespace the root was built
 * in (which locks every mount of it: the cell's root cannot unmount or move
 * a mask), pivots into root (its directory fd, which the host side
 * opened) and detaches the old root. */
int rootfs_enter(int root, struct child_error *e);

#endif
