// SPDX-License-Identifier: MIT
/* The kernel config fragment check, minus the I/O: see kconfig.h. */
#include "kconfig.h"

#include <stdbool.h>
#include <string.h>

/* The next line of [*p, end): sets *line and *len (no '\n'), advances *p. */
static bool next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *nl;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*len = (size_t)((nl ? nl : end) - *p);
	*p = nl ? nl + 1 : end;
	return true;
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\r'))
		(*len)--;
}

static void copy(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* The value of name (name_len bytes, "CONFIG_X") in the kernel's .config,
 * or NULL when it is not set.  *vlen gets its length. */
static const char *lookup(const char *have, size_t have_len, const char *name, size_t name_len,
			  size_t *vlen)
{
	const char *p = have, *end = have + have_len, *line;
	size_t len;

	while (next_line(&p, end, &line, &len)) {
		if (len > name_len && line[name_len] == '=' && memcmp(line, name, name_len) == 0) {
			const char *v = line + name_len + 1;

			*vlen = len - name_len - 1;
			trim(&v, vlen);
			return v;
		}
	}
	return NULL;
}

static bool satisfied(const char *want, size_t wlen, const char *have, size_t hlen)
{
	if (!have)
		return false;
	if (wlen == 1 && want[0] == 'm') /* a module, or built in */
		return hlen == 1 && (have[0] == 'm' || have[0] == 'y');
	return wlen == hlen && memcmp(want, have, wlen) == 0;
}

unsigned kconfig_compare(const char *want, size_t want_len, const char *have, size_t have_len,
			 kconfig_missing_fn missing, void *ctx, unsigned *n_missing)
{
	const char *p = want, *end = want + want_len, *line;
	unsigned checked = 0, bad = 0;
	size_t len;

	while (next_line(&p, end, &line, &len)) {
		char name[KCONFIG_NAME_MAX], wv[KCONFIG_VALUE_MAX], hv[KCONFIG_VALUE_MAX];
		const char *eq, *v, *h;
		size_t nlen, vlen, hlen = 0;

		trim(&line, &len);
		if (len == 0 || line[0] == '#')
			continue;
		checked++;
		eq = memchr(line, '=', len);
		nlen = eq ? (size_t)(eq - line) : len;
		while (nlen && (line[nlen - 1] == ' ' || line[nlen - 1] == '\t'))
			nlen--;
		if (!eq || nlen <= 7 || memcmp(line, "CONFIG_", 7) != 0 || nlen >= sizeof(name)) {
			bad++;
			copy(name, sizeof(name), line, len);
			missing(ctx, name, "?", "");
			continue;
		}
		v = eq + 1;
		vlen = len - (size_t)(v - line);
		trim(&v, &vlen);
		h = lookup(have, have_len, line, nlen, &hlen);
		if (satisfied(v, vlen, h, hlen))
			continue;
		bad++;
		copy(name, sizeof(name), line, nlen);
		copy(wv, sizeof(wv), v, vlen);
		copy(hv, sizeof(hv), h ? h : "", h ? hlen : 0);
		missing(ctx, name, wv, hv);
	}
	if (n_missing)
		*n_missing = bad;
	return checked;
}
