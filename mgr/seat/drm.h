/* SPDX-License-Identifier: MIT */
/*
 * The DRM card for the compositors' seats (gpu.c): the kernel's own
 * arbiter is DRM master, one open file at a time.  cellmgr opens the card
 * once for itself and once per gpu cell, passes the cell's file to its
 * compositor, and moves master between them on a switch.  Raw ioctls
 * (their ABI is the kernel's include/uapi/drm): no libdrm.
 */
#ifndef CELLAR_DRM_H
#define CELLAR_DRM_H

/* The first /dev/dri/cardN, into path; -ENODEV when there is none. */
int drm_find_card(char *path, unsigned len);

/* The card, opened by cellmgr and made master once here (the kernel then
 * keeps cellmgr as the file's owner: no process of a cell can set it),
 * left without master.  master: the file that is master now, or -1; it
 * lets go for that moment and is master again after. */
int drm_open_card(const char *path, int master);

int drm_set_master(int fd);
int drm_drop_master(int fd);

/* Every CRTC off, through fd (which must be master): the last frame of a
 * compositor going to the background leaves the screen. */
int drm_blank(int fd);

#endif
