/* SPDX-License-Identifier: MIT */
/*
 * A cell's console output in a size-capped file under the state directory
 * (<state>/NAME.log): when a write would take it past its cap, the file
 * becomes NAME.log.1 (replacing the previous one) and a new NAME.log
 * starts, so a cell's console never takes more than twice the cap.  A
 * failed write is logged once and the output dropped: the console log
 * never stalls or stops cellmgr.
 */
#ifndef CELLAR_CONSOLELOG_H
#define CELLAR_CONSOLELOG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLELOG_CAP_DEFAULT (1024u * 1024u)

struct consolelog {
	int fd;	       /* -1 when closed */
	uint64_t size; /* bytes in the current file */
	uint64_t cap;
	bool failed;	     /* a write failed: logged once */
	char path[PATH_MAX]; /* NAME.log; NAME.log.1 is path + ".1" */
};

/* Before the first open, or after a close: fd = -1. */
void consolelog_init(struct consolelog *l);

/* Opens (appends to) dir/NAME.log.  Returns 0 or a negative errno. */
int consolelog_open(struct consolelog *l, const char *dir, const char *name, uint64_t cap);

/* Appends; rotates first when the file would pass its cap.  Nothing
 * happens when the log is closed. */
void consolelog_write(struct consolelog *l, const char *buf, size_t len);

void consolelog_close(struct consolelog *l);

#endif
