// SPDX-License-Identifier: MIT
/* Unit tests for init/cmdline.c: words of /proc/cmdline, quoting, the last
 * occurrence winning, the path checks of cellar.data= / cellar.config=,
 * and the seconds of the timeouts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "init.h"

static void get_plain_quoted_last(void **state)
{
	char v[64];

	(void)state;
	assert_true(cmdline_get("console=ttyS0 root=/dev/vda ro\n", "root", v, sizeof(v)));
	assert_string_equal(v, "/dev/vda");
	/* "rootfstype" is not "root", nor is "root" alone. */
	assert_true(cmdline_get("rootfstype=erofs root root=/dev/vdb", "root", v, sizeof(v)));
	assert_string_equal(v, "/dev/vdb");
	assert_false(cmdline_get("rootfstype=erofs root", "root", v, sizeof(v)));
	assert_true(cmdline_get("a=1 x=\"b c\" a=2", "x", v, sizeof(v)));
	assert_string_equal(v, "b c");
	assert_true(cmdline_get("a=1 x=\"b c\" a=2", "a", v, sizeof(v)));
	assert_string_equal(v, "2");
	assert_true(cmdline_get("\ta=  ", "a", v, sizeof(v))); /* "a=": an empty value */
	assert_string_equal(v, "");
	assert_true(cmdline_get("a=abcdef", "a", v, 4));
	assert_string_equal(v, "abc"); /* cut to the buffer */
}

static void has_word(void **state)
{
	(void)state;
	assert_true(cmdline_has("console=ttyS0 ro quiet", "ro"));
	assert_false(cmdline_has("console=ttyS0 rootro=1 rw", "ro"));
	assert_false(cmdline_has("", "ro"));
}

static void path_valid(void **state)
{
	char v[32];

	(void)state;
	assert_int_equal(
	    cmdline_path("x cellar.data=/dev/vdb y", "cellar.data", "/dev/", v, sizeof(v)), 1);
	assert_string_equal(v, "/dev/vdb");
	assert_int_equal(
	    cmdline_path("cellar.config=/data/cells.conf", "cellar.config", "/", v, sizeof(v)), 1);
	assert_string_equal(v, "/data/cells.conf");
	assert_int_equal(
	    cmdline_path("cellar.config=/a/.b/..c/d.", "cellar.config", "/", v, sizeof(v)), 1);
	assert_int_equal(
	    cmdline_path("cellar.data=/dev/disk/by-label/x", "cellar.data", "/dev/", v, sizeof(v)),
	    1);
}

static void path_absent(void **state)
{
	char v[32];

	(void)state;
	assert_int_equal(cmdline_path("root=/dev/vda cellar.datafstype=ext4", "cellar.data",
				      "/dev/", v, sizeof(v)),
			 0);
	assert_int_equal(cmdline_path("", "cellar.config", "/", v, sizeof(v)), 0);
}

static void path_invalid(void **state)
{
	static const char *const bad_data[] = {
	    "cellar.data=vdb",	     "cellar.data=/dev/",	"cellar.data=/dev",
	    "cellar.data=/devx/vdb", "cellar.data=/dev/../etc", "cellar.data=/dev/./vdb",
	    "cellar.data=/dev//vdb", "cellar.data=/dev/vdb/",	"cellar.data=UUID=1234",
	    "cellar.data=/dev/a/..", "cellar.data=/etc/passwd", "cellar.data=",
	};
	static const char *const bad_config[] = {
	    "cellar.config=data/cells.conf", "cellar.config=/",	  "cellar.config=/data/",
	    "cellar.config=/data/../etc/x",  "cellar.config=//x",
	};
	char v[32];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_data) / sizeof(bad_data[0]); i++) {
		int r = cmdline_path(bad_data[i], "cellar.data", "/dev/", v, sizeof(v));

		if (r != -EINVAL)
			fail_msg("%s: %d, expected -EINVAL", bad_data[i], r);
		/* The value is kept for the log line. */
		assert_string_equal(v, strchr(bad_data[i], '=') + 1);
	}
	for (size_t i = 0; i < sizeof(bad_config) / sizeof(bad_config[0]); i++)
		if (cmdline_path(bad_config[i], "cellar.config", "/", v, sizeof(v)) != -EINVAL)
			fail_msg("%s: not refused", bad_config[i]);
}

static void path_too_long(void **state)
{
	char v[16];

	(void)state;
	/* 14 characters fit a 16-byte buffer; 15 might have been cut. */
	assert_int_equal(
	    cmdline_path("cellar.data=/dev/abcdefghi", "cellar.data", "/dev/", v, sizeof(v)), 1);
	assert_int_equal(
	    cmdline_path("cellar.data=/dev/abcdefghij", "cellar.data", "/dev/", v, sizeof(v)),
	    -ENAMETOOLONG);
	assert_int_equal(
	    cmdline_path("cellar.data=/dev/abcdefghijklmnop", "cellar.data", "/dev/", v, sizeof(v)),
	    -ENAMETOOLONG);
}

/* cellar.shutdown_timeout= and cellar.modules_timeout=: seconds, by hand. */
static void seconds(void **state)
{
	static const char *const bad[] = {
	    "t=",	"t=-1", "t=1s",	 "t=3601", "t=99999999999",	  "t=0x10",
	    "t=\"1 \"", "t= 1", "t=1.5", "t=+1",   "t=00000000000000060",
	};
	unsigned s = 7;
	char v[16];

	(void)state;
	assert_int_equal(cmdline_seconds("x=1 y", "t", 3600, &s, v, sizeof(v)), 0);
	assert_int_equal(s, 7); /* untouched */
	assert_int_equal(cmdline_seconds("t=0", "t", 3600, &s, v, sizeof(v)), 1);
	assert_int_equal(s, 0);
	assert_int_equal(cmdline_seconds("t=5 t=3600", "t", 3600, &s, v, sizeof(v)), 1);
	assert_int_equal(s, 3600);
	assert_int_equal(cmdline_seconds("t=0090", "t", 3600, &s, v, sizeof(v)), 1);
	assert_int_equal(s, 90);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = 7;
		if (cmdline_seconds(bad[i], "t", 3600, &s, v, sizeof(v)) != -EINVAL || s != 7)
			fail_msg("%s: not refused", bad[i]);
	}
	/* The value is kept for the log line. */
	assert_int_equal(cmdline_seconds("t=1s", "t", 3600, &s, v, sizeof(v)), -EINVAL);
	assert_string_equal(v, "1s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(get_plain_quoted_last),
	    cmocka_unit_test(has_word),
	    cmocka_unit_test(path_valid),
	    cmocka_unit_test(path_absent),
	    cmocka_unit_test(path_invalid),
	    cmocka_unit_test(path_too_long),
	    cmocka_unit_test(seconds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
