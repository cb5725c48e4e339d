/* SPDX-License-Identifier: MIT */
/*
 * The admin console (docs/control.md, "Admin console"): a terminal named
 * by [host] admin_console (off by default) on which cellctl's commands
 * are typed, one per line, and answered by the control socket's handler
 * (ctl_run).  No shell, no exec: the board has no host shell, by design.
 *
 * The terminal is in canonical mode with echo: the kernel edits the line.
 * Nothing blocks: the fd is non-blocking, a reply waits in a bounded
 * buffer for the line to take it, and what does not fit is dropped.
 */
#ifndef CELLAR_ADMIN_H
#define CELLAR_ADMIN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "admin_cmd.h"
#include "cell.h"
#include "loop.h"
#include "ctl_proto.h"

struct mgr;

/* Output waiting for the terminal: a whole reply (64 KiB) and some. */
#define ADMIN_OUT_MAX (CTL_REPLY_MAX + 4096)

struct admin {
	int fd; /* the terminal, or -1: no admin console */
	char path[PATH_MAX];
	bool restore_termios;
	struct termios saved;
	bool discarding; /* the line is too long: dropped up to its end */
	bool want_out;	 /* EPOLLOUT is asked for: output is waiting */
	size_t out_off, out_len;
	char out[ADMIN_OUT_MAX];
	struct loop_fd w;
};

/* Opens [host] admin_console when one is set (logs why it cannot);
 * fd is -1 otherwise.  Call once, after the configuration is loaded. */
void admin_open(struct mgr *m);
void admin_close(struct mgr *m);

#endif
