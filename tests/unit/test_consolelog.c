// SPDX-License-Identifier: MIT
/* Unit tests for the size-capped console log file (mgr/util/consolelog.c),
 * in a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "consolelog.h"

struct fixture {
	char dir[64];
	char log[128], old[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/cellar-consolelog-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->log, sizeof(f->log), "%s/work.log", f->dir);
	snprintf(f->old, sizeof(f->old), "%s/work.log.1", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->log);
	unlink(f->old);
	rmdir(f->dir);
	free(f);
	return 0;
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? -1 : (long)st.st_size;
}

static void read_file(const char *path, char *out, size_t cap)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(out, 1, cap - 1, fp);
	out[n] = '\0';
	fclose(fp);
}

static void test_appends_and_rotates_at_the_cap(void **state)
{
	struct fixture *f = *state;
	struct consolelog l;
	char text[128];

	consolelog_init(&l);
	assert_int_equal(consolelog_open(&l, f->dir, "work", 10), 0);
	consolelog_write(&l, "hello\n", 6);
	consolelog_write(&l, "abc\n", 4);
	assert_int_equal(file_size(f->log), 10);
	assert_int_equal(file_size(f->old), -1);
	/* The next write would pass the cap: the file becomes .1. */
	consolelog_write(&l, "next\n", 5);
	assert_int_equal(file_size(f->log), 5);
	read_file(f->old, text, sizeof(text));
	assert_string_equal(text, "hello\nabc\n");
	consolelog_write(&l, "again\n", 6);
	read_file(f->old, text, sizeof(text));
	assert_string_equal(text, "next\n");
	read_file(f->log, text, sizeof(text));
	assert_string_equal(text, "again\n");
	consolelog_close(&l);
}

static void test_a_chunk_bigger_than_the_cap_keeps_its_end(void **state)
{
	struct fixture *f = *state;
	struct consolelog l;
	char text[128];

	consolelog_init(&l);
	assert_int_equal(consolelog_open(&l, f->dir, "work", 4), 0);
	consolelog_write(&l, "0123456789", 10);
	read_file(f->log, text, sizeof(text));
	assert_string_equal(text, "6789");
	consolelog_close(&l);
	/* Closed: writes are dropped. */
	consolelog_write(&l, "x", 1);
	assert_int_equal(file_size(f->log), 4);
}

static void test_reopen_appends_and_counts_what_is_there(void **state)
{
	struct fixture *f = *state;
	struct consolelog l;

	consolelog_init(&l);
	assert_int_equal(consolelog_open(&l, f->dir, "work", 8), 0);
	consolelog_write(&l, "12345", 5);
	consolelog_close(&l);
	assert_int_equal(consolelog_open(&l, f->dir, "work", 8), 0);
	consolelog_write(&l, "67", 2);
	assert_int_equal(file_size(f->log), 7);
	consolelog_write(&l, "89", 2);
	assert_int_equal(file_size(f->log), 2);
	assert_int_equal(file_size(f->old), 7);
	consolelog_close(&l);
}

static void test_refuses_a_symlink(void **state)
{
	struct fixture *f = *state;
	struct consolelog l;

	assert_int_equal(symlink("/etc/passwd", f->log), 0);
	consolelog_init(&l);
	assert_true(consolelog_open(&l, f->dir, "work", 8) < 0);
	assert_int_equal(l.fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_appends_and_rotates_at_the_cap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_chunk_bigger_than_the_cap_keeps_its_end, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_reopen_appends_and_counts_what_is_there, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_a_symlink, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
