/* SPDX-License-Identifier: MIT */
/* A cell's root image: what it is, and a loop device for image files. */
#ifndef CELLAR_IMAGE_H
#define CELLAR_IMAGE_H

#include <stddef.h>
#include <stdint.h>

enum image_kind { IMAGE_DIR, IMAGE_EROFS, IMAGE_EXT4 };

const char *image_kind_name(enum image_kind kind);

/* What the image is, from its file type or superblock magic.  -EMEDIUMTYPE
 * for a file that is neither erofs nor ext4. */
int image_probe(const char *path, enum image_kind *kind);

/* The size of the file system on fd (erofs or ext4, from its superblock):
 * where an image's verity tree starts (verity.h), once rounded up to
 * 4 KiB.  -EMEDIUMTYPE for anything else. */
int image_fs_size(int fd, uint64_t *bytes);

/* Attaches path read-only to a free loop device with autoclear (the device
 * goes away with its last user).  Returns the open loop fd (close-on-exec)
 * and its path in dev. */
int loop_attach(const char *path, char *dev, size_t devlen);

#endif
