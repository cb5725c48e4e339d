/* SPDX-License-Identifier: MIT */
/*
 * Removing a cell's cgroup tree, deepest first: shared by cellmgr
 * (cgroup.c) and the cell's shim (shim.c), which removes the tree of a
 * cell that has ended before it reports the end, so that cellmgr's loop
 * never waits for the kernel to take down the cgroups a cell made (up to
 * its cgroup.max.descendants, docs/config.md `cgroups`).  libc only.
 */
#ifndef CELLAR_CGROUP_TREE_H
#define CELLAR_CGROUP_TREE_H

#include <stddef.h>

/* How deep the cell may nest cgroups (cgroup.max.depth, root-owned).
 * systemd in a container uses 3 or 4 levels. */
#define CGROUP_CELL_MAX_DEPTH 32

/* Removes parentfd/name and every cgroup below it.  path (size bytes,
 * NUL-terminated, "" at the top) is the tree's path relative to parentfd
 * for messages: on error it names the cgroup that failed.  Returns 0 (also
 * when name does not exist), -EBUSY while a process is in the tree, -ELOOP
 * deeper than CGROUP_CELL_MAX_DEPTH + 2, or another negative errno. */
int cgroup_tree_remove(int parentfd, const char *name, char *path, size_t size);

/* The same for an absolute path.  Logs a failure ("cgroup DIR: rmdir
 * DIR/SUB: ..."), nothing on success. */
int cgroup_tree_remove_path(const char *dir);

#endif
