// SPDX-License-Identifier: MIT
/* The cell list's values: names, paths, sizes, durations, capabilities
 * (config_value.h).  Shared by every key's setter. */
#include "config_value.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_keys.h"

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

bool cell_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CELL_NAME_MAX || !is_lower_alnum(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

/* RFC 1123: dot-separated labels of letters, digits and '-', each 1-63
 * characters not starting or ending with '-'; the kernel takes 64 in all. */
bool hostname_valid(const char *s)
{
	size_t n = strlen(s), label = 0;

	if (n == 0 || n > HOSTNAME_MAX)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (s[i] == '.' || s[i] == '\0') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if (is_alnum(s[i]) || (s[i] == '-' && label > 0)) {
			label++;
		} else {
			return false;
		}
	}
	return true;
}

const char *const hint_hostname = "(expected a hostname: up to 64 characters, dot-separated labels "
				  "of a-z, A-Z, 0-9 and '-', not starting or ending with '-')";
const char *const hint_path = "(expected an absolute path)";

bool copy_path(char *dst, const char *value)
{
	size_t n = strlen(value);

	if (value[0] != '/' || n >= PATH_MAX)
		return false;
	memcpy(dst, value, n + 1);
	return true;
}

int parse_bool(const char *s)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -EINVAL;
}

/* Values go into messages verbatim except control characters: a log line
 * must stay one line and carry no terminal escapes. */
const char *printable(char *dst, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		dst[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
	dst[i] = '\0';
	return dst;
}

/*
 * A directory given as an absolute path, stored with repeated and trailing
 * '/' removed so that two spellings of one directory compare equal; '/'
 * itself and '.' or '..' components are refused (they would hide that two
 * cells share a directory).
 */
bool copy_dir_path(char *dst, const char *value)
{
	char out[PATH_MAX];
	size_t len = 0;
	const char *s = value;

	if (*s != '/')
		return false;
	while (*s) {
		size_t n = 0;

		while (*s == '/')
			s++;
		while (s[n] && s[n] != '/')
			n++;
		if (n == 0)
			break;
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		if (len + 1 + n >= sizeof(out))
			return false;
		out[len++] = '/';
		memcpy(out + len, s, n);
		len += n;
		s += n;
	}
	if (len == 0)
		return false;
	out[len] = '\0';
	memcpy(dst, out, len + 1);
	return true;
}

const char *const hint_dir = "(expected an absolute path of a directory, not '/', "
			     "without '.' or '..' components)";

/* stop_timeout and the restart durations. */
const char *parse_duration(unsigned *out, const char *value)
{
	unsigned ms;

	_Static_assert(CONFIG_DURATION_MAX_MS == 3600000u, "the hint says 60m");
	if (duration_parse_ms(value, &ms) < 0 || ms == 0 || ms > CONFIG_DURATION_MAX_MS)
		return "(expected a duration such as 500ms, 10s or 2m, or plain seconds; "
		       "more than 0 and at most 60m)";
	*out = ms;
	return NULL;
}

bool config_next_word(const char **s, char *word, size_t size, size_t *n)
{
	const char *p = *s;
	size_t len = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while (p[len] && p[len] != ' ' && p[len] != '\t')
		len++;
	if (len == 0)
		return false;
	snprintf(word, size, "%.*s", (int)(len < size ? len : size - 1), p);
	*n = len;
	*s = p + len;
	return true;
}

/* caps_drop, caps_keep: capability names separated by blanks; may be empty. */
const char *parse_caps(uint64_t *out, const char *value, char *hint)
{
	uint64_t mask = 0;

	char word[32], shown[32];
	size_t n;

	for (const char *s = value; config_next_word(&s, word, sizeof(word), &n);) {
		int cap = n < sizeof(word) ? capability_parse(word) : -EINVAL;

		printable(shown, sizeof(shown), word);
		if (cap < 0) {
			snprintf(hint, HINT_MAX,
				 "(unknown capability '%s%s': expected names such as sys_admin or "
				 "net_raw, lower case, without 'cap_', separated by spaces)",
				 shown, n < sizeof(word) ? "" : "...");
			return hint;
		}
		if (mask & (UINT64_C(1) << cap)) {
			snprintf(hint, HINT_MAX, "(capability '%s' named twice)", shown);
			return hint;
		}
		mask |= UINT64_C(1) << cap;
	}
	*out = mask;
	return NULL;
}

const char *const hint_size = "(expected a size in bytes, more than 0, with an optional "
			      "suffix K, M, G or T (powers of 1024), such as 512M)";

const char *parse_memory(uint64_t *out, const char *value)
{
	uint64_t b;

	if (size_parse(value, &b) < 0 || b == 0)
		return hint_size;
	*out = b;
	return NULL;
}

const char *parse_weight(unsigned *out, const char *value)
{
	uint64_t n;

	if (number_parse(value, 1, CELL_WEIGHT_MAX, &n) < 0)
		return "(expected a number from 1 to 10000; 100 is the kernel's default)";
	*out = (unsigned)n;
	return NULL;
}

bool ifname_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NET_IFNAME_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

int cidr_parse(const char *s, bool need_prefix, struct net_cidr *out)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	struct net_cidr c = {0};
	unsigned max;
	uint64_t prefix;

	if (n == 0 || n >= sizeof(addr) || (need_prefix && !slash))
		return -EINVAL;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, c.addr) == 1) {
		c.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, c.addr) == 1) {
		c.family = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}
	c.prefix = max;
	if (slash) {
		if (number_parse(slash + 1, 0, max, &prefix) < 0)
			return -EINVAL;
		c.prefix = (unsigned)prefix;
	}
	*out = c;
	return 0;
}

/* Splits value into at most max blank-separated words (in buf); returns
 * how many, or max + 1 when there are more. */
