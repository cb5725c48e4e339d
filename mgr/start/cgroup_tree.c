// SPDX-License-Identifier: MIT
/* A cell's cgroup tree, removed deepest first: see cgroup_tree.h. */
#include "cgroup_tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Deeper than cgroup.max.depth allows the cell: bounds the recursion over
 * a tree the cell built. */
#define REMOVE_DEPTH_MAX (CGROUP_CELL_MAX_DEPTH + 2)

static int remove_tree(int parentfd, const char *name, char *path, size_t size, unsigned depth)
{
	size_t len = strlen(path);
	struct dirent *de;
	DIR *dir;
	int fd, r = 0;

	snprintf(path + len, size - len, "%s%s", len ? "/" : "", name);
	if (depth > REMOVE_DEPTH_MAX)
		return -ELOOP;
	/* Most cgroups of a tree are leaves: an rmdir first spares them the
	 * open and readdir (half the time: 20 us a cgroup, not 40).  A cgroup
	 * with children (or processes) answers EBUSY. */
	if (unlinkat(parentfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT) {
		path[len] = '\0';
		return 0;
	}
	if (errno != EBUSY && errno != ENOTEMPTY)
		return neg_errno();
	fd = openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : neg_errno();
	dir = fdopendir(fd);
	if (!dir) {
		r = neg_errno();
		close(fd);
		return r;
	}
	while ((de = readdir(dir))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((r = remove_tree(dirfd(dir), de->d_name, path, size, depth + 1)) < 0)
			break;
	}
	closedir(dir);
	if (r == 0 && unlinkat(parentfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = neg_errno();
	if (r == 0)
		path[len] = '\0';
	return r;
}

int cgroup_tree_remove(int parentfd, const char *name, char *path, size_t size)
{
	return remove_tree(parentfd, name, path, size, 0);
}

int cgroup_tree_remove_path(const char *dir)
{
	char parent[PATH_MAX], path[PATH_MAX] = "";
	const char *slash = strrchr(dir, '/');
	int fd, r;

	if (!slash || slash == dir || !slash[1] || (size_t)(slash - dir) >= sizeof(parent))
		return log_errno(-EINVAL, "cgroup %s: not a cgroup directory", dir);
	memcpy(parent, dir, (size_t)(slash - dir));
	parent[slash - dir] = '\0';
	fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0
				       : log_errno(neg_errno(), "cgroup %s: open %s", dir, parent);
	r = remove_tree(fd, slash + 1, path, sizeof(path), 0);
	close(fd);
	if (r == -EBUSY)
		return log_errno(r, "cgroup %s: rmdir %s/%s: processes are still in it", dir,
				 parent, path);
	if (r < 0)
		return log_errno(r, "cgroup %s: rmdir %s/%s", dir, parent, path);
	return 0;
}
