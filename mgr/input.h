/* SPDX-License-Identifier: MIT */
/*
 * Input multiplexing (docs/devices-input.md): cellmgr grabs every physical
 * evdev device (EVIOCGRAB), gives each cell with input a uinput copy of
 * each, and routes events only to the foreground cell's copies.  The
 * background cells' copies are inhibited (sysfs `inhibited`), so nothing a
 * cell writes into its own copy reaches the kernel's keyboard handler.
 *
 * The host keeps: the power key (asks init to power off), Ctrl-Alt-Del
 * (asks init to reboot), sysrq (never forwarded, no copy carries it), and
 * the switch hotkeys (Ctrl-Alt-F1..F12, Ctrl-Alt-Right = next cell).
 * Devices plugged in later (kernel uevents) are grabbed and copied into
 * every input cell, running ones included; removed ones go away.
 */
#ifndef CELLAR_INPUT_H
#define CELLAR_INPUT_H

#include <stdbool.h>

struct mgr;
struct cell;
struct dev_bind;
struct watch;

#define INPUT_SRC_MAX 16     /* physical devices grabbed at once */
#define INPUT_COPIES_MAX 256 /* uinput copies, all cells together */

/* Board mode only.  Sets kernel.sysrq, removes the console-switch, boot
 * and SAK actions from the kernel keymap, grabs every physical input
 * device and opens the uevent socket.  Without /dev/uinput it only
 * watches the power key (nothing is grabbed).  Returns 0 or a negative
 * errno (logged); cellmgr carries on either way. */
int input_init(struct mgr *m);

/* Releases everything (copies, grabs).  Safe without input_init. */
void input_fini(struct mgr *m);

/* At cell start (after its id range is known): creates the cell's copies
 * and appends their nodes to devs ("input/eventK", K the source's slot).
 * Returns the number added, or a negative errno (logged).  A cell without
 * input in its devices gets nothing. */
int input_cell_devs(struct mgr *m, struct cell *c, struct dev_bind *devs, unsigned *n,
		    unsigned max);

/* The cell has ended: destroys its copies. */
void input_cell_gone(struct mgr *m, struct cell *c);

/* The foreground changed to c (NULL: none).  Releases what the old front
 * still holds, inhibits its copies, uninhibits c's, syncs the LEDs. */
void input_route_to(struct mgr *m, struct cell *c);

/* The front cell's input goes dead (held keys released, copies
 * inhibited) and no cell is in front until input_route_to(): before a VT
 * switch, so that the kernel's LED update for the new VT cannot reach the
 * old cell's copies. */
void input_detach(struct mgr *m);

/* The cell input currently routes to. */
struct cell *input_front(const struct mgr *m);

/* WATCH_INPUT: one of input's fds is readable. */
void input_on_event(struct mgr *m, struct watch *w);

#endif
