// SPDX-License-Identifier: MIT
/* Unit tests for init/kconfig.c: the board's kernel config fragment
 * against a kernel's .config (init logs what is missing at boot). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kconfig.h"

/* An excerpt of Debian 6.1's arm64 config, plus made-up options. */
static const char have[] = "#\n"
			   "# Automatically generated file; DO NOT EDIT.\n"
			   "# Linux/arm64 6.1.192 Kernel Configuration\n"
			   "#\n"
			   "CONFIG_SECCOMP=y\n"
			   "CONFIG_SECCOMP_FILTER=y\n"
			   "CONFIG_EROFS_FS=m\n"
			   "CONFIG_OVERLAY_FS=m\n"
			   "CONFIG_BRIDGE=m\n"
			   "CONFIG_VT=y\n"
			   "# CONFIG_IKCONFIG is not set\n"
			   "CONFIG_NR_CPUS=256\n"
			   "CONFIG_CMDLINE=\"console=ttyAMA0\"\n"
			   "CONFIG_SECCOMP_CACHE_DEBUG_X=y\n"
			   "CONFIG_GPIO_PL061=y"; /* no final newline */

struct seen {
	unsigned n;
	char lines[8][200];
};

static void record(void *ctx, const char *name, const char *want, const char *h)
{
	struct seen *s = ctx;

	if (s->n < 8)
		snprintf(s->lines[s->n], sizeof(s->lines[0]), "%s|%s|%s", name, want, h);
	s->n++;
}

static unsigned check(const char *want, struct seen *s, unsigned *missing)
{
	memset(s, 0, sizeof(*s));
	return kconfig_compare(want, strlen(want), have, strlen(have), record, s, missing);
}

static void all_present(void **state)
{
	struct seen s;
	unsigned missing = 99;
	const char *want = "# the board's fragment\n"
			   "\n"
			   "CONFIG_SECCOMP=y\n"
			   "  CONFIG_SECCOMP_FILTER=y  \n"
			   "CONFIG_EROFS_FS=m\n"
			   "CONFIG_VT=m\n" /* m: built in will do */
			   "CONFIG_NR_CPUS=256\n"
			   "CONFIG_CMDLINE=\"console=ttyAMA0\"\n"
			   "# CONFIG_FOO is not set\n"
			   "CONFIG_GPIO_PL061=y"; /* the last line of both */

	(void)state;
	assert_int_equal(check(want, &s, &missing), 7);
	assert_int_equal(missing, 0);
	assert_int_equal(s.n, 0);
}

static void missing_reported(void **state)
{
	struct seen s;
	unsigned missing = 0;
	const char *want = "CONFIG_EROFS_FS=y\n" /* a module, wanted built in */
			   "CONFIG_IKCONFIG=y\n" /* "is not set" */
			   "CONFIG_MACVLAN=m\n"	 /* absent */
			   "CONFIG_NR_CPUS=8\n"	 /* another value */
			   "CONFIG_SECCOMP=m\n"; /* present */

	(void)state;
	assert_int_equal(check(want, &s, &missing), 5);
	assert_int_equal(missing, 4);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.lines[0], "CONFIG_EROFS_FS|y|m");
	assert_string_equal(s.lines[1], "CONFIG_IKCONFIG|y|");
	assert_string_equal(s.lines[2], "CONFIG_MACVLAN|m|");
	assert_string_equal(s.lines[3], "CONFIG_NR_CPUS|8|256");
}

static void prefix_is_not_a_match(void **state)
{
	struct seen s;
	unsigned missing = 0;

	(void)state;
	/* CONFIG_SECCOMP_CACHE_DEBUG_X=y must not satisfy CONFIG_SECCOMP_CACHE_DEBUG,
	 * nor CONFIG_SECCOMP=y CONFIG_SECCO. */
	assert_int_equal(check("CONFIG_SECCOMP_CACHE_DEBUG=y\nCONFIG_SECCO=y\n", &s, &missing), 2);
	assert_int_equal(missing, 2);
}

static void typo_counts_as_missing(void **state)
{
	struct seen s;
	unsigned missing = 0;

	(void)state;
	assert_int_equal(check("SECCOMP=y\nCONFIG_VT\nCONFIG_=y\n", &s, &missing), 3);
	assert_int_equal(missing, 3);
	assert_string_equal(s.lines[0], "SECCOMP=y|?|");
	assert_string_equal(s.lines[1], "CONFIG_VT|?|");
}

static void crlf_and_empty(void **state)
{
	struct seen s;
	unsigned missing = 9;

	(void)state;
	assert_int_equal(check("CONFIG_VT=y\r\nCONFIG_BRIDGE=m\r\n", &s, &missing), 2);
	assert_int_equal(missing, 0);
	assert_int_equal(check("", &s, &missing), 0);
	assert_int_equal(missing, 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(kconfig_compare("CONFIG_VT=y", 11, "", 0, record, &s, &missing), 1);
	assert_int_equal(missing, 1);
	assert_string_equal(s.lines[0], "CONFIG_VT|y|");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(all_present),	     cmocka_unit_test(missing_reported),
	    cmocka_unit_test(prefix_is_not_a_match), cmocka_unit_test(typo_counts_as_missing),
	    cmocka_unit_test(crlf_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
