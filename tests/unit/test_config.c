// SPDX-License-Identifier: MIT
/* Unit tests for the cell list parser (mgr/config/config.c): whole files, the
 * defaults, and the errors of a [cell] section as such (names, duplicates,
 * unknown keys, too many cells).  The keys of each concern have a file of
 * their own: test_config_*.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_harness.h"

/* ---- good files ------------------------------------------------------ */

static void test_good_file(void **state)
{
	const struct cell_config *c;

	(void)state;
	parse("# the board\n"
	      "[host]\n"
	      "hostname = board\n"
	      "modules  = evdev   loop\terofs overlay  # for the cells\n"
	      "\n"
	      "[cell work]\n"
	      "image   = /cells/work.erofs\n"
	      "init    = /bin/init\n"
	      "hostname = work-pc.example\n"
	      "foreground = yes\n"
	      "stop_signal = SIGUSR2\n"
	      "stop_timeout = 1500ms\n"
	      "\n"
	      "[cell personal]\n"
	      "image = /cells/personal\n");
	expect_messages(NULL);
	assert_int_equal(cfg.n_errors, 0);
	assert_string_equal(cfg.host.hostname, "board");
	assert_string_equal(cfg.host.modules, "evdev loop erofs overlay");
	expect_cells("work", "personal", NULL);

	c = cell("work");
	assert_int_equal(c->line, 6);
	assert_string_equal(c->image, "/cells/work.erofs");
	assert_string_equal(c->init, "/bin/init");
	assert_string_equal(c->hostname, "work-pc.example");
	assert_true(c->foreground);
	assert_int_equal(c->stop_signal, SIGUSR2);
	assert_int_equal(c->stop_timeout_ms, 1500);

	c = cell("personal");
	assert_int_equal(c->line, 14);
	assert_string_equal(c->image, "/cells/personal");
	assert_string_equal(c->init, CELL_DEFAULT_INIT);
	assert_string_equal(c->hostname, "personal");
	assert_false(c->foreground);
	assert_int_equal(c->stop_signal, SIGRTMIN + 3);
	assert_int_equal(c->stop_timeout_ms, CELL_DEFAULT_STOP_TIMEOUT_MS);

	assert_ptr_equal(config_foreground(&cfg), cell("work"));
}

static void test_defaults(void **state)
{
	(void)state;
	parse("");
	expect_messages(NULL);
	assert_string_equal(cfg.host.hostname, "cellar");
	assert_string_equal(cfg.host.modules, "");
	assert_string_equal(cfg.host.data_dir, "/var/lib/cellar");
	assert_int_equal(cfg.host.idmap_base, 1879048192);
	assert_int_equal(cfg.host.idmap_ranges, 1024);
	assert_string_equal(cfg.host.admin_console, "");
	expect_cells(NULL);
	assert_null(config_foreground(&cfg));

	/* an empty [host] changes nothing; a list of blanks is no module */
	parse("[host]\nmodules =\n");
	expect_messages(NULL);
	assert_string_equal(cfg.host.hostname, "cellar");
	assert_string_equal(cfg.host.modules, "");
}

static void test_foreground_defaults_to_first(void **state)
{
	(void)state;
	parse("[cell a]\nimage = /a\n[cell b]\nimage = /b\nforeground = no\n");
	expect_messages(NULL);
	assert_ptr_equal(config_foreground(&cfg), cell("a"));

	parse("[cell a]\nimage = /a\n[cell b]\nimage = /b\nforeground = on\n");
	assert_ptr_equal(config_foreground(&cfg), cell("b"));
}

static void test_default_hostname_from_name(void **state)
{
	(void)state;
	parse("[cell my_os_]\nimage = /a\n[cell 0-debian-12]\nimage = /b\n");
	expect_messages(NULL);
	assert_string_equal(cell("my_os_")->hostname, "my-os");
	assert_string_equal(cell("0-debian-12")->hostname, "0-debian-12");
}

static void test_booleans(void **state)
{
	static const char *const yes[] = {"yes", "true", "on", "1", "YES", "True"};
	static const char *const no[] = {"no", "false", "off", "0", "No", "OFF"};
	char text[128];

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(text, sizeof(text), "[cell a]\nimage=/a\nforeground=%s\n", yes[i]);
		parse(text);
		expect_messages(NULL);
		assert_true(cell("a")->foreground);
		snprintf(text, sizeof(text), "[cell a]\nimage=/a\nforeground=%s\n", no[i]);
		parse(text);
		expect_messages(NULL);
		assert_false(cell("a")->foreground);
	}
}

static void test_name_limits(void **state)
{
	(void)state;
	parse("[cell abcdefghijklmno]\nimage=/a\n[cell 9]\nimage=/b\n");
	expect_messages(NULL);
	expect_cells("abcdefghijklmno", "9", NULL);
}

/* ---- cell errors ----------------------------------------------------- */

static void test_unknown_key_drops_cell(void **state)
{
	(void)state;
	parse("[cell work]\n"
	      "image = /cells/work.erofs\n"
	      "imgae = /x\n"
	      "foreground = maybe\n"
	      "[cell personal]\n"
	      "image = /cells/personal.erofs\n");
	expect_messages(
	    "cells.conf:3: cell work: unknown key 'imgae' (did you mean 'image'?)",
	    "cells.conf:4: cell work: bad value for 'foreground': 'maybe' (expected yes or no)",
	    NULL);
	assert_int_equal(cfg.n_errors, 2);
	expect_cells("personal", NULL);
}

static void test_duplicate_cell(void **state)
{
	(void)state;
	parse("[cell work]\n"
	      "image = /first\n"
	      "[cell work]\n"
	      "image = /second\n"
	      "bogus = 1\n"
	      "[cell other]\n"
	      "image = /other\n");
	expect_messages("cells.conf:3: duplicate cell 'work' (first defined at line 1)",
			"cells.conf:5: cell work: unknown key 'bogus'", NULL);
	expect_cells("work", "other", NULL);
	assert_string_equal(cell("work")->image, "/first");
}

static void test_duplicate_cell_of_dropped_cell(void **state)
{
	(void)state;
	/* the second is a duplicate even though the first was dropped */
	parse("[cell work]\n"
	      "[cell work]\n"
	      "image = /second\n");
	expect_messages("cells.conf:1: cell work: missing required key 'image'",
			"cells.conf:2: duplicate cell 'work' (first defined at line 1)", NULL);
	expect_cells(NULL);
}

static void test_missing_image(void **state)
{
	(void)state;
	parse("[cell a]\n"
	      "image = /a\n"
	      "\n"
	      "\n"
	      "[cell work]\n"
	      "init = /sbin/init\n"
	      "[cell b]\n"
	      "image = /b\n");
	expect_messages("cells.conf:5: cell work: missing required key 'image'", NULL);
	expect_cells("a", "b", NULL);

	/* at the end of the file too, and not again after a bad value */
	parse("[cell a]\nimage = /a\n[cell work]\nimage = relative\n[cell last]\n");
	expect_messages("cells.conf:4: cell work: bad value for 'image': 'relative' (expected an "
			"absolute path)",
			"cells.conf:5: cell last: missing required key 'image'", NULL);
	expect_cells("a", NULL);
}

static void test_bad_values(void **state)
{
	static const struct {
		const char *line;
		const char *message;
	} cases[] = {
	    {"image = cells/w.erofs", "cells.conf:3: cell work: bad value for 'image': "
				      "'cells/w.erofs' (expected an absolute path)"},
	    {"image =",
	     "cells.conf:3: cell work: bad value for 'image': '' (expected an absolute path)"},
	    {"init = sbin/init", "cells.conf:3: cell work: bad value for 'init': 'sbin/init' "
				 "(expected an absolute path, then its arguments if any: "
				 "/sbin/init --log-level=debug)"},
	    {"hostname = my_host", "cells.conf:3: cell work: bad value for 'hostname': 'my_host' "
				   "(expected a hostname: up to 64 "
				   "characters, dot-separated labels of a-z, A-Z, 0-9 and '-', not "
				   "starting or ending with '-')"},
	    {"foreground = maybe",
	     "cells.conf:3: cell work: bad value for 'foreground': 'maybe' (expected yes or no)"},
	    {"foreground =",
	     "cells.conf:3: cell work: bad value for 'foreground': '' (expected yes or no)"},
	    {"stop_signal = SIGFOO", "cells.conf:3: cell work: bad value for 'stop_signal': "
				     "'SIGFOO' (expected a signal: a name such as "
				     "SIGTERM, TERM or SIGRTMIN+3, or a number)"},
	    {"stop_signal = SIGSTOP", "cells.conf:3: cell work: bad value for 'stop_signal': "
				      "'SIGSTOP' (SIGSTOP cannot stop a cell)"},
	    {"stop_timeout = 0", "cells.conf:3: cell work: bad value for 'stop_timeout': '0' "
				 "(expected a duration such as 500ms, 10s "
				 "or 2m, or plain seconds; more than 0 and at most 60m)"},
	    {"stop_timeout = 61m", "cells.conf:3: cell work: bad value for 'stop_timeout': '61m' "
				   "(expected a duration such as 500ms, "
				   "10s or 2m, or plain seconds; more than 0 and at most 60m)"},
	    {"stop_timeout = 10 s", "cells.conf:3: cell work: bad value for 'stop_timeout': '10 s' "
				    "(expected a duration such as 500ms, "
				    "10s or 2m, or plain seconds; more than 0 and at most 60m)"},
	};
	char text[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text),
			 "[cell work]\nimage = /w\n%s\n[cell ok]\nimage = /ok\n", cases[i].line);
		/* "image" twice would be a duplicate: move it for image cases */
		if (strncmp(cases[i].line, "image", 5) == 0)
			snprintf(text, sizeof(text),
				 "[cell work]\ninit = /i\n%s\n[cell ok]\nimage = /ok\n",
				 cases[i].line);
		parse(text);
		expect_messages(cases[i].message, NULL);
		expect_cells("ok", NULL);
	}
}

static void test_good_limits(void **state)
{
	(void)state;
	parse("[cell a]\nimage=/a\nstop_timeout = 60m\nstop_signal = SIGKILL\n"
	      "hostname = a234567890123456789012345678901234567890123456789012345678901.b\n"
	      "[cell b]\nimage=/b\nstop_timeout = 1ms\nstop_signal = 15\n"
	      "[cell c]\nimage=/c\nstop_timeout = 3600\nstop_signal = RTMAX-2\n");
	expect_messages(NULL);
	assert_int_equal(cell("a")->stop_timeout_ms, 3600000);
	assert_int_equal(cell("a")->stop_signal, SIGKILL);
	assert_int_equal(strlen(cell("a")->hostname), 63);
	assert_int_equal(cell("b")->stop_timeout_ms, 1);
	assert_int_equal(cell("b")->stop_signal, SIGTERM);
	assert_int_equal(cell("c")->stop_timeout_ms, 3600000);
	assert_int_equal(cell("c")->stop_signal, SIGRTMAX - 2);
}

static void test_bad_cell_name(void **state)
{
	(void)state;
	parse("[cell ok1]\n"
	      "image = /a\n"
	      "[cell Work]\n"
	      "image = /w\n"
	      "colour = red\n"
	      "[cell -x]\n"
	      "image = /x\n"
	      "[cell abcdefghijklmnop]\n"
	      "image = /x\n"
	      "[cell a.b]\n"
	      "[cell ok2]\n"
	      "image = /b\n");
	expect_messages(
	    "cells.conf:3: cell 'Work': bad name (1-15 characters: a-z, 0-9, '-', '_', starting "
	    "with a "
	    "letter or digit)",
	    "cells.conf:5: cell 'Work': unknown key 'colour'",
	    "cells.conf:6: cell '-x': bad name (1-15 characters: a-z, 0-9, '-', '_', starting with "
	    "a "
	    "letter or digit)",
	    "cells.conf:8: cell 'abcdefghijklmnop': bad name (1-15 characters: a-z, 0-9, '-', '_', "
	    "starting with a letter or digit)",
	    "cells.conf:10: cell 'a.b': bad name (1-15 characters: a-z, 0-9, '-', '_', starting "
	    "with a "
	    "letter or digit)",
	    "cells.conf:10: cell 'a.b': missing required key 'image'", NULL);
	expect_cells("ok1", "ok2", NULL);
}

static void test_cell_without_name(void **state)
{
	(void)state;
	parse("[cell]\nimage = /a\nbogus = 1\n[cell ok]\nimage = /ok\n");
	expect_messages("cells.conf:1: section '[cell]' needs a name: '[cell NAME]'", NULL);
	expect_cells("ok", NULL);
}

static void test_duplicate_key_in_cell(void **state)
{
	(void)state;
	parse("[cell work]\n"
	      "image = /a\n"
	      "stop_timeout = 5s\n"
	      "image = /b\n"
	      "stop_timeout = 6s\n"
	      "[cell ok]\n"
	      "image = /ok\n");
	expect_messages(
	    "cells.conf:4: cell work: duplicate key 'image' (first set at line 2)",
	    "cells.conf:5: cell work: duplicate key 'stop_timeout' (first set at line 3)", NULL);
	expect_cells("ok", NULL);
}

static void test_second_foreground(void **state)
{
	(void)state;
	parse("[cell work]\n"
	      "image = /w\n"
	      "foreground = yes\n"
	      "[cell personal]\n"
	      "image = /p\n"
	      "foreground = true\n"
	      "[cell third]\n"
	      "image = /t\n"
	      "foreground = no\n");
	expect_messages("cells.conf:6: cell personal: second 'foreground = yes' (cell work already "
			"has it at line 3)",
			NULL);
	expect_cells("work", "third", NULL);
	assert_ptr_equal(config_foreground(&cfg), cell("work"));
}

static void test_too_many_cells(void **state)
{
	size_t size = (CONFIG_CELLS_MAX + 2) * 40;
	char *text = malloc(size), *p = text;

	(void)state;
	assert_non_null(text);
	for (int i = 0; i < CONFIG_CELLS_MAX + 2; i++)
		p += sprintf(p, "[cell c%d]\nimage = /c\n", i);
	parse(text);
	free(text);
	expect_messages("cells.conf:513: too many cells: '[cell c256]' ignored (at most 256)",
			"cells.conf:515: too many cells: '[cell c257]' ignored (at most 256)",
			NULL);
	assert_int_equal(cfg.n_cells, CONFIG_CELLS_MAX);
	assert_string_equal(cfg.cells[CONFIG_CELLS_MAX - 1].name, "c255");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_good_file, teardown),
	    cmocka_unit_test_teardown(test_defaults, teardown),
	    cmocka_unit_test_teardown(test_foreground_defaults_to_first, teardown),
	    cmocka_unit_test_teardown(test_default_hostname_from_name, teardown),
	    cmocka_unit_test_teardown(test_booleans, teardown),
	    cmocka_unit_test_teardown(test_name_limits, teardown),
	    cmocka_unit_test_teardown(test_unknown_key_drops_cell, teardown),
	    cmocka_unit_test_teardown(test_duplicate_cell, teardown),
	    cmocka_unit_test_teardown(test_duplicate_cell_of_dropped_cell, teardown),
	    cmocka_unit_test_teardown(test_missing_image, teardown),
	    cmocka_unit_test_teardown(test_bad_values, teardown),
	    cmocka_unit_test_teardown(test_good_limits, teardown),
	    cmocka_unit_test_teardown(test_bad_cell_name, teardown),
	    cmocka_unit_test_teardown(test_cell_without_name, teardown),
	    cmocka_unit_test_teardown(test_duplicate_key_in_cell, teardown),
	    cmocka_unit_test_teardown(test_second_foreground, teardown),
	    cmocka_unit_test_teardown(test_too_many_cells, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
