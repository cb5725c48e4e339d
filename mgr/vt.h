/* SPDX-License-Identifier: MIT */
/*
 * Virtual terminals (docs/devices.md): each cell with `display` owns one
 * VT, bound into the cell as its /dev/tty1; cellmgr alone switches them.
 *
 * cellmgr keeps the host's /dev/tty0 open and switches with VT_ACTIVATE,
 * then checks VT_GETSTATE: a few milliseconds inline (the kernel switches
 * from a work queue), then from the event loop (vt_check) every 10 ms.  A
 * cell holding VT_PROCESS (or KD_GRAPHICS) on the VT being left that has
 * not let go after VT_OVERRIDE_MS is overridden: VT_RELDISP 1, VT_AUTO,
 * KD_TEXT on its VT, and the switch is asked again.  Nothing here blocks
 * the loop for more than VT_SPIN_MS.
 *
 * Only in board mode (vt_open); elsewhere every call is a no-op and cells
 * get no VT.
 */
#ifndef CELLAR_VT_H
#define CELLAR_VT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

#define VT_SPIN_MS 20	   /* inline wait for the kernel to switch */
#define VT_CHECK_MS 10	   /* then polled from the loop this often */
#define VT_OVERRIDE_MS 500 /* a cell's VT_PROCESS handshake gets this long */

struct mgr;
struct cell;
struct dev_bind;
struct devprog;

/* A VT node's owner and mode before cellmgr first handed it to a cell. */
struct vt_rest {
	bool known;
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

struct vt_state {
	int tty0; /* the host's /dev/tty0, or -1: no VT switching */
	/* Which cell each VT belongs to (by name: a cell keeps its VT across
	 * restarts; a name no longer in the list frees it). */
	char owner[CELL_VT_MAX + 1][CELL_NAME_MAX + 1];
	struct vt_rest rest[CELL_VT_MAX + 1];
	/* A switch in progress. */
	unsigned target;      /* 0: none */
	unsigned from;	      /* the VT that was active */
	bool overridden;      /* the VT being left was forced already */
	uint64_t t0_us;	      /* when VT_ACTIVATE was asked */
	uint64_t deadline_ms; /* override (or give up) then */
	uint64_t next_check_ms;
	char route_after[CELL_NAME_MAX + 1]; /* route input here once active */
	/* Figures: the last switch, asked to active. */
	uint64_t last_switch_us;
};

/* Board mode: opens /dev/tty0 (logs when it cannot: no VT switching). */
void vt_open(struct mgr *m);
void vt_close(struct mgr *m);

/* The VT of c, assigning one for a display cell that has none yet: its
 * `vt` key, else the lowest VT no other cell of the list owns.  Returns
 * the VT (1..63), 0 for a cell without `display` or without VT switching,
 * or -EBUSY (its `vt` belongs to another running cell), -ENOSPC. */
int vt_assign(struct mgr *m, struct cell *c);
/* The VT c owns, or 0. */
unsigned vt_of(const struct mgr *m, const struct cell *c);
/* The cell owning VT n (for the Ctrl-Alt-F<n> hotkeys), or NULL. */
struct cell *vt_cell(struct mgr *m, unsigned n);

/* At cell start, after the id range is known: the cell's VT as its
 * /dev/tty1 and its /dev/tty0 (appended to devs, *n updated; room for two
 * more is the caller's), the host node handed to the cell's root.  Returns 0 (also
 * for a cell without display) or a negative errno with err filled. */
int vt_cell_devs(struct mgr *m, struct cell *c, uid_t root_uid, gid_t root_gid,
		 struct dev_bind *devs, unsigned *n, char *err, size_t errlen);
/* Adds c 4:N (its VT, "rw") to a cell's own device program. */
int vt_cell_devprog(struct mgr *m, struct cell *c, struct devprog *dp);
/* The cell ended: its VT node goes back to the owner and mode it had
 * before cellmgr first handed it to a cell (the cell's root may have
 * changed the mode: it owned the node); unknown (cellmgr was restarted
 * meanwhile), root:tty 0620. */
void vt_cell_release(struct mgr *m, struct cell *c);
/* For status: "N (/dev/ttyN uid U gid G mode 0MMM)" as the node is now;
 * returns false for a cell without a VT. */
bool vt_describe(struct mgr *m, const struct cell *c, char *out, size_t len);

/* Makes VT n the active one.  Returns 0 when it is active, 1 when the
 * switch is in progress (vt_check finishes it; then input is routed to
 * the cell named route_to), or a negative errno (logged). */
int vt_activate(struct mgr *m, unsigned n, const char *route_to);
/* From the event loop: finishes or forces a switch in progress.  Returns
 * ms until it wants to run again, or -1. */
int vt_check(struct mgr *m, uint64_t now);
/* The active VT, or 0 when unknown. */
unsigned vt_active(struct mgr *m);

#endif
