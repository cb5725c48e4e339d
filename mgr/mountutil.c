// SPDX-License-Identifier: MIT
#include "mountutil.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
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
