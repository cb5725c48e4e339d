/* SPDX-License-Identifier: MIT */
/* The kernel's side of a cell's run: see cell_run.c. */
#ifndef CELLAR_CELL_RUN_H
#define CELLAR_CELL_RUN_H

#include <stdbool.h>

#include "mgr.h"

/* cell.h's driver, its ctx the struct mgr. */
extern const struct cell_driver cell_run_driver;

/* At startup: takes over the cell if a previous cellmgr left it running. */
bool cell_run_adopt(struct mgr *m, struct cell *c);

/* Reaps the cell when its shim has ended (SIGCHLD, its pidfd). */
void cell_run_check_end(struct mgr *m, struct cell *c);

#endif
