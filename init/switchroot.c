// SPDX-License-Identifier: MIT
/*
 * Leaving the initramfs.  The kernel's rootfs can never be unmounted or
 * pivoted away from, so pivot_root(2) fails with EINVAL while it is "/":
 * every cell would fail to start.  init therefore moves to a real file
 * system first, the way switch_root(8) does, and keeps running there (no
 * re-exec: the binary's pages stay valid after its file is gone):
 *
 *   root=/dev/DEVICE   wait for the node (10 s), mount it on /newroot with
 *                   rootfstype= (a comma list; default ext4, then erofs),
 *                   rootflags=, read-only with "ro";
 *   otherwise       (or when that fails) mount a tmpfs on /newroot and
 *                   move the initramfs into it, file by file.
 *
 * Then /dev, /proc, /sys and /run (with their submounts) move under
 * /newroot, /newroot moves onto "/", init chroots into it, and whatever is
 * left of the initramfs is deleted to give its memory back.  If any of
 * this fails init says so loudly and carries on where it is: the board
 * stays up, only the cells will not start.
 */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const api_mounts[] = {"/dev", "/proc", "/sys", "/run"};

static int mount_root_device(const char *cmdline, const char *dev)
{
	char types[64] = "ext4,erofs", data[256] = "";
	unsigned long flags = cmdline_has(cmdline, "ro") ? MS_RDONLY : 0;
	char *cursor = types, *type;
	int err;

	if (strncmp(dev, "/dev/", 5) != 0)
		return log_errno(-EINVAL, "root: root=%s: only /dev/ paths are supported", dev);
	err = mount_wait_device("root", dev);
	if (err)
		return err;
	cmdline_get(cmdline, "rootfstype", types, sizeof(types));
	cmdline_get(cmdline, "rootflags", data, sizeof(data));
	err = -EINVAL;
	while ((type = strsep(&cursor, ","))) {
		if (*type == '\0')
			continue;
		if (mount(dev, INIT_NEWROOT, type, flags, data[0] ? data : NULL) == 0) {
			log_info("root: mounted %s (%s, %s) on " INIT_NEWROOT, dev, type,
				 flags & MS_RDONLY ? "ro" : "rw");
			return 0;
		}
		err = log_errno(-errno, "root: mount %s as %s", dev, type);
	}
	return err;
}

static int mount_tmpfs_root(void)
{
	struct stat st;
	unsigned left;
	int src, dst;

	if (mount("tmpfs", INIT_NEWROOT, "tmpfs", 0, "mode=0755") < 0)
		return log_errno(-errno, "root: mount tmpfs on " INIT_NEWROOT);
	src = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dst = open(INIT_NEWROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src < 0 || dst < 0) {
		int err = log_errno(-errno, "root: open / and " INIT_NEWROOT);

		if (src >= 0)
			close(src);
		if (dst >= 0)
			close(dst);
		umount2(INIT_NEWROOT, MNT_DETACH);
		return err;
	}
	/* From here on there is no way back: files leave the initramfs as
	 * they arrive in the tmpfs.  Failures leave single entries behind
	 * (logged); the switch goes ahead with everything else. */
	left = movetree(src, dst);
	if (fstat(src, &st) == 0 && fchmod(dst, st.st_mode & 07777) < 0)
		log_errno(-errno, "root: chmod " INIT_NEWROOT);
	close(src);
	close(dst);
	if (left)
		log_info("root: moved the initramfs into a tmpfs, %u entries left behind", left);
	else
		log_info("root: moved the initramfs into a tmpfs");
	return 0;
}

/* Moves the API file systems back after a failed switch. */
static void api_mounts_restore(size_t count)
{
	char from[64];

	for (size_t i = 0; i < count; i++) {
		snprintf(from, sizeof(from), INIT_NEWROOT "%s", api_mounts[i]);
		if (mount(from, api_mounts[i], NULL, MS_MOVE, NULL) < 0)
			log_errno(-errno, "root: move %s back to %s", from, api_mounts[i]);
	}
}

static int enter_newroot(void)
{
	size_t moved = 0;
	char to[64];
	int old_root, err = 0;

	for (; moved < sizeof(api_mounts) / sizeof(api_mounts[0]); moved++) {
		snprintf(to, sizeof(to), INIT_NEWROOT "%s", api_mounts[moved]);
		if (mkdir(to, 0755) < 0 && errno != EEXIST) {
			err = log_errno(-errno, "root: mkdir %s", to);
			break;
		}
		if (mount(api_mounts[moved], to, NULL, MS_MOVE, NULL) < 0) {
			err = log_errno(-errno, "root: move %s to %s", api_mounts[moved], to);
			break;
		}
	}
	if (err) {
		api_mounts_restore(moved);
		return err;
	}

	/* Kept to delete what is left of the initramfs once out of it. */
	old_root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (chdir(INIT_NEWROOT) < 0) {
		err = log_errno(-errno, "root: chdir " INIT_NEWROOT);
	} else if (mount(".", "/", NULL, MS_MOVE, NULL) < 0) {
		err = log_errno(-errno, "root: move " INIT_NEWROOT " to /");
		if (chdir("/") < 0)
			log_errno(-errno, "root: chdir /");
	}
	if (err) {
		api_mounts_restore(moved);
		if (old_root >= 0)
			close(old_root);
		return err;
	}
	/* The mount is moved: a failure from here on cannot be undone. */
	if (chroot(".") < 0)
		log_errno(-errno, "root: chroot");
	if (chdir("/") < 0)
		log_errno(-errno, "root: chdir /");
	if (old_root >= 0) {
		unsigned left = movetree(old_root, -1);

		if (left)
			log_info("root: %u entries of the initramfs could not be deleted", left);
		close(old_root);
	}
	return 0;
}

bool switchroot(const char *cmdline)
{
	bool device = false;
	char root[128];
	int err;

	if (!mount_root_is_rootfs()) {
		log_info("root: / is not the initramfs: staying on it");
		return false;
	}
	err = mkdir_p(INIT_NEWROOT, 0755);
	if (err) {
		log_errno(err, "root: mkdir " INIT_NEWROOT);
	} else if (cmdline_get(cmdline, "root", root, sizeof(root))) {
		err = mount_root_device(cmdline, root);
		device = err == 0;
		if (err) {
			log_info("root: root=%s failed: using the initramfs in a tmpfs instead",
				 root);
			err = mount_tmpfs_root();
		}
	} else {
		log_info("root: no root= on the command line: moving the initramfs into a tmpfs");
		err = mount_tmpfs_root();
	}
	if (!err)
		err = enter_newroot();
	if (err) {
		log_info("root: *** STILL IN THE INITRAMFS: cells will fail to pivot_root ***");
		return false;
	}
	log_info("root: switched");
	return device;
}
