// SPDX-License-Identifier: MIT
#include "ini.h"

#include <string.h>

void ini_init(struct ini_reader *r, const char *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = len;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char *trim(char *s)
{
	char *end;

	while (is_blank(*s))
		s++;
	end = s + strlen(s);
	while (end > s && is_blank(end[-1]))
		*--end = '\0';
	return s;
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static struct ini_item error_item(unsigned line, const char *msg)
{
	struct ini_item it = {.kind = INI_ERROR, .line = line, .error = msg};
	return it;
}

static struct ini_item parse_section(unsigned line, char *s)
{
	struct ini_item it = {.kind = INI_SECTION, .line = line};
	char *end = strchr(s, ']');
	char *rest, *p;

	if (!end)
		return error_item(line, "section header without closing ']'");
	rest = trim(end + 1);
	if (*rest != '\0' && *rest != '#' && *rest != ';')
		return error_item(line, "text after section header");
	*end = '\0';
	s = trim(s + 1);
	if (*s == '\0')
		return error_item(line, "empty section header");
	for (p = s; *p && !is_blank(*p); p++)
		if (!is_name_char(*p))
			return error_item(line, "bad character in section name");
	it.name = s;
	it.arg = "";
	if (*p) {
		*p++ = '\0';
		p = trim(p);
		it.arg = p;
		for (; *p; p++)
			if (!is_name_char(*p))
				return error_item(line, "bad character in section argument");
	}
	return it;
}

static void strip_comment(char *s)
{
	for (char *p = s; *p; p++) {
		if ((*p == '#' || *p == ';') && p > s && is_blank(p[-1])) {
			*p = '\0';
			return;
		}
	}
}

static struct ini_item parse_key(unsigned line, char *s)
{
	struct ini_item it = {.kind = INI_KEY, .line = line};
	char *eq = strchr(s, '=');
	char *p;

	if (!eq)
		return error_item(line, "expected 'key = value'");
	*eq = '\0';
	it.key = trim(s);
	if (*it.key == '\0')
		return error_item(line, "missing key before '='");
	for (p = s; *p; p++)
		if (!is_name_char(*p))
			return error_item(line, "bad character in key");
	strip_comment(eq + 1);
	it.value = trim(eq + 1);
	return it;
}

struct ini_item ini_next(struct ini_reader *r)
{
	while (r->pos < r->len) {
		const char *start = r->buf + r->pos;
		const char *nl = memchr(start, '\n', r->len - r->pos);
		size_t n = nl ? (size_t)(nl - start) : r->len - r->pos;
		char *s;

		r->pos += n + (nl ? 1 : 0);
		r->line++;
		if (n > 0 && start[n - 1] == '\r')
			n--; /* CRLF files: the CR is not part of the line */
		if (n > INI_LINE_MAX)
			return error_item(r->line, "line too long");
		if (memchr(start, '\0', n))
			return error_item(r->line, "NUL byte in line");
		memcpy(r->scratch, start, n);
		r->scratch[n] = '\0';
		s = trim(r->scratch);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[')
			return parse_section(r->line, s);
		return parse_key(r->line, s);
	}
	return (struct ini_item){.kind = INI_END, .line = r->line};
}

char *ini_next_word(char **cursor)
{
	char *s = *cursor;
	char *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*cursor = s;
		return NULL;
	}
	w = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	*cursor = s;
	return w;
}
