// SPDX-License-Identifier: MIT
/* A cell's configuration against its next one, for reload
 * (config_compare.h). */
#include "config_compare.h"

#include <string.h>

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
 * "reload"): how it is stopped and restarted, its cgroup limits, its
 * sound in the background (the audio class reads it from the cell's
 * config whenever it mixes), and foreground, which only cellmgr's start
 * reads. */
void config_copy_live_keys(struct cell_config *to, const struct cell_config *from)
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
	to->audio_background = from->audio_background;
}

static bool config_same(const struct cell_config *x, const struct cell_config *y)
{
	/* Both come zeroed from config_parse(), padding and string tails
	 * included, and are copied whole: the bytes compare like the members.
	 * NOLINTNEXTLINE(bugprone-suspicious-memory-comparison,cert-exp42-c) */
	return memcmp(x, y, sizeof(*x)) == 0;
}

/* What a reload changes for cell a, now configured as b. */
enum config_change config_cell_change(const struct cell_config *a, const struct cell_config *b)
{
	struct cell_config x = *a, y = *b;

	forget_lines(&x);
	forget_lines(&y);
	if (config_same(&x, &y))
		return CONFIG_CHANGE_NONE;
	config_copy_live_keys(&x, &y);
	return config_same(&x, &y) ? CONFIG_CHANGE_LIVE : CONFIG_CHANGE_RESTART;
}
