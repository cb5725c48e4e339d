// SPDX-License-Identifier: MIT
/*
 * The API file systems of the cell's root (rootfs.h): made by the cell's
 * child so that they belong to its namespaces (its proc shows its pid
 * namespace, its sysfs its network namespace, its devpts and mqueue are
 * its own), attached and masked by the host side, then entered.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "mountutil.h"
#include "rootfs.h"

#define SAFE (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/*
 * Host-wide information a cell has no business reading, hidden as Docker
 * does (its "masked paths"): files under an empty read-only bind of
 * /dev/null, directories under an empty read-only tmpfs.  The kernel's own
 * permission checks are the wall (a cell's root has no capability outside
 * its user namespace); the masks are a second one, and they are locked:
 * made in a mount namespace of the host's user namespace, of which the
 * cell only gets a copy, they cannot be unmounted or moved from inside
 * (and a fresh proc or sysfs, which would show what they hide, cannot be
 * mounted while the only one visible is masked).
 */
static const char *const masked_proc_files[] = {
    "kcore",	     "keys",	 "timer_list", "sched_debug", "latency_stats",
    "sysrq-trigger", "kallsyms", "kmsg",       "config.gz",
};
static const char *const masked_proc_dirs[] = {"acpi", "scsi", "asound", "fs/nfsd"};
static const char *const masked_sys_dirs[] = {"firmware", "kernel/debug", "kernel/tracing",
					      "kernel/security"};

int apifs_make(bool with_cgroup, int fds[APIFS_N], struct child_error *e)
{
	static const struct {
		const char *type, *opts;
		unsigned attr;
	} fs[APIFS_N] = {
	    [APIFS_PROC] = {"proc", NULL, SAFE},
	    [APIFS_SYS] = {"sysfs", NULL, SAFE | MOUNT_ATTR_RDONLY},
	    [APIFS_PTS] = {"devpts", "newinstance,ptmxmode=0666,mode=0620",
			   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC},
	    [APIFS_MQUEUE] = {"mqueue", NULL, SAFE},
	    [APIFS_SHM] = {"tmpfs", "mode=1777", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV},
	    /* The cgroup namespace shows the cell's own cgroup as the root;
	     * it is delegated, so systemd can manage its subtree. */
	    [APIFS_CGROUP] = {"cgroup2", NULL, SAFE},
	};
	int i;

	for (i = 0; i < APIFS_N; i++)
		fds[i] = -1;
	/* fsopen() needs a mount namespace of the caller's user namespace. */
	if (unshare(CLONE_NEWNS) < 0)
		return child_error_set(e, neg_errno(), "unshare the mount namespace");
	for (i = 0; i < APIFS_N; i++) {
		if (i == APIFS_CGROUP && !with_cgroup)
			continue;
		fds[i] = fs_new(fs[i].type, fs[i].opts, fs[i].attr);
		if (fds[i] < 0) {
			int r = child_error_set(e, fds[i], "make a %s", fs[i].type);

			while (i-- > 0)
				if (fds[i] >= 0)
					close(fds[i]);
			for (i = 0; i < APIFS_N; i++)
				fds[i] = -1;
			return r;
		}
	}
	return 0;
}

/* A new empty mask: a read-only bind of /dev/null for a file (nodev: not
 * even a usable device), a read-only empty tmpfs for a directory.  (A
 * detached mount cannot be cloned on Linux 6.1: one each.) */
static int mask_new(bool dir)
{
	if (dir)
		return fs_new("tmpfs", "size=0,mode=0555", SAFE | MOUNT_ATTR_RDONLY);
	return tree_clone(AT_FDCWD, "/dev/null", false, SAFE | MOUNT_ATTR_RDONLY, 0, false);
}

/* Masks each of dir/names (those missing, or of the other kind, are left
 * alone). */
static int mask(int dir, const char *const *names, size_t n, bool want_dir, const char *where,
		struct child_error *e)
{
	struct stat st;

	for (size_t i = 0; i < n; i++) {
		int tree, r;

		if (fstatat(dir, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    S_ISDIR(st.st_mode) != want_dir)
			continue;
		tree = mask_new(want_dir);
		if (tree < 0)
			return child_error_set(e, tree, "a mask for %s/%s", where, names[i]);
		r = mount_beneath(e, tree, dir, names[i], "a mask");
		close(tree);
		if (r < 0)
			return child_error_set(e, r, "mask %s/%s", where, names[i]);
	}
	return 0;
}

/* /proc/sys read-only, but for the cell's own network namespace's knobs. */
static int proc_sys_read_only(int proc, struct child_error *e)
{
	int ro, net, r;

	ro = tree_clone(proc, "sys", true, SAFE | MOUNT_ATTR_RDONLY, 0, false);
	if (ro < 0)
		return child_error_set(e, ro, "bind /proc/sys");
	r = mount_beneath(e, ro, proc, "sys", "/proc/sys read-only");
	close(ro);
	if (r < 0)
		return r;
	net = tree_clone(proc, "sys/net", true, SAFE, MOUNT_ATTR_RDONLY, false);
	if (net < 0)
		return child_error_set(e, net, "bind /proc/sys/net");
	r = mount_beneath(e, net, proc, "sys/net", "/proc/sys/net read-write");
	close(net);
	return r;
}

/* Attaches fs on root/name (a directory of the cell's, made if missing). */
static int attach_dir(const struct rootfs_plan *p, int fs, int root, const char *name,
		      struct child_error *e)
{
	int dir = dir_make_beneath(root, name, 0555, p->root_uid, p->root_gid), r;

	if (dir < 0)
		return child_error_set(e, dir, "/%s in the cell's root (must be a directory)",
				       name);
	r = mount_on_fd(fs, dir);
	close(dir);
	return r < 0 ? child_error_set(e, r, "mount /%s", name) : 0;
}

static int masks(int proc, int sys, struct child_error *e)
{
	int r;

	r = mask(proc, masked_proc_files, sizeof(masked_proc_files) / sizeof(masked_proc_files[0]),
		 false, "/proc", e);
	if (r == 0)
		r = mask(proc, masked_proc_dirs,
			 sizeof(masked_proc_dirs) / sizeof(masked_proc_dirs[0]), true, "/proc", e);
	if (r == 0)
		r = mask(sys, masked_sys_dirs, sizeof(masked_sys_dirs) / sizeof(masked_sys_dirs[0]),
			 true, "/sys", e);
	return r;
}

int apifs_attach(const struct rootfs_plan *p, const struct rootfs_fds *t, const int fds[APIFS_N],
		 struct child_error *e)
{
	int r;

	if ((r = attach_dir(p, fds[APIFS_PROC], t->root, "proc", e)) < 0 ||
	    (r = proc_sys_read_only(fds[APIFS_PROC], e)) < 0 ||
	    (r = attach_dir(p, fds[APIFS_SYS], t->root, "sys", e)) < 0)
		return r;
	if (fds[APIFS_CGROUP] >= 0 &&
	    (r = mount_beneath(e, fds[APIFS_CGROUP], fds[APIFS_SYS], "fs/cgroup", "cgroup2")) < 0)
		return r;
	if ((r = masks(fds[APIFS_PROC], fds[APIFS_SYS], e)) < 0)
		return r;
	if ((r = mount_beneath(e, fds[APIFS_PTS], t->dev, "pts", "devpts")) < 0 ||
	    (r = mount_beneath(e, fds[APIFS_SHM], t->dev, "shm", "/dev/shm")) < 0 ||
	    (r = mount_beneath(e, fds[APIFS_MQUEUE], t->dev, "mqueue", "mqueue")) < 0)
		return r;
	return 0;
}
