// SPDX-License-Identifier: MIT
/* cellmgr --once NAME: see once.h. */
#include "once.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileutil.h"
#include "log.h"
#include "ops.h"
#include "shim.h"

/* Whether the cellmgr of state_dir runs the cell now: its record
 * (adopt.c) names a shim that still lives. */
static bool run_by_manager(const char *state_dir, const char *name)
{
	char path[PATH_MAX], buf[256];
	int version, shim_pid;
	uint64_t recorded, now;

	if ((size_t)snprintf(path, sizeof(path), "%s/cells/%s.state", state_dir, name) >=
	    sizeof(path))
		return false;
	/* NOLINTBEGIN(cert-err34-c): a record a cellmgr wrote, in its root-only
	 * state directory; the checks after it refuse odd values. */
	if (read_text_file(path, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%d %d %" SCNu64, &version, &shim_pid, &recorded) != 3 || shim_pid <= 0)
		return false;
	/* NOLINTEND(cert-err34-c) */
	return proc_start_time(shim_pid, &now) == 0 && now == recorded;
}

/* The cell's exit status as a shell reports it; ONCE_EXIT_ERROR when its
 * init never ran. */
static int exit_status(const struct cell *c)
{
	if (c->setup_failed || c->end_code == 0)
		return ONCE_EXIT_ERROR;
	if (c->end_code == CLD_EXITED)
		return c->end_status & 0xff;
	return 128 + c->end_status;
}

void once_output(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* a closed stdout loses the cell's output, not the cell */
		}
		buf += n;
		len -= (size_t)n;
	}
}

int once_run(struct mgr *m)
{
	static char dir[PATH_MAX];
	struct cell *c;
	int status, r;

	if (m->cfg.n_errors) {
		log_error("%s: %u error(s): --once runs no cell from it", m->config_path,
			  m->cfg.n_errors);
		return ONCE_EXIT_ERROR;
	}
	c = mgr_find_cell(m, m->once_name);
	if (!c) {
		log_error("%s: no cell %s", m->config_path, m->once_name);
		return ONCE_EXIT_ERROR;
	}
	if (run_by_manager(m->state_dir, c->cfg.name)) {
		log_error("cell %s runs under the cellmgr of %s: stop it there first", c->cfg.name,
			  m->state_dir);
		return ONCE_EXIT_ERROR;
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s/once-%s.XXXXXX", m->state_dir, c->cfg.name) >=
	    sizeof(dir)) {
		log_errno(-ENAMETOOLONG, "state directory %s", m->state_dir);
		return ONCE_EXIT_ERROR;
	}
	if (!mkdtemp(dir)) {
		log_errno(neg_errno(), "mkdtemp %s", dir);
		return ONCE_EXIT_ERROR;
	}
	m->state_dir = dir;
	c->cfg.restart.mode = RESTART_NEVER;
	m->once = c;
	mgr_host_network(m);
	cell_start(c);
	/* A start refused before anything was forked (its id range, say)
	 * leaves nothing for the loop to wait for. */
	if (cell_is_active(c))
		mgr_run(m);
	status = exit_status(c);
	/* Its mounts died with its mount namespace: only files remain. */
	if ((r = remove_tree_at(AT_FDCWD, dir, 16)) < 0)
		log_errno(r, "remove %s", dir);
	return status;
}
