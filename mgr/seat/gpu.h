/* SPDX-License-Identifier: MIT */
/*
 * The seat of a cell's Wayland compositor (devices = ... gpu): cellmgr
 * is each such cell's seatd, speaking libseat's protocol (seatd_proto.h)
 * on the cell's /run/seatd.sock, so that Debian's own cage, sway and
 * phoc run unmodified with LIBSEAT_BACKEND=seatd (libseat's first
 * choice when the socket answers).  A device class of the seat (seat.h):
 *
 * - front: the seat is enabled for the cell's clients (SEATD_ENABLE);
 * - back: they are told to let go (SEATD_DISABLE) and the step is pending
 *   until each acknowledges; what they opened is then revoked
 *   (EVIOCREVOKE); one that does not acknowledge within GPU_GRACE_MS is
 *   overridden the same way, never obeyed;
 * - a client may open only the cell's own input copies (/dev/input/eventN
 *   of its /dev); the host's devices and other cells' never; switching
 *   sessions from a cell is refused (the host owns the hotkeys).
 *
 * - the screen (drm.c): cellmgr opens the DRM card once per gpu cell and
 *   passes that file as the cell's /dev/dri/card0 (no cell has the node);
 *   the front cell's file is DRM master, the kernel's own arbiter.  On
 *   the way back (after the acknowledgement, or the override) its master
 *   is dropped and every CRTC turned off through cellmgr's own file, so
 *   no frame of a background cell stays on the screen.
 */
#ifndef CELLAR_GPU_H
#define CELLAR_GPU_H

#include <stdbool.h>

#include "loop.h"
#include "seatd_proto.h"

struct cell;
struct input;
struct seat;
struct seat_class;

#define GPU_CELLS_MAX 16
#define GPU_CLIENTS_MAX 4  /* per cell: a compositor, seatd-launch, a test */
#define GPU_DEVICES_MAX 32 /* per client */
#define GPU_GRACE_MS 1000  /* a compositor's acknowledgement of a disable */

struct gpu_client {
	struct gpu_cell *gc;
	int fd; /* -1: a free slot */
	struct loop_fd w;
	unsigned char in[SEATD_MSG_MAX * 2];
	size_t in_len;
	bool opened;	/* the seat is open */
	bool enabled;	/* told SEATD_ENABLE last */
	bool disabling; /* told SEATD_DISABLE, no acknowledgement yet */
	struct {
		int id;
		int fd; /* cellmgr's own, revoked on disable; -1: free */
		char path[SEATD_PATH_MAX + 1];
	} dev[GPU_DEVICES_MAX];
	int next_id;
};

struct gpu_cell {
	struct gpu *g;
	struct cell *c; /* NULL: a free slot */
	int listen_fd;
	struct loop_fd w_listen;
	bool front;
	bool pending; /* its back step waits for acknowledgements */
	int drm_fd;   /* its file of the card, master while in front; -1: none */
	/* GPU_CLIENTS_MAX of them (~37 KiB), allocated when the slot is first
	 * used: a cellmgr without gpu cells keeps no pages for them. */
	struct gpu_client *clients;
};

struct gpu {
	struct loop *loop;
	struct seat *seat;
	struct input *input; /* the cells' input copies, or NULL (no board) */
	const char *state_dir;
	int own_mntns;
	char card[32];	/* the DRM card, "" without one */
	int drm_own;	/* cellmgr's own file of it (blanking), or -1 */
	int drm_master; /* the cell's file that is master now, or -1 */
	struct gpu_cell cells[GPU_CELLS_MAX];
};

extern const struct seat_class gpu_class;

/* gpusock.c: cell c's /run (the tmpfs cellmgr mounted there), opened
 * from its shim's mount namespace once, for the two below: an fd, or a
 * negative errno. */
int gpu_open_run(struct gpu *g, const struct cell *c);
/* gpusock.c: the listening socket /run/seatd.sock in it, or a negative
 * errno. */
int gpu_make_socket(int run, const struct cell *c);
/* gpusock.c: cell c's udev view (input_udev_open()) in it, with its card. */
int gpu_udev_open(struct gpu *g, const struct cell *c, int run);

void gpu_init(struct gpu *g, struct loop *loop, struct seat *seat, struct input *input,
	      const char *state_dir, int own_mntns);
void gpu_fini(struct gpu *g);

#endif
