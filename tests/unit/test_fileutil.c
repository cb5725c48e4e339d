// SPDX-License-Identifier: MIT
/* Unit tests for the small-file helpers (mgr/util/fileutil.c), in a temporary
 * directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileutil.h"

static char dir[64];
static int dfd = -1;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_fileutil.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return dfd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	static const char *const names[] = {"a", "a.tmp", "empty", "rec", "sub/x", "sub"};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlinkat(dfd, names[i], strcmp(names[i], "sub") == 0 ? AT_REMOVEDIR : 0);
	close(dfd);
	rmdir(dir);
	return 0;
}

static void test_replace_and_read(void **state)
{
	char buf[16], path[128];
	struct stat st;

	(void)state;
	assert_int_equal(replace_file_at(dfd, "rec", "one\n", 4, true), 0);
	assert_int_equal(replace_file_at(dfd, "rec", "two two\n", 8, false), 0);
	assert_int_equal(read_text_file_at(dfd, "rec", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "two two\n");
	assert_int_equal(fstatat(dfd, "rec", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(faccessat(dfd, "rec.tmp", F_OK, 0), -1);
	/* by path, cut at len - 1 */
	snprintf(path, sizeof(path), "%s/rec", dir);
	assert_int_equal(read_text_file(path, buf, 4), 3);
	assert_string_equal(buf, "two");
	/* an empty file is "", a missing one "" and its errno */
	assert_int_equal(replace_file_at(dfd, "empty", "", 0, false), 0);
	assert_int_equal(read_text_file_at(dfd, "empty", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	strcpy(buf, "x");
	assert_int_equal(read_text_file_at(dfd, "nope", buf, sizeof(buf)), -ENOENT);
	assert_string_equal(buf, "");
}

/* A directory in the way: the rename fails and no .tmp is left. */
static void test_replace_fails_cleanly(void **state)
{
	(void)state;
	assert_int_equal(mkdirat(dfd, "sub", 0700), 0);
	assert_int_equal(mkdirat(dfd, "sub/x", 0700), 0);
	assert_int_equal(replace_file_at(dfd, "sub", "data", 4, true), -EISDIR);
	assert_int_equal(faccessat(dfd, "sub.tmp", F_OK, 0), -1);
	assert_int_equal(replace_file_at(dfd, "nodir/rec", "data", 4, false), -ENOENT);
}

/* write_file_at writes into a file that is there, and creates none. */
static void test_write_file_at(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(write_file_at(dfd, "a", "1"), -ENOENT);
	assert_int_equal(replace_file_at(dfd, "a", "old", 3, false), 0);
	assert_int_equal(write_file_at(dfd, "a", "new"), 0);
	assert_int_equal(read_text_file_at(dfd, "a", buf, sizeof(buf)), 3);
	assert_string_equal(buf, "new");
}

static void test_write_all(void **state)
{
	static char big[1 << 20];
	char *back = NULL;
	size_t len = 0;
	char path[128];
	int p[2], fd;

	(void)state;
	memset(big, 'x', sizeof(big));
	snprintf(path, sizeof(path), "%s/a", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, big, sizeof(big)), 0);
	close(fd);
	assert_int_equal(read_whole_file(path, sizeof(big), &back, &len), 0);
	assert_int_equal(len, sizeof(big));
	free(back);
	assert_int_equal(read_whole_file(path, sizeof(big) - 1, &back, &len), -EFBIG);
	/* a pipe nobody reads: EPIPE, as an errno */
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(write_all(p[1], "x", 1), -EPIPE);
	close(p[1]);
}

/* A small file, an empty one, and a file that is not regular (its size
 * says nothing): each read whole. */
static void test_read_whole_small(void **state)
{
	char path[128], *back;
	size_t len;

	(void)state;
	assert_int_equal(replace_file_at(dfd, "a", "three\n", 6, false), 0);
	snprintf(path, sizeof(path), "%s/a", dir);
	assert_int_equal(read_whole_file(path, 100, &back, &len), 0);
	assert_int_equal(len, 6);
	assert_memory_equal(back, "three\n", 6);
	free(back);
	assert_int_equal(read_whole_file(path, 5, &back, &len), -EFBIG);
	assert_int_equal(replace_file_at(dfd, "empty", "", 0, false), 0);
	snprintf(path, sizeof(path), "%s/empty", dir);
	assert_int_equal(read_whole_file(path, 100, &back, &len), 0);
	assert_int_equal(len, 0);
	free(back);
	assert_int_equal(read_whole_file("/proc/self/stat", 4096, &back, &len), 0);
	assert_true(len > 10);
	free(back);
}

/* A tree of directories, files and a symbolic link out of it: all of it
 * goes, the link's target stays; a name already gone is no error; a
 * tree deeper than the limit is refused. */
static void test_remove_tree(void **state)
{
	static const char *const dirs[] = {"t", "t/d1", "t/d1/d2", "t/e"};
	struct stat st;

	(void)state;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		assert_int_equal(mkdirat(dfd, dirs[i], 0700), 0);
	assert_int_equal(replace_file_at(dfd, "t/f", "x", 1, false), 0);
	assert_int_equal(replace_file_at(dfd, "t/d1/d2/g", "y", 1, false), 0);
	assert_int_equal(mkdirat(dfd, "sub", 0700), 0);
	assert_int_equal(replace_file_at(dfd, "sub/x", "keep", 4, false), 0);
	assert_int_equal(symlinkat(dir, dfd, "t/d1/out"), 0);
	assert_int_equal(remove_tree_at(dfd, "t", 2), -ELOOP); /* t/d1/d2 is 3 deep */
	assert_int_equal(remove_tree_at(dfd, "t", 8), 0);
	assert_int_equal(fstatat(dfd, "t", &st, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(fstatat(dfd, "sub/x", &st, 0), 0);
	assert_int_equal(remove_tree_at(dfd, "t", 8), 0);
	/* a file alone */
	assert_int_equal(remove_tree_at(dfd, "sub/x", 8), 0);
	assert_int_equal(fstatat(dfd, "sub/x", &st, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_replace_and_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replace_fails_cleanly, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_write_file_at, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_write_all, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_whole_small, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_remove_tree, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
