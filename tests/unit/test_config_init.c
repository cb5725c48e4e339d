// SPDX-License-Identifier: MIT
/* Unit tests for 'init' with arguments and 'init_env' (mgr/config/config_init.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_harness.h"

/* The words of value, joined with '|', or the error's text. */
static const char *words(const char *value)
{
	static char joined[CELL_INIT_WORDS_SIZE + 64];
	char out[CELL_INIT_WORDS_SIZE];
	const char *why = NULL, *w = out;
	size_t len = 0;
	int n = config_words_split(value, out, sizeof(out), 8, &why);

	if (n < 0) {
		snprintf(joined, sizeof(joined), "error %d: %s", n, why);
		return joined;
	}
	joined[0] = '\0';
	for (int i = 0; i < n; i++, w += strlen(w) + 1)
		len +=
		    (size_t)snprintf(joined + len, sizeof(joined) - len, "%s%s", i ? "|" : "", w);
	return joined;
}

static void test_split_words(void **state)
{
	(void)state;
	assert_string_equal(words("/sbin/init"), "/sbin/init");
	assert_string_equal(words("  /sbin/init \t --log-level=debug  "),
			    "/sbin/init|--log-level=debug");
	assert_string_equal(words("/bin/sh -c \"echo 'hi there'\""), "/bin/sh|-c|echo 'hi there'");
	assert_string_equal(words("a 'b \"c\" d' e"), "a|b \"c\" d|e");
	assert_string_equal(words("--name=\"a b\"c"), "--name=a bc"); /* parts join */
	assert_string_equal(words("\"q\\\"uote\\\\\" \"x\\n\""), "q\"uote\\|x\\n");
	assert_string_equal(words("a\\ b c"), "a b|c");
	assert_string_equal(words("'' \"\" x"), "||x"); /* empty words */
	assert_string_equal(words(""), "");
}

static void test_split_errors(void **state)
{
	(void)state;
	assert_string_equal(words("/bin/x \"open"), "error -22: a \" is not closed");
	assert_string_equal(words("/bin/x 'open"), "error -22: a ' is not closed");
	assert_string_equal(words("/bin/x end\\"),
			    "error -22: a \\ ends the value: nothing to escape");
	assert_string_equal(words("1 2 3 4 5 6 7 8 9"), "error -7: too many words");
}

static void test_init_with_arguments(void **state)
{
	const struct cell_config *c;
	char *argv[CELL_INIT_WORDS_MAX + 2];

	(void)state;
	parse("[cell a]\n"
	      "image = /i\n"
	      "init = /lib/systemd/systemd systemd.unit=rescue.target \"--x=a b\"\n"
	      "[cell b]\n"
	      "image = /i\n");
	expect_messages(NULL);
	c = cell("a");
	assert_string_equal(c->init, "/lib/systemd/systemd");
	assert_int_equal(c->init_argc, 2);
	cell_init_argv(c, argv);
	assert_string_equal(argv[0], "/lib/systemd/systemd");
	assert_string_equal(argv[1], "systemd.unit=rescue.target");
	assert_string_equal(argv[2], "--x=a b");
	assert_null(argv[3]);

	c = cell("b"); /* the default: /sbin/init alone */
	cell_init_argv(c, argv);
	assert_string_equal(argv[0], "/sbin/init");
	assert_null(argv[1]);
}

static void test_init_env(void **state)
{
	static const char *const base[] = {"container=cellar", "PATH=/bin", "TERM=linux", NULL};
	char *envp[3 + CELL_INIT_WORDS_MAX + 1];
	const struct cell_config *c;

	(void)state;
	parse("[cell a]\n"
	      "image = /i\n"
	      "init_env = LANG=C.UTF-8 GREETING=\"hello world\" TERM=vt220 EMPTY=\n");
	expect_messages(NULL);
	c = cell("a");
	assert_int_equal(c->init_envc, 4);
	cell_init_envp(c, base, envp, sizeof(envp) / sizeof(envp[0]));
	assert_string_equal(envp[0], "container=cellar");
	assert_string_equal(envp[1], "PATH=/bin");
	/* TERM=linux is replaced by init_env's */
	assert_string_equal(envp[2], "LANG=C.UTF-8");
	assert_string_equal(envp[3], "GREETING=hello world");
	assert_string_equal(envp[4], "TERM=vt220");
	assert_string_equal(envp[5], "EMPTY=");
	assert_null(envp[6]);
}

static void test_bad_values(void **state)
{
	(void)state;
	parse("[cell a]\n"
	      "image = /i\n"
	      "init = /sbin/init \"unclosed\n"
	      "[cell b]\n"
	      "image = /i\n"
	      "init_env = 1X=y\n"
	      "[cell c]\n"
	      "image = /i\n"
	      "init_env = A=1 container=other\n"
	      "[cell d]\n"
	      "image = /i\n"
	      "init_env = A=1 B=2 A=3\n"
	      "[cell e]\n"
	      "image = /i\n"
	      "init = 'rel/init' x\n"
	      "[cell f]\n"
	      "image = /i\n"
	      "init_env = NOVALUE\n"
	      "[cell g]\n"
	      "image = /i\n"
	      "init_env =\n");
	expect_messages("cells.conf:3: cell a: bad value for 'init': '/sbin/init \"unclosed' (a \" "
			"is not closed)",
			"cells.conf:6: cell b: bad value for 'init_env': '1X=y' (expected "
			"NAME=VALUE words, NAME of A-Z, a-z, 0-9 and '_' not starting with a "
			"digit: '1X=y' is not one)",
			"cells.conf:9: cell c: bad value for 'init_env': 'A=1 container=other' "
			"(container is cellar's to set: systemd's container interface)",
			"cells.conf:12: cell d: bad value for 'init_env': 'A=1 B=2 A=3' (A set "
			"twice)",
			"cells.conf:15: cell e: bad value for 'init': ''rel/init' x' (expected an "
			"absolute path, then its arguments if any: /sbin/init --log-level=debug)",
			"cells.conf:18: cell f: bad value for 'init_env': 'NOVALUE' (expected "
			"NAME=VALUE words, NAME of A-Z, a-z, 0-9 and '_' not starting with a "
			"digit: 'NOVALUE' is not one)",
			NULL);
	expect_cells("g", NULL); /* an empty init_env: no variables */
}

static void test_too_many_arguments(void **state)
{
	char text[1024];
	size_t len;

	(void)state;
	len = (size_t)snprintf(text, sizeof(text), "[cell a]\nimage = /i\ninit = /sbin/init");
	for (int i = 0; i < CELL_INIT_WORDS_MAX + 1; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, " %d", i % 10);
	snprintf(text + len, sizeof(text) - len, "\n");
	parse(text);
	assert_int_equal(cfg.n_errors, 1);
	assert_non_null(strstr(msgs.msg[0], "(at most 64 arguments)"));
}

static void test_unknown_key_suggests(void **state)
{
	(void)state;
	parse("[host]\n"
	      "hostnmae = x\n"
	      "[cell a]\n"
	      "image = /i\n"
	      "memroy = 1G\n"
	      "colour = blue\n");
	expect_messages("cells.conf:2: host: unknown key 'hostnmae' (did you mean 'hostname'?)",
			"cells.conf:5: cell a: unknown key 'memroy' (did you mean 'memory'?)",
			"cells.conf:6: cell a: unknown key 'colour'", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split_words),
	    cmocka_unit_test(test_split_errors),
	    cmocka_unit_test_teardown(test_init_with_arguments, teardown),
	    cmocka_unit_test_teardown(test_init_env, teardown),
	    cmocka_unit_test_teardown(test_bad_values, teardown),
	    cmocka_unit_test_teardown(test_too_many_arguments, teardown),
	    cmocka_unit_test_teardown(test_unknown_key_suggests, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
