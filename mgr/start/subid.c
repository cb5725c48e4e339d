// SPDX-License-Identifier: MIT
/* /etc/subuid and /etc/subgid against a cell's id range (subid.h).
 * Standalone: libc only, no logging (the caller logs). */
#include "subid.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileutil.h"

/* A number as newuidmap's getulong() takes it: strtoul base 0, the whole
 * field, no overflow.  s..e, not NUL-terminated. */
static bool parse_number(const char *s, const char *e, uint64_t *out)
{
	char num[32], *end;
	size_t n = (size_t)(e - s);
	unsigned long long v;

	if (n == 0 || n >= sizeof(num))
		return false;
	memcpy(num, s, n);
	num[n] = '\0';
	errno = 0;
	v = strtoull(num, &end, 0);
	if (*end || errno)
		return false;
	*out = v;
	return true;
}

/* One line s..e without its '\n': USER:START:COUNT. */
static bool parse_line(const char *s, const char *e, struct subid_entry *ent)
{
	const char *c1 = memchr(s, ':', (size_t)(e - s)), *c2;
	size_t n;

	if (!c1 || c1 == s)
		return false;
	c2 = memchr(c1 + 1, ':', (size_t)(e - c1 - 1));
	if (!c2 || memchr(c2 + 1, ':', (size_t)(e - c2 - 1)))
		return false;
	if (!parse_number(c1 + 1, c2, &ent->start) || !parse_number(c2 + 1, e, &ent->count))
		return false;
	n = (size_t)(c1 - s);
	if (n >= sizeof(ent->user))
		n = sizeof(ent->user) - 1;
	for (size_t i = 0; i < n; i++)
		ent->user[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
	ent->user[n] = '\0';
	return true;
}

int subid_find(const char *buf, size_t len, uint64_t lo, uint64_t count, struct subid_entry *hit)
{
	struct subid_entry ent;
	size_t pos = 0;
	unsigned line = 0;

	while (pos < len) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		const char *e = nl ? nl : buf + len;

		uint64_t end;

		line++;
		pos = (size_t)(e - buf) + (nl ? 1 : 0);
		if (*s == '#' || !parse_line(s, e, &ent) || ent.count == 0)
			continue;
		/* [start, end) and [lo, lo + count) share an id; a hand-made
		 * line may pass 2^64: it holds everything from start on. */
		end = ent.count > UINT64_MAX - ent.start ? UINT64_MAX : ent.start + ent.count;
		if (ent.start < lo + count && lo < end) {
			ent.line = line;
			*hit = ent;
			return 1;
		}
	}
	return 0;
}

int subid_check(const char *path, uint64_t lo, uint64_t count, struct subid_entry *hit)
{
	char *buf = NULL;
	size_t len = 0;
	int r = read_whole_file(path, SUBID_FILE_MAX, &buf, &len);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = subid_find(buf, len, lo, count, hit);
	free(buf);
	return r;
}
