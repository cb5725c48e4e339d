// SPDX-License-Identifier: MIT
/* The admin console's command line (mgr/proto/admin_cmd.h). */
#include "admin_cmd.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ctl_proto.h"

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

/* An option the admin console knows (ctl_opts[].admin), or -1. */
static int admin_option(const char *w)
{
	for (int o = 0; o < CTL_OPT_N; o++)
		if (ctl_opts[o].admin &&
		    (is(w, ctl_opts[o].flag) || (ctl_opts[o].alias && is(w, ctl_opts[o].alias))))
			return o;
	return -1;
}

/* The command's options: one it does not take, or one the admin console
 * refuses (log -f), refuses the line. */
static enum admin_verdict check_options(struct admin_cmd *cmd, const struct ctl_cmd_spec *spec,
					unsigned given)
{
	char list[64];

	for (int o = 0; o < CTL_OPT_N; o++) {
		if (!(given & (1u << o)))
			continue;
		if (!(spec->opts & (1u << o)))
			return refuse(cmd, "%s: %s is for %s", spec->name, ctl_opts[o].flag,
				      ctl_opt_commands((enum ctl_opt)o, list, sizeof(list)));
		if (ctl_opts[o].admin_why)
			return refuse(cmd, "%s", ctl_opts[o].admin_why);
	}
	return ADMIN_RUN;
}

/* update NAME IMAGE [--verity HASH] [--version TEXT]: its own form, as
 * cellctl's (the IMAGE a path on the board, absolute). */
static enum admin_verdict parse_update(struct admin_cmd *cmd, char **w, unsigned n)
{
	const char *verity = NULL, *version = NULL;
	char q[48];

	if (n < 1 || w[0][0] == '-')
		return refuse(cmd, "update: missing cell name (usage: update NAME IMAGE "
				   "[--verity HASH] [--version TEXT])");
	if (n < 2 || w[1][0] == '-')
		return refuse(cmd, "update: missing image file");
	if (w[1][0] != '/')
		return refuse(cmd, "update: the image must be an absolute path on the board");
	for (unsigned i = 2; i < n; i += 2) {
		const char **slot = is(w[i], "--verity")    ? &verity
				    : is(w[i], "--version") ? &version
							    : NULL;

		if (!slot || *slot)
			return refuse(cmd, "update: unexpected argument '%s'",
				      shown(q, sizeof(q), w[i]));
		if (i + 1 >= n)
			return refuse(cmd, "update: %s needs a value", w[i]);
		*slot = w[i + 1];
	}
	cmd->fields[cmd->n++] = "update";
	cmd->fields[cmd->n++] = w[0];
	cmd->fields[cmd->n++] = w[1];
	if (verity) {
		cmd->fields[cmd->n++] = "verity";
		cmd->fields[cmd->n++] = verity;
	}
	if (version) {
		cmd->fields[cmd->n++] = "version";
		cmd->fields[cmd->n++] = version;
	}
	return ADMIN_RUN;
}

enum admin_verdict admin_cmd_parse(char *line, struct admin_cmd *cmd)
{
	char *words[ADMIN_WORDS_MAX];
	const char *pos[ADMIN_WORDS_MAX];
	const struct ctl_cmd_spec *spec;
	unsigned n = 0, np = 0, first = 0, given = 0;
	bool named;
	char q[48];
	int o;

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
	if (is(words[first], "update"))
		return parse_update(cmd, words + first + 1, n - first - 1);
	for (unsigned i = first; i < n; i++) {
		const char *w = words[i];

		if ((o = admin_option(w)) >= 0)
			given |= 1u << o;
		else if (is(w, "-h") || is(w, "--help"))
			return ADMIN_HELP;
		/* After a command refused anyway (exec), its words are its own. */
		else if (w[0] == '-' && w[1] &&
			 !(np > 0 && (spec = ctl_cmd_find(pos[0])) && spec->admin_why))
			return refuse(cmd, "unknown option '%s' (help lists the commands)",
				      shown(q, sizeof(q), w));
		else
			pos[np++] = w;
	}
	if (np == 0)
		return refuse(cmd, "missing command (help lists the commands)");
	if (is(pos[0], "help") || is(pos[0], "?"))
		return np == 1 ? ADMIN_HELP : refuse(cmd, "help takes no argument");
	spec = ctl_cmd_find(pos[0]);
	if (spec && spec->admin_why)
		return refuse(cmd, "%s", spec->admin_why);
	if (!spec || !spec->admin)
		return refuse(cmd, "unknown command '%s' (help lists the commands)",
			      shown(q, sizeof(q), pos[0]));
	if (check_options(cmd, spec, given) != ADMIN_RUN)
		return ADMIN_REFUSE;
	named = spec->flags & CTL_NAMED;
	if (named && np < 2)
		return refuse(cmd, "%s: missing cell name (usage: %s NAME)", spec->name,
			      spec->name);
	if (np > (named ? 2u : 1u))
		return refuse(cmd, "%s: unexpected argument '%s'", spec->name,
			      shown(q, sizeof(q), pos[named ? 2 : 1]));
	cmd->fields[cmd->n++] = spec->name;
	if (named)
		cmd->fields[cmd->n++] = pos[1];
	for (o = 0; o < CTL_OPT_N; o++)
		if ((given & (1u << o)) && ctl_opts[o].word)
			cmd->fields[cmd->n++] = ctl_opts[o].word;
	return ADMIN_RUN;
}

bool admin_cmd_changes(const struct admin_cmd *cmd)
{
	const struct ctl_cmd_spec *spec = cmd->n ? ctl_cmd_find(cmd->fields[0]) : NULL;

	return spec && (spec->flags & CTL_CHANGES);
}

const char *admin_cmd_help(void)
{
	static char text[2048];
	struct ctl_buf b = {.buf = text, .cap = sizeof(text) - 1};

	if (text[0])
		return text;
	ctl_buf_printf(&b, "cellar admin console: cellctl's commands for the cells, nothing else "
			   "(no shell).\n");
	for (size_t i = 0; i < ctl_cmds_n; i++)
		if (ctl_cmds[i].admin)
			ctl_help_entry(&b, 25, ctl_cmds[i].admin, ctl_cmds[i].admin_help);
	ctl_help_entry(&b, 25, "help", "this text");
	ctl_buf_printf(&b, "exec and log -f are not available here: use the cell's own console "
			   "(switch NAME).\n");
	text[b.len] = '\0';
	return text;
}
