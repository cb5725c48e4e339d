/* SPDX-License-Identifier: MIT */
/*
 * `cellctl top`'s reading of `list json` (docs/control.md): the pure
 * parser, unit-tested on its own.
 */
#ifndef CELLAR_CTL_TOP_H
#define CELLAR_CTL_TOP_H

#include <stddef.h>
#include <stdint.h>

#include "cgroup_stat.h"

#define TOP_CELLS_MAX 256 /* CONFIG_CELLS_MAX */

struct top_cell {
	char name[64];
	char state[32];
	struct cgroup_stats st; /* CGROUP_STAT_UNKNOWN for null, NOLIMIT for "max" */
};

struct top_sample {
	struct top_cell cells[TOP_CELLS_MAX];
	size_t n;
	char note[512]; /* "figures": why some are unknown; "" = none */
	uint64_t at_us; /* CLOCK_MONOTONIC, when it was taken */
};

/* Parses cellmgr's `list json` reply into s (at_us untouched).  Keys it
 * does not know are skipped.  Returns 0 or -EBADMSG. */
int top_parse(const char *json, struct top_sample *s);

/* Rates between two samples of one cell: CPU % (100 = one CPU busy) and
 * bytes per second; negative when unknown (a figure missing, or the
 * counter went back: the cell restarted). */
double top_rate(uint64_t before, uint64_t after, uint64_t interval_us, double scale);

#endif
