// SPDX-License-Identifier: MIT
#include "mountutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

int do_mount(struct child_error *e, const char *src, const char *dst, const char *type,
	     unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) == 0)
		return 0;
	return child_error_set(e, neg_errno(), "mount %s on %s",
			       type  ? type
			       : src ? src
				     : "(remount)",
			       dst);
}

int path_join(struct child_error *e, char *out, size_t len, const char *a, const char *b)
{
	if ((size_t)snprintf(out, len, "%s/%s", a, b) >= len)
		return child_error_set(e, -ENAMETOOLONG, "path %s/%s", a, b);
	return 0;
}

int tree_set_attr(int tree, uint64_t attr, int userns_fd)
{
	struct mount_attr ma;

	memset(&ma, 0, sizeof(ma));
	ma.attr_set = attr;
	if (userns_fd >= 0) {
		ma.attr_set |= MOUNT_ATTR_IDMAP;
		ma.userns_fd = (uint64_t)userns_fd;
	}
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ma, sizeof(ma)) < 0)
		return neg_errno();
	return 0;
}

static int open_beneath(int dir, const char *path, int flags, bool same_mount)
{
	struct open_how how;
	int fd;

	memset(&how, 0, sizeof(how));
	how.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC);
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	if (same_mount)
		how.resolve |= RESOLVE_NO_XDEV;
	do
		fd = (int)syscall(SYS_openat2, dir, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return fd < 0 ? neg_errno() : fd;
}

int dir_open_beneath(int dir, const char *path, bool same_mount)
{
	return open_beneath(dir, path, O_PATH | O_DIRECTORY, same_mount);
}

int dir_make_beneath(int dir, const char *name, mode_t mode, uid_t uid, gid_t gid)
{
	bool made = mkdirat(dir, name, mode) == 0;
	int fd;

	if (!made && errno != EEXIST)
		return neg_errno();
	fd = dir_open_beneath(dir, name, false);
	if (fd < 0 || !made)
		return fd;
	if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0) {
		int r = neg_errno();

		close(fd);
		return r;
	}
	return fd;
}

int file_make_beneath(int dir, const char *name)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return neg_errno();
	close(fd);
	return open_beneath(dir, name, O_PATH, true);
}

int fs_new(const char *type, const char *opts, unsigned attr)
{
	char buf[256], *save = NULL;
	int fs, mnt, r = 0;

	fs = (int)syscall(SYS_fsopen, type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return neg_errno();
	if (opts && *opts) {
		if (strlen(opts) >= sizeof(buf)) {
			close(fs);
			return -ENAMETOOLONG;
		}
		strcpy(buf, opts);
		for (char *o = strtok_r(buf, ",", &save); o && r == 0;
		     o = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(o, '=');

			if (eq)
				*eq++ = '\0';
			if (syscall(SYS_fsconfig, fs, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG,
				    o, eq, 0) < 0)
				r = neg_errno();
		}
	}
	if (r == 0 && syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		r = neg_errno();
	mnt = r == 0 ? (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attr) : -1;
	if (r == 0 && mnt < 0)
		r = neg_errno();
	close(fs);
	return r < 0 ? r : mnt;
}

int tree_clone(int dir, const char *path, bool recursive, uint64_t set, uint64_t clear,
	       bool keep_propagation)
{
	struct mount_attr ma;
	int tree;

	tree = (int)syscall(SYS_open_tree, dir, path,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW |
				(*path ? 0 : AT_EMPTY_PATH) | (recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return neg_errno();
	/* Private: a clone of a shared mount would be its peer, and what is
	 * later mounted on one would show up on the other. */
	memset(&ma, 0, sizeof(ma));
	ma.attr_set = set;
	ma.attr_clr = clear;
	ma.propagation = keep_propagation ? 0 : MS_PRIVATE;
	if ((set || clear || ma.propagation) &&
	    syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &ma, sizeof(ma)) <
		0) {
		int r = neg_errno();

		close(tree);
		return r;
	}
	return tree;
}

int mount_on_fd(int tree, int target)
{
	if (syscall(SYS_move_mount, tree, "", target, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return neg_errno();
	return 0;
}

int mount_beneath(struct child_error *e, int tree, int dir, const char *name, const char *what)
{
	int t = open_beneath(dir, name, O_PATH, false), r;

	if (t < 0)
		return child_error_set(e, t, "%s: open its mount point", what);
	r = mount_on_fd(tree, t);
	close(t);
	return r < 0 ? child_error_set(e, r, "mount %s", what) : 0;
}
