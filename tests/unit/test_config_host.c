// SPDX-License-Identifier: MIT
/* Unit tests for the cell list's [host] section (hostname, modules,
 * data_dir, idmap_base, idmap_ranges, admin_console) and for keys and
 * sections outside any known one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "config.h"
#include "config_harness.h"

static void test_host_isolation_keys(void **state)
{
	static const char *const dir =
	    "(expected an absolute path of a directory, not '/', without '.' or '..' components)";
	char want[512];

	(void)state;
	parse("[host]\ndata_dir = /data/cellar/\nidmap_base = 65536\nidmap_ranges = 65534\n");
	expect_messages(NULL);
	assert_string_equal(cfg.host.data_dir, "/data/cellar");
	assert_int_equal(cfg.host.idmap_base, 65536);
	assert_int_equal(cfg.host.idmap_ranges, 65534);

	/* the last range may end at 4294967293, not later */
	parse("[host]\nidmap_base = 4294901758\nidmap_ranges = 1\n");
	expect_messages(NULL);
	assert_int_equal(cfg.host.idmap_base, 4294901758u);
	parse("[host]\nidmap_ranges = 1\nidmap_base = 4294901759\n");
	expect_messages("cells.conf:3: host: bad value for 'idmap_base': '4294901759' (expected a "
			"host id from 65536 to 4294901758)",
			NULL);
	assert_int_equal(cfg.host.idmap_base, 1879048192);
	assert_int_equal(cfg.host.idmap_ranges, 1);

	parse("[host]\ndata_dir = var/lib/cellar\ndata_dir = /x\nidmap_base = 65535\n"
	      "idmap_ranges = 0\n[cell a]\nimage = /a\n");
	snprintf(want, sizeof(want),
		 "cells.conf:2: host: bad value for 'data_dir': 'var/lib/cellar' %s", dir);
	expect_messages(want, "cells.conf:3: host: duplicate key 'data_dir' (first set at line 2)",
			"cells.conf:4: host: bad value for 'idmap_base': '65535' (expected a host "
			"id from 65536 to 4294901758)",
			"cells.conf:5: host: bad value for 'idmap_ranges': '0' (expected a number "
			"from 1 to 65535)",
			NULL);
	assert_string_equal(cfg.host.data_dir, "/var/lib/cellar");
	assert_int_equal(cfg.host.idmap_base, 1879048192);
	assert_int_equal(cfg.host.idmap_ranges, 1024);
	expect_cells("a", NULL);

	parse("[host]\nidmap_ranges = 65536\nidmap_base = x\ndata_dir = /\n");
	assert_int_equal(cfg.n_errors, 3);

	/* together too big: reported at the later key (or at the only one set),
	 * after the section, and both go back to their defaults */
	parse("[host]\nidmap_base = 4000000000\nhostname = b\nidmap_ranges = 5000\n[cell a]\n"
	      "image = /a\n");
	expect_messages("cells.conf:4: host: idmap_base 4000000000 + idmap_ranges 5000 * 65536 is "
			"above 4294967294; both keep their defaults (1879048192, 1024)",
			NULL);
	assert_int_equal(cfg.host.idmap_base, 1879048192);
	assert_int_equal(cfg.host.idmap_ranges, 1024);
	assert_string_equal(cfg.host.hostname, "b");
	expect_cells("a", NULL);

	parse("[cell a]\nimage = /a\n[host]\nidmap_ranges = 65535\n");
	expect_messages("cells.conf:4: host: idmap_base 1879048192 + idmap_ranges 65535 * 65536 is "
			"above 4294967294; both keep their defaults (1879048192, 1024)",
			NULL);
	assert_int_equal(cfg.host.idmap_ranges, 1024);

	/* a bad idmap_ranges keeps its default, with which the base is too high */
	parse("[host]\nidmap_base = 4290000000\nidmap_ranges = lots\n");
	expect_messages("cells.conf:3: host: bad value for 'idmap_ranges': 'lots' (expected a "
			"number from 1 to 65535)",
			"cells.conf:2: host: idmap_base 4290000000 + idmap_ranges 1024 * 65536 is "
			"above 4294967294; both keep their defaults (1879048192, 1024)",
			NULL);
}

static void test_host_admin_console(void **state)
{
	static const char *const hint =
	    "(expected a terminal device under /dev/ such as /dev/ttyS1, not /dev/console or "
	    "/dev/tty; or nothing for none)";
	static const char *const bad[] = {
	    "ttyS1",	    "/dev",	    "/dev/",	      "/tmp/ttyS1", "/dev/../etc/passwd",
	    "/dev/./ttyS1", "/dev/console", "/dev//console/", "/dev/tty",   "dev/ttyS1",
	};
	char text[256], want[512];

	(void)state;
	/* off by default */
	parse("[host]\nhostname = b\n");
	expect_messages(NULL);
	assert_string_equal(cfg.host.admin_console, "");

	parse("[host]\nadmin_console = /dev/ttyS1\n");
	expect_messages(NULL);
	assert_string_equal(cfg.host.admin_console, "/dev/ttyS1");

	/* spelled with repeated or trailing '/', stored plain; a comment after it */
	parse("[host]\nadmin_console = //dev//ttyAMA1/  # the debug UART\n");
	expect_messages(NULL);
	assert_string_equal(cfg.host.admin_console, "/dev/ttyAMA1");

	/* empty: none, said explicitly */
	parse("[host]\nadmin_console =\n");
	expect_messages(NULL);
	assert_string_equal(cfg.host.admin_console, "");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[host]\nadmin_console = %s\n[cell a]\nimage = /a\n",
			 bad[i]);
		parse(text);
		snprintf(want, sizeof(want),
			 "cells.conf:2: host: bad value for 'admin_console': '%s' %s", bad[i],
			 hint);
		expect_messages(want, NULL);
		/* the key is dropped, its default (none) stays; the cell is kept */
		assert_string_equal(cfg.host.admin_console, "");
		expect_cells("a", NULL);
	}

	/* a duplicate: the first one counts */
	parse("[host]\nadmin_console = /dev/ttyS1\nadmin_console = /dev/ttyS2\n");
	expect_messages("cells.conf:3: host: duplicate key 'admin_console' (first set at line 2)",
			NULL);
	assert_string_equal(cfg.host.admin_console, "/dev/ttyS1");

	/* a bad first one: the default stays, the second is still a duplicate */
	parse("[host]\nadmin_console = ttyS1\nadmin_console = /dev/ttyS1\n");
	snprintf(want, sizeof(want),
		 "cells.conf:2: host: bad value for 'admin_console': 'ttyS1' %s", hint);
	expect_messages(
	    want, "cells.conf:3: host: duplicate key 'admin_console' (first set at line 2)", NULL);
	assert_string_equal(cfg.host.admin_console, "");

	/* control characters are shown as '?' in the message */
	parse("[host]\nadmin_console = /tmp/\x1b[2J\n");
	snprintf(want, sizeof(want), "cells.conf:2: host: bad value for 'admin_console': '%s' %s",
		 "/tmp/?[2J", hint);
	expect_messages(want, NULL);
}

/* ---- host and section errors ----------------------------------------- */

static void test_host_errors_keep_defaults(void **state)
{
	(void)state;
	parse("[host]\n"
	      "hostname = -board\n"
	      "modules = evdev loop\n"
	      "modules = erofs\n"
	      "colour = red\n"
	      "[cell work]\n"
	      "image = /w\n");
	expect_messages(
	    "cells.conf:2: host: bad value for 'hostname': '-board' (expected a hostname: up to 64 "
	    "characters, dot-separated labels of a-z, A-Z, 0-9 and '-', not starting or ending "
	    "with '-')",
	    "cells.conf:4: host: duplicate key 'modules' (first set at line 3)",
	    "cells.conf:5: host: unknown key 'colour'", NULL);
	assert_string_equal(cfg.host.hostname, "cellar");
	assert_string_equal(cfg.host.modules, "evdev loop");
	expect_cells("work", NULL);
}

static void test_bad_modules(void **state)
{
	(void)state;
	parse("[host]\nmodules = evdev ext4.ko\n");
	expect_messages("cells.conf:2: host: bad value for 'modules': 'evdev ext4.ko' (expected "
			"module names of a-z, "
			"A-Z, 0-9, '_' and '-', up to 55 characters each, separated by spaces)",
			NULL);
	assert_string_equal(cfg.host.modules, "");

	parse("[host]\nmodules = a_b c-d "
	      "m2345678901234567890123456789012345678901234567890123456\n");
	assert_int_equal(cfg.n_errors, 1);
	assert_string_equal(cfg.host.modules, "");

	parse("[host]\nmodules = a_b c-d E9 "
	      "m234567890123456789012345678901234567890123456789012345\n");
	expect_messages(NULL);
	assert_string_equal(cfg.host.modules,
			    "a_b c-d E9 m234567890123456789012345678901234567890123456789012345");
}

static void test_bad_hostnames(void **state)
{
	static const char *const bad[] = {
	    "a..b",
	    ".a",
	    "a.",
	    "a-",
	    "-a",
	    "a_b",
	    "a b",
	    "a234567890123456789012345678901234567890123456789012345678901234",	 /* label of 64 */
	    "a234567890.a234567890.a234567890.a234567890.a234567890.a234567890", /* 65 in all */
	};
	char text[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[host]\nhostname = %s\n", bad[i]);
		parse(text);
		assert_int_equal(cfg.n_errors, 1);
		assert_string_equal(cfg.host.hostname, "cellar");
	}
	parse("[host]\nhostname = 1-Board.local\n");
	expect_messages(NULL);
	assert_string_equal(cfg.host.hostname, "1-Board.local");
	parse(
	    "[host]\nhostname = a234567890.a234567890.a234567890.a234567890.a234567890.a2345678\n");
	expect_messages(NULL);
}

static void test_host_section_errors(void **state)
{
	(void)state;
	parse("[host]\n"
	      "hostname = one\n"
	      "[host]\n"
	      "hostname = two\n"
	      "bogus = 1\n"
	      "[host extra]\n"
	      "modules = x\n");
	expect_messages("cells.conf:3: duplicate section '[host]' (first defined at line 1)",
			"cells.conf:6: section '[host]' takes no argument", NULL);
	assert_string_equal(cfg.host.hostname, "one");
	assert_string_equal(cfg.host.modules, "");
}

static void test_key_outside_section(void **state)
{
	(void)state;
	parse("# header\n"
	      "x = 1\n"
	      "hostname = b\n"
	      "[host]\n");
	expect_messages("cells.conf:2: key 'x' outside any section",
			"cells.conf:3: key 'hostname' outside any section", NULL);
	assert_string_equal(cfg.host.hostname, "cellar");
}

static void test_unknown_section(void **state)
{
	(void)state;
	parse("[cell a]\n"
	      "image = /a\n"
	      "[foo]\n"
	      "x = 1\n"
	      "this is not even a key\n"
	      "[network br0]\n"
	      "y = 2\n"
	      "[cell b]\n"
	      "image = /b\n");
	expect_messages("cells.conf:3: unknown section '[foo]'",
			"cells.conf:6: unknown section '[network br0]'", NULL);
	expect_cells("a", "b", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_host_isolation_keys, teardown),
	    cmocka_unit_test_teardown(test_host_admin_console, teardown),
	    cmocka_unit_test_teardown(test_host_errors_keep_defaults, teardown),
	    cmocka_unit_test_teardown(test_bad_modules, teardown),
	    cmocka_unit_test_teardown(test_bad_hostnames, teardown),
	    cmocka_unit_test_teardown(test_host_section_errors, teardown),
	    cmocka_unit_test_teardown(test_key_outside_section, teardown),
	    cmocka_unit_test_teardown(test_unknown_section, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
