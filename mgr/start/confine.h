/* SPDX-License-Identifier: MIT */
/*
 * The last steps that put a process of a cell under the cell's limits:
 * rlimits, the capability bounding set, and the seccomp filter, in that
 * order (the filter last: the steps before may use what it denies).  The
 * cell's init (spawn.c) and a command run in it (attach.c) share them, so
 * both end up equally confined.
 */
#ifndef CELLAR_CONFINE_H
#define CELLAR_CONFINE_H

#include "child_error.h"
#include "config.h"

struct seccomp_prog;

int confine_process(const struct cell_config *cfg, const struct seccomp_prog *seccomp,
		    struct child_error *e);

#endif
