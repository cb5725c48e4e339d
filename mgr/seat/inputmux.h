/* SPDX-License-Identifier: MIT */
/* Input multiplexing, private to input.c and evcopy.c (see input.h). */
#ifndef CELLAR_INPUTMUX_H
#define CELLAR_INPUTMUX_H

#include <linux/input.h>
#include <linux/uinput.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cell.h"
#include "input.h"
#include "loop.h"
#include "rootfs.h"
#include "udev.h"

#define BITS_PER_LONG (8 * sizeof(unsigned long))
#define NLONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define UINPUT_PATH "/dev/uinput"
#define COPY_PHYS "cellar/" /* phys of our copies: "cellar/CELL" */
#define INPUT_VIEWS_MAX 16  /* display cells with a udev view at once */

static inline bool bit_test(const unsigned long *b, unsigned n)
{
	return (b[n / BITS_PER_LONG] >> (n % BITS_PER_LONG)) & 1;
}

static inline void bit_set(unsigned long *b, unsigned n, bool on)
{
	if (on)
		b[n / BITS_PER_LONG] |= 1ul << (n % BITS_PER_LONG);
	else
		b[n / BITS_PER_LONG] &= ~(1ul << (n % BITS_PER_LONG));
}

/* A grabbed physical device. */
struct src {
	struct loop_fd w;
	bool used;
	int fd;
	unsigned slot;	  /* its index in struct input */
	char sysname[32]; /* "event3" */
	char name[UINPUT_MAX_NAME_SIZE];
	struct input_id id;
	unsigned long ev[NLONGS(EV_CNT)];
	unsigned long key[NLONGS(KEY_CNT)];
	unsigned long rel[NLONGS(REL_CNT)];
	unsigned long abs[NLONGS(ABS_CNT)];
	unsigned long msc[NLONGS(MSC_CNT)];
	unsigned long led[NLONGS(LED_CNT)];
	unsigned long sw[NLONGS(SW_CNT)];
	unsigned long prop[NLONGS(INPUT_PROP_CNT)];
	struct input_absinfo absinfo[ABS_CNT];
	unsigned long swallow[NLONGS(KEY_CNT)]; /* consumed downs: drop their up too */
	unsigned pending;			/* events forwarded since the last SYN_REPORT */
	/* The packet being forwarded, written to `out_to` in one write() at
	 * its SYN_REPORT (one syscall per packet, not per event). */
	struct input_event out[32];
	unsigned n_out;
	struct copy *out_to;
	bool copyable; /* has something a cell can use */
};

/* One cell's uinput copy of one source. */
struct copy {
	struct loop_fd w;
	bool used;
	int fd; /* /dev/uinput */
	struct cell *cell;
	struct src *src;
	char node[32];	 /* "/dev/input/event9" on the host */
	char sysdir[64]; /* "/sys/class/input/input12" */
	int inhibit_fd;	 /* its sysfs "inhibited", open: a switch writes it, no path walk */
	bool bound;	 /* bound into the running cell by us (hotplug) */
	unsigned long held[NLONGS(KEY_CNT)];
	unsigned long led[NLONGS(LED_CNT)]; /* as the cell last set them */
};

struct input {
	struct loop *loop;
	struct cells *cells;
	struct seat *seat;
	struct vt *vt;	       /* for the Ctrl-Alt-F<n> hotkeys */
	const char *state_dir; /* the cells' roots: <state>/cells/NAME/root */
	int own_mntns;	       /* cellmgr's mount namespace, to come back to */
	bool uinput;	       /* false: power key only, nothing grabbed */
	struct src src[INPUT_SRC_MAX];
	struct copy copies[INPUT_COPIES_MAX];
	struct loop_fd w_uevent;
	int uevent_fd;
	struct cell *live; /* the cell whose copies are live (the front's, once its VT is) */
	unsigned mods;	   /* held modifiers, over all sources */
	uint64_t key_us;   /* CLOCK_MONOTONIC time of the hotkey being acted on */
	struct udev_view views[INPUT_VIEWS_MAX]; /* inputudev.c */
	int own_netns;				 /* cellmgr's, to come back to */
};

#define MOD_CTRL_L 1u
#define MOD_CTRL_R 2u
#define MOD_ALT_L 4u
#define MOD_ALT_R 8u

static inline bool cell_has_input(const struct cell *c)
{
	return (c->cfg.devices & CELL_DEV_INPUT) != 0;
}

/* keymap.c: the console switch, boot and SAK actions out of the kernel
 * keymap. */
void input_keymap_sanitize(void);

/* hotkey.c: a key press the host keeps?  Acts on it and says so (value 1
 * only).  input_mod_of(): the modifier bit of a key, or 0. */
bool input_host_key(struct input *in, unsigned code);
unsigned input_mod_of(unsigned code);

/* "event9": the name of a copy's node, on the host and in its cell alike
 * (where sysfs and udev name it so too). */
static inline const char *copy_name(const struct copy *k)
{
	return k->node + sizeof("/dev/input/") - 1;
}

/* evcopy.c: the copy's LED state onto its source keyboard; the keys
 * held in the copy released.  One write each (a packet). */
void copy_leds_to_src(struct copy *k);
void copy_release_held(struct copy *k);

/* evcopy.c: one cell's uinput copy of one source. */
int copy_create(struct input *in, struct src *s, struct cell *c, struct copy **out);
void copy_destroy(struct input *in, struct copy *k);
int copy_bind_running(struct input *in, struct copy *k);

/* inputudev.c: the copy added to (or removed from) its cell's udev view,
 * announced to the cell's libudev monitors; nothing without a view. */
void copy_udev(struct input *in, const struct copy *k, bool add);
int copy_set_inhibited(struct copy *k, bool on);
/* The class's bind and release (evcopy.c). */
struct seat_bind;
int input_bind(void *priv, struct cell *c, struct seat_bind *b);
void input_release(void *priv, struct cell *c);

#endif
