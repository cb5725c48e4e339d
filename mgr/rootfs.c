// SPDX-License-Identifier: MIT
/* Host side of the cell's root: see rootfs.h. */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "mountutil.h"
#include "notify.h"

/* Mounts the image read-only at <workdir>/lower, idmapped to the cell's
 * range when it has a user namespace. */
static int mount_lower(const struct rootfs_plan *p, const char *lower, struct child_error *e)
{
	char raw[PATH_MAX];
	const char *src = p->image;
	int tree, r;

	if (p->kind != IMAGE_DIR) {
		if ((r = path_join(e, raw, sizeof(raw), p->workdir, "image")) < 0)
			return r;
		if (mkdir(raw, 0700) < 0)
			return child_error_set(e, neg_errno(), "mkdir %s", raw);
		r = do_mount(e, p->loopdev, raw, image_kind_name(p->kind),
			     MS_RDONLY | MS_NOSUID | MS_NODEV,
			     p->kind == IMAGE_EXT4 ? "noload" : NULL);
		if (r < 0)
			return r;
		src = raw;
	}
	/* A detached copy of the tree can take attributes and an idmapping
	 * before it is attached; an attached mount cannot be idmapped. */
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, src,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				(p->kind == IMAGE_DIR ? AT_RECURSIVE : 0));
	if (tree < 0)
		return child_error_set(e, neg_errno(), "open_tree %s", src);
	r = tree_set_attr(tree, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
			  p->userns_fd);
	if (r < 0) {
		close(tree);
		if (p->userns_fd >= 0 && r == -EINVAL)
			return child_error_set(
			    e, r,
			    "idmap %s (its filesystem cannot be idmapped: use an erofs "
			    "or ext4 image, or userns = no)",
			    p->image);
		return child_error_set(e, r, "set attributes of %s", src);
	}
	r = (int)syscall(SYS_move_mount, tree, "", AT_FDCWD, lower, MOVE_MOUNT_F_EMPTY_PATH);
	if (r < 0)
		r = child_error_set(e, neg_errno(), "move_mount %s to %s", src, lower);
	close(tree);
	if (r == 0 && p->kind != IMAGE_DIR)
		umount2(raw, MNT_DETACH); /* the idmapped copy keeps the filesystem */
	return r;
}

/* mkdir -p: the last component with mode, missing parents 0755. */
static int mkdir_parents(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return neg_errno();
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return neg_errno();
	return 0;
}

/* The writable layer: <persist>/upper and /work, or a tmpfs.  Its top
 * directory belongs to the cell's root, so the cell owns its "/". */
static int prepare_upper(const struct rootfs_plan *p, char *upper, char *work, size_t len,
			 struct child_error *e)
{
	const char *base = p->persist;
	char rw[PATH_MAX], opts[64];
	struct stat st;
	int r;

	if (!*base) {
		if ((r = path_join(e, rw, sizeof(rw), p->workdir, "rw")) < 0)
			return r;
		if (mkdir(rw, 0755) < 0)
			return child_error_set(e, neg_errno(), "mkdir %s", rw);
		snprintf(opts, sizeof(opts), "mode=0755,uid=%u,gid=%u", (unsigned)p->root_uid,
			 (unsigned)p->root_gid);
		if ((r = do_mount(e, "tmpfs", rw, "tmpfs", MS_NOSUID | MS_NODEV, opts)) < 0)
			return r;
		base = rw;
	} else if ((r = mkdir_parents(base, 0700)) < 0) {
		return child_error_set(e, r, "mkdir %s", base);
	}
	if ((r = path_join(e, upper, len, base, "upper")) < 0 ||
	    (r = path_join(e, work, len, base, "work")) < 0)
		return r;
	if ((mkdir(upper, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(work, 0700) < 0 && errno != EEXIST))
		return child_error_set(e, neg_errno(), "mkdir %s/{upper,work}", base);
	if (stat(upper, &st) < 0)
		return child_error_set(e, neg_errno(), "stat %s", upper);
	/* A new layer is given to the cell's root; an existing one keeps the
	 * owner it has (a persistent layer made for this cell's range). */
	if (st.st_uid == 0 && p->root_uid != 0 && chown(upper, p->root_uid, p->root_gid) < 0)
		return child_error_set(e, neg_errno(), "chown %s", upper);
	return 0;
}

/* Device nodes a cell gets: bind-mounted from the host's /dev, so they work
 * in a user namespace, where mknod does not. */
static const char *const cell_devices[] = {"null", "zero", "full", "random", "urandom", "tty"};

static int bind_file(struct child_error *e, const char *src, const char *dst)
{
	int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return child_error_set(e, neg_errno(), "create %s", dst);
	close(fd);
	return do_mount(e, src, dst, NULL, MS_BIND, NULL);
}

static int populate_dev(const struct rootfs_plan *p, const char *root, struct child_error *e)
{
	static const struct {
		const char *target, *link;
	} links[] = {
	    {"/proc/self/fd", "fd"},	   {"/proc/self/fd/0", "stdin"},
	    {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
	    {"pts/ptmx", "ptmx"},
	};
	static const char *const dirs[] = {"pts", "shm", "mqueue"};
	char dev[PATH_MAX], path[PATH_MAX], src[64], opts[80];
	size_t i;
	int r;

	if ((r = path_join(e, dev, sizeof(dev), root, "dev")) < 0)
		return r;
	if (mkdir(dev, 0755) < 0 && errno != EEXIST)
		return child_error_set(e, neg_errno(), "mkdir %s", dev);
	/* Not nodev: this is the one place of the cell with device nodes. */
	snprintf(opts, sizeof(opts), "mode=0755,size=512k,uid=%u,gid=%u", (unsigned)p->root_uid,
		 (unsigned)p->root_gid);
	if ((r = do_mount(e, "tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, opts)) < 0)
		return r;
	for (i = 0; i < sizeof(cell_devices) / sizeof(cell_devices[0]); i++) {
		snprintf(src, sizeof(src), "/dev/%s", cell_devices[i]);
		if ((r = path_join(e, path, sizeof(path), dev, cell_devices[i])) < 0 ||
		    (r = bind_file(e, src, path)) < 0)
			return r;
	}
	if ((r = path_join(e, path, sizeof(path), dev, "console")) < 0 ||
	    (r = bind_file(e, p->console, path)) < 0)
		return r;
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		if ((r = path_join(e, path, sizeof(path), dev, links[i].link)) < 0)
			return r;
		if (symlink(links[i].target, path) < 0 ||
		    lchown(path, p->root_uid, p->root_gid) < 0)
			return child_error_set(e, neg_errno(), "symlink %s", path);
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if ((r = path_join(e, path, sizeof(path), dev, dirs[i])) < 0)
			return r;
		if (mkdir(path, 0755) < 0 || chown(path, p->root_uid, p->root_gid) < 0)
			return child_error_set(e, neg_errno(), "mkdir %s", path);
	}
	for (i = 0; i < p->n_devs; i++) {
		char *slash;

		if ((r = path_join(e, path, sizeof(path), dev, p->devs[i].cell)) < 0)
			return r;
		/* One level of directory ("input/event0") is all a cell gets. */
		slash = strrchr(path, '/');
		if (slash && slash > path + strlen(dev)) {
			*slash = '\0';
			if ((mkdir(path, 0755) < 0 && errno != EEXIST) ||
			    chown(path, p->root_uid, p->root_gid) < 0)
				return child_error_set(e, neg_errno(), "mkdir %s", path);
			*slash = '/';
		}
		if ((r = bind_file(e, p->devs[i].host, path)) < 0)
			return r;
	}
	return 0;
}

int rootfs_build(const struct rootfs_plan *p, struct child_error *e)
{
	char lower[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], root[PATH_MAX];
	char opts[3 * PATH_MAX + 64];
	int r;

	/* Nothing mounted here may propagate back to the host. */
	if ((r = do_mount(e, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) < 0)
		return r;
	/* A tmpfs private to the cell's mount namespace holds the staging
	 * mounts: nothing of them is visible on the host. */
	if ((r = do_mount(e, "tmpfs", p->workdir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700")) < 0)
		return r;
	if ((r = path_join(e, lower, sizeof(lower), p->workdir, "lower")) < 0 ||
	    (r = path_join(e, root, sizeof(root), p->workdir, "root")) < 0)
		return r;
	if (mkdir(lower, 0755) < 0 || mkdir(root, 0755) < 0)
		return child_error_set(e, neg_errno(), "mkdir in %s", p->workdir);
	if ((r = mount_lower(p, lower, e)) < 0)
		return r;
	if ((r = prepare_upper(p, upper, work, sizeof(upper), e)) < 0)
		return r;
	if ((size_t)snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper,
			     work) >= sizeof(opts))
		return child_error_set(e, -ENAMETOOLONG, "overlay options for %s", p->workdir);
	if ((r = do_mount(e, "overlay", root, "overlay", MS_NOSUID | MS_NODEV, opts)) < 0)
		return r;
	return populate_dev(p, root, e);
}

/* root/run, a directory of the cell's (created if missing), with a tmpfs
 * on it unless something is mounted there already. */
static int mount_run(const char *root, uid_t uid, gid_t gid, struct child_error *e)
{
	char fdpath[64], opts[128];
	struct stat rst, st;
	int rootfd, run = -1, r = 0;

	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return child_error_set(e, neg_errno(), "open %s", root);
	if (mkdirat(rootfd, "run", 0755) == 0) {
		/* Made by the host's root in the cell's layer: give it to the
		 * cell's root, as the image's own /run would be. */
		if (fchownat(rootfd, "run", uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
			r = child_error_set(e, neg_errno(), "chown %s/run", root);
			goto out;
		}
	} else if (errno != EEXIST) {
		r = child_error_set(e, neg_errno(), "mkdir %s/run", root);
		goto out;
	}
	/* The layer is the cell's: a symlink here would point cellmgr at a
	 * host path. */
	run = openat(rootfd, "run", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (run < 0) {
		r = child_error_set(e, neg_errno(), "%s/run (must be a directory)", root);
		goto out;
	}
	if (fstat(rootfd, &rst) < 0 || fstat(run, &st) < 0) {
		r = child_error_set(e, neg_errno(), "stat %s/run", root);
		goto out;
	}
	if (st.st_dev != rst.st_dev)
		goto out; /* a mount point already */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", run);
	/* systemd-nspawn's limits for /run. */
	snprintf(opts, sizeof(opts), "mode=0755,uid=%u,gid=%u,size=20%%,nr_inodes=800k",
		 (unsigned)uid, (unsigned)gid);
	if (mount("tmpfs", fdpath, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		r = child_error_set(e, neg_errno(), "mount tmpfs on %s/run", root);
out:
	if (run >= 0)
		close(run);
	close(rootfd);
	return r;
}

/* Writes len bytes of text to dir/name, mode 0444, owned by the cell's
 * root. */
static int write_host_file(const struct rootfs_plan *p, const char *dir, const char *name,
			   const char *text, size_t len, struct child_error *e)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, r;

	if ((r = path_join(e, path, sizeof(path), dir, name)) < 0)
		return r;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (fd < 0)
		return child_error_set(e, neg_errno(), "create %s", path);
	n = write(fd, text, len);
	r = n < 0 ? neg_errno() : (size_t)n != len ? -EIO : 0;
	if (r == 0 && fchown(fd, p->root_uid, p->root_gid) < 0)
		r = neg_errno();
	close(fd);
	return r < 0 ? child_error_set(e, r, "write %s", path) : 0;
}

/* The host's os-release (the cell's mount namespace still shows the
 * host's files: the root is pivoted later, by the child).  A host without
 * one (the board's initramfs) gives the cell none. */
static int copy_os_release(const struct rootfs_plan *p, const char *dir, struct child_error *e)
{
	static const char *const sources[] = {"/etc/os-release", "/usr/lib/os-release"};
	char buf[ROOTFS_OS_RELEASE_MAX];
	size_t len = 0;
	ssize_t n;
	int fd = -1;

	for (size_t i = 0; fd < 0 && i < sizeof(sources) / sizeof(sources[0]); i++)
		fd = open(sources[i], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (len == sizeof(buf))
		return 0; /* not an os-release: too big to be one */
	return write_host_file(p, dir, "os-release", buf, len, e);
}

int rootfs_run_host(const struct rootfs_plan *p, struct child_error *e)
{
	const unsigned long safe = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char root[PATH_MAX], run[PATH_MAX], host[PATH_MAX], opts[96];
	int r;

	if ((r = path_join(e, root, sizeof(root), p->workdir, "root")) < 0 ||
	    (r = path_join(e, run, sizeof(run), root, "run")) < 0 ||
	    (r = path_join(e, host, sizeof(host), run, "host")) < 0)
		return r;
	if ((r = mount_run(root, p->root_uid, p->root_gid, e)) < 0)
		return r;
	if (mkdir(host, 0755) < 0 && errno != EEXIST)
		return child_error_set(e, neg_errno(), "mkdir %s", host);
	snprintf(opts, sizeof(opts), "mode=0755,uid=%u,gid=%u,size=64k,nr_inodes=64",
		 (unsigned)p->root_uid, (unsigned)p->root_gid);
	if ((r = do_mount(e, "tmpfs", host, "tmpfs", safe, opts)) < 0)
		return r;
	if ((r = write_host_file(p, host, "container-manager", ROOTFS_CONTAINER_MANAGER "\n",
				 strlen(ROOTFS_CONTAINER_MANAGER) + 1, e)) < 0 ||
	    (r = copy_os_release(p, host, e)) < 0)
		return r;
	if ((r = notify_bind_into(p->notify_path, host, p->root_uid, p->root_gid, e)) < 0)
		return r;
	/* The superblock read-only: the cell's root cannot undo that (the
	 * tmpfs belongs to the host's user namespace). */
	return do_mount(e, NULL, host, NULL, MS_REMOUNT | MS_RDONLY | safe, opts);
}
