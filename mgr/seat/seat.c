// SPDX-License-Identifier: MIT
/* The seat: the front, and the ordered walk of a switch (seat.h). */
#include "seat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cell.h"
#include "log.h"
#include "record.h"

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void on_grace(struct loop_timer *t, void *data);

void seat_init(struct seat *s, struct loop *loop, struct cells *cells)
{
	*s = (struct seat){.loop = loop, .cells = cells};
	loop_timer_init(&s->t_grace, on_grace, s);
}

void seat_fini(struct seat *s)
{
	loop_timer_disarm(s->loop, &s->t_grace);
	s->pending = false;
	s->from = s->to = NULL;
}

int seat_add_class(struct seat *s, const struct seat_class *cls, void *priv)
{
	if (s->n_classes == SEAT_CLASSES_MAX)
		return log_errno(-ENOSPC, "seat: class %s: more than %d", cls->name,
				 SEAT_CLASSES_MAX);
	s->classes[s->n_classes].cls = cls;
	s->classes[s->n_classes].priv = priv;
	s->n_classes++;
	return 0;
}

struct cell *seat_front(const struct seat *s)
{
	return s->front;
}

bool seat_has_devices(const struct seat *s)
{
	for (unsigned i = 0; i < s->n_classes; i++)
		if (s->classes[i].cls->present(s->classes[i].priv))
			return true;
	return false;
}

void seat_set_front(struct seat *s, struct cell *c)
{
	s->front = c;
}

static bool has_display(const struct cell *c)
{
	return c->cfg.devices & CELL_DEV_DISPLAY;
}

struct cell *seat_next(struct seat *s, struct cell *after, bool display_only)
{
	struct cells *cs = s->cells;
	size_t i, start = 0;

	for (i = 0; i < cs->n; i++)
		if (cs->v[i] == after)
			start = i + 1;
	for (i = 0; i < cs->n; i++) {
		struct cell *c = cs->v[(start + i) % cs->n];

		/* A cell stopping for good is no front; one that restarts is. */
		if (c != after && !c->removed && cell_is_active(c) &&
		    (c->state != CELL_STOPPING || c->start_after_stop) &&
		    (!display_only || has_display(c)))
			return c;
	}
	return NULL;
}

/* ---- the walk ------------------------------------------------------- */

/* Step k of the walk: back of the old front's classes in reverse order,
 * then front of the new's in order. */
static int run_step(struct seat *s, unsigned k)
{
	unsigned n = s->n_classes;
	const struct seat_class *cls;
	void *priv;

	if (k < n) {
		cls = s->classes[n - 1 - k].cls;
		priv = s->classes[n - 1 - k].priv;
		return s->from && cls->back ? cls->back(priv, s->from) : 0;
	}
	cls = s->classes[k - n].cls;
	priv = s->classes[k - n].priv;
	return s->to && cls->front ? cls->front(priv, s->to) : 0;
}

static const struct seat_class *step_class(const struct seat *s, unsigned k)
{
	unsigned n = s->n_classes;

	return k < n ? s->classes[n - 1 - k].cls : s->classes[k - n].cls;
}

static void step_over(struct seat *s)
{
	uint64_t us = now_us() - s->step_t0_us;

	s->step_us[s->step] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
	s->step++;
}

/* One line per switch, once it is over: nothing on its way waits for
 * the log (a line on a serial console costs a millisecond under TCG). */
static void walk_done(struct seat *s)
{
	char steps[256], key[96] = "";
	size_t o = 0;
	uint64_t now = now_us();

	s->last_switch_us = now - s->t0_us;
	for (unsigned k = 0; k < 2 * s->n_classes && o < sizeof(steps); k++) {
		int w;

		if (s->step_us[k] < 50)
			continue; /* a class with nothing to do */
		w = snprintf(steps + o, sizeof(steps) - o, "%s%s.%s %u.%03u", o ? ", " : "",
			     step_class(s, k)->name, k < s->n_classes ? "back" : "front",
			     s->step_us[k] / 1000, s->step_us[k] % 1000);
		if (w > 0)
			o += (size_t)w;
	}
	if (s->key[0] && now >= s->key_us)
		snprintf(key, sizeof(key), "; %s, %llu.%03llu ms after the key", s->key,
			 (unsigned long long)((now - s->key_us) / 1000),
			 (unsigned long long)((now - s->key_us) % 1000));
	if (s->to)
		log_info("seat: %s in front %llu.%03llu ms after the switch was asked (%s%s)",
			 s->to->cfg.name, (unsigned long long)(s->last_switch_us / 1000),
			 (unsigned long long)(s->last_switch_us % 1000), o ? steps : "no device",
			 key);
	if (s->to && s->state_dir) /* for a cellmgr that takes over after a crash */
		record_front(s->state_dir, s->to->cfg.name);
	s->pending = false;
	s->from = s->to = NULL;
}

/* Runs steps from s->step until one is pending or the walk is over. */
static void walk(struct seat *s)
{
	while (s->step < 2 * s->n_classes) {
		const struct seat_class *cls = step_class(s, s->step);
		int r;

		s->step_t0_us = now_us();
		s->attempt = 0;
		r = run_step(s, s->step);
		if (r == SEAT_PENDING) {
			s->pending = true;
			loop_timer_in(s->loop, &s->t_grace, cls->grace_ms);
			return;
		}
		step_over(s);
	}
	walk_done(s);
}

void seat_step_done(struct seat *s, const struct seat_class *cls)
{
	if (!s->pending || step_class(s, s->step) != cls)
		return; /* a step of a walk that a newer switch replaced */
	loop_timer_disarm(s->loop, &s->t_grace);
	s->pending = false;
	step_over(s);
	walk(s);
}

static void on_grace(struct loop_timer *t, void *data)
{
	struct seat *s = data;
	const struct seat_class *cls;
	unsigned n = s->n_classes, k = s->step;
	struct cell *c;
	void *priv;

	(void)t;
	if (!s->pending)
		return;
	cls = step_class(s, k);
	priv = k < n ? s->classes[n - 1 - k].priv : s->classes[k - n].priv;
	c = k < n ? s->from : s->to;
	s->attempt++;
	if (cls->override && s->attempt <= 2 && c &&
	    cls->override(priv, c, s->attempt) == SEAT_PENDING) {
		loop_timer_in(s->loop, &s->t_grace, cls->grace_ms);
		return;
	}
	s->pending = false;
	step_over(s);
	walk(s);
}

int seat_switch_key(struct seat *s, struct cell *c, const char *key, uint64_t key_us, char *err,
		    size_t errlen)
{
	if (!c || c->removed || !cell_is_active(c)) {
		if (c)
			snprintf(err, errlen, "cell %s is not running (%s)", c->cfg.name,
				 cell_state_name(c->state));
		else
			snprintf(err, errlen, "no such cell");
		return -ENOTCONN;
	}
	/* A switch that is still walking is cut short where it stands:
	 * what its pending step does next no longer counts. */
	loop_timer_disarm(s->loop, &s->t_grace);
	s->pending = false;
	s->from = s->front && s->front != c ? s->front : NULL;
	s->to = c;
	s->front = c;
	s->step = 0;
	memset(s->step_us, 0, sizeof(s->step_us));
	s->t0_us = now_us();
	snprintf(s->key, sizeof(s->key), "%s", key ? key : "");
	s->key_us = key_us;
	walk(s);
	return 0;
}

int seat_switch(struct seat *s, struct cell *c, char *err, size_t errlen)
{
	return seat_switch_key(s, c, NULL, 0, err, errlen);
}

/* ---- cells coming and going ----------------------------------------- */

int seat_cell_bind(struct seat *s, struct cell *c, struct seat_bind *b)
{
	for (unsigned i = 0; i < s->n_classes; i++) {
		const struct seat_class *cls = s->classes[i].cls;
		int r;

		if (cls->bind && (r = cls->bind(s->classes[i].priv, c, b)) < 0)
			return r;
	}
	return 0;
}

void seat_cell_running(struct seat *s, struct cell *c)
{
	for (unsigned i = 0; i < s->n_classes; i++)
		if (s->classes[i].cls->running)
			s->classes[i].cls->running(s->classes[i].priv, c);
}

/* A walk that involves c stops involving it. */
static void forget_in_walk(struct seat *s, struct cell *c)
{
	if (s->from == c)
		s->from = NULL;
	if (s->to == c) {
		s->to = NULL;
		loop_timer_disarm(s->loop, &s->t_grace);
		s->pending = false;
	}
}

void seat_cell_ended(struct seat *s, struct cell *c, bool back_soon)
{
	struct cell *next;
	char err[128];

	for (unsigned i = 0; i < s->n_classes; i++)
		if (s->classes[i].cls->release)
			s->classes[i].cls->release(s->classes[i].priv, c);
	if (s->front != c || s->shutting_down)
		return;
	/* Coming straight back (a reboot, a restart asked for): it keeps
	 * the front: its classes keep it (its new input copies are made
	 * live, its VT stays the active one). */
	if (back_soon && !c->removed)
		return;
	forget_in_walk(s, c);
	next = seat_next(s, c, true);
	if (!next) {
		log_info("front cell %s is down; no other display cell runs", c->cfg.name);
		return;
	}
	log_info("front cell %s is down: %s comes to the front", c->cfg.name, next->cfg.name);
	seat_switch(s, next, err, sizeof(err));
}

void seat_cell_gone(struct seat *s, struct cell *c)
{
	struct cell *next;
	char err[128];

	forget_in_walk(s, c);
	for (unsigned i = 0; i < s->n_classes; i++)
		if (s->classes[i].cls->gone)
			s->classes[i].cls->gone(s->classes[i].priv, c);
	if (s->front != c)
		return;
	s->front = NULL;
	next = seat_next(s, c, true);
	if (!next)
		next = seat_next(s, c, false);
	if (next) {
		log_info("front cell %s left the list: %s comes to the front", c->cfg.name,
			 next->cfg.name);
		seat_switch(s, next, err, sizeof(err));
	} else {
		log_info("front cell %s left the list: no cell is in front", c->cfg.name);
	}
}
