// SPDX-License-Identifier: MIT
/* The foreground decision: serial console, VT and input move together
 * (devmux.h, docs/devices.md). */
#include "devmux.h"
#include "input.h"

#include <errno.h>
#include <stdio.h>

#include "log.h"
#include "mgr.h"
#include "vt.h"

/* A front cell restarting sooner than this keeps the front. */
#define DEVMUX_KEEP_FRONT_MS 2000

static bool has_display(const struct cell *c)
{
	return c->cfg.devices & CELL_DEV_DISPLAY;
}

int devmux_switch_to(struct mgr *m, struct cell *c, char *err, size_t errlen)
{
	unsigned n;
	int r = 0;

	if (!c || c->removed || !cell_is_active(c)) {
		if (c)
			snprintf(err, errlen, "cell %s is not running (%s)", c->cfg.name,
				 cell_state_name(c->state));
		else
			snprintf(err, errlen, "no such cell");
		return -ENOTCONN;
	}
	/* The old front's input goes dead first; then the screen: the
	 * kernel's keyboard handler feeds the active VT, so input is routed
	 * once the new VT is active (now, or when vt_check sees it: until
	 * then no cell gets input). */
	n = has_display(c) ? vt_of(m, c) : 0;
	if (input_front(m) != c)
		input_detach(m);
	if (n)
		r = vt_activate(m, n, c->cfg.name);
	if (r != 1)
		input_route_to(m, c);
	/* The serial console last: it replays the cell's recent lines, which
	 * takes the UART a while; the user's keys should not wait for it. */
	console_switch(m, c);
	return 0;
}

void devmux_input_settled(struct mgr *m, struct cell *c)
{
	if (m->console.front == c)
		input_route_to(m, c);
}

struct cell *devmux_next(struct mgr *m, struct cell *after, int display_only)
{
	size_t i, start = 0;

	for (i = 0; i < m->n_cells; i++)
		if (m->cells[i] == after)
			start = i + 1;
	for (i = 0; i < m->n_cells; i++) {
		struct cell *c = m->cells[(start + i) % m->n_cells];

		if (c != after && !c->removed && cell_is_active(c) &&
		    (!display_only || has_display(c)))
			return c;
	}
	return NULL;
}

void devmux_cell_gone(struct mgr *m, struct cell *c)
{
	struct cell *next;
	char err[128];

	/* A cell restarted at once has its VT again already (vt_cell_devs):
	 * giving it back to root now would take the new instance's screen. */
	if (!cell_is_active(c))
		vt_cell_release(m, c);
	if (m->console.front != c || m->stopping_all)
		return;
	/* Coming straight back (a reboot, a restart asked for): it keeps
	 * the front. */
	if (cell_is_active(c) || (c->restart_at_ms && !c->removed &&
				  c->restart_at_ms <= now_ms() + DEVMUX_KEEP_FRONT_MS))
		return;
	next = devmux_next(m, c, 1);
	if (!next) {
		log_info("front cell %s is down; no other display cell runs", c->cfg.name);
		return;
	}
	log_info("front cell %s is down: %s comes to the front", c->cfg.name, next->cfg.name);
	devmux_switch_to(m, next, err, sizeof(err));
}
