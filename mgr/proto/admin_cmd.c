// SPDX-License-Identifier: MIT
/* The admin console's command line (mgr/proto/admin_cmd.h). */
#include "admin_cmd.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const char admin_help[] =
    "cellar admin console: cellctl's commands for the cells, nothing else (no shell).\n"
    "  list [--json]          every cell: name, state, pid, uptime, restarts, memory,\n"
    "                         and the one on the board's console (front)\n"
    "  status NAME [--json]   one cell in detail\n"
    "  start NAME             start a cell that is not running\n"
    "  stop NAME              stop a cell (it stays stopped)\n"
    "  restart NAME           stop a cell and start it again\n"
    "  switch NAME            bring a cell to the board's console\n"
    "  log NAME               the cell's recent console output\n"
    "  reload                 re-read the cell list\n"
    "  help                   this text\n"
    "exec and log -f are not available here: use the cell's own console (switch NAME).\n";

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

__attribute__((format(printf, 2, 3))) static enum admin_verdict refuse(struct admin_cmd *cmd,
								       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd->why_buf, sizeof(cmd->why_buf), fmt, ap);
	va_end(ap);
	cmd->why = cmd->why_buf;
	return ADMIN_REFUSE;
}

/* A word as it may be quoted back: control characters and bytes past
 * ASCII shown as '?' (a typed arrow key is an escape sequence), at most
 * 40 characters. */
static const char *shown(char *dst, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size && i < 40; i++)
		dst[i] = (s[i] < ' ' || s[i] > '~') ? '?' : s[i];
	dst[i] = '\0';
	return dst;
}

static bool is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

enum admin_verdict admin_cmd_parse(char *line, struct admin_cmd *cmd)
{
	char *words[ADMIN_WORDS_MAX];
	const char *pos[ADMIN_WORDS_MAX];
	unsigned n = 0, np = 0, first = 0;
	bool json = false, follow = false, takes_name;
	char q[48];
	const char *c;

	memset(cmd, 0, sizeof(*cmd));
	for (char *s = line; *s;) {
		while (is_blank(*s))
			*s++ = '\0';
		if (!*s)
			break;
		if (n == ADMIN_WORDS_MAX)
			return refuse(cmd, "too many words (at most %d)", ADMIN_WORDS_MAX);
		words[n++] = s;
		while (*s && !is_blank(*s))
			s++;
	}
	if (n > 0 && is(words[0], "cellctl"))
		first = 1;
	if (n == first)
		return ADMIN_EMPTY;
	for (unsigned i = first; i < n; i++) {
		const char *w = words[i];

		if (is(w, "--json"))
			json = true;
		else if (is(w, "-f") || is(w, "--follow"))
			follow = true;
		else if (is(w, "-h") || is(w, "--help"))
			return ADMIN_HELP;
		else if (w[0] == '-' && w[1] && !(np > 0 && is(pos[0], "exec")))
			return refuse(cmd, "unknown option '%s' (help lists the commands)",
				      shown(q, sizeof(q), w));
		else
			pos[np++] = w;
	}
	if (np == 0)
		return refuse(cmd, "missing command (help lists the commands)");
	c = pos[0];
	if (is(c, "help") || is(c, "?"))
		return np == 1 ? ADMIN_HELP : refuse(cmd, "help takes no argument");
	if (is(c, "exec"))
		return refuse(cmd, "exec is not available on the admin console: it runs no "
				   "command, on the host or in a cell, by design (use the cell's "
				   "own console: switch NAME)");
	if (is(c, "list") || is(c, "reload"))
		takes_name = false;
	else if (is(c, "status") || is(c, "start") || is(c, "stop") || is(c, "restart") ||
		 is(c, "switch") || is(c, "log"))
		takes_name = true;
	else
		return refuse(cmd, "unknown command '%s' (help lists the commands)",
			      shown(q, sizeof(q), c));
	if (follow && is(c, "log"))
		return refuse(cmd, "log -f is not available on the admin console: it would hold "
				   "the line (log NAME prints the recent output)");
	if (follow)
		return refuse(cmd, "%s: -f is for log", c);
	if (json && !is(c, "list") && !is(c, "status"))
		return refuse(cmd, "%s: --json is for list and status", c);
	if (takes_name && np < 2)
		return refuse(cmd, "%s: missing cell name (usage: %s NAME)", c, c);
	if (np > (takes_name ? 2u : 1u))
		return refuse(cmd, "%s: unexpected argument '%s'", c,
			      shown(q, sizeof(q), pos[takes_name ? 2 : 1]));
	cmd->fields[cmd->n++] = c;
	if (takes_name)
		cmd->fields[cmd->n++] = pos[1];
	if (json)
		cmd->fields[cmd->n++] = "json";
	return ADMIN_RUN;
}

bool admin_cmd_changes(const struct admin_cmd *cmd)
{
	static const char *const changing[] = {"start", "stop", "restart", "switch", "reload"};

	if (cmd->n == 0)
		return false;
	for (size_t i = 0; i < sizeof(changing) / sizeof(changing[0]); i++)
		if (is(cmd->fields[0], changing[i]))
			return true;
	return false;
}
