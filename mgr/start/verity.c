// SPDX-License-Identifier: MIT
/* dm-verity over a cell's image with the kernel's DM ioctls: see verity.h. */
#include "verity.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "image.h"
#include "log.h"

static uint32_t get_le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static bool block_size_ok(uint32_t n)
{
	return n >= 512 && n <= 4096 && (n & (n - 1)) == 0;
}

/* cryptsetup's struct verity_sb, little endian, 512 bytes:
 *   0 signature "verity\0\0"   8 version (1)   12 hash_type (1: normal)
 *  16 uuid[16]   32 algorithm[32]   64 data_block_size   68 hash_block_size
 *  72 data_blocks (64 bits)   80 salt_size (16 bits)   88 salt[256] */
int verity_sb_parse(const unsigned char *buf, struct verity_params *p)
{
	uint16_t salt;

	if (memcmp(buf, "verity\0\0", 8) != 0)
		return -ENODATA;
	if (get_le32(buf + 8) != 1 || get_le32(buf + 12) != 1)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	memcpy(p->algorithm, buf + 32, sizeof(p->algorithm));
	if (memchr(p->algorithm, '\0', sizeof(p->algorithm)) == NULL)
		return -EINVAL;
	if (strcmp(p->algorithm, "sha256") == 0)
		p->digest_size = 32;
	else if (strcmp(p->algorithm, "sha512") == 0)
		p->digest_size = 64;
	else
		return -EINVAL;
	p->data_block_size = get_le32(buf + 64);
	p->hash_block_size = get_le32(buf + 68);
	p->data_blocks = (uint64_t)get_le32(buf + 72) | (uint64_t)get_le32(buf + 76) << 32;
	salt = (uint16_t)(buf[80] | buf[81] << 8);
	if (!block_size_ok(p->data_block_size) || !block_size_ok(p->hash_block_size) ||
	    p->data_blocks == 0 || p->data_blocks > (UINT64_MAX >> 12) || salt > VERITY_SALT_MAX)
		return -EINVAL;
	p->salt_size = salt;
	memcpy(p->salt, buf + 88, salt);
	return 0;
}

int verity_table(char *buf, size_t cap, const struct verity_params *p, const char *dev,
		 uint64_t hash_offset, const char *roothash)
{
	char salt[2 * VERITY_SALT_MAX + 1] = "-";
	int n;

	for (unsigned i = 0; i < p->salt_size; i++)
		snprintf(salt + 2 * i, 3, "%02x", p->salt[i]);
	/* The tree starts one hash block past the superblock, as veritysetup
	 * puts it (VERITY_hash_offset_block() in cryptsetup). */
	n = snprintf(buf, cap, "1 %s %s %u %u %llu %llu %s %s %s", dev, dev, p->data_block_size,
		     p->hash_block_size, (unsigned long long)p->data_blocks,
		     (unsigned long long)((hash_offset + VERITY_SB_SIZE + p->hash_block_size - 1) /
					  p->hash_block_size),
		     p->algorithm, roothash, salt);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : n;
}

/* The superblock of the tree appended to the image on fd. */
static int read_params(int fd, struct verity_params *p, uint64_t *hash_offset)
{
	unsigned char sb[VERITY_SB_SIZE];
	uint64_t fs;
	int r;

	if ((r = image_fs_size(fd, &fs)) < 0)
		return r;
	*hash_offset = (fs + VERITY_ALIGN - 1) / VERITY_ALIGN * VERITY_ALIGN;
	if (pread(fd, sb, sizeof(sb), (off_t)*hash_offset) != (ssize_t)sizeof(sb))
		return -ENODATA;
	if ((r = verity_sb_parse(sb, p)) < 0)
		return r;
	/* The data the tree covers must end before the tree begins. */
	if (p->data_blocks * p->data_block_size > *hash_offset)
		return -EINVAL;
	return 0;
}

static const char *params_error(int r)
{
	if (r == -EMEDIUMTYPE)
		return "neither erofs nor ext4";
	if (r == -ENODATA)
		return "no verity hash tree after its file system (images/verity.sh adds one)";
	return "a verity superblock cellar does not take (version 1, sha256 or sha512, "
	       "blocks of 512 to 4096 bytes)";
}

int verity_check_file(const char *path, const char *roothash, char *err, size_t errlen)
{
	struct verity_params p;
	uint64_t off;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = neg_errno();
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	r = read_params(fd, &p, &off);
	close(fd);
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", path, params_error(r));
		return r == -EMEDIUMTYPE ? r : -EINVAL;
	}
	if (roothash && strlen(roothash) != 2 * p.digest_size) {
		snprintf(err, errlen, "%s: its tree is %s, the root hash has %zu hex digits", path,
			 p.algorithm, strlen(roothash));
		return -EINVAL;
	}
	return 0;
}

/* One DM ioctl with a request of struct dm_ioctl plus payload. */
union dm_buf {
	struct dm_ioctl io;
	char bytes[sizeof(struct dm_ioctl) + sizeof(struct dm_target_spec) + 1024];
};

static void dm_init(union dm_buf *b, const char *name, uint32_t flags)
{
	memset(b, 0, sizeof(*b));
	b->io.version[0] = DM_VERSION_MAJOR;
	b->io.version[1] = 0;
	b->io.version[2] = 0;
	b->io.data_size = sizeof(*b);
	b->io.data_start = sizeof(struct dm_ioctl);
	b->io.flags = flags;
	snprintf(b->io.name, sizeof(b->io.name), "%s", name);
}

static int dm_control(void)
{
	int fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);

	return fd < 0 ? neg_errno() : fd;
}

static int dm_remove(const char *name, uint32_t flags)
{
	union dm_buf b;
	int ctl = dm_control(), r = 0;

	if (ctl < 0)
		return ctl;
	dm_init(&b, name, flags);
	if (ioctl(ctl, DM_DEV_REMOVE, &b) < 0)
		r = neg_errno();
	close(ctl);
	return r;
}

/* Creates name with one read-only verity target over length sectors and
 * activates it.  Returns the new device's number in *dev. */
static int dm_create_verity(const char *name, uint64_t sectors, const char *params, dev_t *dev)
{
	union dm_buf b;
	struct dm_target_spec *t;
	int ctl, r = 0;

	if ((ctl = dm_control()) < 0)
		return ctl;
	dm_init(&b, name, 0);
	if (ioctl(ctl, DM_DEV_CREATE, &b) < 0) {
		r = neg_errno();
		goto out;
	}
	*dev = (dev_t)b.io.dev;
	dm_init(&b, name, DM_READONLY_FLAG);
	b.io.target_count = 1;
	t = (struct dm_target_spec *)(b.bytes + sizeof(struct dm_ioctl));
	t->sector_start = 0;
	t->length = sectors;
	snprintf(t->target_type, sizeof(t->target_type), "verity");
	snprintf((char *)(t + 1), sizeof(b) - sizeof(struct dm_ioctl) - sizeof(*t), "%s", params);
	if (ioctl(ctl, DM_TABLE_LOAD, &b) < 0) {
		r = neg_errno();
		goto undo;
	}
	/* DM_DEV_SUSPEND without DM_SUSPEND_FLAG resumes: the table goes live. */
	dm_init(&b, name, 0);
	if (ioctl(ctl, DM_DEV_SUSPEND, &b) < 0) {
		r = neg_errno();
		goto undo;
	}
	goto out;
undo:
	dm_init(&b, name, 0);
	ioctl(ctl, DM_DEV_REMOVE, &b);
out:
	close(ctl);
	return r;
}

/* Reads the first data block: dm-verity checks it against its hash block,
 * and each hash block on the way up against the root hash. */
static int first_block_verifies(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return neg_errno();
	if (pread(fd, buf, sizeof(buf), 0) < 0)
		r = neg_errno();
	close(fd);
	return r;
}

int verity_open(struct verity_dev *v, int loop, const char *cell, const char *image,
		const char *roothash, struct child_error *e)
{
	char dev[32], params[sizeof(((union dm_buf *)0)->bytes) - sizeof(struct dm_ioctl) -
			     sizeof(struct dm_target_spec)];
	struct verity_params p;
	struct stat st;
	uint64_t off;
	dev_t dm = 0;
	int r;

	v->name[0] = v->path[0] = '\0';
	if (fstat(loop, &st) < 0)
		return child_error_set(e, neg_errno(), "verity: stat the loop device of %s", image);
	if ((r = read_params(loop, &p, &off)) < 0)
		return child_error_set(e, r == -EMEDIUMTYPE ? r : -EINVAL, "verity: image %s: %s",
				       image, params_error(r));
	if (strlen(roothash) != 2 * p.digest_size)
		return child_error_set(e, -EINVAL,
				       "verity: image %s has a %s tree: image_verity must have %u "
				       "hex digits",
				       image, p.algorithm, 2 * p.digest_size);
	snprintf(dev, sizeof(dev), "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	if (verity_table(params, sizeof(params), &p, dev, off, roothash) < 0)
		return child_error_set(e, -ENAMETOOLONG, "verity: table for %s", image);
	snprintf(v->name, sizeof(v->name), "cellar-%s-%d", cell, (int)getpid());
	r = dm_create_verity(v->name, p.data_blocks * (p.data_block_size / 512), params, &dm);
	if (r < 0) {
		v->name[0] = '\0';
		if (r == -ENOENT)
			return child_error_set(e, r,
					       "verity: no /dev/mapper/control (dm_mod and "
					       "dm_verity in [host] modules?)");
		return child_error_set(
		    e, r, "verity: a dm-verity device for %s (dm_verity loaded?)", image);
	}
	/* devtmpfs made the node when the kernel added the disk. */
	snprintf(v->path, sizeof(v->path), "/dev/dm-%u", minor(dm));
	if (stat(v->path, &st) < 0 || !S_ISBLK(st.st_mode) || st.st_rdev != dm) {
		r = child_error_set(e, -ENODEV,
				    "verity: %s is not device %u:%u (no devtmpfs on /dev?)",
				    v->path, major(dm), minor(dm));
		goto fail;
	}
	if ((r = first_block_verifies(v->path)) < 0) {
		child_error_set(e, r, "verity: image %s does not match its root hash %s", image,
				roothash);
		goto fail;
	}
	return 0;
fail:
	verity_release(v);
	return r;
}

int verity_check_full(const char *image, const char *cell, const char *roothash, char *err,
		      size_t errlen)
{
	static char buf[1 << 16];
	struct child_error e = {0};
	struct verity_dev v;
	char loopdev[64];
	int loop, fd, r;
	ssize_t n;

	loop = loop_attach(image, loopdev, sizeof(loopdev));
	if (loop < 0) {
		snprintf(err, errlen, "attach %s to a loop device: %s", image, strerror(-loop));
		return loop;
	}
	r = verity_open(&v, loop, cell, image, roothash, &e);
	close(loop);
	if (r < 0) {
		snprintf(err, errlen, "%s: %s", e.step, strerror(-e.err));
		return r;
	}
	fd = open(v.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = neg_errno();
		snprintf(err, errlen, "open %s: %s", v.path, strerror(-r));
	} else {
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			;
		if (n < 0) {
			r = neg_errno();
			snprintf(err, errlen,
				 "verity: image %s does not match its root hash %s: %s", image,
				 roothash, strerror(-r));
		}
		close(fd);
	}
	verity_release(&v);
	return r;
}

/* "cellar-CELL-PID": the pid, or 0 for another name. */
static pid_t name_pid(const char *name)
{
	const char *dash = strrchr(name, '-');
	long pid = 0;

	if (strncmp(name, "cellar-", 7) != 0 || !dash || dash < name + 7 || !dash[1])
		return 0;
	for (const char *p = dash + 1; *p; p++) {
		if (*p < '0' || *p > '9' || pid > 4194304)
			return 0;
		pid = pid * 10 + (*p - '0');
	}
	return (pid_t)pid;
}

void verity_sweep(void)
{
	static union {
		struct dm_ioctl io;
		char bytes[1 << 16];
	} b;
	const char *names[64];
	unsigned n = 0;
	int ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);

	if (ctl < 0)
		return;
	memset(&b.io, 0, sizeof(b.io));
	b.io.version[0] = DM_VERSION_MAJOR;
	b.io.data_size = sizeof(b);
	b.io.data_start = sizeof(struct dm_ioctl);
	if (ioctl(ctl, DM_LIST_DEVICES, &b) == 0 && !(b.io.flags & DM_BUFFER_FULL_FLAG) &&
	    b.io.data_size > b.io.data_start) {
		size_t off = b.io.data_start;

		for (;;) {
			const struct dm_name_list *nl = (const void *)(b.bytes + off);
			pid_t pid;

			if (off + sizeof(*nl) >= sizeof(b) || nl->dev == 0)
				break;
			pid = name_pid(nl->name);
			if (pid > 0 && kill(pid, 0) < 0 && errno == ESRCH && n < 64)
				names[n++] = nl->name;
			if (!nl->next)
				break;
			off += nl->next;
		}
	}
	close(ctl);
	for (unsigned i = 0; i < n; i++) {
		int r = dm_remove(names[i], DM_DEFERRED_REMOVE);

		if (r < 0)
			log_errno(r, "verity: remove %s, left by a dead shim", names[i]);
		else
			log_info("verity: removed %s, left by a dead shim", names[i]);
	}
}

void verity_release(struct verity_dev *v)
{
	int r;

	if (!v->name[0])
		return;
	r = dm_remove(v->name, DM_DEFERRED_REMOVE);
	if (r < 0)
		log_errno(r, "verity: remove %s", v->name);
	v->name[0] = '\0';
}
