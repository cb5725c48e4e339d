// SPDX-License-Identifier: MIT
/* Unit tests for the per-cell user id ranges (mgr/start/idmap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idmap.h"

#define MAX_MSGS 64
#define R IDMAP_RANGE_SIZE

struct messages {
	char *msg[MAX_MSGS];
	size_t n;
	size_t total;
};

static struct messages msgs;
static struct idmap_db db; /* big: not on the stack */

static void collect(void *ctx, const char *msg)
{
	struct messages *m = ctx;

	if (m->n < MAX_MSGS)
		m->msg[m->n++] = strdup(msg);
	m->total++;
}

static void reset(void)
{
	for (size_t i = 0; i < msgs.n; i++)
		free(msgs.msg[i]);
	memset(&msgs, 0, sizeof(msgs));
}

static int teardown(void **state)
{
	(void)state;
	reset();
	return 0;
}

static int parse(const char *text)
{
	int n;

	reset();
	n = idmap_parse(&db, "idmap", text, strlen(text), collect, &msgs);
	assert_int_equal((size_t)n, msgs.total);
	return n;
}

static void expect_messages(const char *first, ...)
{
	va_list ap;
	size_t i = 0;

	va_start(ap, first);
	for (const char *want = first; want; want = va_arg(ap, const char *), i++) {
		if (i >= msgs.n)
			fail_msg("missing message %zu: %s", i, want);
		assert_string_equal(msgs.msg[i], want);
	}
	va_end(ap);
	if (msgs.n != i)
		fail_msg("unexpected message: %s", msgs.msg[i]);
}

static uint32_t get(const char *cell, bool want_new)
{
	uint32_t hb = 0;
	bool is_new = !want_new;

	assert_int_equal(idmap_get(&db, cell, &hb, &is_new), 0);
	assert_int_equal(is_new, want_new);
	return hb;
}

/* No two entries share an id, none holds an id below 65536 or (uid_t)-2
 * and above, names are unique.  Entries given out since the load (line 0)
 * are whole ranges of the db. */
static void assert_consistent(const struct idmap_db *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct idmap_entry *e = &d->entries[i];

		assert_true(e->host_base >= IDMAP_BASE_MIN);
		assert_true((uint64_t)e->host_base + R <= IDMAP_END_MAX);
		if (e->line == 0) {
			assert_true(e->host_base >= d->base);
			assert_int_equal((e->host_base - d->base) % R, 0);
			assert_true((uint64_t)e->host_base + R <=
				    (uint64_t)d->base + (uint64_t)d->ranges * R);
		}
		for (size_t j = 0; j < i; j++) {
			uint32_t a = d->entries[j].host_base, b = e->host_base;

			assert_true((a > b ? a - b : b - a) >= R);
			assert_string_not_equal(d->entries[j].name, e->name);
		}
	}
}

/* Every range of the db shares an id with an entry. */
static bool all_taken(const struct idmap_db *d)
{
	for (uint32_t k = 0; k < d->ranges; k++) {
		uint32_t hb = d->base + k * R;
		bool taken = false;

		for (size_t i = 0; i < d->n && !taken; i++) {
			uint32_t e = d->entries[i].host_base;

			taken = (e > hb ? e - hb : hb - e) < R;
		}
		if (!taken)
			return false;
	}
	return true;
}

/* ---- init and allocation --------------------------------------------- */

static void test_init(void **state)
{
	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 1024), 0);
	assert_int_equal(db.base, 1000000);
	assert_int_equal(db.ranges, 1024);
	assert_int_equal(db.n, 0);
	assert_int_equal(idmap_init(&db, 65536, 65534), 0);
	assert_int_equal(idmap_init(&db, 4294901758u, 1), 0); /* ends at 4294967294 */

	assert_int_equal(idmap_init(&db, 65535, 1), -EINVAL); /* would hold ids < 65536 */
	assert_int_equal(idmap_init(&db, 0, 1), -EINVAL);
	assert_int_equal(idmap_init(&db, 1000000, 0), -EINVAL);
	assert_int_equal(idmap_init(&db, 65536, 65535), -EINVAL);
	assert_int_equal(idmap_init(&db, 4294901759u, 1), -EINVAL);
	assert_int_equal(idmap_init(&db, 1000000, 65536), -EINVAL);

	/* a refused db gives nothing out */
	uint32_t hb;
	bool is_new;
	assert_int_equal(idmap_get(&db, "work", &hb, &is_new), -ENOSPC);
}

static void test_allocation_order(void **state)
{
	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 1024), 0);
	assert_int_equal(get("work", true), 1000000);
	assert_int_equal(get("personal", true), 1000000 + R);
	assert_int_equal(get("c", true), 1000000 + 2 * R);
	/* stable */
	assert_int_equal(get("work", false), 1000000);
	assert_int_equal(get("c", false), 1000000 + 2 * R);
	assert_int_equal(db.n, 3);
	assert_non_null(idmap_find(&db, "personal"));
	assert_null(idmap_find(&db, "nobody"));
	assert_consistent(&db);
}

static void test_bad_names(void **state)
{
	static const char *const bad[] = {
	    "", "Work", "-x", "a b", "abcdefghijklmnop", "a/b", "a\nb", "_x",
	};
	uint32_t hb = 7;
	bool is_new = true;

	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 4), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(idmap_get(&db, bad[i], &hb, &is_new), -EINVAL);
	assert_int_equal(idmap_get(&db, NULL, &hb, &is_new), -EINVAL);
	assert_int_equal(hb, 7);
	assert_int_equal(db.n, 0);
	assert_int_equal(get("abcdefghijklmno", true), 1000000);
	assert_int_equal(get("0-a_b", true), 1000000 + R);
}

/* A removed cell keeps its range: a new cell gets the lowest range nobody
 * holds, and the removed cell gets its own back. */
static void test_stale_entries_kept(void **state)
{
	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 1024), 0);
	assert_int_equal(parse("gone 1000000\nwork 1131072\n"), 0);
	assert_int_equal(get("new", true), 1000000 + R);
	assert_int_equal(get("newer", true), 1000000 + 3 * R);
	assert_int_equal(get("gone", false), 1000000);
	assert_int_equal(get("work", false), 1000000 + 2 * R);
	assert_consistent(&db);
}

static void test_exhaustion(void **state)
{
	uint32_t hb = 0;
	bool is_new = false;

	(void)state;
	assert_int_equal(idmap_init(&db, 65536, 3), 0);
	assert_int_equal(get("a", true), 65536);
	assert_int_equal(get("b", true), 2 * R);
	assert_int_equal(get("c", true), 3 * R);
	assert_int_equal(idmap_get(&db, "d", &hb, &is_new), -ENOSPC);
	assert_int_equal(db.n, 3);
	/* the cells that have one keep it */
	assert_int_equal(get("b", false), 2 * R);

	/* the entry table is the other limit */
	assert_int_equal(idmap_init(&db, 65536, 65534), 0);
	for (int i = 0; i < IDMAP_ENTRIES_MAX; i++) {
		char name[16];

		snprintf(name, sizeof(name), "c%d", i);
		assert_int_equal(get(name, true), 65536 + (uint32_t)i * R);
	}
	assert_int_equal(idmap_get(&db, "one-more", &hb, &is_new), -ENOSPC);
	assert_int_equal(get("c1023", false), 65536 + 1023u * R);
	assert_consistent(&db);
}

/* Many bases and sizes, cells coming and going through the file: never an
 * overlap, never host id 0, never past the end. */
static void test_no_overlap(void **state)
{
	static const uint32_t bases[] = {65536, 100000, 1000000, 4294901758u - 20 * R};
	static const uint32_t sizes[] = {1, 2, 7, 20};
	static char text[64 * 1024];
	unsigned seed = 7;

	(void)state;
	for (size_t b = 0; b < 4; b++) {
		for (size_t s = 0; s < 4; s++) {
			assert_int_equal(idmap_init(&db, bases[b], sizes[s]), 0);
			for (int round = 0; round < 200; round++) {
				char name[16];
				uint32_t hb;
				bool is_new;
				int r;

				seed = seed * 1103515245u + 12345u;
				snprintf(name, sizeof(name), "c%u", (seed >> 16) % 40);
				r = idmap_get(&db, name, &hb, &is_new);
				assert_true(r == 0 || r == -ENOSPC);
				if (r == 0)
					assert_true(hb >= bases[b] && hb != 0);
				if (round % 17 == 0) {
					size_t len = idmap_format(&db, text, sizeof(text));

					assert_true(len < sizeof(text));
					assert_int_equal(parse(text), 0);
				}
				assert_consistent(&db);
			}
			assert_int_equal(db.n, sizes[s]); /* 40 names want more */
		}
	}
}

/* Issue 13, finding 7: the default base moved from 1000000 (inside the
 * ranges /etc/subuid and systemd-nspawn give out) to 0x70000000.  A board's
 * file from before keeps its cells' ranges; new cells get new-style ones,
 * and a range recorded anywhere (aligned or not) is never given again. */
static void test_ranges_from_old_default_kept(void **state)
{
	(void)state;
	assert_int_equal(idmap_init(&db, HOST_DEFAULT_IDMAP_BASE, HOST_DEFAULT_IDMAP_RANGES), 0);
	assert_int_equal(db.base, 0x70000000u);
	assert_int_equal(parse("work 1000000\npersonal 1065536\nodd 1879080960\n"), 0);
	expect_messages(NULL);
	assert_int_equal(get("work", false), 1000000);
	assert_int_equal(get("personal", false), 1065536);
	/* odd (0x70008000) holds parts of ranges 0 and 1 of the new base */
	assert_int_equal(get("new", true), 0x70000000u + 2 * R);
	assert_int_equal(get("newer", true), 0x70000000u + 3 * R);
	assert_consistent(&db);

	/* the same file under an idmap_base the admin set: kept too */
	assert_int_equal(idmap_init(&db, 2000000, 16), 0);
	assert_int_equal(parse("work 1000000\npersonal 1065536\n"), 0);
	assert_int_equal(get("work", false), 1000000);
	assert_int_equal(get("third", true), 2000000);
	assert_consistent(&db);
}

/* idmap_forget: a range given out and refused before the save. */
static void test_forget(void **state)
{
	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 8), 0);
	get("a", true);
	get("b", true);
	get("c", true);
	idmap_forget(&db, "b");
	idmap_forget(&db, "nobody");
	assert_int_equal(db.n, 2);
	assert_string_equal(db.entries[0].name, "a");
	assert_string_equal(db.entries[1].name, "c");
	assert_null(idmap_find(&db, "b"));
	assert_int_equal(get("d", true), 1000000 + R);
	idmap_forget(&db, "d");
	idmap_forget(&db, "c");
	idmap_forget(&db, "a");
	assert_int_equal(db.n, 0);
}

/* ---- the file --------------------------------------------------------- */

static void test_format_and_round_trip(void **state)
{
	static const char want[] =
	    "# cellar: the user id range of each cell (written by cellmgr).\n"
	    "# NAME HOSTBASE: the cell's ids 0-65535 are host ids HOSTBASE to HOSTBASE+65535.\n"
	    "# A range stays recorded when its cell is removed, so that the cell's files\n"
	    "# keep their owners; delete the line to give the range back.\n"
	    "work 1000000\n"
	    "personal 1065536\n"
	    "b 1131072\n";
	char text[1024], again[1024];
	size_t len;

	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 1024), 0);
	len = idmap_format(&db, text, sizeof(text));
	assert_true(len > 0 && text[len - 1] == '\n');
	assert_int_equal(parse(text), 0); /* the header alone */
	assert_int_equal(db.n, 0);

	get("work", true);
	get("personal", true);
	get("b", true);
	len = idmap_format(&db, text, sizeof(text));
	assert_string_equal(text, want);
	assert_int_equal(len, strlen(want));

	assert_int_equal(parse(text), 0);
	expect_messages(NULL);
	assert_int_equal(db.n, 3);
	assert_int_equal(db.entries[1].line, 6);
	assert_int_equal(get("work", false), 1000000);
	assert_int_equal(get("personal", false), 1065536);
	assert_int_equal(get("b", false), 1131072);
	idmap_format(&db, again, sizeof(again));
	assert_string_equal(again, text);

	/* like snprintf when the buffer is short */
	assert_int_equal(idmap_format(&db, text, 10), len);
	assert_int_equal(strlen(text), 9);
	assert_int_equal(idmap_format(&db, NULL, 0), len);
}

static void test_parse_tolerates_layout(void **state)
{
	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 1024), 0);
	assert_int_equal(parse("\n   \n# comment\n  # indented comment\n\ta\t1000000  \n"
			       "b   1065536"),
			 0);
	assert_int_equal(db.n, 2);
	assert_string_equal(db.entries[1].name, "b");
	assert_int_equal(db.entries[1].host_base, 1065536);
	assert_int_equal(db.entries[1].line, 6);
}

static void test_corrupt_lines(void **state)
{
	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 4), 0);
	assert_int_equal(parse("work 1065536\n"
			       "garbage\n"
			       "a 1000000 extra\n"
			       "Bad 1000000\n"
			       "b -1000000\n"
			       "c 1000000x\n"
			       "d 99999999999\n"
			       "work 1000000\n"
			       "e 1065536\n"
			       "f 1000001\n"
			       "g 1131071\n"
			       "h 65535\n"
			       "i 0\n"
			       "j 1196608\n"
			       "k 1000000\r\n"
			       "l 1,000,000\n"
			       "abcdefghijklmnop 1000000\n"
			       "m 4294901759\n"),
			 16);
	expect_messages(
	    "idmap:2: expected 'NAME HOSTBASE' (a cell name and a host id); line ignored",
	    "idmap:3: expected 'NAME HOSTBASE' (a cell name and a host id); line ignored",
	    "idmap:4: expected 'NAME HOSTBASE' (a cell name and a host id); line ignored",
	    "idmap:5: expected 'NAME HOSTBASE' (a cell name and a host id); line ignored",
	    "idmap:6: expected 'NAME HOSTBASE' (a cell name and a host id); line ignored",
	    "idmap:7: expected 'NAME HOSTBASE' (a cell name and a host id); line ignored",
	    "idmap:8: cell work: second entry (first at line 1); line ignored",
	    "idmap:9: cell e: host ids 1065536-1131071 overlap cell work's (line 1); line ignored",
	    "idmap:10: cell f: host ids 1000001-1065536 overlap cell work's (line 1); line ignored",
	    "idmap:11: cell g: host ids 1131071-1196606 overlap cell work's (line 1); line ignored",
	    "idmap:12: cell h: host id 65535 cannot start a range (from 65536 to 4294901758); line "
	    "ignored",
	    "idmap:13: cell i: host id 0 cannot start a range (from 65536 to 4294901758); line "
	    "ignored",
	    "idmap:15: expected 'NAME HOSTBASE' (a cell name and a host id); line ignored",
	    "idmap:16: expected 'NAME HOSTBASE' (a cell name and a host id); line ignored",
	    "idmap:17: expected 'NAME HOSTBASE' (a cell name and a host id); line ignored",
	    "idmap:18: cell m: host id 4294901759 cannot start a range (from 65536 to "
	    "4294901758); line ignored",
	    NULL);
	assert_int_equal(db.n, 2);
	assert_consistent(&db);
	/* the ignored lines' cells get ranges nobody holds */
	assert_int_equal(get("work", false), 1065536);
	assert_int_equal(get("j", false), 1196608);
	assert_int_equal(get("e", true), 1000000);
	assert_int_equal(get("f", true), 1131072);
	uint32_t hb;
	bool is_new;
	assert_int_equal(idmap_get(&db, "g", &hb, &is_new), -ENOSPC);
	assert_consistent(&db);

	/* NUL bytes and no report callback */
	static const char nul[] = "a 1000000\nb\0 1065536\nc 1065536";
	assert_int_equal(idmap_parse(&db, "idmap", nul, sizeof(nul) - 1, NULL, NULL), 1);
	assert_int_equal(db.n, 2);
	assert_consistent(&db);
}

static void test_too_many_lines(void **state)
{
	size_t size = (IDMAP_ENTRIES_MAX + 2) * 24;
	char *text = malloc(size), *p = text;

	(void)state;
	assert_non_null(text);
	assert_int_equal(idmap_init(&db, 65536, 65534), 0);
	for (unsigned i = 0; i < IDMAP_ENTRIES_MAX + 2; i++)
		p += sprintf(p, "c%u %u\n", i, 65536 + i * R);
	assert_int_equal(parse(text), 2);
	free(text);
	expect_messages("idmap:1025: too many entries (at most 1024); line ignored",
			"idmap:1026: too many entries (at most 1024); line ignored", NULL);
	assert_int_equal(db.n, IDMAP_ENTRIES_MAX);
	assert_consistent(&db);
}

/* Byte-flipped and cut copies of a good file: no crash, and whatever is
 * kept (and given out afterwards) never overlaps (run under ASan in CI). */
static void test_mangled_files(void **state)
{
	static const char good[] = "# header\nwork 1000000\npersonal 1065536\nx 1131072\n"
				   "y 1196608\nold 1262144\n";
	static const char alphabet[] = "0123456789 \t\n#\0aZ-_x";
	char buf[sizeof(good)];
	unsigned seed = 3;

	(void)state;
	for (size_t n = 0; n < sizeof(good); n++) {
		assert_int_equal(idmap_init(&db, 1000000, 8), 0);
		assert_true(idmap_parse(&db, "f", good, n, NULL, NULL) >= 0);
		assert_consistent(&db);
	}
	for (int round = 0; round < 5000; round++) {
		uint32_t hb;
		bool is_new;
		int problems;

		memcpy(buf, good, sizeof(good));
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[(seed >> 8) % (sizeof(good) - 1)] =
			    alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
		}
		assert_int_equal(idmap_init(&db, 1000000, 8), 0);
		reset();
		problems = idmap_parse(&db, "f", buf, sizeof(good) - 1, collect, &msgs);
		assert_int_equal(problems, (int)msgs.total);
		assert_consistent(&db);
		for (int c = 0; c < 10; c++) {
			char name[8];

			snprintf(name, sizeof(name), "n%d", c);
			assert_true(idmap_get(&db, name, &hb, &is_new) == 0 || all_taken(&db));
		}
		assert_consistent(&db);
	}
}

/* ---- load and save ---------------------------------------------------- */

static char *temp_dir(void)
{
	char *dir = strdup("/tmp/test_idmap.XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static void remove_tree(const char *top)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	assert_int_equal(system(cmd), 0);
}

static void test_save_and_load(void **state)
{
	char *top = temp_dir();
	char dir[256], path[300], tmp[300];
	struct stat st;
	static struct idmap_db loaded;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/var/lib/cellar", top);
	snprintf(path, sizeof(path), "%s/idmap", dir);
	snprintf(tmp, sizeof(tmp), "%s/idmap.tmp", dir);

	/* nothing there yet: an empty db, nothing created */
	assert_int_equal(idmap_init(&loaded, 1000000, 1024), 0);
	reset();
	assert_int_equal(idmap_load(&loaded, dir, collect, &msgs), 0);
	expect_messages(NULL);
	assert_int_equal(loaded.n, 0);
	assert_int_equal(stat(dir, &st), -1);

	assert_int_equal(idmap_init(&db, 1000000, 1024), 0);
	get("work", true);
	get("personal", true);
	umask(022);
	assert_int_equal(idmap_save(&db, dir), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(tmp, &st), -1);

	assert_int_equal(idmap_load(&loaded, dir, collect, &msgs), 0);
	expect_messages(NULL);
	assert_int_equal(loaded.n, 2);
	assert_string_equal(loaded.entries[0].name, "work");
	assert_int_equal(loaded.entries[0].host_base, 1000000);
	assert_string_equal(loaded.entries[1].name, "personal");
	assert_int_equal(loaded.entries[1].host_base, 1065536);

	/* overwrite: a file of another mode is replaced, a stale temp file too */
	assert_int_equal(chmod(path, 0644), 0);
	int fd = open(tmp, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "junk junk junk junk\n", 20), 20);
	close(fd);
	get("third", true);
	assert_int_equal(idmap_save(&db, dir), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(tmp, &st), -1);
	assert_int_equal(idmap_load(&loaded, dir, collect, &msgs), 0);
	assert_int_equal(loaded.n, 3);
	assert_int_equal(loaded.entries[2].host_base, 1131072);

	/* a load replaces what the db held */
	assert_int_equal(idmap_init(&db, 1000000, 1024), 0);
	get("other", true);
	assert_int_equal(idmap_load(&db, dir, collect, &msgs), 0);
	assert_int_equal(db.n, 3);
	assert_null(idmap_find(&db, "other"));
	remove_tree(top);
	free(top);
}

static void test_load_errors(void **state)
{
	char *top = temp_dir();
	char path[300], want[400];
	char *big;
	int fd;

	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 1024), 0);

	/* DIR/idmap is a directory */
	snprintf(path, sizeof(path), "%s/idmap", top);
	assert_int_equal(mkdir(path, 0700), 0);
	reset();
	assert_int_equal(idmap_load(&db, top, collect, &msgs), -EISDIR);
	snprintf(want, sizeof(want), "%s/idmap: Is a directory", top);
	expect_messages(want, NULL);
	assert_int_equal(idmap_save(&db, top), -EISDIR);
	assert_int_equal(rmdir(path), 0);

	/* too large */
	big = malloc(IDMAP_FILE_MAX + 1);
	assert_non_null(big);
	memset(big, '\n', IDMAP_FILE_MAX + 1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, big, IDMAP_FILE_MAX + 1), IDMAP_FILE_MAX + 1);
	close(fd);
	free(big);
	reset();
	assert_int_equal(idmap_load(&db, top, collect, &msgs), -EFBIG);
	snprintf(want, sizeof(want), "%s/idmap: too large (more than 1 MiB)", top);
	expect_messages(want, NULL);
	assert_int_equal(truncate(path, IDMAP_FILE_MAX), 0);
	reset();
	assert_int_equal(idmap_load(&db, top, collect, &msgs), 0);
	expect_messages(NULL);

	/* bad lines are reported with the file's path, and counted */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a 1000000\nb 1000000\n", 20), 20);
	close(fd);
	reset();
	assert_int_equal(idmap_load(&db, top, collect, &msgs), 1);
	snprintf(want, sizeof(want),
		 "%s/idmap:2: cell b: host ids 1000000-1065535 overlap cell a's (line 1); line "
		 "ignored",
		 top);
	expect_messages(want, NULL);
	assert_int_equal(db.n, 1);

	/* the state dir cannot be created */
	snprintf(path, sizeof(path), "%s/file", top);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/file/sub", top);
	assert_int_equal(idmap_save(&db, path), -ENOTDIR);
	reset();
	assert_int_equal(idmap_load(&db, path, collect, &msgs), -ENOTDIR);

	remove_tree(top);
	free(top);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_init, teardown),
	    cmocka_unit_test_teardown(test_allocation_order, teardown),
	    cmocka_unit_test_teardown(test_bad_names, teardown),
	    cmocka_unit_test_teardown(test_stale_entries_kept, teardown),
	    cmocka_unit_test_teardown(test_exhaustion, teardown),
	    cmocka_unit_test_teardown(test_no_overlap, teardown),
	    cmocka_unit_test_teardown(test_ranges_from_old_default_kept, teardown),
	    cmocka_unit_test_teardown(test_forget, teardown),
	    cmocka_unit_test_teardown(test_format_and_round_trip, teardown),
	    cmocka_unit_test_teardown(test_parse_tolerates_layout, teardown),
	    cmocka_unit_test_teardown(test_corrupt_lines, teardown),
	    cmocka_unit_test_teardown(test_too_many_lines, teardown),
	    cmocka_unit_test_teardown(test_mangled_files, teardown),
	    cmocka_unit_test_teardown(test_save_and_load, teardown),
	    cmocka_unit_test_teardown(test_load_errors, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
