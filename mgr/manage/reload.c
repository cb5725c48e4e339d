// SPDX-License-Identifier: MIT
/*
 * reload: the new cell list against the running one (ops.h).  Which keys
 * a running cell takes in place and which restart it: docs/control.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_compare.h"
#include "log.h"
#include "ops.h"

struct msgbuf {
	char *buf;
	size_t len, used;
};

static void collect(void *ctx, const char *msg)
{
	struct msgbuf *mb = ctx;
	int n;

	if (mb->used >= mb->len)
		return;
	n = snprintf(mb->buf + mb->used, mb->len - mb->used, "%s%s", mb->used ? "\n" : "", msg);
	if (n > 0)
		mb->used += (size_t)n;
	if (mb->used > mb->len)
		mb->used = mb->len;
}

/* Applies b's live keys to the cell (c->cfg keeps the rest, and the lines
 * of the new file). */
static void cell_apply_live(struct mgr *m, struct cell *c, const struct cell_config *b)
{
	config_copy_live_keys(&c->cfg, b);
	c->cfg.line = b->line;
	c->cfg.net = b->net; /* equal but for its lines */
	if (cell_is_active(c) && c->cfg.userns == b->userns)
		cgroup_cell_update(&m->cgroups, &c->cfg);
	log_info("reload: cell %s changed in place (stop, restart, limits, audio_background): it "
		 "keeps running",
		 c->cfg.name);
}

/* Would the new list stop every cell that runs now and start none: an
 * empty or all-comments file (a list that replaces its cells by others
 * is a change, not an accident)? */
static bool stops_every_running(struct mgr *m, const struct config *next, unsigned *running)
{
	*running = 0;
	for (size_t j = 0; j < m->cells.n; j++)
		if (!m->cells.v[j]->removed && cell_is_active(m->cells.v[j]))
			(*running)++;
	return *running > 0 && next->n_cells == 0;
}

/* Reads the new list; refuses one with errors, or one that would stop
 * every running cell unless allow_empty. */
static int load_next(struct mgr *m, bool allow_empty, struct config *next, struct msgbuf *mb)
{
	unsigned running;
	int r;

	r = config_load(next, m->config_path, collect, mb);
	if (r == -ENOMEM || next->n_errors) {
		if (!mb->used)
			collect(mb, strerror(-r));
		log_error("reload of %s refused: %u error(s); nothing changed", m->config_path,
			  next->n_errors);
		config_free(next);
		return r < 0 ? r : -EINVAL;
	}
	if (!allow_empty && stops_every_running(m, next, &running)) {
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "%s: the new list has no cell: it would stop every running cell (%u); "
			 "nothing changed (cellctl reload --allow-empty does it)",
			 m->config_path, running);
		collect(mb, msg);
		log_error("reload refused: %s", msg);
		config_free(next);
		return -ECANCELED;
	}
	return 0;
}

/* A cell of the new list: kept, changed in place, changed (restarted
 * once stopped, or taking it at its next start) or new (started). */
static void reload_cell(struct mgr *m, const struct cell_config *nc, struct cell **order, size_t *n)
{
	struct cell *c = mgr_find_cell(m, nc->name);

	if (!c) {
		c = cell_new(nc, &m->env);
		if (!c)
			return;
		log_info("reload: cell %s added", nc->name);
		order[(*n)++] = c;
		c->index = (unsigned)*n;
		cell_start(c);
		return;
	}
	order[(*n)++] = c;
	c->index = (unsigned)*n;
	switch (config_cell_change(&c->cfg, nc)) {
	case CONFIG_CHANGE_NONE:
		c->cfg.line = nc->line;
		c->cfg.net = nc->net;
		return;
	case CONFIG_CHANGE_LIVE: cell_apply_live(m, c, nc); return;
	case CONFIG_CHANGE_RESTART: break;
	}
	log_info("reload: cell %s changed", nc->name);
	if (!cell_is_active(c)) {
		c->cfg = *nc;
		return;
	}
	if (!c->next_cfg)
		c->next_cfg = malloc(sizeof(*c->next_cfg));
	if (!c->next_cfg) {
		log_error("reload: cell %s: out of memory: it keeps its settings", nc->name);
		return;
	}
	*c->next_cfg = *nc;
	c->start_after_stop = true;
	cell_stop(c);
}

int mgr_reload(struct mgr *m, bool allow_empty, char *errors, size_t errlen)
{
	struct msgbuf mb = {.buf = errors, .len = errlen};
	struct cell **order;
	struct config next;
	size_t i, j, n = 0;
	int r;

	errors[0] = '\0';
	if ((r = load_next(m, allow_empty, &next, &mb)) < 0)
		return r;
	/* The new list holds every cell of the new file plus every cell of
	 * the old list that it drops (still stopping until mgr_sweep frees
	 * it): up to next.n_cells + m->cells.n, twice CONFIG_CELLS_MAX when
	 * every cell is renamed, more while earlier removals still stop. */
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers. */
	order = calloc(next.n_cells + m->cells.n + 1, sizeof(*order));
	if (!order) {
		config_free(&next);
		collect(&mb, "out of memory");
		return -ENOMEM;
	}
	/* Cells of the new list, in its order. */
	for (i = 0; i < next.n_cells; i++)
		reload_cell(m, &next.cells[i], order, &n);
	/* Cells no longer listed: stopped, and freed once gone (mgr_sweep). */
	for (j = 0; j < m->cells.n; j++) {
		struct cell *c = m->cells.v[j];
		bool kept = false;

		for (i = 0; i < n && !kept; i++)
			kept = order[i] == c;
		if (kept)
			continue;
		if (!c->removed)
			log_info("reload: cell %s removed", c->cfg.name);
		c->removed = true;
		c->start_after_stop = false;
		cell_stop(c);
		order[n++] = c;
	}
	free(m->cells.v);
	m->cells.v = order;
	m->cells.n = n;
	config_free(&m->cfg);
	m->cfg = next;
	mgr_sweep(m);
	return 0;
}

void mgr_sweep(struct mgr *m)
{
	size_t i = 0;

	while (i < m->cells.n) {
		struct cell *c = m->cells.v[i];

		if (!c->removed || cell_is_active(c)) {
			i++;
			continue;
		}
		memmove(&m->cells.v[i], &m->cells.v[i + 1],
			(m->cells.n - i - 1) * sizeof(struct cell *));
		m->cells.n--;
		/* Out of the list first: the seat's next front is not this one. */
		if (m->env.ev->removed)
			m->env.ev->removed(m->env.ev_ctx, c);
		cell_free(c);
	}
}
