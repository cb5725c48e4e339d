// SPDX-License-Identifier: MIT
/*
 * Per-cell user id ranges, allocated once and kept (idmap.h has the model).
 *
 * The file is small and written only by cellmgr, but it is read strictly:
 * whatever a crash, a full disk or a hand edit left in it, a line that could
 * make two cells share a range is ignored, never trusted.  Ignored lines are
 * gone at the next save; the cells they named get a range again then.
 *
 * Standalone: libc only, no logging (the caller logs), unit-tested on its own.
 */
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"

#define MSG_MAX 512

struct reader {
	const char *file;
	idmap_report_fn report;
	void *ctx;
	int problems;
};

__attribute__((format(printf, 3, 4))) static void problem(struct reader *r, unsigned line,
							  const char *fmt, ...)
{
	char msg[MSG_MAX];
	va_list ap;
	int n;

	r->problems++;
	if (!r->report)
		return;
	n = snprintf(msg, sizeof(msg), "%s:%u: ", r->file, line);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	r->report(r->ctx, msg);
}

/* The cell name rule of the cell list (mgr/config/config.c): 1-15 of a-z 0-9 - _,
 * starting with a letter or digit.  n bytes at s, not NUL-terminated. */
static bool name_valid(const char *s, size_t n)
{
	if (n == 0 || n > CELL_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '-' && c != '_')))
			return false;
	}
	return true;
}

int idmap_init(struct idmap_db *db, uint32_t base, uint32_t ranges)
{
	/* The header only: an entry is written whole as it is added, and
	 * zeroing all 1024 (24 KiB) would fault every page of them in. */
	db->base = db->ranges = 0;
	db->n = 0;
	if (base < IDMAP_BASE_MIN || ranges == 0 || ranges > IDMAP_RANGES_MAX ||
	    (uint64_t)base + (uint64_t)ranges * IDMAP_RANGE_SIZE > IDMAP_END_MAX)
		return -EINVAL;
	db->base = base;
	db->ranges = ranges;
	return 0;
}

const struct idmap_entry *idmap_find(const struct idmap_db *db, const char *cell)
{
	for (size_t i = 0; i < db->n; i++)
		if (strcmp(db->entries[i].name, cell) == 0)
			return &db->entries[i];
	return NULL;
}

/* The entry whose range shares an id with the range at host_base. */
static const struct idmap_entry *overlapping(const struct idmap_db *db, uint32_t host_base)
{
	for (size_t i = 0; i < db->n; i++) {
		uint32_t hb = db->entries[i].host_base;

		if ((hb > host_base ? hb - host_base : host_base - hb) < IDMAP_RANGE_SIZE)
			return &db->entries[i];
	}
	return NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One line, s..e without its '\n'. */
static void parse_line(struct idmap_db *db, struct reader *r, unsigned line, const char *s,
		       const char *e)
{
	const struct idmap_entry *other;
	struct idmap_entry *ent;
	const char *name, *num;
	size_t name_len, num_len;
	uint64_t hb = 0;

	while (s < e && is_blank(*s))
		s++;
	if (s == e || *s == '#')
		return;
	name = s;
	while (s < e && !is_blank(*s))
		s++;
	name_len = (size_t)(s - name);
	while (s < e && is_blank(*s))
		s++;
	num = s;
	while (s < e && *s >= '0' && *s <= '9')
		s++;
	num_len = (size_t)(s - num);
	while (s < e && is_blank(*s))
		s++;
	if (s != e || !name_valid(name, name_len) || num_len == 0 || num_len > 10) {
		problem(r, line,
			"expected 'NAME HOSTBASE' (a cell name and a host id); line ignored");
		return;
	}
	for (size_t i = 0; i < num_len; i++)
		hb = hb * 10 + (unsigned)(num[i] - '0');

	if (db->n == IDMAP_ENTRIES_MAX) {
		problem(r, line, "too many entries (at most %d); line ignored", IDMAP_ENTRIES_MAX);
		return;
	}
	ent = &db->entries[db->n];
	memcpy(ent->name, name, name_len);
	ent->name[name_len] = '\0';

	other = idmap_find(db, ent->name);
	if (other) {
		problem(r, line, "cell %s: second entry (first at line %u); line ignored",
			ent->name, other->line);
		return;
	}
	/* Anywhere a range may be, not only among today's idmap_base ..
	 * idmap_ranges: a range recorded under another base (the default
	 * before 0x70000000 was 1000000) stays its cell's. */
	if (hb < IDMAP_BASE_MIN || hb > IDMAP_END_MAX - IDMAP_RANGE_SIZE) {
		problem(r, line,
			"cell %s: host id %llu cannot start a range (from %u to %u); line ignored",
			ent->name, (unsigned long long)hb, IDMAP_BASE_MIN,
			IDMAP_END_MAX - IDMAP_RANGE_SIZE);
		return;
	}
	other = overlapping(db, (uint32_t)hb);
	if (other) {
		problem(r, line,
			"cell %s: host ids %llu-%llu overlap cell %s's (line %u); line ignored",
			ent->name, (unsigned long long)hb,
			(unsigned long long)hb + IDMAP_RANGE_SIZE - 1, other->name, other->line);
		return;
	}
	ent->host_base = (uint32_t)hb;
	ent->line = line;
	db->n++;
}

int idmap_parse(struct idmap_db *db, const char *file, const char *buf, size_t len,
		idmap_report_fn report, void *ctx)
{
	struct reader r = {.file = file, .report = report, .ctx = ctx};
	size_t pos = 0;
	unsigned line = 0;

	db->n = 0;
	while (pos < len) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		const char *e = nl ? nl : buf + len;

		if (line < UINT32_MAX)
			line++;
		parse_line(db, &r, line, s, e);
		pos = (size_t)(e - buf) + (nl ? 1 : 0);
	}
	return r.problems;
}

/* snprintf onto the end of buf, counting what would have been written. */
__attribute__((format(printf, 4, 5))) static void append(char *buf, size_t cap, size_t *off,
							 const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*off < cap ? buf + *off : NULL, *off < cap ? cap - *off : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

size_t idmap_format(const struct idmap_db *db, char *buf, size_t cap)
{
	size_t off = 0;

	if (cap)
		buf[0] = '\0';
	append(buf, cap, &off,
	       "# cellar: the user id range of each cell (written by cellmgr).\n"
	       "# NAME HOSTBASE: the cell's ids 0-65535 are host ids HOSTBASE to HOSTBASE+65535.\n"
	       "# A range stays recorded when its cell is removed, so that the cell's files\n"
	       "# keep their owners; delete the line to give the range back.\n");
	for (size_t i = 0; i < db->n; i++)
		append(buf, cap, &off, "%s %u\n", db->entries[i].name, db->entries[i].host_base);
	return off;
}

int idmap_get(struct idmap_db *db, const char *cell, uint32_t *host_base, bool *is_new)
{
	const struct idmap_entry *found;
	struct idmap_entry *ent;

	if (!cell || !name_valid(cell, strlen(cell)))
		return -EINVAL;
	found = idmap_find(db, cell);
	if (found) {
		*host_base = found->host_base;
		*is_new = false;
		return 0;
	}
	if (db->n == IDMAP_ENTRIES_MAX)
		return -ENOSPC;
	/* An entry overlaps at most two ranges of this base (one, when it is
	 * one of them): one of the first 2n + 1 is free. */
	for (uint64_t k = 0; k < db->ranges && k <= 2 * db->n; k++) {
		uint32_t hb = (uint32_t)(db->base + k * IDMAP_RANGE_SIZE);

		if (overlapping(db, hb))
			continue;
		ent = &db->entries[db->n++];
		strcpy(ent->name, cell);
		ent->host_base = hb;
		ent->line = 0;
		*host_base = hb;
		*is_new = true;
		return 0;
	}
	return -ENOSPC;
}

void idmap_forget(struct idmap_db *db, const char *cell)
{
	for (size_t i = 0; i < db->n; i++) {
		if (strcmp(db->entries[i].name, cell) != 0)
			continue;
		memmove(&db->entries[i], &db->entries[i + 1],
			(db->n - i - 1) * sizeof(db->entries[0]));
		db->n--;
		return;
	}
}

/* ---- files ------------------------------------------------------------ */

static int path_in(char *dst, size_t size, const char *dir, const char *name)
{
	int n = snprintf(dst, size, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int idmap_load(struct idmap_db *db, const char *dir, idmap_report_fn report, void *ctx)
{
	char path[PATH_MAX], msg[PATH_MAX + 64];
	char *buf = NULL;
	size_t len = 0;
	int ret;

	db->n = 0;
	ret = path_in(path, sizeof(path), dir, IDMAP_FILE_NAME);
	if (ret == 0)
		ret = read_whole_file(path, IDMAP_FILE_MAX, &buf, &len);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0) {
		if (report) {
			if (ret == -EFBIG)
				snprintf(msg, sizeof(msg), "%s/%s: too large (more than 1 MiB)",
					 dir, IDMAP_FILE_NAME);
			else
				snprintf(msg, sizeof(msg), "%s/%s: %s", dir, IDMAP_FILE_NAME,
					 strerror(-ret));
			report(ctx, msg);
		}
		return ret;
	}
	ret = idmap_parse(db, path, buf, len, report, ctx);
	free(buf);
	return ret;
}

/* mkdir -p: missing parents 0755, dir itself 0700 (existing ones are left
 * as they are). */
static int make_dirs(const char *dir)
{
	char buf[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(buf))
		return n ? -ENAMETOOLONG : -ENOENT;
	memcpy(buf, dir, n + 1);
	for (size_t i = 1; i < n; i++) {
		if (buf[i] != '/' || buf[i - 1] == '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		buf[i] = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int idmap_save(const struct idmap_db *db, const char *dir)
{
	size_t len = idmap_format(db, NULL, 0);
	char *text;
	int dfd, ret;

	ret = make_dirs(dir);
	if (ret < 0)
		return ret;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	text = malloc(len + 1);
	if (!text) {
		close(dfd);
		return -ENOMEM;
	}
	idmap_format(db, text, len + 1);
	ret = replace_file_at(dfd, IDMAP_FILE_NAME, text, len, true);
	free(text);
	close(dfd);
	return ret;
}
