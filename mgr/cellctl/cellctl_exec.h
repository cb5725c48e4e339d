/* SPDX-License-Identifier: MIT */
/* cellctl's side of exec: the relay (cellctl_exec.c). */
#ifndef CELLAR_CELLCTL_EXEC_H
#define CELLAR_CELLCTL_EXEC_H

#include <stdbool.h>

/* The size of cellctl's terminal (stdin's, else stdout's), 0 x 0 when it
 * has none. */
void cellctl_term_size(unsigned short *rows, unsigned short *cols);

/* Raw mode on cellctl's terminal, as ssh does (restored at exit too), and
 * back. */
void cellctl_term_raw(void);
void cellctl_term_restore(void);

/*
 * After exec's "ok": relays between cellctl's stdin/stdout/stderr and
 * fds (pty: fds[0] is the command's pty master; else stdin's write end,
 * stdout's and stderr's read ends), in raw mode when pty and stdin is a
 * terminal, until the command's status arrives on sock and its output has
 * ended.  Returns cellctl's exit status: the command's (128+N for signal
 * N), 125 when cellmgr ended the session without one, 128+N when signal N
 * ended cellctl.  The terminal's mode is restored on every way out.
 */
int cellctl_exec_relay(int sock, const char *name, bool pty, int fds[3]);

#endif
