/* SPDX-License-Identifier: MIT */
/* The cell's root filesystem and its /proc, /sys, /dev. */
#ifndef CELLAR_ROOTFS_H
#define CELLAR_ROOTFS_H

#include <stddef.h>

#include "spawn.h"

enum image_kind { IMAGE_DIR, IMAGE_EROFS, IMAGE_EXT4 };

/* Parent side: what the image is, from its type or superblock magic. */
int image_probe(const char *path, enum image_kind *kind);

/* Parent side: attaches path read-only to a free loop device with
 * autoclear (the device goes away with its last mount).  Returns the open
 * loop fd (close-on-exec) and its path in dev. */
int loop_attach(const char *path, char *dev, size_t devlen);

struct rootfs_plan {
	const char *name;        /* the cell, for messages */
	const char *workdir;     /* <state>/cells/NAME: staging mounts */
	enum image_kind kind;
	const char *image;       /* the image file or directory */
	const char *loopdev;     /* for image files */
	const char *console;     /* the console pty's slave path on the host */
};

/* Child side, in the cell's new mount namespace: builds the root
 * (read-only image + tmpfs-backed overlay), mounts /proc, /sys and a
 * minimal /dev, and pivots into it.  On error fills e. */
int rootfs_enter(const struct rootfs_plan *p, struct child_error *e);

#endif
