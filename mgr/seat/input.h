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
 * the switch hotkeys (Ctrl-Alt-F1..F12, Ctrl-Alt-Right = next cell), which
 * ask the seat for a switch.  Devices plugged in later (kernel uevents)
 * are grabbed and copied into every input cell, running ones included;
 * removed ones go away.  A device class of the seat (seat.h).
 */
#ifndef CELLAR_INPUT_H
#define CELLAR_INPUT_H

#include <stdbool.h>

struct cells;
struct input;
struct loop;
struct seat;
struct seat_class;
struct vt;

#define INPUT_SRC_MAX 16     /* physical devices grabbed at once */
#define INPUT_COPIES_MAX 256 /* uinput copies, all cells together */

/* The seat's class; its priv is the struct input of input_init(). */
extern const struct seat_class input_class;

/* Board mode only.  Sets kernel.sysrq, removes the console-switch, boot
 * and SAK actions from the kernel keymap, grabs every physical input
 * device and opens the uevent socket.  Without /dev/uinput it only
 * watches the power key (nothing is grabbed).  Returns NULL out of
 * memory (logged); cellmgr carries on without input then. */
struct input *input_init(struct loop *loop, struct cells *cells, struct seat *seat, struct vt *vt,
			 const char *state_dir, int own_mntns);

/* A new fd of cell c's copy named name ("event9": its /dev/input/event9),
 * for its compositor's seat (gpu.c): -ENOENT when it has none such. */
int input_open_copy(struct input *in, const struct cell *c, const char *name);

/* A display cell's udev (udev.h): opens its view under run_dir (its /run,
 * an O_PATH fd) with its input copies in it; from then on copies plugged
 * in and out are announced to it.  input_udev_device() adds another
 * device of the cell's (its card: "/sys/class/drm/card0").  Closed by
 * input_udev_close() and when the cell's run ends. */
int input_udev_open(struct input *in, const struct cell *c, int run_dir);
int input_udev_device(struct input *in, const struct cell *c, const char *syspath);
void input_udev_close(struct input *in, const struct cell *c);

/* Releases everything (copies, grabs).  Safe with NULL. */
void input_fini(struct input *in);

#endif
