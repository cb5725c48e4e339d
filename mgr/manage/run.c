// SPDX-License-Identifier: MIT
/* cellmgr's event loop and the host's network, for main.c and --once. */
#include "log.h"
#include "mgr.h"
#include "net.h"
#include "ops.h"

static bool any_active(const struct mgr *m)
{
	for (size_t i = 0; i < m->cells.n; i++)
		if (cell_is_active(m->cells.v[i]))
			return true;
	return false;
}

void mgr_run(struct mgr *m)
{
	while (!m->quit) {
		if (loop_dispatch(&m->loop, -1) < 0)
			return;
		mgr_sweep(m);
		if (m->stopping_all && !any_active(m)) {
			log_info("all cells stopped");
			m->quit = true;
		}
		if (m->once && !cell_is_active(m->once) && !cell_restart_due(m->once))
			m->quit = true;
	}
}

void mgr_host_network(struct mgr *m)
{
	if (m->cfg.host.bridge[0]) {
		char step[200];
		int r = net_bridge_ensure(&m->cfg.host, step, sizeof(step));

		if (r < 0) /* its cells fail at start, each with its reason */
			log_errno(r, "%s", step);
	}
	net_forwarding(&m->cfg);
}
