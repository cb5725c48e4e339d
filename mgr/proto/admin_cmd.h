/* SPDX-License-Identifier: MIT */
/*
 * The admin console's command line (docs/control.md, "Admin console"):
 * cellctl's commands as a user types them, turned into control protocol
 * fields.  Pure: no I/O, unit-tested on its own (tests/unit/test_admin_cmd.c).
 */
#ifndef CELLAR_ADMIN_CMD_H
#define CELLAR_ADMIN_CMD_H

#include <stdbool.h>
#include <stddef.h>

#define ADMIN_LINE_MAX 512 /* bytes of a command line, its newline not counted */
#define ADMIN_WORDS_MAX 16

enum admin_verdict {
	ADMIN_EMPTY,  /* a blank line: only the prompt again */
	ADMIN_RUN,    /* fields[0..n-1] go to the control socket's handler */
	ADMIN_HELP,   /* print admin_cmd_help() */
	ADMIN_REFUSE, /* print "error: " why */
};

struct admin_cmd {
	/* COMMAND [NAME] ["json"], or update NAME IMAGE [verity HASH]
	 * [version TEXT]: pointers into the line */
	const char *fields[7];
	unsigned n;
	const char *why; /* ADMIN_REFUSE: one line, no newline */
	char why_buf[160];
};

/*
 * Splits line (NUL-terminated, changed in place) at blanks and checks it
 * against the commands the admin console takes: list [--json], status NAME
 * [--json], start / stop / restart / switch / log NAME, reload, help.  A
 * leading "cellctl" is dropped, so a cellctl command line may be pasted.
 * exec and log -f are refused with the reason: no command runs from the
 * admin console, and no stream holds it.
 */
enum admin_verdict admin_cmd_parse(char *line, struct admin_cmd *cmd);

/* Whether the command changes something (start, stop, restart, switch,
 * reload): cellmgr logs those. */
bool admin_cmd_changes(const struct admin_cmd *cmd);

/* The admin console's help text (its commands' rows of ctl_cmds). */
const char *admin_cmd_help(void);

#endif
