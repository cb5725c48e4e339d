// SPDX-License-Identifier: MIT
/* The control protocol's codec (mgr/proto/ctl_proto.h): no I/O, no state. */
#include "ctl_proto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define NAME_FIELD_MAX 64

struct cmd_spec {
	const char *name;
	enum ctl_cmd cmd;
	const char *wrong; /* the reason for wrong arguments */
};

static const struct cmd_spec cmds[] = {
    {"list", CTL_CMD_LIST, "wrong arguments (usage: list [json])"},
    {"status", CTL_CMD_STATUS, "wrong arguments (usage: status NAME [json])"},
    {"start", CTL_CMD_START, "wrong arguments (usage: start NAME)"},
    {"stop", CTL_CMD_STOP, "wrong arguments (usage: stop NAME)"},
    {"restart", CTL_CMD_RESTART, "wrong arguments (usage: restart NAME)"},
    {"switch", CTL_CMD_SWITCH, "wrong arguments (usage: switch NAME)"},
    {"log", CTL_CMD_LOG, "wrong arguments (usage: log NAME [follow])"},
    {"exec", CTL_CMD_EXEC, "wrong arguments (usage: exec NAME pipes|pty ROWS COLS ARG0 [ARG...])"},
    {"reload", CTL_CMD_RELOAD, "wrong arguments (usage: reload [allow-empty])"},
    {"update", CTL_CMD_UPDATE,
     "wrong arguments (usage: update NAME IMAGE [verity HASH] [version TEXT])"},
};

const char *ctl_cmd_name(enum ctl_cmd cmd)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].cmd == cmd)
			return cmds[i].name;
	return "unknown";
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

/* Checks the arguments (fields[1..n-1]) against the command's form. */
static int decode_args(const struct cmd_spec *spec, unsigned n, const char *const f[],
		       struct ctl_request *req, const char **why)
{
	unsigned rest = n - 1; /* arguments after the command */
	const char *opt;

	req->cmd = spec->cmd;
	switch (spec->cmd) {
	case CTL_CMD_LIST:
	case CTL_CMD_RELOAD:
		if (rest == 1 && spec->cmd == CTL_CMD_LIST && strcmp(f[1], "json") == 0) {
			req->json = true;
			return 0;
		}
		if (rest == 1 && spec->cmd == CTL_CMD_RELOAD && strcmp(f[1], "allow-empty") == 0) {
			req->allow_empty = true;
			return 0;
		}
		return rest == 0 ? 0 : -EINVAL;
	default: break;
	}
	if (rest < 1)
		return -EINVAL;
	if (!name_field_ok(f[1]))
		return fail(why, -EINVAL, "bad cell name");
	req->name = f[1];
	opt = rest == 2 ? f[2] : NULL;
	switch (spec->cmd) {
	case CTL_CMD_STATUS:
		if (opt && strcmp(opt, "json") == 0)
			req->json = true;
		else if (rest != 1)
			return -EINVAL;
		return 0;
	case CTL_CMD_LOG:
		if (opt && strcmp(opt, "follow") == 0)
			req->follow = true;
		else if (rest != 1)
			return -EINVAL;
		return 0;
	case CTL_CMD_EXEC: return decode_exec(n, f, req, why);
	case CTL_CMD_UPDATE: return decode_update(rest, f, req, why);
	default: return rest == 1 ? 0 : -EINVAL;
	}
}

int ctl_request_decode(const char *msg, size_t len, struct ctl_request *req, const char **why)
{
	const char *fields[CTL_FIELDS_MAX + 1];
	const struct cmd_spec *spec = NULL;
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
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(fields[0], cmds[i].name) == 0)
			spec = &cmds[i];
	if (!spec)
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
