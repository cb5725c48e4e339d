// SPDX-License-Identifier: MIT
/*
 * The cells' uinput copies of the grabbed input devices (input.h): made
 * with the source's capabilities (KEY_SYSRQ and KEY_POWER left out),
 * inhibited while their cell is in the background, bound into a running
 * cell's /dev/input when a device is plugged in later.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inputmux.h"
#include "devprog.h"
#include "log.h"
#include "rootfs.h"
#include "seat.h"
#include <sys/epoll.h>
#include "mountutil.h"

/* --------------------------------------------------------------- copies */

static void write_events(int fd, const struct input_event *ev, size_t n)
{
	if (n && write(fd, ev, n * sizeof(ev[0])) < 0 && errno != EAGAIN)
		log_errno(neg_errno(), "input: write to a device");
}

static void add_event(struct input_event *ev, size_t *n, unsigned type, unsigned code, int value)
{
	ev[(*n)++] = (struct input_event){.type = (__u16)type, .code = (__u16)code, .value = value};
}

/* The copy's LED state onto its keyboard: one write, one packet. */
void copy_leds_to_src(struct copy *k)
{
	struct input_event ev[LED_CNT + 1];
	size_t n = 0;

	if (!bit_test(k->src->ev, EV_LED))
		return;
	for (unsigned l = 0; l < LED_CNT; l++)
		if (bit_test(k->src->led, l))
			add_event(ev, &n, EV_LED, l, bit_test(k->led, l));
	add_event(ev, &n, EV_SYN, SYN_REPORT, 0);
	write_events(k->src->fd, ev, n);
}

/* Keys still held in the copy go up: one write per 64 keys (one in
 * practice), then the packet's end. */
void copy_release_held(struct copy *k)
{
	struct input_event ev[65];
	size_t n = 0;
	bool any = false;

	for (unsigned code = 0; code < KEY_CNT; code++) {
		if (!bit_test(k->held, code))
			continue;
		bit_set(k->held, code, false);
		add_event(ev, &n, EV_KEY, code, 0);
		any = true;
		if (n == 64) {
			write_events(k->fd, ev, n);
			n = 0;
		}
	}
	if (any) {
		add_event(ev, &n, EV_SYN, SYN_REPORT, 0);
		write_events(k->fd, ev, n);
	}
}

/* The kernel writes LED state (and force feedback requests, which our
 * copies do not offer) into the copy: the cell set its caps lock.  Only
 * the front cell's count: a background copy is inhibited, and what it
 * still reports is the kernel switching its LEDs off for that (its
 * dev->led, restored when it lives again, stays the cell's).  Only a
 * change goes to the keyboard: what the kernel replays when a copy comes
 * alive again is already there (the switch put k->led on it). */
static void on_copy(struct loop_fd *w, uint32_t events, void *data)
{
	struct input *in = data;
	struct copy *k = container_of(w, struct copy, w);
	struct input_event ev[16];
	ssize_t n;
	bool leds = false;

	while ((n = read(k->fd, ev, sizeof(ev))) > 0)
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++)
			if (ev[i].type == EV_LED && ev[i].code < LED_CNT && k->cell == in->live &&
			    bit_test(k->led, ev[i].code) != (ev[i].value != 0)) {
				bit_set(k->led, ev[i].code, ev[i].value != 0);
				leds = true;
			}
	if (leds)
		copy_leds_to_src(k);
}

static void on_copy(struct loop_fd *w, uint32_t events, void *data);

/* One pwrite on the file opened with the copy: on a switch's path, no
 * open, no path walk through sysfs, no close. */
int copy_set_inhibited(struct copy *k, bool on)
{
	if (pwrite(k->inhibit_fd, on ? "1" : "0", 1, 0) == 1)
		return 0;
	return log_errno(errno ? neg_errno() : -EIO, "input: %s/inhibited", k->sysdir);
}

static int ui_bits(int fd, unsigned long req, const unsigned long *bits, unsigned cnt)
{
	for (unsigned i = 0; i < cnt; i++)
		if (bit_test(bits, i) && ioctl(fd, req, i) < 0)
			return neg_errno();
	return 0;
}

/* The copy's event node: /sys/class/input/inputN/eventM. */
static int copy_find_node(struct copy *k)
{
	struct dirent *de;
	DIR *dir = opendir(k->sysdir);
	int r = -ENOENT;

	if (!dir)
		return neg_errno();
	while ((de = readdir(dir)))
		if (strncmp(de->d_name, "event", 5) == 0) {
			snprintf(k->node, sizeof(k->node), "/dev/input/%.16s", de->d_name);
			r = 0;
			break;
		}
	closedir(dir);
	return r;
}

/* The copy offers what the source does (its events, keys, axes, LEDs,
 * switches, properties), but for what the host keeps (src_probe()). */
static int copy_set_caps(int fd, const struct src *s)
{
	int r = 0;

	/* EV_REP: the copy repeats by itself (the cell may set its rate);
	 * the source's repeats are dropped, never forwarded: not doubled. */
	if (bit_test(s->ev, EV_KEY) && (ioctl(fd, UI_SET_EVBIT, EV_KEY) < 0 ||
					(r = ui_bits(fd, UI_SET_KEYBIT, s->key, KEY_CNT)) < 0))
		return r ? r : neg_errno();
	if (bit_test(s->ev, EV_REL) && (ioctl(fd, UI_SET_EVBIT, EV_REL) < 0 ||
					(r = ui_bits(fd, UI_SET_RELBIT, s->rel, REL_CNT)) < 0))
		return r ? r : neg_errno();
	if (bit_test(s->ev, EV_ABS) && (ioctl(fd, UI_SET_EVBIT, EV_ABS) < 0 ||
					(r = ui_bits(fd, UI_SET_ABSBIT, s->abs, ABS_CNT)) < 0))
		return r ? r : neg_errno();
	if (bit_test(s->ev, EV_MSC) && (ioctl(fd, UI_SET_EVBIT, EV_MSC) < 0 ||
					(r = ui_bits(fd, UI_SET_MSCBIT, s->msc, MSC_CNT)) < 0))
		return r ? r : neg_errno();
	if (bit_test(s->ev, EV_LED) && (ioctl(fd, UI_SET_EVBIT, EV_LED) < 0 ||
					(r = ui_bits(fd, UI_SET_LEDBIT, s->led, LED_CNT)) < 0))
		return r ? r : neg_errno();
	if (bit_test(s->ev, EV_SW) && (ioctl(fd, UI_SET_EVBIT, EV_SW) < 0 ||
				       (r = ui_bits(fd, UI_SET_SWBIT, s->sw, SW_CNT)) < 0))
		return r ? r : neg_errno();
	if (bit_test(s->ev, EV_REP) && ioctl(fd, UI_SET_EVBIT, EV_REP) < 0)
		return r ? r : neg_errno();
	if ((r = ui_bits(fd, UI_SET_PROPBIT, s->prop, INPUT_PROP_CNT)) < 0)
		return r ? r : neg_errno();
	for (unsigned a = 0; a < ABS_CNT; a++) {
		struct uinput_abs_setup as = {.code = (__u16)a, .absinfo = s->absinfo[a]};

		if (bit_test(s->abs, a) && ioctl(fd, UI_ABS_SETUP, &as) < 0)
			return neg_errno();
	}
	return 0;
}

/* The copy's sysfs "inhibited", kept open for its life (copy_set_inhibited). */
static int copy_open_inhibit(struct copy *k)
{
	char path[96];

	snprintf(path, sizeof(path), "%s/inhibited", k->sysdir);
	k->inhibit_fd = open(path, O_WRONLY | O_CLOEXEC);
	return k->inhibit_fd < 0 ? neg_errno() : 0;
}

int copy_create(struct input *in, struct src *s, struct cell *c, struct copy **out)
{
	struct uinput_setup us;
	struct copy *k = NULL;
	char sysname[32];
	uid_t uid;
	int fd, r;
	unsigned i;

	for (i = 0; i < INPUT_COPIES_MAX; i++)
		if (!in->copies[i].used) {
			k = &in->copies[i];
			break;
		}
	if (!k)
		return log_errno(-ENOSPC, "input: cell %s: copy of %s", c->cfg.name, s->name);
	uid = c->root_uid;
	fd = open(UINPUT_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return log_errno(neg_errno(), "input: open " UINPUT_PATH);
	memset(k, 0, sizeof(*k));
	k->fd = fd;
	k->inhibit_fd = -1;
	k->cell = c;
	k->src = s;
	if ((r = copy_set_caps(fd, s)) < 0)
		goto fail;
	memset(&us, 0, sizeof(us));
	us.id = s->id;
	snprintf(us.name, sizeof(us.name), "%s", s->name);
	{
		char phys[64];

		snprintf(phys, sizeof(phys), COPY_PHYS "%s", c->cfg.name);
		if (ioctl(fd, UI_SET_PHYS, phys) < 0)
			goto fail;
	}
	if (ioctl(fd, UI_DEV_SETUP, &us) < 0 || ioctl(fd, UI_DEV_CREATE) < 0)
		goto fail;
	if (ioctl(fd, UI_GET_SYSNAME(sizeof(sysname)), sysname) < 0)
		goto fail;
	snprintf(k->sysdir, sizeof(k->sysdir), "/sys/class/input/%.24s", sysname);
	if ((r = copy_find_node(k)) < 0)
		goto fail_created;
	if ((r = copy_open_inhibit(k)) < 0)
		goto fail_created;
	k->used = true;
	/* Only the front cell's copies are live. */
	if (c != in->live && (r = copy_set_inhibited(k, true)) < 0) {
		k->used = false;
		goto fail_created;
	}
	if (chown(k->node, uid, uid) < 0 || chmod(k->node, 0600) < 0) {
		r = neg_errno();
		k->used = false;
		goto fail_created;
	}
	if (loop_add_fd(in->loop, &k->w, fd, EPOLLIN, on_copy, in) < 0) {
		r = -EIO;
		k->used = false;
		goto fail_created;
	}
	*out = k;
	return 0;
fail:
	if (!r)
		r = neg_errno();
	if (r >= 0)
		r = -EIO; /* never a success without the copy */
	log_errno(r, "input: cell %s: uinput copy of %s", c->cfg.name, s->name);
	close(fd);
	return r;
fail_created:
	log_errno(r, "input: cell %s: uinput copy of %s (%s)", c->cfg.name, s->name, k->sysdir);
	if (k->inhibit_fd >= 0)
		close(k->inhibit_fd);
	ioctl(fd, UI_DEV_DESTROY);
	close(fd);
	return r;
}

static void copy_unbind_running(struct input *in, struct copy *k);

void copy_destroy(struct input *in, struct copy *k)
{
	if (k->bound)
		copy_unbind_running(in, k);
	else
		copy_udev(in, k, false); /* bound at the start: its cell's udev still has it */
	loop_remove_fd(in->loop, &k->w);
	ioctl(k->fd, UI_DEV_DESTROY);
	close(k->fd);
	close(k->inhibit_fd);
	k->used = false;
}

/* class bind: the cell's copies of every source, as its
 * /dev/input/eventK under the copy's own name (K its event number, as
 * sysfs and udev name it in the cell too), and c 13:* in its device
 * program.  A cell without input in its devices gets nothing. */
int input_bind(void *priv, struct cell *c, struct seat_bind *b)
{
	struct input *in = priv;
	int added = 0, r;

	if (!in->uinput || !cell_has_input(c))
		return 0;
	/* A restart: none of the old copies stay (the front stays c). */
	input_release(in, c);
	for (unsigned i = 0; i < INPUT_SRC_MAX; i++) {
		struct src *s = &in->src[i];
		struct copy *k = NULL;

		if (!s->used || !s->copyable)
			continue;
		if (b->n >= b->max) {
			snprintf(b->err, b->errlen, "input devices: too many device nodes");
			return -ENOSPC;
		}
		if ((r = copy_create(in, s, c, &k)) < 0 || !k) {
			r = r < 0 ? r : -EIO;
			snprintf(b->err, b->errlen, "input devices: uinput copy of %s: %s", s->name,
				 strerror(-r));
			return r;
		}
		snprintf(b->devs[b->n].host, sizeof(b->devs[b->n].host), "%s", k->node);
		snprintf(b->devs[b->n].cell, sizeof(b->devs[b->n].cell), "input/%s", copy_name(k));
		b->n++;
		added++;
	}
	if (!added)
		return 0;
	log_info("input: cell %s: %d input device(s)", c->cfg.name, added);
	if (b->prog && devprog_add(b->prog, 'c', 13, DEVPROG_ANY, "rw") < 0) {
		snprintf(b->err, b->errlen, "input devices: device program: cannot add c 13:*");
		return -ENOMEM;
	}
	return 0;
}

/* class release and gone: the cell's copies go.  A front cell that comes
 * back (a restart, a reboot inside) keeps its copies live: its new ones
 * are made live.  The seat moves the front elsewhere when it does not
 * come back (back, then nothing is live); a cell that leaves the list is
 * never live again. */
void input_release(void *priv, struct cell *c)
{
	struct input *in = priv;

	input_udev_close(in, c);
	for (unsigned i = 0; i < INPUT_COPIES_MAX; i++)
		if (in->copies[i].used && in->copies[i].cell == c) {
			in->copies[i].bound = false; /* its mount namespace is gone */
			copy_destroy(in, &in->copies[i]);
		}
	if (in->live == c && c->removed)
		in->live = NULL;
}

/* ------------------------------------------------- running cells' /dev */

/*
 * A running cell's /dev is never entered through the cell's own mount
 * namespace (which the cell controls: it could swap /dev/input for a
 * symlink to a host file) nor through a path.  cellmgr enters the
 * namespace the cell's shim built the root in (rootfs.h), where the cell
 * changes no mount, opens the cell's /dev there from the staging
 * directory, and works from directory fds: /dev/input must be a real
 * directory of that tmpfs, the node a new file.  The bind made there
 * reaches the cell by propagation (its /dev is a slave of that one).
 */
static int open_cell_dev(struct input *in, struct cell *c)
{
	char path[PATH_MAX];
	struct statfs sfs;
	int root, dev;

	if ((size_t)snprintf(path, sizeof(path), "%s/cells/%s/root", in->state_dir, c->cfg.name) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	root = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		return neg_errno();
	dev = dir_open_beneath(root, "dev", false);
	close(root);
	if (dev >= 0 && (fstatfs(dev, &sfs) < 0 || sfs.f_type != TMPFS_MAGIC)) {
		close(dev);
		return -EXDEV; /* not the tmpfs cellmgr made */
	}
	return dev;
}

static int bind_node(struct copy *k, int dev, const char *name)
{
	int dir, file, tree, r;

	dir = dir_open_beneath(dev, "input", true);
	if (dir == -ENOENT) {
		struct stat st;

		/* Made for the cell's root, who owns its /dev. */
		if (fstat(dev, &st) < 0)
			return neg_errno();
		dir = dir_make_beneath(dev, "input", 0755, st.st_uid, st.st_gid);
	}
	if (dir < 0)
		return dir;
	file = file_make_beneath(dir, name);
	if (file == -EEXIST && unlinkat(dir, name, 0) == 0)
		file = file_make_beneath(dir, name);
	close(dir);
	if (file < 0)
		return file;
	tree = tree_clone(AT_FDCWD, k->node, false, 0, 0, false);
	r = tree < 0 ? tree : mount_on_fd(tree, file);
	if (tree >= 0)
		close(tree);
	close(file);
	return r;
}

static int unbind_node(int dev, const char *name)
{
	char fdpath[32];
	int dir, node, r = 0;

	dir = dir_open_beneath(dev, "input", true);
	if (dir < 0)
		return dir;
	node = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (node >= 0) {
		/* The fd is the bound node itself (the mount on top). */
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", node);
		if (umount2(fdpath, MNT_DETACH) < 0)
			r = neg_errno();
		close(node);
	}
	if (unlinkat(dir, name, 0) < 0 && errno != ENOENT && r == 0)
		r = neg_errno();
	close(dir);
	return r;
}

static int in_cell_dev(struct input *in, struct copy *k, bool bind)
{
	struct cell *c = k->cell;
	const char *name = copy_name(k);
	int dev, r;

	if (c->shim_pidfd < 0)
		return -ESRCH;
	if (setns(c->shim_pidfd, CLONE_NEWNS) < 0)
		return log_errno(neg_errno(), "input: cell %s: enter its shim's mount namespace",
				 c->cfg.name);
	dev = open_cell_dev(in, c);
	r = dev < 0 ? dev : bind ? bind_node(k, dev, name) : unbind_node(dev, name);
	if (dev >= 0)
		close(dev);
	if (setns(in->own_mntns, CLONE_NEWNS) < 0) /* cellmgr would act from the cell's tree */
		log_fatal(neg_errno(), "input: back to cellmgr's mount namespace");
	if (r < 0)
		log_errno(r, "input: cell %s: %s %s %s its /dev/input/%s", c->cfg.name,
			  bind ? "bind" : "unbind", k->node, bind ? "on" : "from", name);
	return r;
}

int copy_bind_running(struct input *in, struct copy *k)
{
	int r = in_cell_dev(in, k, true);

	if (r == 0) {
		k->bound = true;
		copy_udev(in, k, true);
		log_info("input: cell %s: %s is its /dev/input/%s", k->cell->cfg.name, k->node,
			 copy_name(k));
	}
	return r;
}

static void copy_unbind_running(struct input *in, struct copy *k)
{
	copy_udev(in, k, false); /* while sysfs still has it */
	if (cell_is_active(k->cell))
		in_cell_dev(in, k, false);
	k->bound = false;
}

int input_open_copy(struct input *in, const struct cell *c, const char *name)
{
	int fd;

	if (!in)
		return -ENOENT;
	for (unsigned i = 0; i < INPUT_COPIES_MAX; i++) {
		struct copy *k = &in->copies[i];

		if (!k->used || k->cell != c || strcmp(copy_name(k), name) != 0)
			continue;
		fd = open(k->node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		return fd < 0 ? neg_errno() : fd;
	}
	return -ENOENT;
}
