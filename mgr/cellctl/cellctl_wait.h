/* SPDX-License-Identifier: MIT */
/*
 * cellctl start|stop|restart NAME --wait [--timeout SECONDS]: after the
 * request's "ok", polls `status NAME` on new connections until the cell is
 * where the command takes it (cellctl_wait.c):
 *
 *   start    running or ready;            failed/exited: exit 1, the reason
 *   stop     stopped, exited or failed
 *   restart  running or ready with another pid than before the request
 */
#ifndef CELLAR_CELLCTL_WAIT_H
#define CELLAR_CELLCTL_WAIT_H

#include <sys/types.h>

#define CELLCTL_WAIT_DEFAULT_S 90

/* The cell's pid now (0 when it does not run), -1 when status fails. */
long cellctl_cell_pid(const char *socket_path, const char *name);

/* Returns cellctl's exit status: 0 when the state was reached, 1 when the
 * cell failed, the timeout passed or cellmgr could not be asked (each with
 * one line on stderr). */
int cellctl_wait(const char *socket_path, const char *cmd, const char *name, unsigned timeout_s,
		 long old_pid);

#endif
