// SPDX-License-Identifier: MIT
/*
 * Input multiplexing: grab, copy, route.  See input.h and
 * docs/devices-input.md for the rules; the facts this rests on (measured
 * on the 6.1 guest) are in ../shared/ENVIRONMENT.md, "uinput".
 *
 *   physical device --EVIOCGRAB--> cellmgr --write--> front cell's copy
 *                                          (uinput)   (other copies inhibited)
 *
 * Every fd lives in the event loop with a callback of its own: a source,
 * a copy, the uevent socket.  A device class of the seat (seat.h): bind
 * makes a starting cell's copies, back and front route, release destroys.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <linux/kd.h>
#include <linux/keyboard.h>
#include <linux/netlink.h>
#include <linux/uinput.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fileutil.h"
#include "inputmux.h"

#include <sys/epoll.h>
#include "log.h"
#include "vt.h"
#include "devprog.h"
#include "rootfs.h"
#include "seat.h"
#include "uevent.h"

#define SYSRQ_VALUE "0" /* docs/devices-input.md, "sysrq" */

/* ---------------------------------------------------------------- setup */

static void read_bits(int fd, unsigned type, unsigned long *bits, size_t size)
{
	memset(bits, 0, size);
	if (ioctl(fd, EVIOCGBIT(type, size), bits) < 0)
		memset(bits, 0, size);
}

static bool any_bit(const unsigned long *b, size_t nlongs)
{
	for (size_t i = 0; i < nlongs; i++)
		if (b[i])
			return true;
	return false;
}

static void src_probe(struct src *s)
{
	read_bits(s->fd, 0, s->ev, sizeof(s->ev));
	read_bits(s->fd, EV_KEY, s->key, sizeof(s->key));
	read_bits(s->fd, EV_REL, s->rel, sizeof(s->rel));
	read_bits(s->fd, EV_ABS, s->abs, sizeof(s->abs));
	read_bits(s->fd, EV_MSC, s->msc, sizeof(s->msc));
	read_bits(s->fd, EV_LED, s->led, sizeof(s->led));
	read_bits(s->fd, EV_SW, s->sw, sizeof(s->sw));
	if (ioctl(s->fd, EVIOCGPROP(sizeof(s->prop)), s->prop) < 0)
		memset(s->prop, 0, sizeof(s->prop));
	for (unsigned a = 0; a < ABS_CNT; a++)
		if (bit_test(s->abs, a))
			ioctl(s->fd, EVIOCGABS(a), &s->absinfo[a]);
	if (ioctl(s->fd, EVIOCGID, &s->id) < 0)
		memset(&s->id, 0, sizeof(s->id));
	if (ioctl(s->fd, EVIOCGNAME(sizeof(s->name) - 1), s->name) < 0)
		snprintf(s->name, sizeof(s->name), "?");
	/* What a cell may get: keys other than the host's, motion, switches. */
	bit_set(s->key, KEY_SYSRQ, false);
	bit_set(s->key, KEY_POWER, false);
	s->copyable = any_bit(s->key, NLONGS(KEY_CNT)) || any_bit(s->rel, NLONGS(REL_CNT)) ||
		      any_bit(s->abs, NLONGS(ABS_CNT)) || any_bit(s->sw, NLONGS(SW_CNT));
}

static struct src *src_by_sysname(struct input *in, const char *sysname)
{
	for (unsigned i = 0; i < INPUT_SRC_MAX; i++)
		if (in->src[i].used && strcmp(in->src[i].sysname, sysname) == 0)
			return &in->src[i];
	return NULL;
}

static bool is_our_copy(struct input *in, int fd, const char *sysname)
{
	char phys[64] = "";

	for (unsigned i = 0; i < INPUT_COPIES_MAX; i++)
		if (in->copies[i].used &&
		    strcmp(in->copies[i].node + strlen("/dev/input/"), sysname) == 0)
			return true;
	/* Also copies of an earlier cellmgr that are still being torn down. */
	if (ioctl(fd, EVIOCGPHYS(sizeof(phys) - 1), phys) >= 0 &&
	    strncmp(phys, COPY_PHYS, strlen(COPY_PHYS)) == 0)
		return true;
	return false;
}

/* Opens, grabs and registers /dev/input/<sysname>.  Returns the source or
 * NULL (not ours, one of our copies, or an error: logged). */
static void on_src(struct loop_fd *w, uint32_t events, void *data);
static void on_uevent(struct loop_fd *w, uint32_t events, void *data);

static struct src *src_add(struct input *in, const char *sysname)
{
	char path[64];
	struct src *s = NULL;
	unsigned i;
	int fd;

	if (src_by_sysname(in, sysname))
		return NULL;
	snprintf(path, sizeof(path), "/dev/input/%s", sysname);
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		log_errno(neg_errno(), "input: open %s", path);
		return NULL;
	}
	if (is_our_copy(in, fd, sysname)) {
		close(fd);
		return NULL;
	}
	for (i = 0; i < INPUT_SRC_MAX; i++)
		if (!in->src[i].used) {
			s = &in->src[i];
			break;
		}
	if (!s) {
		log_warn("input: %s: more than %d devices, not grabbed", path, INPUT_SRC_MAX);
		close(fd);
		return NULL;
	}
	/* Event times on the monotonic clock: a hotkey's switch is logged
	 * with the time since the key went down. */
	ioctl(fd, EVIOCSCLOCKID, &(int){CLOCK_MONOTONIC});
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->slot = i;
	snprintf(s->sysname, sizeof(s->sysname), "%s", sysname);
	src_probe(s);
	if (!s->copyable && !bit_test(s->ev, EV_KEY)) {
		close(fd); /* a speaker or such: nothing to route */
		return NULL;
	}
	/* Without uinput the cells get nothing: keep the device with the VT
	 * (no grab) and watch only its power key. */
	if (in->uinput && ioctl(fd, EVIOCGRAB, 1) < 0) {
		log_errno(neg_errno(), "input: grab %s (%s)", path, s->name);
		close(fd);
		return NULL;
	}
	if (loop_add_fd(in->loop, &s->w, fd, EPOLLIN, on_src, in) < 0) {
		close(fd);
		return NULL;
	}
	s->used = true;
	log_info("input: %s %s: %s (slot %u)", in->uinput ? "grabbed" : "watching", path, s->name,
		 s->slot);
	return s;
}

static void src_remove(struct input *in, struct src *s)
{

	for (unsigned i = 0; i < INPUT_COPIES_MAX; i++)
		if (in->copies[i].used && in->copies[i].src == s)
			copy_destroy(in, &in->copies[i]);
	loop_remove_fd(in->loop, &s->w);
	close(s->fd);
	log_info("input: /dev/input/%s (%s) gone", s->sysname, s->name);
	s->used = false;
}

static int uevent_open(struct input *in)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1 /* kernel */};
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return log_errno(neg_errno(), "input: uevent socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return log_errno(neg_errno(), "input: bind uevent socket");
	}
	if (loop_add_fd(in->loop, &in->w_uevent, fd, EPOLLIN, on_uevent, in) < 0) {
		close(fd);
		return -EIO;
	}
	in->uevent_fd = fd;
	return 0;
}

struct input *input_init(struct loop *loop, struct cells *cells, struct seat *seat, struct vt *vt,
			 const char *state_dir, int own_mntns)
{
	struct input *in;
	struct dirent *de;
	DIR *dir;
	int r;

	in = calloc(1, sizeof(*in));
	if (!in) {
		log_errno(-ENOMEM, "input");
		return NULL;
	}
	in->uevent_fd = -1;
	in->own_netns = -1;
	for (unsigned i = 0; i < INPUT_VIEWS_MAX; i++)
		in->views[i].data_dir = in->views[i].nl = -1;
	in->loop = loop;
	in->cells = cells;
	in->seat = seat;
	in->vt = vt;
	in->state_dir = state_dir;
	in->own_mntns = own_mntns;
	loop_fd_init(&in->w_uevent);

	/* 0: no sysrq at all.  Every keyboard, copies included, would act
	 * on the host with any other value (docs/devices-input.md). */
	if ((r = write_file_at(AT_FDCWD, "/proc/sys/kernel/sysrq", SYSRQ_VALUE)) < 0)
		log_errno(r, "input: kernel.sysrq = " SYSRQ_VALUE);
	in->uinput = access(UINPUT_PATH, R_OK | W_OK) == 0;
	if (!in->uinput)
		log_warn("input: no %s: cells get no input; only the power key is watched",
			 UINPUT_PATH);
	else
		input_keymap_sanitize();
	dir = opendir("/dev/input");
	if (!dir) {
		log_warn("input: no /dev/input");
	} else {
		while ((de = readdir(dir)))
			if (strncmp(de->d_name, "event", 5) == 0)
				src_add(in, de->d_name);
		closedir(dir);
	}
	if (in->uinput)
		uevent_open(in);
	return in;
}

void input_fini(struct input *in)
{
	if (!in)
		return;
	for (unsigned i = 0; i < INPUT_SRC_MAX; i++)
		if (in->src[i].used)
			src_remove(in, &in->src[i]);
	if (in->uevent_fd >= 0) {
		loop_remove_fd(in->loop, &in->w_uevent);
		close(in->uevent_fd);
	}
	for (unsigned i = 0; i < INPUT_VIEWS_MAX; i++)
		if (in->views[i].c)
			udev_view_close(&in->views[i]);
	if (in->own_netns >= 0)
		close(in->own_netns);
	free(in);
}

/* ---------------------------------------------------------------- hotplug */

static void on_uevent(struct loop_fd *src, uint32_t events, void *data)
{
	struct input *in = data;
	char buf[8192];
	ssize_t n;

	while ((n = recv(in->uevent_fd, buf, sizeof(buf), 0)) > 0) {
		struct uevent ev;
		const char *node;

		if (uevent_parse(buf, (size_t)n, &ev) < 0 || !(node = uevent_input_node(&ev)))
			continue;
		if (ev.action == UEVENT_ADD) {
			struct src *s = src_add(in, node);

			if (!s || !s->copyable)
				continue;
			for (size_t i = 0; i < in->cells->n; i++) {
				struct cell *c = in->cells->v[i];
				struct copy *k;

				if (!cell_is_active(c) || c->pidfd < 0 || !cell_has_input(c))
					continue;
				if (copy_create(in, s, c, &k) == 0 && copy_bind_running(in, k) < 0)
					copy_destroy(in, k);
			}
		} else if (ev.action == UEVENT_REMOVE) {
			struct src *s = src_by_sysname(in, node);

			if (s)
				src_remove(in, s);
		}
	}
}

/* ---------------------------------------------------------------- routing */

static struct copy *front_copy(struct input *in, struct src *s)
{
	if (!in->live)
		return NULL;
	for (unsigned i = 0; i < INPUT_COPIES_MAX; i++)
		if (in->copies[i].used && in->copies[i].src == s && in->copies[i].cell == in->live)
			return &in->copies[i];
	return NULL;
}

static void sync_leds(struct input *in, struct cell *c)
{
	for (unsigned i = 0; i < INPUT_COPIES_MAX; i++) {
		struct copy *k = &in->copies[i];

		if (k->used && k->cell == c)
			copy_leds_to_src(k);
	}
}

/* The front cell's copies go dead (inhibited) before anything else
 * moves, and keys still held go up in them: the kernel sends those
 * key-ups itself when it inhibits a device (only if that fails does
 * cellmgr write them).  Before the VT switch: a live copy would take
 * the new VT's LED state, which the kernel's keyboard handler sets on
 * every live keyboard (and lose its own cell's, dev->led, which the
 * kernel restores when the copy lives again); and a background cell
 * could type into its copy (its evdev node takes writes) what the
 * kernel's keyboard handler would hand the VT in front. */
static void input_detach(struct input *in)
{
	if (!in->live)
		return;
	for (unsigned i = 0; i < INPUT_COPIES_MAX; i++) {
		struct copy *k = &in->copies[i];

		if (k->used && k->cell == in->live) {
			if (copy_set_inhibited(k, true) < 0)
				copy_release_held(k);
			memset(k->held, 0, sizeof(k->held));
		}
	}
	in->live = NULL;
}

static void input_route_to(struct input *in, struct cell *c)
{
	if (in->live == c)
		return;
	input_detach(in);
	in->live = c;
	for (unsigned i = 0; i < INPUT_COPIES_MAX; i++) {
		struct copy *k = &in->copies[i];

		if (k->used && k->cell == c)
			copy_set_inhibited(k, false);
	}
	if (c)
		sync_leds(in, c); /* no log line here: the seat's, after the walk, says it */
}

/* Writes the packet forwarded so far (without its SYN_REPORT when a
 * hotkey cuts it: the switch's key-ups come after it, not before). */
static void flush_out(struct src *s)
{
	size_t len = s->n_out * sizeof(s->out[0]);

	if (s->n_out && s->out_to && write(s->out_to->fd, s->out, len) < 0 && errno != EAGAIN)
		log_errno(neg_errno(), "input: write to a copy");
	s->n_out = 0;
	s->out_to = NULL;
}

static void forward(struct src *s, struct copy *k, unsigned type, unsigned code, int value)
{
	if (s->out_to != k || s->n_out == sizeof(s->out) / sizeof(s->out[0]))
		flush_out(s);
	s->out_to = k;
	s->out[s->n_out++] =
	    (struct input_event){.type = (__u16)type, .code = (__u16)code, .value = value};
}

/* Whether input_host_key() may take this key: only then is the packet so
 * far written before it (a hotkey may switch the front); any other key
 * goes out with its packet, in one write. */
static bool host_key_possible(const struct input *in, unsigned code)
{
	return code == KEY_POWER || code == KEY_SYSRQ ||
	       ((in->mods & (MOD_CTRL_L | MOD_CTRL_R)) && (in->mods & (MOD_ALT_L | MOD_ALT_R)));
}

static void on_src(struct loop_fd *w, uint32_t events, void *data)
{
	struct input *in = data;
	struct src *s = container_of(w, struct src, w);
	struct input_event ev[64];
	ssize_t n;
	int err;

	while ((n = read(s->fd, ev, sizeof(ev))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++) {
			struct input_event *e = &ev[i];
			struct copy *k;

			if (!in->uinput) {
				if (e->type == EV_KEY && e->code == KEY_POWER && e->value == 1)
					input_host_key(in, KEY_POWER);
				continue;
			}
			if (e->type == EV_KEY) {
				unsigned mod = input_mod_of(e->code);

				if (mod)
					in->mods = e->value ? in->mods | mod : in->mods & ~mod;
				if (e->code >= KEY_CNT || e->value == 2)
					continue; /* repeats: the copy makes its own */
				if (e->value == 1) {
					if (host_key_possible(in, e->code))
						flush_out(s); /* a hotkey may switch */
					in->key_us = (uint64_t)e->input_event_sec * 1000000u +
						     (uint64_t)e->input_event_usec;
				}
				if (e->value == 1 && input_host_key(in, e->code)) {
					bit_set(s->swallow, e->code, true);
					continue;
				}
				if (e->value == 0 && bit_test(s->swallow, e->code)) {
					bit_set(s->swallow, e->code, false);
					continue;
				}
				if (e->code == KEY_SYSRQ || e->code == KEY_POWER)
					continue;
			}
			if (e->type == EV_SYN) {
				if (e->code == SYN_REPORT && s->pending) {
					k = front_copy(in, s); /* may have changed: a hotkey */
					if (k)
						forward(s, k, EV_SYN, SYN_REPORT, 0);
				}
				flush_out(s);
				s->pending = 0;
				continue;
			}
			if (e->type != EV_KEY && e->type != EV_REL && e->type != EV_ABS &&
			    e->type != EV_MSC && e->type != EV_SW)
				continue;
			k = front_copy(in, s);
			if (!k)
				continue;
			if (e->type == EV_KEY) {
				/* Only ups of keys this cell saw go down. */
				if (e->value == 0 && !bit_test(k->held, e->code))
					continue;
				bit_set(k->held, e->code, e->value != 0);
			}
			forward(s, k, e->type, e->code, e->value);
			s->pending++;
		}
		if ((size_t)n < sizeof(ev))
			break; /* drained: epoll says when there is more */
	}
	err = n < 0 ? errno : 0;
	flush_out(s);
	if (err == ENODEV) {
		/* Unplugged: the uevent usually says so first. */
		src_remove(in, s);
	}
}

/* ---------------------------------------------------------------- the class */

/* back: the old front's input goes dead (held keys released, copies
 * inhibited), before the VT switch: the kernel's LED update for the new
 * VT must not reach the old cell's copies. */
static int input_back(void *priv, struct cell *c)
{
	struct input *in = priv;

	if (in->live == c)
		input_detach(in);
	return 0;
}

/* front: c's copies live, its LEDs on the keyboards. */
static int input_front(void *priv, struct cell *c)
{
	input_route_to(priv, c);
	return 0;
}

static bool input_present(void *priv)
{
	struct input *in = priv;

	for (unsigned i = 0; i < INPUT_SRC_MAX; i++)
		if (in->src[i].used)
			return true;
	return false;
}

const struct seat_class input_class = {
    .name = "input",
    .present = input_present,
    .bind = input_bind,
    .back = input_back,
    .front = input_front,
    .release = input_release,
    .gone = input_release,
};
