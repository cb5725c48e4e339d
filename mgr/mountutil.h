/* SPDX-License-Identifier: MIT */
/* Mount helpers for the cell start path: each records its failing step. */
#ifndef CELLAR_MOUNTUTIL_H
#define CELLAR_MOUNTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "spawn.h"

/* mount(2); on failure fills e with "mount TYPE on DST" and the errno. */
int do_mount(struct child_error *e, const char *src, const char *dst, const char *type,
	     unsigned long flags, const char *data);

/* out = a/b, or -ENAMETOOLONG recorded in e. */
int path_join(struct child_error *e, char *out, size_t len, const char *a, const char *b);

/* mount_setattr(2) on a detached tree: sets attr (MOUNT_ATTR_*) on the
 * whole tree, and the idmapping of userns_fd unless it is -1. */
int tree_set_attr(int tree, uint64_t attr, int userns_fd);

#endif
