// SPDX-License-Identifier: MIT
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

#define EROFS_MAGIC 0xE0F5E1E2u
#define EXT4_MAGIC 0xEF53u

int image_probe(const char *path, enum image_kind *kind)
{
	unsigned char sb[1024 + 64];
	struct stat st;
	uint32_t erofs;
	uint16_t ext4;
	ssize_t n;
	int fd;

	if (stat(path, &st) < 0)
		return neg_errno();
	if (S_ISDIR(st.st_mode)) {
		*kind = IMAGE_DIR;
		return 0;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return neg_errno();
	n = pread(fd, sb, sizeof(sb), 0);
	close(fd);
	if (n < (ssize_t)sizeof(sb))
		return n < 0 ? neg_errno() : -EINVAL;
	/* Both superblocks start at byte 1024, little endian. */
	erofs = (uint32_t)sb[1024] | (uint32_t)sb[1025] << 8 | (uint32_t)sb[1026] << 16 |
		(uint32_t)sb[1027] << 24;
	ext4 = (uint16_t)(sb[1024 + 56] | sb[1024 + 57] << 8);
	if (erofs == EROFS_MAGIC)
		*kind = IMAGE_EROFS;
	else if (ext4 == EXT4_MAGIC)
		*kind = IMAGE_EXT4;
	else
		return -EMEDIUMTYPE;
	return 0;
}

int loop_attach(const char *path, char *dev, size_t devlen)
{
	struct loop_config lc;
	int ctl, img, loop = -1, r = 0, nr, tries;

	img = open(path, O_RDONLY | O_CLOEXEC);
	if (img < 0)
		return neg_errno();
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		r = neg_errno();
		goto out;
	}
	/* Another process may take the free device between GET_FREE and
	 * CONFIGURE: then the configure fails with EBUSY and we ask again. */
	for (tries = 0; tries < 16; tries++) {
		nr = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (nr < 0) {
			r = neg_errno();
			goto out;
		}
		snprintf(dev, devlen, "/dev/loop%d", nr);
		loop = open(dev, O_RDONLY | O_CLOEXEC);
		if (loop < 0) {
			r = neg_errno();
			goto out;
		}
		memset(&lc, 0, sizeof(lc));
		lc.fd = (uint32_t)img;
		lc.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
		snprintf((char *)lc.info.lo_file_name, sizeof(lc.info.lo_file_name), "%s", path);
		if (ioctl(loop, LOOP_CONFIGURE, &lc) == 0) {
			r = 0;
			goto out;
		}
		r = neg_errno();
		close(loop);
		loop = -1;
		if (r != -EBUSY)
			goto out;
	}
out:
	if (ctl >= 0)
		close(ctl);
	close(img);
	return r < 0 ? r : loop;
}

static int mkdir_p(const char *path, mode_t mode)
{
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	return neg_errno();
}

/* mount(2) with the failing step recorded in e. */
static int do_mount(struct child_error *e, const char *src, const char *dst, const char *type,
		    unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) == 0)
		return 0;
	return child_error_set(e, neg_errno(), "mount %s on %s",
			       type ? type : src ? src : "(remount)", dst);
}

static int path_join(struct child_error *e, char *out, size_t len, const char *a, const char *b)
{
	if ((size_t)snprintf(out, len, "%s/%s", a, b) >= len)
		return child_error_set(e, -ENAMETOOLONG, "path %s/%s", a, b);
	return 0;
}

/* Builds <workdir>/root: the image read-only below a tmpfs-backed overlay. */
static int build_root(const struct rootfs_plan *p, char *root, size_t rootlen,
		      struct child_error *e)
{
	char lower[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], opts[3 * PATH_MAX + 64];
	int r;

	/* A tmpfs private to this mount namespace holds the staging mounts,
	 * so nothing of them is visible on the host or survives the cell. */
	r = do_mount(e, "tmpfs", p->workdir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
	if (r < 0)
		return r;
	if ((r = path_join(e, lower, sizeof(lower), p->workdir, "lower")) < 0 ||
	    (r = path_join(e, upper, sizeof(upper), p->workdir, "upper")) < 0 ||
	    (r = path_join(e, work, sizeof(work), p->workdir, "work")) < 0 ||
	    (r = path_join(e, root, rootlen, p->workdir, "root")) < 0)
		return r;
	if (mkdir(lower, 0755) < 0 || mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0 ||
	    mkdir(root, 0755) < 0)
		return child_error_set(e, neg_errno(), "mkdir in %s", p->workdir);

	switch (p->kind) {
	case IMAGE_DIR:
		r = do_mount(e, p->image, lower, NULL, MS_BIND | MS_REC, NULL);
		if (r == 0)
			r = do_mount(e, NULL, lower, NULL,
				     MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
		break;
	case IMAGE_EROFS:
		r = do_mount(e, p->loopdev, lower, "erofs", MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
		break;
	case IMAGE_EXT4:
		r = do_mount(e, p->loopdev, lower, "ext4", MS_RDONLY | MS_NOSUID | MS_NODEV,
			     "noload");
		break;
	}
	if (r < 0)
		return r;
	if ((size_t)snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lower,
			     upper, work) >= sizeof(opts))
		return child_error_set(e, -ENAMETOOLONG, "overlay options for %s", p->workdir);
	return do_mount(e, "overlay", root, "overlay", MS_NOSUID | MS_NODEV, opts);
}

/* Device nodes a cell gets: bind-mounted from the host's /dev, so they work
 * whatever the cell may do about mknod. */
static const char *const cell_devices[] = { "null", "zero", "full", "random", "urandom", "tty" };

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
		{ "/proc/self/fd", "fd" },      { "/proc/self/fd/0", "stdin" },
		{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
		{ "pts/ptmx", "ptmx" },
	};
	char dev[PATH_MAX], path[PATH_MAX], src[64];
	size_t i;
	int r;

	if ((r = path_join(e, dev, sizeof(dev), root, "dev")) < 0)
		return r;
	if ((r = mkdir_p(dev, 0755)) < 0)
		return child_error_set(e, r, "mkdir %s", dev);
	r = do_mount(e, "tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=512k");
	if (r < 0)
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
		if (symlink(links[i].target, path) < 0)
			return child_error_set(e, neg_errno(), "symlink %s", path);
	}
	if ((r = path_join(e, path, sizeof(path), dev, "pts")) < 0)
		return r;
	if (mkdir(path, 0755) < 0)
		return child_error_set(e, neg_errno(), "mkdir %s", path);
	r = do_mount(e, "devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620");
	if (r < 0)
		return r;
	if ((r = path_join(e, path, sizeof(path), dev, "shm")) < 0)
		return r;
	if (mkdir(path, 01777) < 0)
		return child_error_set(e, neg_errno(), "mkdir %s", path);
	r = do_mount(e, "shm", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	if (r < 0)
		return r;
	if ((r = path_join(e, path, sizeof(path), dev, "mqueue")) < 0)
		return r;
	if (mkdir(path, 0755) < 0)
		return child_error_set(e, neg_errno(), "mkdir %s", path);
	return do_mount(e, "mqueue", path, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static int mount_api_filesystems(const char *root, struct child_error *e)
{
	char path[PATH_MAX];
	int r;

	if ((r = path_join(e, path, sizeof(path), root, "proc")) < 0)
		return r;
	if ((r = mkdir_p(path, 0555)) < 0)
		return child_error_set(e, r, "mkdir %s", path);
	/* In the new pid namespace, this proc shows only the cell's processes. */
	r = do_mount(e, "proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (r < 0)
		return r;
	if ((r = path_join(e, path, sizeof(path), root, "sys")) < 0)
		return r;
	if ((r = mkdir_p(path, 0555)) < 0)
		return child_error_set(e, r, "mkdir %s", path);
	return do_mount(e, "sysfs", path, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			NULL);
}

int rootfs_enter(const struct rootfs_plan *p, struct child_error *e)
{
	char root[PATH_MAX];
	int r;

	/* Nothing the cell mounts may propagate back to the host. */
	r = do_mount(e, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	if (r < 0)
		return r;
	r = build_root(p, root, sizeof(root), e);
	if (r < 0)
		return r;
	/* proc and sysfs are mounted while the old root is still attached:
	 * the kernel allows a new proc only where a full one is visible. */
	r = mount_api_filesystems(root, e);
	if (r < 0)
		return r;
	r = populate_dev(p, root, e);
	if (r < 0)
		return r;
	if (chdir(root) < 0)
		return child_error_set(e, neg_errno(), "chdir %s", root);
	/* pivot_root(".", ".") stacks the old root under the new one; the
	 * lazy unmount then detaches it, and nothing of the host remains. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return child_error_set(e, neg_errno(), "pivot_root to %s", root);
	if (umount2(".", MNT_DETACH) < 0)
		return child_error_set(e, neg_errno(), "detach the old root");
	if (chdir("/") < 0)
		return child_error_set(e, neg_errno(), "chdir /");
	return 0;
}
