// SPDX-License-Identifier: MIT
/* Virtual terminals: which cell owns which, and switching them (vt.h). */
#include "vt.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cell.h"
#include "devprog.h"
#include "log.h"
#include "rootfs.h"
#include "seat.h"

#define TTY_MAJOR_VT 4
/* A VT node as the cell gets it (its root's), as login leaves a tty; and
 * at rest, root:tty, when its own state before is unknown. */
#define TTY_MODE 0620
#define TTY_GID 5

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void on_check(struct loop_timer *t, void *data);
static void on_active(struct loop_fd *w, uint32_t events, void *data);

void vt_init(struct vt *v, struct loop *loop, struct cells *cells, struct seat *seat)
{
	memset(v, 0, sizeof(*v));
	v->tty0 = -1;
	v->active_fd = -1;
	v->loop = loop;
	v->cells = cells;
	v->seat = seat;
	loop_timer_init(&v->t_check, on_check, v);
	loop_fd_init(&v->w_active);
}

/* Reading the attribute re-arms its notification; what it says ("tty2")
 * is the active VT, or 0 when unreadable. */
static unsigned rearm_active(struct vt *v)
{
	char buf[16], *end;
	unsigned long n;
	ssize_t len = pread(v->active_fd, buf, sizeof(buf) - 1, 0);

	if (len < 0) {
		log_errno(neg_errno(), "vt: read /sys/class/tty/tty0/active");
		return 0;
	}
	buf[len] = '\0';
	if (strncmp(buf, "tty", 3) != 0)
		return 0;
	n = strtoul(buf + 3, &end, 10);
	if (end == buf + 3 || (*end != '\n' && *end != '\0') || n > CELL_VT_MAX)
		return 0; /* then VT_GETSTATE says */
	return (unsigned)n;
}

void vt_open(struct vt *v)
{
	v->tty0 = open("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (v->tty0 < 0) {
		log_errno(neg_errno(), "vt: open /dev/tty0: display cells get no VT");
		return;
	}
	v->active_fd = open("/sys/class/tty/tty0/active", O_RDONLY | O_CLOEXEC);
	if (v->active_fd < 0)
		return; /* no sysfs: switches are polled */
	rearm_active(v);
	if (loop_add_fd(v->loop, &v->w_active, v->active_fd, EPOLLPRI, on_active, v) < 0) {
		close(v->active_fd);
		v->active_fd = -1;
	}
}

void vt_close(struct vt *v)
{
	loop_timer_disarm(v->loop, &v->t_check);
	loop_remove_fd(v->loop, &v->w_active);
	if (v->active_fd >= 0)
		close(v->active_fd);
	v->active_fd = -1;
	if (v->tty0 >= 0)
		close(v->tty0);
	v->tty0 = -1;
}

/* A cell of the current list (not removed) named name, or NULL. */
static struct cell *listed(const struct vt *v, const char *name)
{
	return name[0] ? cells_find(v->cells, name) : NULL;
}

unsigned vt_of(const struct vt *v, const struct cell *c)
{
	if (v->tty0 < 0 || !(c->cfg.devices & CELL_DEV_DISPLAY))
		return 0;
	for (unsigned n = 1; n <= CELL_VT_MAX; n++)
		if (strcmp(v->owner[n], c->cfg.name) == 0)
			return n;
	return 0;
}

struct cell *vt_cell(struct vt *v, unsigned n)
{
	struct cell *c;

	if (n < 1 || n > CELL_VT_MAX || !(c = listed(v, v->owner[n])))
		return NULL;
	return (c->cfg.devices & CELL_DEV_DISPLAY) ? c : NULL;
}

/* Set in some cell's `vt` key: not given out to a cell without one. */
static bool configured_elsewhere(const struct vt *v, unsigned n, const struct cell *c)
{
	for (size_t i = 0; i < v->cells->n; i++) {
		const struct cell *o = v->cells->v[i];

		if (o != c && !o->removed && (o->cfg.devices & CELL_DEV_DISPLAY) && o->cfg.vt == n)
			return true;
	}
	return false;
}

int vt_assign(struct vt *v, struct cell *c)
{
	unsigned have = vt_of(v, c), n;
	struct cell *o;

	if (v->tty0 < 0 || !(c->cfg.devices & CELL_DEV_DISPLAY))
		return 0;
	if (have && (!c->cfg.vt || c->cfg.vt == have))
		return (int)have;
	if (have)
		v->owner[have][0] = '\0'; /* its `vt` changed (reload) */
	if (c->cfg.vt) {
		n = c->cfg.vt;
		o = listed(v, v->owner[n]);
		if (o && o != c && cell_is_active(o))
			return -EBUSY;
	} else {
		for (n = 1; n <= CELL_VT_MAX; n++)
			if (!listed(v, v->owner[n]) && !configured_elsewhere(v, n, c))
				break;
		if (n > CELL_VT_MAX)
			return -ENOSPC;
	}
	snprintf(v->owner[n], sizeof(v->owner[n]), "%s", c->cfg.name);
	log_info("vt: cell %s has VT %u", c->cfg.name, n);
	return (int)n;
}

/* The node as the host left it, before its first hand-out by this
 * cellmgr: only when root owns it (a node a cell owns is one a cellmgr
 * that died never took back: its state at rest is not known). */
static void remember_rest(struct vt *v, unsigned n, const char *path)
{
	struct vt_rest *r = &v->rest[n];
	struct stat st;

	if (r->known || stat(path, &st) < 0 || st.st_uid != 0)
		return;
	r->known = true;
	r->uid = st.st_uid;
	r->gid = st.st_gid;
	r->mode = st.st_mode & 07777;
}

/* class bind: the cell's VT as its /dev/tty1 and /dev/tty0, the host
 * node handed to the cell's root, and c 4:N in its device program. */
static int vt_bind(void *priv, struct cell *c, struct seat_bind *b)
{
	struct vt *v = priv;
	struct dev_bind *d, *devs = b->devs;
	unsigned *n = &b->n;
	int vt = vt_assign(v, c);

	if (vt == -EBUSY) {
		snprintf(b->err, b->errlen, "vt: vt %u belongs to running cell %s", c->cfg.vt,
			 v->owner[c->cfg.vt]);
		return vt;
	}
	if (vt < 0) {
		snprintf(b->err, b->errlen, "vt: no free virtual terminal (all %d are taken)",
			 CELL_VT_MAX);
		return vt;
	}
	if (vt == 0)
		return 0;
	if (*n + 2 > b->max) {
		snprintf(b->err, b->errlen, "vt: too many device nodes");
		return -ENOSPC;
	}
	d = &devs[*n];
	snprintf(d->host, sizeof(d->host), "/dev/tty%d", vt);
	snprintf(d->cell, sizeof(d->cell), "tty1");
	remember_rest(v, (unsigned)vt, d->host);
	/* The same VT as its /dev/tty0 too: systemd's getty@tty1 and logind
	 * want the "current VT" node, and in a cell the current VT is its
	 * own (what the host's tty0 would switch or read is the board's
	 * business; the VT fence stays on this node as on tty1). */
	devs[*n + 1] = *d;
	snprintf(devs[*n + 1].cell, sizeof(devs[*n + 1].cell), "tty0");
	/* The cell's root must be able to open it (its getty does, and makes
	 * it its controlling tty); mode as a login leaves a tty. */
	if (chown(d->host, b->root_uid, b->root_gid) < 0 || chmod(d->host, TTY_MODE) < 0) {
		int r = neg_errno();

		snprintf(b->err, b->errlen, "vt: hand %s to the cell: %s", d->host, strerror(-r));
		return r;
	}
	*n += 2;
	if (b->prog && devprog_add(b->prog, 'c', TTY_MAJOR_VT, vt, "rw") < 0) {
		snprintf(b->err, b->errlen, "vt: device program: cannot add c 4:%d", vt);
		return -ENOMEM;
	}
	return 0;
}

/* class release: the node goes back to the owner and mode it had before
 * cellmgr first handed it to a cell (the cell's root may have changed the
 * mode: it owned the node); unknown (cellmgr was restarted meanwhile),
 * root:tty 0620. */
static void vt_release(void *priv, struct cell *c)
{
	struct vt *v = priv;
	struct vt_rest fallback = {.known = true, .uid = 0, .gid = TTY_GID, .mode = TTY_MODE};
	const struct vt_rest *rest;
	struct stat st;
	char path[32];
	unsigned n = vt_of(v, c);

	if (!n)
		return;
	rest = v->rest[n].known ? &v->rest[n] : &fallback;
	snprintf(path, sizeof(path), "/dev/tty%u", n);
	if (stat(path, &st) == 0 && (st.st_mode & 07777) != TTY_MODE)
		log_info("vt: cell %s left %s mode %04o: back to %04o", c->cfg.name, path,
			 (unsigned)(st.st_mode & 07777), (unsigned)rest->mode);
	if (chown(path, rest->uid, rest->gid) < 0)
		log_errno(neg_errno(), "vt: cell %s: give %s back to %u:%u", c->cfg.name, path,
			  (unsigned)rest->uid, (unsigned)rest->gid);
	if (chmod(path, rest->mode) < 0)
		log_errno(neg_errno(), "vt: cell %s: mode %04o on %s", c->cfg.name,
			  (unsigned)rest->mode, path);
}

bool vt_describe(const struct vt *v, const struct cell *c, char *out, size_t len)
{
	unsigned n = vt_of(v, c);
	char path[32];
	struct stat st;

	if (!n)
		return false;
	snprintf(path, sizeof(path), "/dev/tty%u", n);
	if (stat(path, &st) < 0)
		snprintf(out, len, "%u (%s: %s)", n, path, strerror(errno));
	else
		snprintf(out, len, "%u (%s uid %u gid %u mode %04o)", n, path, (unsigned)st.st_uid,
			 (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777));
	return true;
}

unsigned vt_active(const struct vt *v)
{
	struct vt_stat st;

	if (v->tty0 < 0 || ioctl(v->tty0, VT_GETSTATE, &st) < 0)
		return 0;
	return st.v_active;
}

/* The seat's line after the walk gives the VT's time (vt.front); only a
 * switch that had to wait gets a line of its own. */
static void settled(struct vt *v)
{
	v->last_switch_us = now_us() - v->t0_us;
	if (v->last_switch_us >= VT_SPIN_MS * 1000u)
		log_info("vt: VT %u active %llu.%03llu ms after the switch was asked", v->target,
			 (unsigned long long)(v->last_switch_us / 1000),
			 (unsigned long long)(v->last_switch_us % 1000));
	v->target = 0;
	loop_timer_disarm(v->loop, &v->t_check);
}

/* Without the sysfs notification: a short inline wait (the kernel
 * switches from its console work queue, usually well under a
 * millisecond), never longer than VT_SPIN_MS. */
static bool spin_until_active(struct vt *v, unsigned n, uint64_t t0)
{
	do {
		if (vt_active(v) == n)
			return true;
		nanosleep(&(struct timespec){.tv_nsec = 200000}, NULL);
	} while (now_us() - t0 < VT_SPIN_MS * 1000u);
	return false;
}

/* class front: makes c's VT the active one.  0 when it is (or c has
 * none), SEAT_PENDING until the kernel has switched (its notification of
 * tty0's `active`, or the check timer), or while the VT being left holds
 * on. */
static int vt_front(void *priv, struct cell *c)
{
	struct vt *v = priv;
	unsigned n = (c->cfg.devices & CELL_DEV_DISPLAY) ? vt_of(v, c) : 0;
	uint64_t t0;

	loop_timer_disarm(v->loop, &v->t_check);
	v->target = 0;
	if (v->tty0 < 0 || n < 1 || n > CELL_VT_MAX)
		return 0;
	t0 = now_us();
	v->from = vt_active(v);
	v->t0_us = t0;
	if (v->from == n) {
		v->last_switch_us = 0;
		return 0;
	}
	v->target = n;
	v->said_waiting = false;
	if (ioctl(v->tty0, VT_ACTIVATE, (unsigned long)n) < 0) {
		v->target = 0;
		return log_errno(neg_errno(), "vt: activate VT %u", n);
	}
	if (v->active_fd < 0 && spin_until_active(v, n, t0)) {
		settled(v);
		return 0;
	}
	loop_timer_in(v->loop, &v->t_check, VT_CHECK_MS);
	return SEAT_PENDING;
}

/* The kernel switched VTs (or something else changed tty0's `active`). */
static void on_active(struct loop_fd *w, uint32_t events, void *data)
{
	struct vt *v = data;
	unsigned n;

	(void)w;
	(void)events;
	n = rearm_active(v);
	if (v->target && (n ? n : vt_active(v)) == v->target) {
		settled(v);
		seat_step_done(v->seat, &vt_class);
	}
}

static void on_check(struct loop_timer *t, void *data)
{
	struct vt *v = data;

	(void)t;
	if (!v->target)
		return;
	if (vt_active(v) == v->target) {
		settled(v);
		seat_step_done(v->seat, &vt_class);
		return;
	}
	if (now_us() - v->t0_us >= VT_SPIN_MS * 1000u && !v->said_waiting) {
		v->said_waiting = true;
		log_info("vt: VT %u still active: waiting up to %d ms for it to let go", v->from,
			 VT_OVERRIDE_MS);
	}
	loop_timer_in(v->loop, &v->t_check, VT_CHECK_MS);
}

/* class override: the VT being left did not let go: VT_PROCESS that never
 * answers, or KD_GRAPHICS under VT_AUTO (the kernel then ignores
 * switches).  The second time, the switch is given up. */
static int vt_override(void *priv, struct cell *to, unsigned attempt)
{
	struct vt *v = priv;
	struct vt_mode mode;
	struct cell *c;
	char path[32];
	int fd;

	(void)to;
	if (!v->target)
		return 0;
	if (attempt > 1) {
		log_error("vt: VT %u did not become active even after forcing VT %u", v->target,
			  v->from);
		v->target = 0;
		loop_timer_disarm(v->loop, &v->t_check);
		return -ETIMEDOUT;
	}
	c = vt_cell(v, v->from);
	snprintf(path, sizeof(path), "/dev/tty%u", v->from);
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		log_errno(neg_errno(), "vt: open %s to take it back", path);
		return SEAT_PENDING;
	}
	log_warn("vt: VT %u (%s%s) did not let go within %d ms: forcing it (VT_AUTO, KD_TEXT)",
		 v->from, c ? "cell " : "the host", c ? c->cfg.name : "", VT_OVERRIDE_MS);
	if (ioctl(fd, VT_GETMODE, &mode) == 0 && mode.mode == VT_PROCESS)
		ioctl(fd, VT_RELDISP, 1UL); /* completes the pending switch */
	memset(&mode, 0, sizeof(mode));
	mode.mode = VT_AUTO;
	if (ioctl(fd, VT_SETMODE, &mode) < 0)
		log_errno(neg_errno(), "vt: VT_SETMODE VT_AUTO on %s", path);
	if (ioctl(fd, KDSETMODE, (unsigned long)KD_TEXT) < 0)
		log_errno(neg_errno(), "vt: KDSETMODE KD_TEXT on %s", path);
	close(fd);
	if (vt_active(v) != v->target && ioctl(v->tty0, VT_ACTIVATE, (unsigned long)v->target) < 0)
		log_errno(neg_errno(), "vt: activate VT %u", v->target);
	return SEAT_PENDING;
}

static bool vt_present(void *priv)
{
	return ((struct vt *)priv)->tty0 >= 0;
}

const struct seat_class vt_class = {
    .name = "vt",
    .present = vt_present,
    .bind = vt_bind,
    .front = vt_front,
    .override = vt_override,
    .grace_ms = VT_OVERRIDE_MS,
    .release = vt_release,
};
