/* SPDX-License-Identifier: MIT */
/*
 * A cell's image through dm-verity (docs/images.md, "Verified images"):
 * the image file carries its hash tree after the file system, in the
 * format `veritysetup format` writes (a verity superblock, then the tree),
 * and the cell list (or `cellctl update --verity`) gives the root hash.
 * cellmgr sets up a read-only dm-verity device over the image's loop
 * device with the kernel's device-mapper ioctls (linux/dm-ioctl.h; no
 * libcryptsetup, no udev), reads its first block (which checks the path
 * from the root hash down), mounts that device instead of the loop
 * device, then asks for a deferred remove: the device goes when its last
 * user (the cell's mount) does, and with it the loop device (autoclear).
 *
 * Where the tree is: at the file system's size rounded up to 4 KiB
 * (erofs and ext4 say their size in their superblock), which is where
 * images/verity.sh puts it (`veritysetup format --hash-offset`).
 */
#ifndef CELLAR_VERITY_H
#define CELLAR_VERITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "child_error.h"

#define VERITY_SB_SIZE 512
#define VERITY_ALIGN 4096u
#define VERITY_SALT_MAX 256

/* What the verity superblock says (cryptsetup's struct verity_sb). */
struct verity_params {
	char algorithm[32];	  /* "sha256" or "sha512" */
	unsigned digest_size;	  /* bytes */
	uint32_t data_block_size; /* bytes, 512..4096, a power of two */
	uint32_t hash_block_size; /* the same */
	uint64_t data_blocks;	  /* data blocks the tree covers */
	uint16_t salt_size;	  /* bytes */
	uint8_t salt[VERITY_SALT_MAX];
};

/* Parses the superblock in buf (VERITY_SB_SIZE bytes).  Returns 0,
 * -ENODATA (no "verity" signature there: an image without a tree), or
 * -EINVAL (a version, hash type, algorithm or size cellar does not take). */
int verity_sb_parse(const unsigned char *buf, struct verity_params *p);

/* The dm-verity target's parameters (Documentation/admin-guide/
 * device-mapper/verity.rst) for data and hash tree on device dev
 * ("MAJOR:MINOR"), the superblock at byte hash_offset.  Returns the
 * length, or -ENAMETOOLONG when cap is too small.  roothash: hex. */
int verity_table(char *buf, size_t cap, const struct verity_params *p, const char *dev,
		 uint64_t hash_offset, const char *roothash);

/* An active verity device.  name[0] == '\0': none. */
struct verity_dev {
	char name[64]; /* device-mapper name: cellar-CELL-PID */
	char path[32]; /* /dev/dm-N: what to mount */
};

/*
 * Sets up the verity device over the image's loop device (loop: its fd,
 * read-only), named after cell, and checks it: a root hash that does not
 * match the image's tree fails with a step naming image and hash.
 * Returns 0 or a negative errno, with e filled.
 */
int verity_open(struct verity_dev *v, int loop, const char *cell, const char *image,
		const char *roothash, struct child_error *e);

/* Once mounted (or on failure): removes the device when its last user
 * goes (DM_DEFERRED_REMOVE), at once when it has none.  No-op when none. */
void verity_release(struct verity_dev *v);

/* Whether an image file carries a verity tree whose algorithm fits
 * roothash (NULL: any): for `cellctl update`, before anything changes.
 * Returns 0, or a negative errno and a reason in why. */
int verity_check_file(const char *path, const char *roothash, char *err, size_t errlen);

/* At cellmgr's start: removes the verity devices of shims that died
 * between making their device and handing it to its mount (named
 * cellar-CELL-PID, PID gone), which would hold their loop device for good.
 * A device in use is only marked for removal with its last user.  Devices
 * of live processes are left alone (another cellmgr may be starting one). */
void verity_sweep(void);

/* The whole image read through a verity device made for the check (cell
 * names it): every block against the tree, the tree against roothash.
 * Returns 0, or a negative errno and a reason in why. */
int verity_check_full(const char *image, const char *cell, const char *roothash, char *err,
		      size_t errlen);

#endif
