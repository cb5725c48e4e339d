// SPDX-License-Identifier: MIT
/* The parsers of a cell's cgroup figures (cgroup_stat.h). */
#include "cgroup_stat.h"

#include <string.h>

void cgroup_stats_clear(struct cgroup_stats *st)
{
	st->memory = st->memory_max = st->cpu_usec = CGROUP_STAT_UNKNOWN;
	st->pids = st->pids_max = st->io_read = st->io_write = CGROUP_STAT_UNKNOWN;
}

/* Decimal digits at s up to a blank, a newline or the end; UNKNOWN when
 * there are none, something else follows, or it is too big. */
static uint64_t number_at(const char *s, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (CGROUP_STAT_NOLIMIT - 1 - d) / 10)
			return CGROUP_STAT_UNKNOWN;
		v = v * 10 + d;
	}
	if (p == s || (*p && *p != '\n' && *p != ' '))
		return CGROUP_STAT_UNKNOWN;
	if (end)
		*end = p;
	return v;
}

uint64_t cgroup_stat_value(const char *text)
{
	if (strcmp(text, "max\n") == 0 || strcmp(text, "max") == 0)
		return CGROUP_STAT_NOLIMIT;
	return number_at(text, NULL);
}

uint64_t cgroup_stat_keyed(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');

		if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
			return number_at(line + klen + 1, NULL);
		if (!nl)
			break;
		line = nl + 1;
	}
	return CGROUP_STAT_UNKNOWN;
}

/* Adds the value of "NAME=N" at s to *sum when s starts with name. */
static void add_field(const char *s, const char *name, uint64_t *sum)
{
	size_t n = strlen(name);
	uint64_t v;

	if (strncmp(s, name, n) != 0 || s[n] != '=')
		return;
	v = number_at(s + n + 1, NULL);
	if (v != CGROUP_STAT_UNKNOWN && *sum != CGROUP_STAT_UNKNOWN)
		*sum = *sum + v < *sum ? CGROUP_STAT_UNKNOWN : *sum + v;
}

void cgroup_stat_io(const char *text, uint64_t *read_bytes, uint64_t *write_bytes)
{
	*read_bytes = 0;
	*write_bytes = 0;
	for (const char *s = text; *s; s++) {
		if (s != text && s[-1] != ' ' && s[-1] != '\n')
			continue;
		add_field(s, "rbytes", read_bytes);
		add_field(s, "wbytes", write_bytes);
	}
}
