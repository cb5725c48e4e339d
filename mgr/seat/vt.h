/* SPDX-License-Identifier: MIT */
/*
 * Virtual terminals (docs/devices.md): each cell with `display` owns one
 * VT, bound into the cell as its /dev/tty1; cellmgr alone switches them.
 *
 * cellmgr keeps the host's /dev/tty0 open and switches with VT_ACTIVATE;
 * the kernel switches from a work queue and notifies tty0's sysfs
 * `active` (POLLPRI), which wakes the loop: the seat's walk goes on from
 * there (a loop timer checks VT_GETSTATE every 10 ms as well; without
 * sysfs, a few milliseconds of inline checks come first).  A cell holding
 * VT_PROCESS (or KD_GRAPHICS) on the VT being left that has not let go
 * within the seat's grace (VT_OVERRIDE_MS) is overridden: VT_RELDISP 1,
 * VT_AUTO, KD_TEXT on its VT, and the switch is asked again.  Nothing here
 * blocks the loop for more than VT_SPIN_MS.
 *
 * A device class of the seat (seat.h): bind hands the VT to a starting
 * display cell, front switches to it, release gives the node back.  Only
 * in board mode (vt_open); elsewhere cells get no VT.
 */
#ifndef CELLAR_VT_H
#define CELLAR_VT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "loop.h"

#define VT_SPIN_MS 20	   /* inline wait for the kernel to switch */
#define VT_CHECK_MS 10	   /* then polled from the loop this often */
#define VT_OVERRIDE_MS 500 /* a cell's VT_PROCESS handshake gets this long */

struct cell;
struct cells;
struct seat;
struct seat_class;
struct dev_bind;
struct devprog;

/* A VT node's owner and mode before cellmgr first handed it to a cell. */
struct vt_rest {
	bool known;
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

struct vt {
	int tty0; /* the host's /dev/tty0, or -1: no VT switching */
	struct loop *loop;
	struct cells *cells;
	struct seat *seat;
	/* Which cell each VT belongs to (by name: a cell keeps its VT across
	 * restarts; a name no longer in the list frees it). */
	char owner[CELL_VT_MAX + 1][CELL_NAME_MAX + 1];
	struct vt_rest rest[CELL_VT_MAX + 1];
	/* A switch in progress. */
	unsigned target;   /* 0: none */
	unsigned from;	   /* the VT that was active */
	uint64_t t0_us;	   /* when VT_ACTIVATE was asked */
	bool said_waiting; /* its "still active" line is out */
	struct loop_timer t_check;
	/* /sys/class/tty/tty0/active: the kernel notifies it (POLLPRI) when
	 * the switch is done; -1 without sysfs (then polled every
	 * VT_CHECK_MS after a short inline wait). */
	int active_fd;
	struct loop_fd w_active;
	/* Figures: the last switch, asked to active. */
	uint64_t last_switch_us;
};

/* The seat's class (seat.h); its priv is a struct vt. */
extern const struct seat_class vt_class;

/* Board mode: opens /dev/tty0 (logs when it cannot: no VT switching).
 * Without vt_open, tty0 is -1 and the class does nothing. */
void vt_init(struct vt *v, struct loop *loop, struct cells *cells, struct seat *seat);
void vt_open(struct vt *v);
void vt_close(struct vt *v);

/* The VT of c, assigning one for a display cell that has none yet: its
 * `vt` key, else the lowest VT no other cell of the list owns.  Returns
 * the VT (1..63), 0 for a cell without `display` or without VT switching,
 * or -EBUSY (its `vt` belongs to another running cell), -ENOSPC. */
int vt_assign(struct vt *v, struct cell *c);
/* The VT c owns, or 0. */
unsigned vt_of(const struct vt *v, const struct cell *c);
/* The cell owning VT n (for the Ctrl-Alt-F<n> hotkeys), or NULL. */
struct cell *vt_cell(struct vt *v, unsigned n);
/* For status: "N (/dev/ttyN uid U gid G mode 0MMM)" as the node is now;
 * returns false for a cell without a VT. */
bool vt_describe(const struct vt *v, const struct cell *c, char *out, size_t len);
/* The active VT, or 0 when unknown. */
unsigned vt_active(const struct vt *v);

#endif
