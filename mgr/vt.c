// SPDX-License-Identifier: MIT
/* Virtual terminals: which cell owns which, and switching them (vt.h). */
#include "vt.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "devmux.h"
#include "devprog.h"
#include "log.h"
#include "mgr.h"
#include "ops.h"
#include "rootfs.h"

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

void vt_open(struct mgr *m)
{
	struct vt_state *v = &m->vt;

	v->tty0 = open("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (v->tty0 < 0)
		log_errno(neg_errno(), "vt: open /dev/tty0: display cells get no VT");
}

void vt_close(struct mgr *m)
{
	if (m->vt.tty0 >= 0)
		close(m->vt.tty0);
	m->vt.tty0 = -1;
}

/* A cell of the current list (not removed) named name, or NULL. */
static struct cell *listed(struct mgr *m, const char *name)
{
	return name[0] ? mgr_find_cell(m, name) : NULL;
}

unsigned vt_of(const struct mgr *m, const struct cell *c)
{
	if (m->vt.tty0 < 0 || !(c->cfg.devices & CELL_DEV_DISPLAY))
		return 0;
	for (unsigned n = 1; n <= CELL_VT_MAX; n++)
		if (strcmp(m->vt.owner[n], c->cfg.name) == 0)
			return n;
	return 0;
}

struct cell *vt_cell(struct mgr *m, unsigned n)
{
	struct cell *c;

	if (n < 1 || n > CELL_VT_MAX || !(c = listed(m, m->vt.owner[n])))
		return NULL;
	return (c->cfg.devices & CELL_DEV_DISPLAY) ? c : NULL;
}

/* Set in some cell's `vt` key: not given out to a cell without one. */
static bool configured_elsewhere(struct mgr *m, unsigned n, const struct cell *c)
{
	for (size_t i = 0; i < m->n_cells; i++) {
		const struct cell *o = m->cells[i];

		if (o != c && !o->removed && (o->cfg.devices & CELL_DEV_DISPLAY) && o->cfg.vt == n)
			return true;
	}
	return false;
}

int vt_assign(struct mgr *m, struct cell *c)
{
	struct vt_state *v = &m->vt;
	unsigned have = vt_of(m, c), n;
	struct cell *o;

	if (v->tty0 < 0 || !(c->cfg.devices & CELL_DEV_DISPLAY))
		return 0;
	if (have && (!c->cfg.vt || c->cfg.vt == have))
		return (int)have;
	if (have)
		v->owner[have][0] = '\0'; /* its `vt` changed (reload) */
	if (c->cfg.vt) {
		n = c->cfg.vt;
		o = listed(m, v->owner[n]);
		if (o && o != c && cell_is_active(o))
			return -EBUSY;
	} else {
		for (n = 1; n <= CELL_VT_MAX; n++)
			if (!listed(m, v->owner[n]) && !configured_elsewhere(m, n, c))
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
static void remember_rest(struct mgr *m, unsigned n, const char *path)
{
	struct vt_rest *r = &m->vt.rest[n];
	struct stat st;

	if (r->known || stat(path, &st) < 0 || st.st_uid != 0)
		return;
	r->known = true;
	r->uid = st.st_uid;
	r->gid = st.st_gid;
	r->mode = st.st_mode & 07777;
}

int vt_cell_devs(struct mgr *m, struct cell *c, uid_t root_uid, gid_t root_gid,
		 struct dev_bind *devs, unsigned *n, char *err, size_t errlen)
{
	struct dev_bind *d;
	int vt = vt_assign(m, c);

	if (vt == -EBUSY) {
		snprintf(err, errlen, "vt %u belongs to running cell %s", c->cfg.vt,
			 m->vt.owner[c->cfg.vt]);
		return vt;
	}
	if (vt < 0) {
		snprintf(err, errlen, "no free virtual terminal (all %d are taken)", CELL_VT_MAX);
		return vt;
	}
	if (vt == 0)
		return 0;
	d = &devs[*n];
	snprintf(d->host, sizeof(d->host), "/dev/tty%d", vt);
	snprintf(d->cell, sizeof(d->cell), "tty1");
	remember_rest(m, (unsigned)vt, d->host);
	/* The same VT as its /dev/tty0 too: systemd's getty@tty1 and logind
	 * want the "current VT" node, and in a cell the current VT is its
	 * own (what the host's tty0 would switch or read is the board's
	 * business; the VT fence stays on this node as on tty1). */
	devs[*n + 1] = *d;
	snprintf(devs[*n + 1].cell, sizeof(devs[*n + 1].cell), "tty0");
	/* The cell's root must be able to open it (its getty does, and makes
	 * it its controlling tty); mode as a login leaves a tty. */
	if (chown(d->host, root_uid, root_gid) < 0 || chmod(d->host, TTY_MODE) < 0) {
		int r = neg_errno();

		snprintf(err, errlen, "hand %s to the cell: %s", d->host, strerror(-r));
		return r;
	}
	*n += 2;
	return 0;
}

int vt_cell_devprog(struct mgr *m, struct cell *c, struct devprog *dp)
{
	unsigned n = vt_of(m, c);

	return n ? devprog_add(dp, 'c', TTY_MAJOR_VT, (int)n, "rw") : 0;
}

void vt_cell_release(struct mgr *m, struct cell *c)
{
	struct vt_rest fallback = {.known = true, .uid = 0, .gid = TTY_GID, .mode = TTY_MODE};
	const struct vt_rest *rest;
	struct stat st;
	char path[32];
	unsigned n = vt_of(m, c);

	if (!n)
		return;
	rest = m->vt.rest[n].known ? &m->vt.rest[n] : &fallback;
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

bool vt_describe(struct mgr *m, const struct cell *c, char *out, size_t len)
{
	unsigned n = vt_of(m, c);
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

unsigned vt_active(struct mgr *m)
{
	struct vt_stat st;

	if (m->vt.tty0 < 0 || ioctl(m->vt.tty0, VT_GETSTATE, &st) < 0)
		return 0;
	return st.v_active;
}

static void settled(struct mgr *m)
{
	struct vt_state *v = &m->vt;
	struct cell *c = listed(m, v->route_after);

	v->last_switch_us = now_us() - v->t0_us;
	log_info("vt: VT %u active %llu.%03llu ms after the switch was asked", v->target,
		 (unsigned long long)(v->last_switch_us / 1000),
		 (unsigned long long)(v->last_switch_us % 1000));
	v->target = 0;
	v->route_after[0] = '\0';
	if (c)
		devmux_input_settled(m, c);
}

int vt_activate(struct mgr *m, unsigned n, const char *route_to)
{
	struct vt_state *v = &m->vt;
	uint64_t t0, now;

	if (v->tty0 < 0 || n < 1 || n > CELL_VT_MAX)
		return 0;
	t0 = now_us();
	v->from = vt_active(m);
	v->target = n;
	v->overridden = false;
	v->t0_us = t0;
	snprintf(v->route_after, sizeof(v->route_after), "%s", route_to ? route_to : "");
	if (v->from == n) {
		v->target = 0;
		v->route_after[0] = '\0';
		v->last_switch_us = 0;
		return 0;
	}
	if (ioctl(v->tty0, VT_ACTIVATE, (unsigned long)n) < 0) {
		v->target = 0;
		v->route_after[0] = '\0';
		return log_errno(neg_errno(), "vt: activate VT %u", n);
	}
	/* The kernel switches from its console work queue: usually done in
	 * well under a millisecond, so a short wait here keeps a switch one
	 * step for the caller.  Never longer than VT_SPIN_MS. */
	do {
		if (vt_active(m) == n) {
			v->route_after[0] = '\0'; /* the caller routes input itself */
			settled(m);
			return 0;
		}
		nanosleep(&(struct timespec){.tv_nsec = 200000}, NULL);
		now = now_us();
	} while (now - t0 < VT_SPIN_MS * 1000u);
	v->deadline_ms = t0 / 1000 + VT_OVERRIDE_MS;
	v->next_check_ms = now / 1000 + VT_CHECK_MS;
	log_info("vt: VT %u still active: waiting up to %d ms for it to let go", v->from,
		 VT_OVERRIDE_MS);
	return 1;
}

/* The VT being left did not let go: VT_PROCESS that never answers, or
 * KD_GRAPHICS under VT_AUTO (the kernel then ignores switches). */
static void override(struct mgr *m)
{
	struct vt_state *v = &m->vt;
	struct vt_mode mode;
	struct cell *c = vt_cell(m, v->from);
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "/dev/tty%u", v->from);
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		log_errno(neg_errno(), "vt: open %s to take it back", path);
		return;
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
	if (vt_active(m) != v->target && ioctl(v->tty0, VT_ACTIVATE, (unsigned long)v->target) < 0)
		log_errno(neg_errno(), "vt: activate VT %u", v->target);
}

int vt_check(struct mgr *m, uint64_t now)
{
	struct vt_state *v = &m->vt;

	if (!v->target)
		return -1;
	if (now < v->next_check_ms)
		return (int)(v->next_check_ms - now);
	if (vt_active(m) == v->target) {
		settled(m);
		return -1;
	}
	if (now >= v->deadline_ms) {
		if (v->overridden) {
			log_error("vt: VT %u did not become active even after forcing VT %u",
				  v->target, v->from);
			v->target = 0;
			v->route_after[0] = '\0';
			return -1;
		}
		v->overridden = true;
		override(m);
		v->deadline_ms = now + VT_OVERRIDE_MS;
	}
	v->next_check_ms = now + VT_CHECK_MS;
	return VT_CHECK_MS;
}
