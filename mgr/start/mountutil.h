/* SPDX-License-Identifier: MIT */
/*
 * Mount helpers for the cell start path: each records its failing step.
 *
 * Inside a tree a cell controls (its image, its persistent layer, its
 * /dev, /run), cellmgr never resolves a path string: a cell could have
 * left a symlink (or, while it runs, swapped a directory) that would point
 * host root's mkdir, mount or chown at a host file.  Those trees are
 * walked from directory fds with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS) one name at a time, new files are made with
 * O_EXCL|O_NOFOLLOW relative to such an fd, owners are set on the opened
 * fd, and mounts are made with the new mount API (fsopen/fsmount,
 * open_tree, move_mount onto an fd).  docs/security.md has the audit.
 */
#ifndef CELLAR_MOUNTUTIL_H
#define CELLAR_MOUNTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "child_error.h"

/* mount(2); on failure fills e with "mount TYPE on DST" and the errno.
 * Only for paths the host alone controls (the staging directory). */
int do_mount(struct child_error *e, const char *src, const char *dst, const char *type,
	     unsigned long flags, const char *data);

/* out = a/b, or -ENAMETOOLONG recorded in e. */
int path_join(struct child_error *e, char *out, size_t len, const char *a, const char *b);

/* mount_setattr(2) on a detached tree: sets attr (MOUNT_ATTR_*) on the
 * whole tree, and the idmapping of userns_fd unless it is -1. */
int tree_set_attr(int tree, uint64_t attr, int userns_fd);

/* Opens dir/path as an O_PATH directory fd without following any symlink
 * and without leaving dir (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|
 * RESOLVE_NO_MAGICLINKS; same_mount adds RESOLVE_NO_XDEV).  Returns the fd
 * or a negative errno (-ELOOP, -ENOTDIR: not a real directory). */
int dir_open_beneath(int dir, const char *path, bool same_mount);

/* mkdir dir/name (mode) unless it exists, then opens it as
 * dir_open_beneath() does; a directory made here is given to uid:gid (set
 * on the opened fd, never through a path).  Returns the fd or a negative
 * errno. */
int dir_make_beneath(int dir, const char *name, mode_t mode, uid_t uid, gid_t gid);

/* Creates the empty file dir/name (O_EXCL|O_NOFOLLOW, mode 0600) to mount
 * on; returns an O_PATH fd of it or a negative errno. */
int file_make_beneath(int dir, const char *name);

/* A new detached file system (fsopen/fsconfig/fsmount): type with the
 * comma-separated options opts (may be NULL or ""), mount attributes attr.
 * Returns the mount fd or a negative errno. */
int fs_new(const char *type, const char *opts, unsigned attr);

/* A detached copy of dir/path (open_tree OPEN_TREE_CLONE, recursive when
 * asked), with attributes set and cleared, and private unless
 * keep_propagation (a clone of a slave is then a slave of the same
 * master).  Returns the tree fd or a negative errno. */
int tree_clone(int dir, const char *path, bool recursive, uint64_t set, uint64_t clear,
	       bool keep_propagation);

/* Attaches the detached tree (or moves the mount) fd onto the directory or
 * file that target (an fd from the helpers above) is. */
int mount_on_fd(int tree, int target);

/* The same onto dir/name, which must exist: opened with O_NOFOLLOW
 * beneath dir.  Names the step in e. */
int mount_beneath(struct child_error *e, int tree, int dir, const char *name, const char *what);

#endif
