// SPDX-License-Identifier: MIT
/*
 * Child side of the cell's root (rootfs.h): the API filesystems a full OS
 * expects, mounted by the cell's init itself so that they belong to its
 * namespaces (its proc shows its pid namespace, its sysfs its network
 * namespace, its devpts and mqueue are its own), then pivot_root.
 *
 * Paths are relative: the child's working directory is the new root, which
 * cellmgr handed over as a directory fd (the staging path above it is
 * closed to the cell's ids).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "mountutil.h"
#include "rootfs.h"

/*
 * Host-wide information a cell has no business reading, hidden as Docker
 * does (its "masked paths"): files under an empty read-only bind of
 * /dev/null, directories under an empty read-only tmpfs.  The kernel's own
 * permission checks are the wall (a cell's root has no capability outside
 * its user namespace); the masks are a second one.
 */
static const char *const masked_files[] = {
    "proc/kcore",	"proc/keys",	      "proc/timer_list",
    "proc/sched_debug", "proc/latency_stats", "proc/sysrq-trigger",
    "proc/kallsyms",	"proc/kmsg",	      "proc/config.gz",
};
static const char *const masked_dirs[] = {
    "proc/acpi",    "proc/scsi",	"proc/asound",	      "proc/fs/nfsd",
    "sys/firmware", "sys/kernel/debug", "sys/kernel/tracing", "sys/kernel/security",
};

static int mkdir_if_missing(const char *path, mode_t mode, struct child_error *e)
{
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	return child_error_set(e, neg_errno(), "mkdir /%s", path);
}

static int mask_paths(struct child_error *e)
{
	struct stat st;
	size_t i;
	int r;

	for (i = 0; i < sizeof(masked_files) / sizeof(masked_files[0]); i++) {
		if (lstat(masked_files[i], &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		/* nodev on the bind: the mask is not even a usable device. */
		if ((r = do_mount(e, "dev/null", masked_files[i], NULL, MS_BIND, NULL)) < 0 ||
		    (r = do_mount(e, NULL, masked_files[i], NULL,
				  MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
				      MS_NOEXEC,
				  NULL)) < 0)
			return r;
	}
	for (i = 0; i < sizeof(masked_dirs) / sizeof(masked_dirs[0]); i++) {
		if (lstat(masked_dirs[i], &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		r = do_mount(e, "tmpfs", masked_dirs[i], "tmpfs",
			     MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0555");
		if (r < 0)
			return r;
	}
	return 0;
}

/* /proc/sys read-only, but for the cell's own network namespace's knobs. */
static int proc_sys_read_only(struct child_error *e)
{
	int r;

	if ((r = do_mount(e, "proc/sys", "proc/sys", NULL, MS_BIND | MS_REC, NULL)) < 0 ||
	    (r = do_mount(e, NULL, "proc/sys", NULL,
			  MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  NULL)) < 0)
		return r;
	if ((r = do_mount(e, "proc/sys/net", "proc/sys/net", NULL, MS_BIND | MS_REC, NULL)) < 0)
		return r;
	return do_mount(e, NULL, "proc/sys/net", NULL,
			MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

int rootfs_enter(bool with_cgroup, struct child_error *e)
{
	const unsigned long safe = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	int r;

	/* proc and sysfs are mounted while the old root is still attached:
	 * the kernel allows a new instance only where a full one is visible. */
	if ((r = mkdir_if_missing("proc", 0555, e)) < 0 ||
	    (r = do_mount(e, "proc", "proc", "proc", safe, NULL)) < 0 ||
	    (r = proc_sys_read_only(e)) < 0)
		return r;
	if ((r = mkdir_if_missing("sys", 0555, e)) < 0 ||
	    (r = do_mount(e, "sysfs", "sys", "sysfs", safe | MS_RDONLY, NULL)) < 0)
		return r;
	if (with_cgroup) {
		/* The cgroup namespace shows the cell's own cgroup as the root;
		 * it is delegated, so systemd can manage its subtree. */
		if ((r = do_mount(e, "cgroup2", "sys/fs/cgroup", "cgroup2", safe, NULL)) < 0)
			return r;
	}
	if ((r = mask_paths(e)) < 0)
		return r;
	if ((r = do_mount(e, "devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
			  "newinstance,ptmxmode=0666,mode=0620")) < 0 ||
	    (r = do_mount(e, "shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")) < 0 ||
	    (r = do_mount(e, "mqueue", "dev/mqueue", "mqueue", safe, NULL)) < 0)
		return r;
	/* pivot_root(".", ".") stacks the old root under the new one; the
	 * lazy unmount then detaches it, and nothing of the host remains. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return child_error_set(e, neg_errno(), "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return child_error_set(e, neg_errno(), "detach the old root");
	if (chdir("/") < 0)
		return child_error_set(e, neg_errno(), "chdir /");
	return 0;
}
