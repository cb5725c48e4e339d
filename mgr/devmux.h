/* SPDX-License-Identifier: MIT */
/*
 * The foreground decision, in one place (docs/devices.md).  Exactly one
 * cell is in front: the board's serial console shows it, its VT is the
 * active one, input goes to its copies.  Every switch goes through
 * devmux_switch_to: `cellctl switch`, the admin console, Ctrl-a N on the
 * serial console, the hotkeys, a front cell that ends.  A seat broker
 * (DRM master, evdev fds) hooks in here later.
 */
#ifndef CELLAR_DEVMUX_H
#define CELLAR_DEVMUX_H

#include <stddef.h>

struct mgr;
struct cell;

/* Brings c to the front: serial console, VT, input.  c must be running
 * (starting counts).  Returns 0, or -ENOTCONN with err filled. */
int devmux_switch_to(struct mgr *m, struct cell *c, char *err, size_t errlen);

/* The next running cell after the front one, in list order; with
 * display_only, the next running display cell.  NULL when there is none. */
struct cell *devmux_next(struct mgr *m, struct cell *after, int display_only);

/* Called when a run of c ended (its init is gone): gives its VT back to
 * the host and, when c was in front and is not coming straight back,
 * hands the front to the next running display cell. */
void devmux_cell_gone(struct mgr *m, struct cell *c);

/* vt.c: a switch that had to wait for the old VT has completed. */
void devmux_input_settled(struct mgr *m, struct cell *c);

#endif
