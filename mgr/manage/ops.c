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

#include "record.h"
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
		record_mark_stopped(m->state_dir, c, false);
		c->start_after_stop = true;
		return 0;
	}
	if (cell_is_active(c))
		return 0;
	/* A start by hand is a fresh start: the back-off and crash-loop
	 * history of earlier failures no longer apply. */
	restart_state_clear(&c->restart);
	record_mark_stopped(m->state_dir, c, false);
	if (cell_start(c) < 0)
		return fail(-EIO, err, errlen, "cell %s: %s", c->cfg.name, c->reason);
	return 0;
}

int mgr_stop(struct mgr *m, struct cell *c, char *err, size_t errlen)
{
	record_mark_stopped(m->state_dir, c, true);
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
	record_mark_stopped(m->state_dir, c, false);
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
