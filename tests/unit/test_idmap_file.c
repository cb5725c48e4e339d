// SPDX-License-Identifier: MIT
/* Unit tests for the per-cell user id ranges' file (mgr/start/idmap.c): its
 * format, what a corrupt or mangled one yields, load and save. */
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
#include "idmap_harness.h"

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
