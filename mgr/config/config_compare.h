/* SPDX-License-Identifier: MIT */
/*
 * What a reload changes for a cell (docs/control.md, "reload"): nothing,
 * only keys a running cell takes in place (its stop and restart keys,
 * its cgroup limits, audio_background, foreground), or more, which
 * restarts it.  Where the
 * cell's keys stand in the file is the parser's bookkeeping, never a
 * change: a comment added above a section compares equal.
 */
#ifndef CELLAR_CONFIG_COMPARE_H
#define CELLAR_CONFIG_COMPARE_H

#include "config.h"

enum config_change { CONFIG_CHANGE_NONE, CONFIG_CHANGE_LIVE, CONFIG_CHANGE_RESTART };

enum config_change config_cell_change(const struct cell_config *a, const struct cell_config *b);

/* The live keys of from into to. */
void config_copy_live_keys(struct cell_config *to, const struct cell_config *from);

#endif
