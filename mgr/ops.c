// SPDX-License-Identifier: MIT
/* The operations behind the control socket: see ops.h. */
#include "ops.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adopt.h"
#include "attach.h"
#include "seat.h"
#include "fileutil.h"
#include "log.h"

struct cell *mgr_find_cell(struct mgr *m, const char *name)
{
	return cells_find(&m->cells, name);
}

__attribute__((format(printf, 4, 5))) static int fail(int r, char *err, size_t errlen,
						      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return r;
}

int mgr_start(struct mgr *m, struct cell *c, char *err, size_t errlen)
{
	if (m->stopping_all)
		return fail(-ESHUTDOWN, err, errlen, "cellmgr is shutting down");
	/* As systemctl: a cell that runs is started already; one that is
	 * stopping starts again once it has stopped. */
	if (c->state == CELL_STOPPING) {
		restart_state_clear(&c->restart);
		adopt_mark_stopped(m, c, false);
		c->start_after_stop = true;
		return 0;
	}
	if (cell_is_active(c))
		return 0;
	/* A start by hand is a fresh start: the back-off and crash-loop
	 * history of earlier failures no longer apply. */
	restart_state_clear(&c->restart);
	adopt_mark_stopped(m, c, false);
	if (cell_start(c) < 0)
		return fail(-EIO, err, errlen, "cell %s: %s", c->cfg.name, c->reason);
	return 0;
}

int mgr_stop(struct mgr *m, struct cell *c, char *err, size_t errlen)
{
	adopt_mark_stopped(m, c, true);
	/* As systemctl: stopping a cell that does not run is done already. */
	if (!cell_is_active(c) && !cell_restart_due(c)) {
		c->stop_requested = true;
		return 0;
	}
	c->start_after_stop = false;
	cell_stop(c);
	return 0;
}

int mgr_restart(struct mgr *m, struct cell *c, char *err, size_t errlen)
{
	if (m->stopping_all)
		return fail(-ESHUTDOWN, err, errlen, "cellmgr is shutting down");
	if (!cell_is_active(c))
		return mgr_start(m, c, err, errlen);
	restart_state_clear(&c->restart);
	adopt_mark_stopped(m, c, false);
	cell_stop(c);
	c->start_after_stop = true;
	return 0;
}

int mgr_switch(struct mgr *m, struct cell *c, char *err, size_t errlen)
{
	int r = seat_switch(&m->seat, c, err, errlen);

	if (r == 0 && !seat_has_devices(&m->seat))
		snprintf(err, errlen,
			 "cell %s is in front; this cellmgr has no screen, keyboard or board "
			 "console to give it (not --board): only the front mark moved",
			 c->cfg.name);
	return r;
}

/* Without cgroup v2: the resident memory of every process in the cell's
 * pid namespace (it over-counts shared pages; cgroups count each once). */
static uint64_t pidns_rss(pid_t init)
{
	char path[64], want[64], have[64], line[256];
	uint64_t total = 0;
	struct dirent *de;
	ssize_t n;
	DIR *proc;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)init);
	n = readlink(path, want, sizeof(want) - 1);
	if (n <= 0 || !(proc = opendir("/proc")))
		return 0;
	want[n] = '\0';
	while ((de = readdir(proc))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/ns/pid", de->d_name);
		n = readlink(path, have, sizeof(have) - 1);
		if (n <= 0)
			continue;
		have[n] = '\0';
		if (strcmp(have, want) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/status", de->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "VmRSS:", 6) == 0)
				total += strtoull(line + 6, NULL, 10) * 1024;
		fclose(f);
	}
	closedir(proc);
	return total;
}

void mgr_cell_stats(struct mgr *m, const struct cell *c, struct cgroup_stats *st)
{
	uint64_t rss;

	cgroup_stats_clear(st);
	if (!cell_is_active(c) || c->pid <= 0)
		return;
	if (m->cgroups.available)
		cgroup_cell_stats(&m->cgroups, c->cfg.name, st);
	else if ((rss = pidns_rss(c->pid)) > 0)
		st->memory = rss;
}

int mgr_exec(struct mgr *m, struct cell *c, struct exec_spawn *x, char *err, size_t errlen)
{
	struct attach_request rq = {
	    .cell_pid = c->pid,
	    .cell_pidfd = c->pidfd,
	    .cfg = &c->cfg,
	    .cell_cgroup_fd = -1,
	    .cgroup_fd = -1,
	    .seccomp = mgr_seccomp_for(m, &c->cfg),
	    .io = x->io,
	    .rows = x->rows,
	    .cols = x->cols,
	    .argv = x->argv,
	};
	int r;

	x->cgroup_fd = -1;
	x->cgroup[0] = '\0';
	if (c->state != CELL_RUNNING && c->state != CELL_READY)
		return fail(-ENOTCONN, err, errlen, "cell %s is not running (%s)", c->cfg.name,
			    cell_state_name(c->state));
	if (m->cgroups.available) {
		rq.cell_cgroup_fd =
		    openat(m->cgroups.fd, c->cfg.name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rq.cell_cgroup_fd < 0) {
			r = neg_errno();
			return fail(r, err, errlen, "cell %s: open its cgroup %s/%s: %s",
				    c->cfg.name, m->cgroups.path, c->cfg.name, strerror(-r));
		}
		r = cgroup_exec_create(&m->cgroups, &c->cfg, x->n, rq.cell_cgroup_fd, x->cgroup,
				       sizeof(x->cgroup), &x->cgroup_fd);
		if (r < 0) {
			close(rq.cell_cgroup_fd);
			return fail(r, err, errlen, "cell %s: cannot make the command's cgroup: %s",
				    c->cfg.name, strerror(-r));
		}
		rq.cgroup_fd = x->cgroup_fd;
	}
	r = attach_spawn(&rq, &x->started, err, errlen);
	if (rq.cell_cgroup_fd >= 0)
		close(rq.cell_cgroup_fd);
	if (r < 0 && x->cgroup_fd >= 0) {
		/* No process was left in it. */
		close(x->cgroup_fd);
		x->cgroup_fd = -1;
		cgroup_exec_remove(&m->cgroups, x->cgroup);
		x->cgroup[0] = '\0';
	}
	return r;
}

/* ---- reload ------------------------------------------------------------ */

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

/* Where the cell's keys stand in the file does not matter: their lines
 * are bookkeeping (0 means "not set", kept as such). */
static void forget_lines(struct cell_config *c)
{
	c->line = 0;
	c->net.line = !!c->net.line;
	c->net.more_line = !!c->net.more_line;
	c->net.gateways_line = !!c->net.gateways_line;
	c->net.mtu_line = !!c->net.mtu_line;
	c->net.ifname_line = !!c->net.ifname_line;
	c->net.filter_line = !!c->net.filter_line;
}

/* The keys a running cell takes in place on a reload (docs/control.md,
 * "reload"): how it is stopped and restarted, its cgroup limits, and
 * foreground, which only cellmgr's start reads. */
static void copy_live_keys(struct cell_config *to, const struct cell_config *from)
{
	to->stop_signal = from->stop_signal;
	to->stop_timeout_ms = from->stop_timeout_ms;
	to->restart = from->restart;
	to->foreground = from->foreground;
	to->memory_max = from->memory_max;
	to->memory_high = from->memory_high;
	to->pids_max = from->pids_max;
	to->cgroups_max = from->cgroups_max;
	to->cpu_weight = from->cpu_weight;
	to->io_weight = from->io_weight;
}

static bool config_same(const struct cell_config *x, const struct cell_config *y)
{
	/* Both come zeroed from config_parse(), padding and string tails
	 * included, and are copied whole: the bytes compare like the members.
	 * NOLINTNEXTLINE(bugprone-suspicious-memory-comparison,cert-exp42-c) */
	return memcmp(x, y, sizeof(*x)) == 0;
}

enum change { CHANGE_NONE, CHANGE_LIVE, CHANGE_RESTART };

/* What a reload changes for cell a, now configured as b. */
static enum change cell_config_change(const struct cell_config *a, const struct cell_config *b)
{
	struct cell_config x = *a, y = *b;

	forget_lines(&x);
	forget_lines(&y);
	if (config_same(&x, &y))
		return CHANGE_NONE;
	copy_live_keys(&x, &y);
	return config_same(&x, &y) ? CHANGE_LIVE : CHANGE_RESTART;
}

/* Applies b's live keys to the cell (c->cfg keeps the rest, and the lines
 * of the new file). */
static void cell_apply_live(struct mgr *m, struct cell *c, const struct cell_config *b)
{
	copy_live_keys(&c->cfg, b);
	c->cfg.line = b->line;
	c->cfg.net = b->net; /* equal but for its lines */
	if (cell_is_active(c) && c->cfg.userns == b->userns)
		cgroup_cell_update(&m->cgroups, &c->cfg);
	log_info("reload: cell %s changed in place (stop, restart and limits): it keeps running",
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

int mgr_reload(struct mgr *m, bool allow_empty, char *errors, size_t errlen)
{
	struct msgbuf mb = {.buf = errors, .len = errlen};
	struct cell **order;
	struct config next;
	size_t i, j, n = 0;
	unsigned running;
	int r;

	errors[0] = '\0';
	r = config_load(&next, m->config_path, collect, &mb);
	if (r == -ENOMEM || next.n_errors) {
		if (!mb.used)
			collect(&mb, strerror(-r));
		log_error("reload of %s refused: %u error(s); nothing changed", m->config_path,
			  next.n_errors);
		config_free(&next);
		return r < 0 ? r : -EINVAL;
	}
	if (!allow_empty && stops_every_running(m, &next, &running)) {
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "%s: the new list has no cell: it would stop every running cell (%u); "
			 "nothing changed (cellctl reload --allow-empty does it)",
			 m->config_path, running);
		collect(&mb, msg);
		log_error("reload refused: %s", msg);
		config_free(&next);
		return -ECANCELED;
	}
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
	/* Cells of the new list, in its order: kept, changed or new. */
	for (i = 0; i < next.n_cells; i++) {
		const struct cell_config *nc = &next.cells[i];
		struct cell *c = mgr_find_cell(m, nc->name);

		if (!c) {
			c = cell_new(nc, &m->env);
			if (!c)
				continue;
			log_info("reload: cell %s added", nc->name);
			order[n++] = c;
			c->index = (unsigned)n;
			cell_start(c);
			continue;
		}
		order[n++] = c;
		c->index = (unsigned)n;
		switch (cell_config_change(&c->cfg, nc)) {
		case CHANGE_NONE:
			c->cfg.line = nc->line;
			c->cfg.net = nc->net;
			continue;
		case CHANGE_LIVE: cell_apply_live(m, c, nc); continue;
		case CHANGE_RESTART: break;
		}
		log_info("reload: cell %s changed", nc->name);
		if (cell_is_active(c)) {
			if (!c->next_cfg)
				c->next_cfg = malloc(sizeof(*c->next_cfg));
			if (!c->next_cfg) {
				log_error("reload: cell %s: out of memory: it keeps its settings",
					  nc->name);
				continue;
			}
			*c->next_cfg = *nc;
			c->start_after_stop = true;
			cell_stop(c);
		} else {
			c->cfg = *nc;
		}
	}
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
		/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers. */
		memmove(&m->cells.v[i], &m->cells.v[i + 1],
			(m->cells.n - i - 1) * sizeof(*m->cells.v));
		m->cells.n--;
		/* Out of the list first: the seat's next front is not this one. */
		if (m->env.ev->removed)
			m->env.ev->removed(m->env.ev_ctx, c);
		cell_free(c);
	}
}
