/* SPDX-License-Identifier: MIT */
/*
 * One cellmgr per state directory: an exclusive POSIX record lock
 * (fcntl F_SETLK) on <state>/lock, held for cellmgr's life.  A second cellmgr on the same directory
 * would re-adopt the first one's cells and, on SIGTERM, stop them and remove its socket; it exits
 * at once instead, naming the holder.  The lock dies with its holder (kill -9 included), so a
 * cellmgr started after a crash takes the cells over as before.  A record lock belongs to its
 * process: no child (a shim-to-be, a cell's init-to-be) ever holds it. cellmgr --once takes none
 * (it runs one cell beside whatever runs there).
 */
#ifndef CELLAR_STATELOCK_H
#define CELLAR_STATELOCK_H

#include <stddef.h>
#include <sys/types.h>

/* Takes the lock on state_dir (which must exist) and writes our pid in it.
 * Returns the lock's fd; -EBUSY when another process holds it (*holder
 * its pid, or 0 if unknown), or another negative errno. */
int statelock_take(const char *state_dir, pid_t *holder);

#endif
