/* SPDX-License-Identifier: MIT */
/* cellctl console NAME: see cellctl_console.c. */
#ifndef CELLAR_CELLCTL_CONSOLE_H
#define CELLAR_CELLCTL_CONSOLE_H

/* Attaches the terminal to cell name's console until Ctrl-] q, a signal
 * (SIGTERM, SIGHUP) or cellmgr closes it.  Returns cellctl's exit status:
 * 0 detached, 1 an error or closed by cellmgr. */
int cellctl_console(const char *socket_path, const char *name);

#endif
