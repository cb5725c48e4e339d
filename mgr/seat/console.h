/* SPDX-License-Identifier: MIT */
/*
 * The board's serial console (cellmgr's stdin/stdout in board mode) as a
 * device class of the seat: it shows the console of the front cell, and
 * Ctrl-a 1..9 / Ctrl-a n typed on it ask the seat for a switch.  Its
 * status lines ("[  OK  ] cell work started") go to stderr in board mode.
 */
#ifndef CELLAR_CONSOLE_H
#define CELLAR_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "loop.h"

struct cell;
struct cells;
struct seat;
struct seat_class;

struct console {
	struct loop *loop;
	struct cells *cells;
	struct seat *seat;
	bool board;    /* status lines on stderr */
	bool attached; /* board mode: stdin/stdout are the board's console */
	bool restore_termios;
	struct termios saved;
	struct cell *shown; /* whose console it shows: the front's */
	bool escape;	    /* the previous input byte was the escape key */
	struct loop_fd w_in;
};

extern const struct seat_class console_class;

void console_init(struct console *con, struct loop *loop, struct cells *cells, struct seat *seat,
		  bool board);
void console_attach(struct console *con);
void console_detach(struct console *con);
/* New output of cell c: on the console when it shows c. */
void console_output(struct console *con, struct cell *c, const char *buf, size_t len);
/* Board mode: one boot status line, "[  OK  ] ..." or "[FAILED] ...". */
__attribute__((format(printf, 3, 4))) void console_status(struct console *con, bool ok,
							  const char *fmt, ...);

#endif
