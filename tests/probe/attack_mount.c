/* Mounts.  Every attempt runs in a child that first moves to a private copy
 * of the mount namespace (all mounts slaves), so nothing it mounts can reach
 * another namespace; anything that worked is unmounted anyway.
 *
 * What is an escape here: flipping a read-only mount read-write, mounting a
 * block device (a host file system), or a fresh proc/sysfs that bypasses the
 * read-only or masked views the cell was given.  A tmpfs mount inside the
 * cell's own user namespace is allowed and reported for completeness. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "probe.h"

int mount_private_ns(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return -errno;
	return 0;
}

static const char *mount_target(void)
{
	struct stat st;

	if (stat("/mnt", &st) == 0 && S_ISDIR(st.st_mode))
		return "/mnt";
	return probe_tmpdir();
}

struct fs_spec {
	const char *source;
	const char *fstype;
	const char *data;
};

static void attack_mount_fs(const struct probe *p, const void *arg, struct outcome *o)
{
	const struct fs_spec *fs = arg;
	const char *target = mount_target();

	mount_private_ns();
	if (mount(fs->source, target, fs->fstype, MS_NOSUID | MS_NODEV | MS_NOEXEC, fs->data) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, "on=%s", target);
	umount2(target, MNT_DETACH);
}

static void attack_mount_blockdev(const struct probe *p, const void *arg, struct outcome *o)
{
	static const char *const types[] = {"ext4", "erofs", "squashfs", "vfat"};
	const char *target = mount_target();
	char dev[128];
	int err = 0;

	if (dev_find_block(dev, sizeof(dev)) < 0) {
		outcome_skipped(o, "no-block-device");
		return;
	}
	mount_private_ns();
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (mount(dev, target, types[i], MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  NULL) == 0) {
			outcome_ok(o, "%s:%s", dev, types[i]);
			umount2(target, MNT_DETACH);
			return;
		}
		err = errno;
		if (err == EPERM || err == EACCES || err == ENOSYS)
			break;
	}
	/* EINVAL from every type: the permission gate was passed */
	outcome_reached(o, err);
}

/* per-mount flags that must be kept on a remount (locked ones otherwise
 * make the kernel say EPERM for the wrong reason) */
static unsigned long mount_flags_kept(const struct statvfs *sv)
{
	unsigned long f = 0;

	if (sv->f_flag & ST_NOSUID)
		f |= MS_NOSUID;
	if (sv->f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv->f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv->f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv->f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv->f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

/* The mount's own read-only flag, in our private copy of the namespace:
 * clearing it there is exactly what the cell could do in its own. */
static void attack_remount_rw(const struct probe *p, const void *arg, struct outcome *o)
{
	const char *path = arg;
	struct statvfs sv, after;
	struct mount_entry m;
	unsigned long kept;

	if (mountinfo_find(path, &m) < 0) {
		outcome_skipped(o, "not-a-mount");
		return;
	}
	if (statvfs(path, &sv) < 0) {
		outcome_skipped(o, errno_name(errno));
		return;
	}
	if (!(sv.f_flag & ST_RDONLY)) {
		outcome_skipped(o, "not-readonly");
		return;
	}
	kept = mount_flags_kept(&sv);
	mount_private_ns();
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | kept, NULL) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	if (statvfs(path, &after) == 0 && (after.f_flag & ST_RDONLY))
		outcome_ok(o, "flag-cleared,fs-still-ro");
	else
		outcome_ok(o, "now-rw");
	mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | kept, NULL);
}

/* The file system of "/" itself (global, not per namespace).  Never made
 * read-write: it is remounted read-only -> read-only, which passes or fails
 * the same permission check (CAP_SYS_ADMIN over the super block's user
 * namespace) and changes nothing. */
static void attack_remount_sb(const struct probe *p, const void *arg, struct outcome *o)
{
	struct mount_entry m;
	struct statvfs sv;

	if (mountinfo_find("/", &m) < 0 || statvfs("/", &sv) < 0) {
		outcome_skipped(o, "no-root-mount");
		return;
	}
	if (strncmp(m.super, "ro", 2) != 0 || (m.super[2] != ',' && m.super[2] != '\0')) {
		outcome_skipped(o, "fs-not-readonly");
		return;
	}
	mount_private_ns();
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | mount_flags_kept(&sv), NULL) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "permission-only");
}

void attacks_mount(struct probe *p)
{
	static const struct fs_spec tmpfs = {"cellar-probe", "tmpfs", "size=16k"};
	static const struct fs_spec proc = {"proc", "proc", NULL};
	static const struct fs_spec sysfs = {"sysfs", "sysfs", NULL};

	attack_run(p, "mount_tmpfs", attack_mount_fs, &tmpfs);
	attack_run(p, "mount_proc_fresh", attack_mount_fs, &proc);
	attack_run(p, "mount_sysfs_fresh", attack_mount_fs, &sysfs);
	attack_run(p, "mount_blockdev", attack_mount_blockdev, NULL);
	attack_run(p, "remount_rw_root", attack_remount_rw, "/");
	attack_run(p, "remount_rw_sys", attack_remount_rw, "/sys");
	attack_run(p, "remount_rw_proc_sys", attack_remount_rw, "/proc/sys");
	attack_run(p, "remount_sb_root", attack_remount_sb, NULL);
}
