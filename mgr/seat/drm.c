// SPDX-License-Identifier: MIT
/* The DRM card and its master (drm.h). */
#include "drm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"

/* From the kernel's include/uapi/drm/drm.h and drm_mode.h. */
struct drm_mode_card_res {
	uint64_t fb_id_ptr, crtc_id_ptr, connector_id_ptr, encoder_id_ptr;
	uint32_t count_fbs, count_crtcs, count_connectors, count_encoders;
	uint32_t min_width, max_width, min_height, max_height;
};

struct drm_mode_modeinfo {
	uint32_t clock;
	uint16_t hdisplay, hsync_start, hsync_end, htotal, hskew;
	uint16_t vdisplay, vsync_start, vsync_end, vtotal, vscan;
	uint32_t vrefresh, flags, type;
	char name[32];
};

struct drm_mode_crtc {
	uint64_t set_connectors_ptr;
	uint32_t count_connectors, crtc_id, fb_id, x, y, gamma_size, mode_valid;
	struct drm_mode_modeinfo mode;
};

#define DRM_IOCTL_SET_MASTER _IO('d', 0x1e)
#define DRM_IOCTL_DROP_MASTER _IO('d', 0x1f)
#define DRM_IOCTL_MODE_GETRESOURCES _IOWR('d', 0xA0, struct drm_mode_card_res)
#define DRM_IOCTL_MODE_SETCRTC _IOWR('d', 0xA2, struct drm_mode_crtc)

#define CRTCS_MAX 16

int drm_find_card(char *path, unsigned len)
{
	for (unsigned n = 0; n < 8; n++) {
		snprintf(path, len, "/dev/dri/card%u", n);
		if (access(path, R_OK | W_OK) == 0)
			return 0;
	}
	return -ENODEV;
}

int drm_set_master(int fd)
{
	return ioctl(fd, DRM_IOCTL_SET_MASTER, 0) < 0 ? neg_errno() : 0;
}

int drm_drop_master(int fd)
{
	return ioctl(fd, DRM_IOCTL_DROP_MASTER, 0) < 0 ? neg_errno() : 0;
}

int drm_open_card(const char *path, int master)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC), r;

	if (fd < 0)
		return neg_errno();
	/* Master once here, by cellmgr: the kernel then keeps cellmgr as the
	 * file's owner for good (newer kernels move a file's owner to the
	 * process using it, but never for a file that was master), and no
	 * process of a cell, neither its owner nor CAP_SYS_ADMIN in the
	 * host's namespace, can set it.  The file that is master now (the
	 * front cell's) lets go for that moment. */
	if (master >= 0)
		drm_drop_master(master);
	if ((r = drm_set_master(fd)) == 0)
		r = drm_drop_master(fd);
	if (master >= 0 && drm_set_master(master) < 0)
		log_errno(neg_errno(), "gpu: %s: master back to the front cell", path);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int drm_blank(int fd)
{
	uint32_t crtcs[CRTCS_MAX];
	struct drm_mode_card_res res;
	int r = 0;

	memset(&res, 0, sizeof(res));
	res.crtc_id_ptr = (uint64_t)(uintptr_t)crtcs;
	res.count_crtcs = CRTCS_MAX;
	if (ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res) < 0)
		return neg_errno();
	for (uint32_t i = 0; i < res.count_crtcs && i < CRTCS_MAX; i++) {
		struct drm_mode_crtc crtc;

		memset(&crtc, 0, sizeof(crtc));
		crtc.crtc_id = crtcs[i]; /* no fb, no mode: off */
		if (ioctl(fd, DRM_IOCTL_MODE_SETCRTC, &crtc) < 0)
			r = neg_errno();
	}
	return r;
}
