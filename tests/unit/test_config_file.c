// SPDX-License-Identifier: MIT
/* Unit tests for the cell list as a file: the lexer's errors, mangled
 * input, and config_load (missing, a directory, the size limit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_harness.h"

/* ---- lexer errors ---------------------------------------------------- */

static void test_lexer_errors(void **state)
{
	(void)state;
	parse("garbage\n"
	      "[host]\n"
	      "host name = x\n"
	      "[cell work]\n"
	      "image = /w\n"
	      "just words\n"
	      "[cell ok]\n"
	      "image = /ok\n");
	expect_messages("cells.conf:1: expected 'key = value'",
			"cells.conf:3: host: bad character in key",
			"cells.conf:6: cell work: expected 'key = value'", NULL);
	expect_cells("ok", NULL);
}

static void test_broken_header_ends_section(void **state)
{
	(void)state;
	/* "[cell b" ends cell a (which is kept); its keys belong nowhere */
	parse("[cell a]\n"
	      "image = /a\n"
	      "  [cell b\n"
	      "image = /b\n"
	      "not a key\n"
	      "[cell c]\n"
	      "image = /c\n"
	      "[cell d] x\n"
	      "[cell e]\n"
	      "image = /e\n");
	expect_messages("cells.conf:3: section header without closing ']'",
			"cells.conf:8: text after section header", NULL);
	expect_cells("a", "c", "e", NULL);
}

static void test_nul_and_long_lines(void **state)
{
	static const char text[] = "[cell a]\nimage = /a\0b\n[cell b]\nimage = /b";
	static char big[8000];

	(void)state;
	config_free(&cfg);
	reset();
	assert_int_equal(config_parse(&cfg, "cells.conf", text, sizeof(text) - 1, collect, &msgs),
			 0);
	expect_messages("cells.conf:2: cell a: NUL byte in line",
			"cells.conf:1: cell a: missing required key 'image'", NULL);
	expect_cells("b", NULL);

	strcpy(big, "[cell a]\nimage = /");
	memset(big + strlen(big), 'x', 5000);
	strcat(big, "\n[cell b]\r\nimage = /b\r\n");
	parse(big);
	expect_messages("cells.conf:2: cell a: line too long",
			"cells.conf:1: cell a: missing required key 'image'", NULL);
	expect_cells("b", NULL);
	assert_string_equal(cell("b")->image, "/b");
}

static void test_control_characters_in_messages(void **state)
{
	(void)state;
	parse("[cell a]\nimage = /a\nforeground = \x1b[2Jyes\r\x07\n");
	expect_messages("cells.conf:3: cell a: bad value for 'foreground': '?[2Jyes?"
			"?' (expected yes or no)",
			NULL);
}

static void test_no_report_callback(void **state)
{
	static const char text[] = "x = 1\n[cell Bad]\n[foo]\n";

	(void)state;
	config_free(&cfg);
	assert_int_equal(config_parse(&cfg, "f", text, sizeof(text) - 1, NULL, NULL), 0);
	assert_int_equal(cfg.n_errors, 4); /* the bad name and its missing image */
	assert_int_equal(cfg.n_cells, 0);
}

/* Not a fuzzer, but cheap: every prefix of a file and a few thousand
 * byte-flipped copies parse without crashing (run under ASan in CI). */
static void test_mangled_input(void **state)
{
	static const char good[] = "[host]\nhostname = board\nmodules = evdev loop\n"
				   "data_dir = /var/x\nidmap_base = 65536\nidmap_ranges = 9\n"
				   "[cell work]\nimage = /cells/work.erofs\nforeground = yes\n"
				   "stop_signal = SIGRTMIN+3\nstop_timeout = 10s\n"
				   "userns = no\npersist = /data/w\ncaps_drop = net_raw\n"
				   "caps_keep = sys_time\nmemory = 512M\nmemory_high = 1G\n"
				   "pids = 99\ncpu_weight = 5\nio_weight = 7\n"
				   "rlimit_nofile = 1:unlimited\nrlimit_core = 0\n"
				   "restart = on-failure\nrestart_delay = 2s\n"
				   "restart_delay_max = 1m\ncrash_limit = 9\n"
				   "[cell personal]\nimage = /p\nstop_signal = 12\n"
				   "persist = /data/w/p\n";
	static const char alphabet[] = "[]=#; \t\r\n\0aZ9_-./+";
	char buf[sizeof(good)];
	unsigned seed = 1;

	(void)state;
	for (size_t n = 0; n <= sizeof(good) - 1; n++) {
		config_free(&cfg);
		assert_int_equal(config_parse(&cfg, "f", good, n, NULL, NULL), 0);
		assert_true(cfg.n_cells <= 2);
	}
	for (int round = 0; round < 5000; round++) {
		memcpy(buf, good, sizeof(good));
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[(seed >> 8) % (sizeof(good) - 1)] =
			    alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
		}
		config_free(&cfg);
		reset();
		assert_int_equal(config_parse(&cfg, "f", buf, sizeof(good) - 1, collect, &msgs), 0);
		assert_int_equal(cfg.n_errors, msgs.total);
		assert_true(cfg.n_cells <= 2);
	}
}

/* ---- config_load ----------------------------------------------------- */

static char *write_temp(const char *text, size_t len)
{
	char *path = strdup("/tmp/test_config.XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_load(void **state)
{
	static const char text[] = "[cell a]\nimage = /a\nbad = 1\n[cell b]\nimage = /b\n";
	char *path = write_temp(text, sizeof(text) - 1);
	char want[256];

	(void)state;
	config_free(&cfg);
	reset();
	assert_int_equal(config_load(&cfg, path, collect, &msgs), 0);
	snprintf(want, sizeof(want), "%s:3: cell a: unknown key 'bad'", path);
	expect_messages(want, NULL);
	expect_cells("b", NULL);
	unlink(path);
	free(path);
}

static void test_load_missing(void **state)
{
	(void)state;
	config_free(&cfg);
	reset();
	assert_int_equal(config_load(&cfg, "/nonexistent/cells.conf", collect, &msgs), -ENOENT);
	expect_messages("/nonexistent/cells.conf: No such file or directory", NULL);
	assert_int_equal(cfg.n_errors, 1);
	assert_int_equal(cfg.n_cells, 0);
	assert_string_equal(cfg.host.hostname, "cellar");
	assert_string_equal(cfg.host.data_dir, "/var/lib/cellar");
	assert_int_equal(cfg.host.idmap_base, 1879048192);
	assert_int_equal(cfg.host.idmap_ranges, 1024);

	reset();
	config_free(&cfg);
	assert_int_equal(config_load(&cfg, "/", collect, &msgs), -EISDIR);
	expect_messages("/: Is a directory", NULL);
}

static void test_load_size_limit(void **state)
{
	size_t len = CONFIG_FILE_MAX + 1;
	char *text = malloc(len);
	char *path;
	char want[256];

	(void)state;
	assert_non_null(text);
	memset(text, '\n', len);
	path = write_temp(text, len);
	config_free(&cfg);
	reset();
	assert_int_equal(config_load(&cfg, path, collect, &msgs), -EFBIG);
	snprintf(want, sizeof(want), "%s: too large (more than 1 MiB)", path);
	expect_messages(want, NULL);
	unlink(path);
	free(path);

	/* exactly the limit is fine */
	path = write_temp(text, len - 1);
	config_free(&cfg);
	reset();
	assert_int_equal(config_load(&cfg, path, collect, &msgs), 0);
	expect_messages(NULL);
	unlink(path);
	free(path);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_lexer_errors, teardown),
	    cmocka_unit_test_teardown(test_broken_header_ends_section, teardown),
	    cmocka_unit_test_teardown(test_nul_and_long_lines, teardown),
	    cmocka_unit_test_teardown(test_control_characters_in_messages, teardown),
	    cmocka_unit_test_teardown(test_no_report_callback, teardown),
	    cmocka_unit_test_teardown(test_mangled_input, teardown),
	    cmocka_unit_test_teardown(test_load, teardown),
	    cmocka_unit_test_teardown(test_load_missing, teardown),
	    cmocka_unit_test_teardown(test_load_size_limit, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
