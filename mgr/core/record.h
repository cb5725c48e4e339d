/* SPDX-License-Identifier: MIT */
/*
 * Surviving cellmgr's own crash: each running cell is recorded in
 * <state>/cells/NAME.state (its shim and its init, each as pid plus start
 * time, so a reused pid is never mistaken for them).  A new cellmgr finds
 * the cells still running there and takes them over instead of starting
 * them again (mgr/start/shim.h).
 */
#ifndef CELLAR_RECORD_H
#define CELLAR_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "cell.h"

/* <state>/cells/NAME.SUFFIX */
void record_path(const char *state_dir, const struct cell *c, const char *suffix, char *out,
		 size_t len);

/* Records a started cell.  Returns 0 or a negative errno (logged). */
int record_save(const char *state_dir, struct cell *c);

/* The cell has ended: its records go. */
void record_forget(const char *state_dir, struct cell *c);

/* At startup: takes over the cell if its record names a shim and an init
 * that still run.  Returns true when it did. */
bool record_adopt(const char *state_dir, struct cell *c);

/* A stop the user asked for outlives cellmgr: <state>/cells/NAME.stopped
 * while it holds, so that a cellmgr restarted after a crash neither starts
 * the cell again nor lets a half-done stop be forgotten.  The state
 * directory is a tmpfs: a reboot starts every cell again. */
void record_mark_stopped(const char *state_dir, const struct cell *c, bool stopped);
bool record_stopped_by_user(const char *state_dir, const struct cell *c);

/* <state>/front: the cell in front, written after each switch, so that a
 * cellmgr that takes the cells over keeps it there.  record_front_read
 * fills name ("" when there is none) and returns whether there was. */
void record_front(const char *state_dir, const char *name);
bool record_front_read(const char *state_dir, char *name, size_t len);

#endif
