// SPDX-License-Identifier: MIT
/* Unit tests for the /etc/subuid and /etc/subgid check (mgr/start/subid.c):
 * issue 13, finding 7, a host user whose subordinate ids overlap a cell's
 * range could newuidmap into the cell's ids. */
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

#include "subid.h"

#define R 65536u
#define CELL 0x70000000u /* a cell's range: CELL .. CELL + 65535 */

static int find(const char *text, struct subid_entry *hit)
{
	memset(hit, 0, sizeof(*hit));
	return subid_find(text, strlen(text), CELL, R, hit);
}

static void test_overlap_finding7(void **state)
{
	static const struct {
		const char *line;
		int overlaps;
	} cases[] = {
	    {"alice:1879048192:65536\n", 1},	   /* the same range */
	    {"alice:1879048191:2\n", 1},	   /* its first id */
	    {"alice:1879113727:1\n", 1},	   /* its last id */
	    {"alice:1879000000:10000000\n", 1},	   /* around it */
	    {"alice:1879050000:10\n", 1},	   /* inside it */
	    {"alice:1878982656:65536\n", 0},	   /* just below */
	    {"alice:1879113728:65536\n", 0},	   /* just above */
	    {"alice:100000:65536\n", 0},	   /* useradd's first range */
	    {"alice:1879048192:0\n", 0},	   /* no ids */
	    {"alice:0x70000000:1\n", 1},	   /* hex, as newuidmap takes it */
	    {"alice:016000000000:1\n", 1},	   /* octal */
	    {"alice:1879048192:0x10000", 1},	   /* no newline at the end */
	    {"1000:1879048192:1\n", 1},		   /* a uid instead of a name */
	    {"alice:18446744073709551615:2\n", 0}, /* wraps past 2^64: from there on */
	    {"alice:1879048193:18446744073709551615\n", 1},
	};
	struct subid_entry hit;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = find(cases[i].line, &hit);

		if (r != cases[i].overlaps)
			fail_msg("'%s': %d, expected %d", cases[i].line, r, cases[i].overlaps);
		if (r)
			assert_int_equal(hit.line, 1);
	}
	assert_int_equal(find("1000:1879048192:1\n", &hit), 1);
	assert_string_equal(hit.user, "1000");
}

/* The first overlapping entry is reported, with its line, user and range;
 * the lines newuidmap would not take grant nothing and are skipped. */
static void test_first_hit_and_bad_lines(void **state)
{
	static const char text[] = "root:100000:65536\n"
				   "\n"
				   "# alice:1879048192:65536\n"
				   "bob:1879048192\n"
				   "bob:1879048192:65536:extra\n"
				   "bob::65536\n"
				   ":1879048192:65536\n"
				   "bob:1879048192x:65536\n"
				   "bob: 1879048192 :65536\n"
				   "bob:99999999999999999999999:1\n"
				   "carol:1879113000:1000\n"
				   "dave:1879048192:65536\n";
	struct subid_entry hit;

	(void)state;
	assert_int_equal(find(text, &hit), 1);
	assert_int_equal(hit.line, 11);
	assert_string_equal(hit.user, "carol");
	assert_int_equal(hit.start, 1879113000u);
	assert_int_equal(hit.count, 1000);

	assert_int_equal(find("root:100000:65536\nx:1:1\n", &hit), 0);
	assert_int_equal(find("", &hit), 0);
	assert_int_equal(subid_find("a:1879048192:1", 0, CELL, R, &hit), 0);
	/* NUL bytes do not end the text; a control character is shown as '?' */
	static const char nul[] = "a\0b:1:1\nev\til:1879048192:1\n";
	assert_int_equal(subid_find(nul, sizeof(nul) - 1, CELL, R, &hit), 1);
	assert_int_equal(hit.line, 2);
	assert_string_equal(hit.user, "ev?il");
	/* a long user name is cut for the message */
	char longname[200];
	memset(longname, 'u', 150);
	snprintf(longname + 150, sizeof(longname) - 150, ":1879048192:1\n");
	assert_int_equal(find(longname, &hit), 1);
	assert_int_equal(strlen(hit.user), SUBID_USER_MAX - 1);
}

static void test_files(void **state)
{
	char dir[] = "/tmp/test_subid.XXXXXX", path[64];
	struct subid_entry hit;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/subuid", dir);
	/* no file: nobody has subordinate ids */
	assert_int_equal(subid_check(path, CELL, R, &hit), 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a:100000:65536\nb:1879048192:65536\n", 34), 34);
	close(fd);
	assert_int_equal(subid_check(path, CELL, R, &hit), 1);
	assert_int_equal(hit.line, 2);
	assert_string_equal(hit.user, "b");
	assert_int_equal(subid_check(path, 1000000, R, &hit), 0);
	assert_int_equal(subid_check(path, 131072, R, &hit), 1);
	assert_string_equal(hit.user, "a");
	unlink(path);
	/* a file that cannot be read: the check cannot say "no overlap" */
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(subid_check(path, CELL, R, &hit), -EISDIR);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_overlap_finding7),
	    cmocka_unit_test(test_first_hit_and_bad_lines),
	    cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
