// SPDX-License-Identifier: MIT
/* Host side of the cell's root: see rootfs.h. */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "mountutil.h"

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

/* mkdir -p: the last component with mode, missing parents 0755.  The
 * persistent layer's path comes from the cell list: the host's, not the
 * cell's. */
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
	int basefd, up, wk, r;

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
	basefd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (basefd < 0)
		return child_error_set(e, neg_errno(), "open %s", base);
	/* upper and work must be real directories: never a symlink out. */
	up = dir_make_beneath(basefd, "upper", 0755, p->root_uid, p->root_gid);
	wk = dir_make_beneath(basefd, "work", 0700, 0, 0);
	close(basefd);
	r = up < 0 ? up : wk < 0 ? wk : 0;
	if (r < 0)
		child_error_set(e, r, "%s/{upper,work} (must be directories)", base);
	/* An existing layer keeps the owner it has (one made for this cell's
	 * range); one that host root made is given to the cell's root. */
	else if (fstat(up, &st) < 0)
		r = child_error_set(e, neg_errno(), "stat %s", upper);
	else if (st.st_uid == 0 && p->root_uid != 0 &&
		 fchownat(up, "", p->root_uid, p->root_gid, AT_EMPTY_PATH) < 0)
		r = child_error_set(e, neg_errno(), "chown %s", upper);
	if (up >= 0)
		close(up);
	if (wk >= 0)
		close(wk);
	return r;
}

/* The device nodes every cell gets, made by cellmgr (host root, which has
 * CAP_MKNOD) on the cell's /dev tmpfs: that tmpfs belongs to the host's
 * user namespace, so its nodes open in the cell, which can make none of
 * its own (no CAP_MKNOD over the host).  Nodes rather than binds of the
 * host's: no mount each to make, to copy into the cell's namespace and to
 * tear down.  Owned by the host's root (nobody in the cell): the cell can
 * neither chmod nor chown them. */
static const struct {
	const char *name;
	unsigned major, minor;
} cell_devices[] = {
    {"null", 1, 3},   {"zero", 1, 5},	 {"full", 1, 7},
    {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

static int make_nodes(int dev, struct child_error *e)
{
	for (size_t i = 0; i < sizeof(cell_devices) / sizeof(cell_devices[0]); i++) {
		const char *name = cell_devices[i].name;

		/* fchmodat: the mode whatever cellmgr's umask */
		if (mknodat(dev, name, S_IFCHR | 0666,
			    makedev(cell_devices[i].major, cell_devices[i].minor)) < 0 ||
		    fchmodat(dev, name, 0666, 0) < 0)
			return child_error_set(e, neg_errno(), "mknod /dev/%s", name);
	}
	return 0;
}

/* Binds the host node src on the new empty file dev/name. */
static int bind_node(struct child_error *e, const char *src, int dev, const char *name)
{
	int tree, file = file_make_beneath(dev, name), r;

	if (file < 0)
		return child_error_set(e, file, "create /dev/%s", name);
	tree = tree_clone(AT_FDCWD, src, false, 0, 0, false);
	if (tree < 0) {
		close(file);
		return child_error_set(e, tree, "open_tree %s", src);
	}
	r = mount_on_fd(tree, file);
	close(tree);
	close(file);
	return r < 0 ? child_error_set(e, r, "bind %s on /dev/%s", src, name) : 0;
}

/* Fills the cell's new /dev (dev: its tmpfs, not yet attached, so nothing
 * of the cell can be in it) with what needs no mount. */
static int fill_dev(const struct rootfs_plan *p, int dev, struct child_error *e)
{
	static const struct {
		const char *target, *link;
	} links[] = {
	    {"/proc/self/fd", "fd"},	   {"/proc/self/fd/0", "stdin"},
	    {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
	    {"pts/ptmx", "ptmx"},
	};
	static const char *const dirs[] = {"pts", "shm", "mqueue"};
	size_t i;
	int fd;

	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i].target, dev, links[i].link) < 0 ||
		    fchownat(dev, links[i].link, p->root_uid, p->root_gid, AT_SYMLINK_NOFOLLOW) < 0)
			return child_error_set(e, neg_errno(), "symlink /dev/%s", links[i].link);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		fd = dir_make_beneath(dev, dirs[i], 0755, p->root_uid, p->root_gid);
		if (fd < 0)
			return child_error_set(e, fd, "mkdir /dev/%s", dirs[i]);
		close(fd);
	}
	for (i = 0; i < p->n_devs; i++) {
		const char *slash = strchr(p->devs[i].cell, '/');
		char sub[64];

		/* One level of directory ("input/event0") is all a cell gets. */
		if (!slash)
			continue;
		snprintf(sub, sizeof(sub), "%.*s", (int)(slash - p->devs[i].cell), p->devs[i].cell);
		fd = dir_make_beneath(dev, sub, 0755, p->root_uid, p->root_gid);
		if (fd < 0)
			return child_error_set(e, fd, "mkdir /dev/%s", sub);
		close(fd);
	}
	return make_nodes(dev, e);
}

/* The cell's /dev: a tmpfs of its own, filled, attached on root/dev (a
 * real directory of the cell's layer: a symlink there is refused), then
 * the console and the configured devices bound in.  Returns the tmpfs's
 * mount fd. */
static int populate_dev(const struct rootfs_plan *p, int root, struct child_error *e)
{
	char opts[80];
	size_t i;
	int dev, dir, r;

	/* Not nodev: this is the one place of the cell with device nodes. */
	snprintf(opts, sizeof(opts), "mode=0755,size=512k,uid=%u,gid=%u", (unsigned)p->root_uid,
		 (unsigned)p->root_gid);
	dev = fs_new("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (dev < 0)
		return child_error_set(e, dev, "a tmpfs for /dev");
	if ((r = fill_dev(p, dev, e)) < 0)
		goto fail;
	dir = dir_make_beneath(root, "dev", 0755, p->root_uid, p->root_gid);
	if (dir < 0) {
		r = child_error_set(e, dir, "/dev in the cell's root (must be a directory)");
		goto fail;
	}
	r = mount_on_fd(dev, dir);
	close(dir);
	if (r < 0) {
		child_error_set(e, r, "mount /dev");
		goto fail;
	}
	/* The console is a pty of the host's devpts: only a node of that
	 * devpts opens it. */
	if ((r = bind_node(e, p->console, dev, "console")) < 0)
		goto fail;
	for (i = 0; i < p->n_devs; i++)
		if ((r = bind_node(e, p->devs[i].host, dev, p->devs[i].cell)) < 0)
			goto fail;
	return dev;
fail:
	close(dev);
	return r;
}

int rootfs_build(const struct rootfs_plan *p, struct rootfs_fds *out, struct child_error *e)
{
	char lower[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], root[PATH_MAX];
	char opts[3 * PATH_MAX + 64];
	int r;

	out->root = out->dev = -1;
	/* Nothing mounted here may propagate back to the host. */
	if ((r = do_mount(e, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) < 0)
		return r;
	/* A tmpfs private to this mount namespace holds the staging mounts:
	 * nothing of them is visible on the host.  Shared, so that the cell's
	 * copy of what is built under it stays a slave of it: a device bound
	 * into the cell's /dev later (input hot-plug) is bound here. */
	if ((r = do_mount(e, "tmpfs", p->workdir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700")) <
		0 ||
	    (r = do_mount(e, NULL, p->workdir, NULL, MS_SHARED, NULL)) < 0)
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
	/* From here on, the tree is the cell's: fds only. */
	out->root = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (out->root < 0)
		return child_error_set(e, neg_errno(), "open %s", root);
	out->dev = populate_dev(p, out->root, e);
	return out->dev < 0 ? out->dev : 0;
}

/* root/run, a directory of the cell's (created if missing), with a tmpfs
 * on it unless something is mounted there already.  Returns the fd of the
 * directory the cell will see as /run. */
static int mount_run(int root, uid_t uid, gid_t gid, struct child_error *e)
{
	char opts[128];
	struct stat rst, st;
	int run, tmp, r;

	run = dir_make_beneath(root, "run", 0755, uid, gid);
	if (run < 0)
		return child_error_set(e, run, "/run in the cell's root (must be a directory)");
	if (fstat(root, &rst) < 0 || fstat(run, &st) < 0) {
		r = child_error_set(e, neg_errno(), "stat /run");
		close(run);
		return r;
	}
	if (st.st_dev != rst.st_dev)
		return run; /* a mount point already */
	/* systemd-nspawn's limits for /run. */
	snprintf(opts, sizeof(opts), "mode=0755,uid=%u,gid=%u,size=20%%,nr_inodes=800k",
		 (unsigned)uid, (unsigned)gid);
	tmp = fs_new("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	r = tmp < 0 ? tmp : mount_on_fd(tmp, run);
	close(run);
	if (r < 0) {
		if (tmp >= 0)
			close(tmp);
		return child_error_set(e, r, "mount tmpfs on /run");
	}
	return tmp;
}

/* Writes len bytes of text to dir/name, mode 0444, owned by the cell's
 * root. */
static int write_host_file(const struct rootfs_plan *p, int dir, const char *name, const char *text,
			   size_t len, struct child_error *e)
{
	ssize_t n;
	int fd, r;

	fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (fd < 0)
		return child_error_set(e, neg_errno(), "create /run/host/%s", name);
	n = write(fd, text, len);
	r = n < 0 ? neg_errno() : (size_t)n != len ? -EIO : 0;
	if (r == 0 && fchown(fd, p->root_uid, p->root_gid) < 0)
		r = neg_errno();
	close(fd);
	return r < 0 ? child_error_set(e, r, "write /run/host/%s", name) : 0;
}

/* The host's os-release (this mount namespace shows the host's files).  A
 * host without one (the board's initramfs) gives the cell none. */
static int copy_os_release(const struct rootfs_plan *p, int dir, struct child_error *e)
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

/* /run/host: a tiny tmpfs, filled while detached, attached, then the
 * notify socket bound in (sending to it needs write permission on the
 * socket: the cell's root, its init, has it) and everything read-only. */
static int mount_run_host(const struct rootfs_plan *p, int run, struct child_error *e)
{
	char opts[96];
	int host = -1, dir = -1, r;

	snprintf(opts, sizeof(opts), "mode=0755,uid=%u,gid=%u,size=64k,nr_inodes=64",
		 (unsigned)p->root_uid, (unsigned)p->root_gid);
	host = fs_new("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (host < 0)
		return child_error_set(e, host, "a tmpfs for /run/host");
	if ((r = write_host_file(p, host, "container-manager", ROOTFS_CONTAINER_MANAGER "\n",
				 strlen(ROOTFS_CONTAINER_MANAGER) + 1, e)) < 0 ||
	    (r = copy_os_release(p, host, e)) < 0)
		goto out;
	dir = dir_make_beneath(run, "host", 0755, 0, 0);
	if (dir < 0) {
		r = child_error_set(e, dir, "/run/host (must be a directory)");
		goto out;
	}
	if ((r = mount_on_fd(host, dir)) < 0) {
		child_error_set(e, r, "mount /run/host");
		goto out;
	}
	if (chown(p->notify_path, p->root_uid, p->root_gid) < 0) {
		r = child_error_set(e, neg_errno(), "chown %s", p->notify_path);
		goto out;
	}
	if ((r = bind_node(e, p->notify_path, host, "notify")) < 0)
		goto out;
	/* Read-only, and so it stays: in the cell's copy of this mount
	 * namespace the flag is locked (the tmpfs belongs to the host). */
	if ((r = tree_set_attr(
		 host, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
		 -1)) < 0)
		child_error_set(e, r, "make /run/host read-only");
out:
	if (dir >= 0)
		close(dir);
	close(host);
	return r;
}

int rootfs_run_host(const struct rootfs_plan *p, int root, struct child_error *e)
{
	int run, r;

	run = mount_run(root, p->root_uid, p->root_gid, e);
	if (run < 0)
		return run;
	r = mount_run_host(p, run, e);
	close(run);
	return r;
}

int rootfs_enter(int root, struct child_error *e)
{
	int top, r;

	/* The cwd follows into the copy made next. */
	if (fchdir(root) < 0)
		return child_error_set(e, neg_errno(), "chdir to the new root");
	/* A copy of the namespace the root was built in.  With a user
	 * namespace of its own, every mount copied is locked (MNT_LOCKED):
	 * the cell's root can neither unmount nor move it. */
	if (unshare(CLONE_NEWNS) < 0)
		return child_error_set(e, neg_errno(), "unshare the mount namespace");
	/* Slaves of the shim's namespace: what cellmgr binds there (input
	 * hot-plug) reaches the cell, nothing of the cell's goes back.  (With
	 * a user namespace the copy is made so already; userns = no keeps
	 * shared peers, which pivot_root would refuse.) */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return child_error_set(e, neg_errno(), "make the mounts slaves");
	/* pivot_root refuses a locked new root: a recursive bind of it is
	 * not (its own top is unlocked; what it carries stays locked). */
	top = tree_clone(AT_FDCWD, ".", true, 0, 0, true);
	if (top < 0)
		return child_error_set(e, top, "bind the new root");
	r = mount_on_fd(top, AT_FDCWD);
	if (r == 0 && fchdir(top) < 0)
		r = neg_errno();
	close(top);
	if (r < 0)
		return child_error_set(e, r, "bind the new root");
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
