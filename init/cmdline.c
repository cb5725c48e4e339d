// SPDX-License-Identifier: MIT
/*
 * The kernel command line, as /proc/cmdline shows it: blank-separated
 * words, a double-quoted part may hold blanks ("key=\"a b\"").  As in the
 * kernel, the last occurrence of a key wins.
 */
#include "init.h"

#include <errno.h>
#include <string.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Returns the next word of *p and its length, or NULL at the end. */
static const char *next_word(const char **p, size_t *len)
{
	const char *s = *p, *w;
	bool quoted = false;

	while (is_blank(*s))
		s++;
	if (*s == '\0')
		return NULL;
	w = s;
	while (*s && (quoted || !is_blank(*s))) {
		if (*s == '"')
			quoted = !quoted;
		s++;
	}
	*len = (size_t)(s - w);
	*p = s;
	return w;
}

bool cmdline_get(const char *cmdline, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key), len;
	const char *w;
	bool found = false;

	while ((w = next_word(&cmdline, &len))) {
		size_t n = 0;

		if (len <= klen || strncmp(w, key, klen) != 0 || w[klen] != '=')
			continue;
		for (size_t i = klen + 1; i < len && n + 1 < size; i++)
			if (w[i] != '"')
				val[n++] = w[i];
		if (size)
			val[n] = '\0';
		found = true;
	}
	return found;
}

bool cmdline_has(const char *cmdline, const char *word)
{
	size_t wlen = strlen(word), len;
	const char *w;

	while ((w = next_word(&cmdline, &len)))
		if (len == wlen && strncmp(w, word, len) == 0)
			return true;
	return false;
}

/* A "/" followed by "/", "./" or "../" (or "." / ".." at the end). */
static bool bad_component(const char *c)
{
	if (c[1] == '/' || c[1] == '\0')
		return true;
	if (c[1] != '.')
		return false;
	if (c[2] == '.')
		c++;
	return c[2] == '/' || c[2] == '\0';
}

int cmdline_path(const char *cmdline, const char *key, const char *prefix, char *val, size_t size)
{
	size_t plen = strlen(prefix), len;

	if (!cmdline_get(cmdline, key, val, size))
		return 0;
	len = strlen(val);
	/* A value that fills the buffer may have been cut: refuse it. */
	if (len + 1 >= size)
		return -ENAMETOOLONG;
	if (len <= plen || strncmp(val, prefix, plen) != 0 || val[0] != '/')
		return -EINVAL;
	for (const char *c = val; *c; c++)
		if (*c == '/' && bad_component(c))
			return -EINVAL;
	return 1;
}

int cmdline_seconds(const char *cmdline, const char *key, unsigned max, unsigned *s, char *val,
		    size_t size)
{
	unsigned n = 0;
	const char *p;

	if (!cmdline_get(cmdline, key, val, size))
		return 0;
	if (strlen(val) + 1 >= size)
		return -EINVAL; /* maybe cut: "0000...60" must not read as 0 */
	/* By hand: strtoul() would drag musl's number scanner in. */
	for (p = val; *p >= '0' && *p <= '9' && n <= max; p++)
		n = n * 10 + (unsigned)(*p - '0');
	if (p == val || *p || n > max)
		return -EINVAL;
	*s = n;
	return 1;
}
