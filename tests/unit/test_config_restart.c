// SPDX-License-Identifier: MIT
/* Unit tests for the cell list's restart policy: restart, restart_delay,
 * restart_delay_max, restart_reset, crash_limit, crash_window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_harness.h"

static void test_restart_defaults(void **state)
{
	const struct restart_policy *r;

	(void)state;
	parse("[cell a]\nimage = /a\n");
	expect_messages(NULL);
	r = &cell("a")->restart;
	assert_int_equal(r->mode, RESTART_ALWAYS);
	assert_int_equal(r->backoff_ms, 1000);
	assert_int_equal(r->backoff_max_ms, 60000);
	assert_int_equal(r->reset_after_ms, 60000);
	assert_int_equal(r->crash_limit, 5);
	assert_int_equal(r->crash_window_ms, 60000);
}

static void test_restart_good(void **state)
{
	const struct restart_policy *r;

	(void)state;
	parse("[cell a]\nimage = /a\n"
	      "restart = on-failure\n"
	      "restart_delay = 500ms\n"
	      "restart_delay_max = 2m\n"
	      "restart_reset = 10m\n"
	      "crash_limit = 100\n"
	      "crash_window = 60m\n"
	      "[cell b]\nimage = /b\n"
	      "restart = never\n"
	      "crash_window = 1ms\n"
	      "crash_limit = 1\n"
	      "restart_reset = 1\n"
	      "restart_delay_max = 7s\n"
	      "restart_delay = 7s\n"
	      "[cell c]\nimage = /c\nrestart = always\n");
	expect_messages(NULL);
	r = &cell("a")->restart;
	assert_int_equal(r->mode, RESTART_ON_FAILURE);
	assert_int_equal(r->backoff_ms, 500);
	assert_int_equal(r->backoff_max_ms, 120000);
	assert_int_equal(r->reset_after_ms, 600000);
	assert_int_equal(r->crash_limit, 100);
	assert_int_equal(r->crash_window_ms, 3600000);
	r = &cell("b")->restart;
	assert_int_equal(r->mode, RESTART_NEVER);
	assert_int_equal(r->crash_window_ms, 1);
	assert_int_equal(r->crash_limit, 1);
	assert_int_equal(r->reset_after_ms, 1000);
	assert_int_equal(r->backoff_ms, 7000);
	assert_int_equal(r->backoff_max_ms, 7000);
	assert_int_equal(cell("c")->restart.mode, RESTART_ALWAYS);
}

static void test_restart_bad_values(void **state)
{
	static const char *const duration = "(expected a duration such as 500ms, 10s or 2m, or "
					    "plain seconds; more than 0 and at most 60m)";
	static const char *const mode = "(expected always, on-failure or never)";
	static const char *const limit = "(expected a number from 1 to 100)";
	static const struct {
		const char *line;
		const char *hint;
	} cases[] = {
	    {"restart = Always", mode},
	    {"restart = on_failure", mode},
	    {"restart = onfailure", mode},
	    {"restart = no", mode},
	    {"restart = yes", mode},
	    {"restart =", mode},
	    {"restart_delay = 0", duration},
	    {"restart_delay = 0ms", duration},
	    {"restart_delay = 61m", duration},
	    {"restart_delay = 3600001ms", duration},
	    {"restart_delay = 1.5s", duration},
	    {"restart_delay = 1h", duration},
	    {"restart_delay =", duration},
	    {"restart_delay_max = -1s", duration},
	    {"restart_delay_max = 10 s", duration},
	    {"restart_reset = 0", duration},
	    {"restart_reset = 2h", duration},
	    {"crash_limit = 0", limit},
	    {"crash_limit = 101", limit},
	    {"crash_limit = -1", limit},
	    {"crash_limit = 5x", limit},
	    {"crash_limit = 99999999999999999999999", limit},
	    {"crash_limit =", limit},
	    {"crash_window = 0s", duration},
	    {"crash_window = 1d", duration},
	};
	char text[512], want[512], key[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *line = cases[i].line, *eq = strchr(line, '='), *value = eq + 1;

		snprintf(key, sizeof(key), "%.*s", (int)(eq - line - 1), line);
		while (*value == ' ')
			value++;
		snprintf(want, sizeof(want), "cells.conf:3: cell work: bad value for '%s': '%s' %s",
			 key, value, cases[i].hint);
		snprintf(text, sizeof(text),
			 "[cell work]\nimage = /w\n%s\n[cell ok]\nimage = /ok\n", line);
		parse(text);
		expect_messages(want, NULL);
		expect_cells("ok", NULL);
	}

	parse("[cell a]\nimage = /a\nrestart = never\nrestart = always\n[cell ok]\nimage = /ok\n");
	expect_messages("cells.conf:4: cell a: duplicate key 'restart' (first set at line 3)",
			NULL);
	expect_cells("ok", NULL);
}

static void test_restart_delay_pair(void **state)
{
	(void)state;
	/* both set: the later one is reported, the values as written */
	parse("[cell a]\nimage = /a\nrestart_delay = 2m\nrestart_delay_max = 60s\n"
	      "[cell b]\nimage = /b\nrestart_delay_max = 1000ms\nforeground = no\n"
	      "restart_delay = 1001ms\n"
	      "[cell c]\nimage = /c\nrestart_delay_max = 5s\nrestart_delay = 5000ms\n"
	      "[cell d]\nimage = /d\nrestart_delay = 0\nrestart_delay_max = 1ms\n");
	expect_messages("cells.conf:4: cell a: 'restart_delay_max = 60s' is below 'restart_delay "
			"= 2m' (line 3)",
			"cells.conf:9: cell b: 'restart_delay = 1001ms' is above "
			"'restart_delay_max = 1000ms' (line 7)",
			"cells.conf:16: cell d: bad value for 'restart_delay': '0' (expected a "
			"duration such as 500ms, 10s or 2m, or plain seconds; more than 0 and at "
			"most 60m)",
			NULL);
	expect_cells("c", NULL);
	assert_int_equal(cell("c")->restart.backoff_ms, 5000);
	assert_int_equal(cell("c")->restart.backoff_max_ms, 5000);

	/* one set: the other's default follows it when it must */
	parse("[cell a]\nimage = /a\nrestart_delay = 2m\n"
	      "[cell b]\nimage = /b\nrestart_delay_max = 500ms\n"
	      "[cell c]\nimage = /c\nrestart_delay = 30s\n"
	      "[cell d]\nimage = /d\nrestart_delay_max = 5s\n"
	      "[cell e]\nimage = /e\nrestart_delay = 60m\n");
	expect_messages(NULL);
	assert_int_equal(cell("a")->restart.backoff_ms, 120000);
	assert_int_equal(cell("a")->restart.backoff_max_ms, 120000);
	assert_int_equal(cell("b")->restart.backoff_ms, 500);
	assert_int_equal(cell("b")->restart.backoff_max_ms, 500);
	assert_int_equal(cell("c")->restart.backoff_ms, 30000);
	assert_int_equal(cell("c")->restart.backoff_max_ms, 60000);
	assert_int_equal(cell("d")->restart.backoff_ms, 1000);
	assert_int_equal(cell("d")->restart.backoff_max_ms, 5000);
	assert_int_equal(cell("e")->restart.backoff_max_ms, 3600000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_restart_defaults, teardown),
	    cmocka_unit_test_teardown(test_restart_good, teardown),
	    cmocka_unit_test_teardown(test_restart_bad_values, teardown),
	    cmocka_unit_test_teardown(test_restart_delay_pair, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
