// SPDX-License-Identifier: MIT
/* The control protocol's codec (mgr/proto/ctl_proto.h): no I/O, no state. */
#include "ctl_proto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NAME_FIELD_MAX 64

#define OPT(o) (1u << (o))
#define WRONG(form) "wrong arguments (usage: " form ")"

const struct ctl_opt_spec ctl_opts[CTL_OPT_N] = {
    [CTL_OPT_FOLLOW] = {.flag = "-f",
			.alias = "--follow",
			.word = "follow",
			.held = true,
			.admin = true,
			.admin_why =
			    "log -f is not available on the admin console: it would hold the "
			    "line (log NAME prints the recent output)"},
    [CTL_OPT_JSON] = {.flag = "--json", .word = "json", .admin = true},
    [CTL_OPT_ALLOW_EMPTY] = {.flag = "--allow-empty", .word = "allow-empty"},
    [CTL_OPT_RAW] = {.flag = "--raw"},
    [CTL_OPT_WAIT] = {.flag = "--wait"},
    [CTL_OPT_TIMEOUT] = {.flag = "--timeout", .value = true},
};

/* In the order of cellctl's help (and the admin console's). */
const struct ctl_cmd_spec ctl_cmds[] = {
    {.name = "list",
     .cmd = CTL_CMD_LIST,
     .opts = OPT(CTL_OPT_JSON),
     .wrong = WRONG("list [json]"),
     .cli = "list [--json]",
     .help = "every cell: name, state, pid, uptime, restarts,\n"
	     "memory, which one is in the foreground, memory\n"
	     "limit, CPU time, pids, I/O ('-': unknown)",
     .admin = "list [--json]",
     .admin_help = "every cell: name, state, pid, uptime, restarts, memory,\n"
		   "and the one on the board's console (front)"},
    {.name = "status",
     .cmd = CTL_CMD_STATUS,
     .flags = CTL_NAMED,
     .opts = OPT(CTL_OPT_JSON),
     .wrong = WRONG("status NAME [json]"),
     .cli = "status NAME [--json]",
     .help = "one cell in detail",
     .admin = "status NAME [--json]",
     .admin_help = "one cell in detail"},
    {.name = "start",
     .cmd = CTL_CMD_START,
     .flags = CTL_NAMED | CTL_CHANGES,
     .opts = OPT(CTL_OPT_WAIT) | OPT(CTL_OPT_TIMEOUT),
     .wrong = WRONG("start NAME"),
     .cli = "start NAME",
     .help = "start a cell that is not running",
     .admin = "start NAME",
     .admin_help = "start a cell that is not running"},
    {.name = "stop",
     .cmd = CTL_CMD_STOP,
     .flags = CTL_NAMED | CTL_CHANGES,
     .opts = OPT(CTL_OPT_WAIT) | OPT(CTL_OPT_TIMEOUT),
     .wrong = WRONG("stop NAME"),
     .cli = "stop NAME",
     .help = "stop a cell (it stays stopped)",
     .admin = "stop NAME",
     .admin_help = "stop a cell (it stays stopped)"},
    {.name = "restart",
     .cmd = CTL_CMD_RESTART,
     .flags = CTL_NAMED | CTL_CHANGES,
     .opts = OPT(CTL_OPT_WAIT) | OPT(CTL_OPT_TIMEOUT),
     .wrong = WRONG("restart NAME"),
     .cli = "restart NAME",
     .help = "stop a cell and start it again",
     .admin = "restart NAME",
     .admin_help = "stop a cell and start it again"},
    {.name = "switch",
     .cmd = CTL_CMD_SWITCH,
     .flags = CTL_NAMED | CTL_CHANGES,
     .wrong = WRONG("switch NAME"),
     .cli = "switch NAME",
     .help = "bring a cell to the foreground",
     .admin = "switch NAME",
     .admin_help = "bring a cell to the board's console"},
    {.name = "log",
     .cmd = CTL_CMD_LOG,
     .flags = CTL_NAMED,
     .opts = OPT(CTL_OPT_FOLLOW) | OPT(CTL_OPT_RAW),
     .wrong = WRONG("log NAME [follow]"),
     .cli = "log NAME [-f] [--raw]",
     .help = "the cell's recent console output; -f keeps\n"
	     "printing new output until interrupted; its\n"
	     "control bytes and escape sequences are shown\n"
	     "as text (\\x1b...), colours pass; --raw\n"
	     "writes the cell's bytes as they are",
     .admin = "log NAME",
     .admin_help = "the cell's recent console output"},
    {.name = "exec",
     .cmd = CTL_CMD_EXEC,
     .flags = CTL_NAMED | CTL_HELD,
     .wrong = WRONG("exec NAME pipes|pty ROWS COLS ARG0 [ARG...]"),
     .cli = "exec NAME [-t|-T] [--] CMD [ARG...]",
     .help = "run a command inside a running cell, on a\n"
	     "new pty when stdin and stdout are terminals\n"
	     "(-t: always, -T: never), else on pipes;\n"
	     "cellctl relays its stdin, stdout, stderr",
     .admin_why = "exec is not available on the admin console: it runs no command, on the "
		  "host or in a cell, by design (use the cell's own console: switch NAME)"},
    {.name = "console",
     .cmd = CTL_CMD_CONSOLE,
     .flags = CTL_NAMED | CTL_HELD,
     .wrong = WRONG("console NAME ROWS COLS"),
     .cli = "console NAME",
     .help = "attach the terminal to the cell's console (its\n"
	     "last lines first); Ctrl-] q detaches, the cell\n"
	     "runs on; a second console takes it over",
     .admin_why = "console is not available on the admin console: it is the board's terminal "
		  "already (switch NAME shows a cell's console on the board's)"},
    {.cli = "start|stop|restart NAME [--wait [--timeout SECONDS]]",
     .help = "--wait: return once the cell runs (start,\n"
	     "restart: a new instance) or has stopped;\n"
	     "timeout 90 s"},
    {.name = "reload",
     .cmd = CTL_CMD_RELOAD,
     .flags = CTL_CHANGES,
     .opts = OPT(CTL_OPT_ALLOW_EMPTY),
     .wrong = WRONG("reload [allow-empty]"),
     .cli = "reload [--allow-empty]",
     .help = "re-read the cell list: start new cells, stop\n"
	     "removed ones, restart changed ones",
     .admin = "reload",
     .admin_help = "re-read the cell list"},
    {.name = "update",
     .cmd = CTL_CMD_UPDATE,
     .flags = CTL_NAMED | CTL_CHANGES,
     .wrong = WRONG("update NAME IMAGE [verity HASH] [version TEXT]"),
     .cli = "update NAME IMAGE [--verity HASH] [--version TEXT]",
     .help = "install IMAGE in the cell's free slot and restart\n"
	     "the cell on it; rolled back if it fails",
     .admin = "update NAME IMAGE [--verity HASH] [--version TEXT]",
     .admin_help = "install IMAGE (a path on the board) in the cell's\n"
		   "free slot, restart it on it; rolled back if it fails"},
    {.name = "top",
     .flags = CTL_LOCAL,
     .cli = "top [--json] [-d SECONDS] [-n COUNT]",
     .help = "the cells' memory, CPU, pids and I/O, refreshed\n"
	     "every SECONDS (1), COUNT times (until Ctrl-C)"},
};

const size_t ctl_cmds_n = sizeof(ctl_cmds) / sizeof(ctl_cmds[0]);

const struct ctl_cmd_spec *ctl_cmd_find(const char *name)
{
	for (size_t i = 0; i < ctl_cmds_n; i++)
		if (ctl_cmds[i].name && strcmp(ctl_cmds[i].name, name) == 0)
			return &ctl_cmds[i];
	return NULL;
}

int ctl_cmd_option(const struct ctl_cmd_spec *spec, const char *arg)
{
	for (int o = 0; o < CTL_OPT_N; o++)
		if ((spec->opts & OPT(o)) &&
		    (strcmp(arg, ctl_opts[o].flag) == 0 ||
		     (ctl_opts[o].alias && strcmp(arg, ctl_opts[o].alias) == 0)))
			return o;
	return -1;
}

const char *ctl_opt_commands(enum ctl_opt o, char *buf, size_t len)
{
	size_t k = 0, n = 0, at = 0;

	for (size_t i = 0; i < ctl_cmds_n; i++)
		if (ctl_cmds[i].name && (ctl_cmds[i].opts & OPT(o)))
			n++;
	buf[0] = '\0';
	for (size_t i = 0; i < ctl_cmds_n && at < len; i++) {
		if (!ctl_cmds[i].name || !(ctl_cmds[i].opts & OPT(o)))
			continue;
		k++;
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
				       k == 1	? ""
				       : k == n ? " and "
						: ", ",
				       ctl_cmds[i].name);
	}
	return buf;
}

const char *ctl_cmd_name(enum ctl_cmd cmd)
{
	for (size_t i = 0; i < ctl_cmds_n; i++)
		if (ctl_cmds[i].name && !(ctl_cmds[i].flags & CTL_LOCAL) && ctl_cmds[i].cmd == cmd)
			return ctl_cmds[i].name;
	return "unknown";
}

/* Sets the request's flag for option o; false when o is no request's. */
static bool opt_set(struct ctl_request *req, int o)
{
	switch (o) {
	case CTL_OPT_FOLLOW: req->follow = true; return true;
	case CTL_OPT_JSON: req->json = true; return true;
	case CTL_OPT_ALLOW_EMPTY: req->allow_empty = true; return true;
	default: return false;
	}
}

static bool opt_on(const struct ctl_request *req, int o)
{
	switch (o) {
	case CTL_OPT_FOLLOW: return req->follow;
	case CTL_OPT_JSON: return req->json;
	case CTL_OPT_ALLOW_EMPTY: return req->allow_empty;
	default: return false;
	}
}

const char *ctl_request_held(const struct ctl_request *req, char *buf, size_t len)
{
	const char *name = ctl_cmd_name(req->cmd);
	const struct ctl_cmd_spec *spec = ctl_cmd_find(name);

	if (!spec)
		return NULL;
	if (spec->flags & CTL_HELD) {
		snprintf(buf, len, "%s", name);
		return buf;
	}
	for (int o = 0; o < CTL_OPT_N; o++)
		if (ctl_opts[o].held && (spec->opts & OPT(o)) && opt_on(req, o)) {
			snprintf(buf, len, "%s %s", name, ctl_opts[o].word);
			return buf;
		}
	return NULL;
}

ssize_t ctl_request_encode(char *buf, size_t cap, unsigned n, const char *const fields[])
{
	size_t len = sizeof(CTL_VERSION), flen;

	if (n == 0 || !fields[0] || !fields[0][0])
		return -EINVAL;
	if (n > CTL_FIELDS_MAX || cap < len)
		return -EMSGSIZE;
	memcpy(buf, CTL_VERSION, len);
	for (unsigned i = 0; i < n; i++) {
		flen = strlen(fields[i]) + 1;
		if (flen > cap - len || len + flen > CTL_REQUEST_MAX)
			return -EMSGSIZE;
		memcpy(buf + len, fields[i], flen);
		len += flen;
	}
	return (ssize_t)len;
}

/* A cell name goes back into one-line error messages: printable ASCII,
 * no spaces.  Whether the cell exists is the server's question. */
static bool name_field_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NAME_FIELD_MAX)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return false;
	return true;
}

static int fail(const char **why, int err, const char *text)
{
	*why = text;
	return err;
}

/* A terminal dimension: 0-65535 in decimal, no sign, no leading zero. */
static bool size_field(const char *s, unsigned *out)
{
	unsigned long v = 0;

	if (!*s || (s[0] == '0' && s[1]) || strlen(s) > 5)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > 65535)
		return false;
	*out = (unsigned)v;
	return true;
}

/* exec NAME pipes ARG0 [ARG...] | exec NAME pty ROWS COLS ARG0 [ARG...] */
static int decode_exec(unsigned n, const char *const f[], struct ctl_request *req, const char **why)
{
	unsigned first = 3; /* ARG0's field */

	if (n < 3)
		return -EINVAL;
	if (strcmp(f[2], "pty") != 0 && strcmp(f[2], "pipes") != 0)
		return fail(why, -EINVAL, "exec: the mode is pipes or pty");
	if (n < 4)
		return -EINVAL;
	if (strcmp(f[2], "pty") == 0) {
		req->pty = true;
		first = 5;
		if (n < 6)
			return -EINVAL;
		if (!size_field(f[3], &req->rows) || !size_field(f[4], &req->cols))
			return fail(why, -EINVAL, "exec: bad terminal size");
	}
	if (!f[first][0])
		return fail(why, -EINVAL, "exec: empty command");
	req->argc = n - first;
	for (unsigned i = 0; i < req->argc; i++)
		req->argv[i] = f[first + i];
	req->argv[req->argc] = NULL;
	return 0;
}

/* update NAME IMAGE ["verity" HASH] ["version" TEXT], in this order (one
 * spelling per request: a decoded request encodes back to the same bytes). */
static int decode_update(unsigned rest, const char *const f[], struct ctl_request *req,
			 const char **why)
{
	unsigned i = 3;

	if (rest < 2 || rest % 2 != 0)
		return -EINVAL;
	if (f[2][0] != '/')
		return fail(why, -EINVAL, "update: the image must be an absolute path");
	req->image = f[2];
	if (i < rest && strcmp(f[i], "verity") == 0) {
		req->verity = f[i + 1];
		i += 2;
	}
	if (i < rest && strcmp(f[i], "version") == 0) {
		req->version = f[i + 1];
		i += 2;
	}
	return i > rest ? 0 : -EINVAL;
}

/* Checks the arguments (fields[1..n-1]) against the command's form: its
 * NAME, then exec's and update's own forms, or at most one option word. */
static int decode_args(const struct ctl_cmd_spec *spec, unsigned n, const char *const f[],
		       struct ctl_request *req, const char **why)
{
	unsigned first = 1; /* the field after the command and its NAME */

	req->cmd = spec->cmd;
	if (spec->flags & CTL_NAMED) {
		if (n < 2)
			return -EINVAL;
		if (!name_field_ok(f[1]))
			return fail(why, -EINVAL, "bad cell name");
		req->name = f[1];
		first = 2;
	}
	switch (spec->cmd) {
	case CTL_CMD_EXEC: return decode_exec(n, f, req, why);
	case CTL_CMD_CONSOLE:
		if (n != 4)
			return -EINVAL;
		if (!size_field(f[2], &req->rows) || !size_field(f[3], &req->cols))
			return fail(why, -EINVAL, "console: bad terminal size");
		return 0;
	case CTL_CMD_UPDATE: return decode_update(n - 1, f, req, why);
	default: break;
	}
	if (n == first)
		return 0;
	if (n == first + 1)
		for (int o = 0; o < CTL_OPT_N; o++)
			if ((spec->opts & OPT(o)) && ctl_opts[o].word &&
			    strcmp(f[first], ctl_opts[o].word) == 0)
				return opt_set(req, o) ? 0 : -EINVAL;
	return -EINVAL;
}

int ctl_request_decode(const char *msg, size_t len, struct ctl_request *req, const char **why)
{
	const char *fields[CTL_FIELDS_MAX + 1];
	const struct ctl_cmd_spec *spec;
	size_t vlen, pos;
	unsigned n = 0;
	int r;

	memset(req, 0, sizeof(*req));
	*why = NULL;
	if (len == 0)
		return fail(why, -EBADMSG, "empty request");
	if (len > CTL_REQUEST_MAX)
		return fail(why, -EMSGSIZE, "request too long (at most 8192 bytes)");
	vlen = strnlen(msg, len);
	if (vlen != strlen(CTL_VERSION) || memcmp(msg, CTL_VERSION, vlen) != 0)
		return fail(why, -EPROTONOSUPPORT,
			    "unsupported protocol version (this cellmgr speaks " CTL_VERSION ")");
	if (msg[len - 1] != '\0')
		return fail(why, -EBADMSG, "truncated request (its last field has no NUL)");
	/* Every field ends with a NUL, the last byte included. */
	for (pos = vlen + 1; pos < len; pos += strlen(msg + pos) + 1) {
		if (n == CTL_FIELDS_MAX)
			return fail(why, -EMSGSIZE, "too many fields (at most 256)");
		fields[n++] = msg + pos;
	}
	if (n == 0 || !fields[0][0])
		return fail(why, -EBADMSG, "missing command");
	spec = ctl_cmd_find(fields[0]);
	if (!spec || (spec->flags & CTL_LOCAL))
		return fail(why, -ENOSYS, "unknown command");
	r = decode_args(spec, n, fields, req, why);
	if (r < 0 && !*why)
		*why = spec->wrong;
	return r;
}

int ctl_exec_result_format(char *buf, size_t cap, bool signaled, int code)
{
	int n = snprintf(buf, cap, "%s %d\n", signaled ? "signal" : "status", code);

	return n < 0 || (size_t)n >= cap ? -EMSGSIZE : n;
}

int ctl_exec_result_parse(const char *text, size_t len)
{
	const size_t word = 7; /* "status " or "signal " */
	bool signaled;
	size_t i;
	int v = 0;

	if (len > word && memcmp(text, "status ", word) == 0)
		signaled = false;
	else if (len > word && memcmp(text, "signal ", word) == 0)
		signaled = true;
	else
		return -EBADMSG;
	for (i = word; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
		v = v * 10 + (text[i] - '0');
		if (v > 255)
			return -EBADMSG;
	}
	if (i == word || i + 1 != len || text[i] != '\n')
		return -EBADMSG;
	if (signaled)
		return v >= 1 && v < 128 ? 128 + v : -EBADMSG;
	return v;
}

void ctl_buf_append(struct ctl_buf *b, const char *data, size_t len)
{
	size_t room = b->cap - b->len;

	if (len > room) {
		len = room;
		b->truncated = true;
	}
	memcpy(b->buf + b->len, data, len);
	b->len += len;
}

void ctl_buf_printf(struct ctl_buf *b, const char *fmt, ...)
{
	size_t room = b->cap - b->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		/* vsnprintf keeps the last byte for its NUL. */
		b->len = room ? b->cap - 1 : b->cap;
		b->truncated = true;
		return;
	}
	b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void ctl_buf_json_string(struct ctl_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];
	size_t n;

	ctl_buf_append(b, "\"", 1);
	while (*p) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p++;
			ctl_buf_append(b, esc, 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p++);
			ctl_buf_append(b, esc, 6);
		} else if ((n = utf8_len(p)) > 0) {
			ctl_buf_append(b, (const char *)p, n);
			p += n;
		} else {
			ctl_buf_append(b, "\\ufffd", 6);
			p++;
		}
	}
	ctl_buf_append(b, "\"", 1);
}

void ctl_help_entry(struct ctl_buf *b, unsigned col, const char *usage, const char *text)
{
	size_t len = strlen(usage);

	if (len + 4 <= col)
		ctl_buf_printf(b, "  %-*s", (int)col - 2, usage);
	else
		ctl_buf_printf(b, "  %s\n%*s", usage, (int)col, "");
	for (const char *nl; (nl = strchr(text, '\n')); text = nl + 1)
		ctl_buf_printf(b, "%.*s\n%*s", (int)(nl - text), text, (int)col, "");
	ctl_buf_printf(b, "%s\n", text);
}
