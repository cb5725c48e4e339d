// SPDX-License-Identifier: MIT
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

const char *image_kind_name(enum image_kind kind)
{
	switch (kind) {
	case IMAGE_DIR: return "directory";
	case IMAGE_EROFS: return "erofs";
	case IMAGE_EXT4: return "ext4";
	}
	return "?";
}

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

static uint32_t le32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

int image_fs_size(int fd, uint64_t *bytes)
{
	unsigned char sb[1024];
	const unsigned char *ext4 = sb;

	if (pread(fd, sb, sizeof(sb), 1024) != (ssize_t)sizeof(sb))
		return -EMEDIUMTYPE;
	if (le32(sb) == EROFS_MAGIC) {
		/* blkszbits at 12, blocks at 36 (linux/fs/erofs/erofs_fs.h) */
		if (sb[12] < 9 || sb[12] > 16)
			return -EMEDIUMTYPE;
		*bytes = (uint64_t)le32(sb + 36) << sb[12];
		return 0;
	}
	if ((uint16_t)(ext4[56] | ext4[57] << 8) == EXT4_MAGIC) {
		/* s_blocks_count_lo at 4, s_log_block_size at 24, and with
		 * INCOMPAT_64BIT (0x80 of s_feature_incompat at 0x60)
		 * s_blocks_count_hi at 0x150. */
		uint64_t blocks = le32(ext4 + 4);
		uint32_t log = le32(ext4 + 24);

		if (log > 6)
			return -EMEDIUMTYPE;
		if (le32(ext4 + 0x60) & 0x80)
			blocks |= (uint64_t)le32(ext4 + 0x150) << 32;
		*bytes = blocks << (10 + log);
		return 0;
	}
	return -EMEDIUMTYPE;
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
