// SPDX-License-Identifier: MIT
/* Unit tests for the value syntaxes the cell list's keys share: sizes,
 * numbers, rlimit values, signal names, durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>

#include "config.h"
#include "config_harness.h"

static void test_size_and_number_parse(void **state)
{
	static const struct {
		const char *s;
		uint64_t bytes;
	} good[] = {
	    {"0", 0},
	    {"1", 1},
	    {"1K", 1024},
	    {"512M", 512ull << 20},
	    {"3G", 3ull << 30},
	    {"2T", 2ull << 40},
	    {"18446744073709551615", UINT64_MAX},
	    {"16777215T", 16777215ull << 40},
	    {"007K", 7168},
	};
	static const char *const bad[] = {
	    NULL,
	    "",
	    "K",
	    "1k",
	    "1KB",
	    "1 K",
	    " 1",
	    "1 ",
	    "+1",
	    "-1",
	    "1.5M",
	    "1P",
	    "1E",
	    "0x10",
	    "1KK",
	    "16777216T",
	    "18446744073709551616",
	    "99999999999999999999999",
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 1;
		assert_int_equal(size_parse(good[i].s, &v), 0);
		assert_true(v == good[i].bytes);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		assert_int_equal(size_parse(bad[i], &v), -EINVAL);
		assert_int_equal(v, 7);
	}

	assert_int_equal(number_parse("5", 1, 5, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(number_parse("6", 1, 5, &v), -EINVAL);
	assert_int_equal(number_parse("0", 1, 5, &v), -EINVAL);
	assert_int_equal(number_parse("10", 0, 9, &v), -EINVAL);
	assert_int_equal(number_parse("3", 0, 3, &v), 0);
	assert_int_equal(number_parse("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(number_parse("18446744073709551616", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(number_parse("", 0, 9, &v), -EINVAL);
	assert_int_equal(number_parse("1x", 0, 9, &v), -EINVAL);
}

static void test_rlimit_value_parse(void **state)
{
	uint64_t soft = 7, hard = 7;

	(void)state;
	assert_int_equal(rlimit_value_parse("5", &soft, &hard), 0);
	assert_int_equal(soft, 5);
	assert_int_equal(hard, 5);
	assert_int_equal(rlimit_value_parse("unlimited", &soft, &hard), 0);
	assert_true(soft == RLIM_INFINITY && hard == RLIM_INFINITY);
	assert_int_equal(rlimit_value_parse("0:unlimited", &soft, &hard), 0);
	assert_true(soft == 0 && hard == RLIM_INFINITY);
	assert_int_equal(rlimit_value_parse("18446744073709551614", &soft, &hard), 0);
	assert_true(soft == (uint64_t)RLIM_INFINITY - 1);
	assert_int_equal(rlimit_value_parse("3:3", &soft, &hard), 0);

	soft = hard = 7;
	assert_int_equal(rlimit_value_parse("4:3", &soft, &hard), -ERANGE);
	assert_int_equal(rlimit_value_parse("unlimited:3", &soft, &hard), -ERANGE);
	assert_int_equal(rlimit_value_parse(NULL, &soft, &hard), -EINVAL);
	assert_int_equal(rlimit_value_parse("unlimitedx", &soft, &hard), -EINVAL);
	assert_int_equal(rlimit_value_parse("unlimite", &soft, &hard), -EINVAL);
	assert_int_equal(rlimit_value_parse("1:unlimited:", &soft, &hard), -EINVAL);
	assert_int_equal(soft, 7);
	assert_int_equal(hard, 7);
}

/* ---- signals and durations ------------------------------------------- */

static void test_signal_parse(void **state)
{
	(void)state;
	assert_int_equal(signal_parse("SIGTERM"), SIGTERM);
	assert_int_equal(signal_parse("TERM"), SIGTERM);
	assert_int_equal(signal_parse("SIGUSR2"), SIGUSR2);
	assert_int_equal(signal_parse("KILL"), SIGKILL);
	assert_int_equal(signal_parse("SIGPWR"), SIGPWR);
	assert_int_equal(signal_parse("SIGIOT"), SIGABRT);
	assert_int_equal(signal_parse("SIGCLD"), SIGCHLD);
	assert_int_equal(signal_parse("SIGRTMIN"), SIGRTMIN);
	assert_int_equal(signal_parse("RTMIN"), SIGRTMIN);
	assert_int_equal(signal_parse("SIGRTMIN+3"), SIGRTMIN + 3);
	assert_int_equal(signal_parse("RTMIN+0"), SIGRTMIN);
	assert_int_equal(signal_parse("SIGRTMAX"), SIGRTMAX);
	assert_int_equal(signal_parse("SIGRTMAX-1"), SIGRTMAX - 1);
	assert_int_equal(signal_parse("15"), 15);
	assert_int_equal(signal_parse("1"), 1);
	assert_int_equal(signal_parse("015"), 15);

	char top[32];
	snprintf(top, sizeof(top), "%d", SIGRTMAX);
	assert_int_equal(signal_parse(top), SIGRTMAX);
	snprintf(top, sizeof(top), "%d", SIGRTMAX + 1);
	assert_int_equal(signal_parse(top), -EINVAL);
	snprintf(top, sizeof(top), "SIGRTMIN+%d", SIGRTMAX - SIGRTMIN);
	assert_int_equal(signal_parse(top), SIGRTMAX);
	snprintf(top, sizeof(top), "SIGRTMIN+%d", SIGRTMAX - SIGRTMIN + 1);
	assert_int_equal(signal_parse(top), -EINVAL);
	snprintf(top, sizeof(top), "SIGRTMAX-%d", SIGRTMAX - SIGRTMIN + 1);
	assert_int_equal(signal_parse(top), -EINVAL);

	static const char *const bad[] = {
	    NULL,	  "",	     "0",	 "-1",
	    "+15",	  " 15",     "15 ",	 "99999999999999999999",
	    "SIG",	  "sigterm", "term",	 "SIGFOO",
	    "SIGSIGTERM", "SIG15",   "RTMIN+",	 "RTMIN-1",
	    "RTMAX+1",	  "RTMIN+x", "RTMIN+1x", "RTMINX",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(signal_parse(bad[i]), -EINVAL);
}

static void test_signal_name(void **state)
{
	(void)state;
	assert_string_equal(signal_name(SIGTERM), "SIGTERM");
	assert_string_equal(signal_name(SIGKILL), "SIGKILL");
	assert_string_equal(signal_name(SIGABRT), "SIGABRT");
	assert_string_equal(signal_name(SIGCHLD), "SIGCHLD");
	assert_string_equal(signal_name(SIGIO), "SIGIO");
	assert_string_equal(signal_name(SIGRTMIN), "SIGRTMIN");
	assert_string_equal(signal_name(SIGRTMIN + 3), "SIGRTMIN+3");
	assert_string_equal(signal_name(SIGRTMAX), "SIGRTMAX");
	assert_string_equal(signal_name(SIGRTMAX - 2), "SIGRTMAX-2");
	assert_string_equal(signal_name(0), "0");
	assert_string_equal(signal_name(1000), "1000");

	/* every number round-trips */
	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		char name[32];

		snprintf(name, sizeof(name), "%s", signal_name(sig));
		assert_int_equal(signal_parse(name), sig);
	}
}

static void test_duration_parse(void **state)
{
	static const struct {
		const char *s;
		unsigned ms;
	} good[] = {
	    {"10s", 10000},
	    {"10", 10000},
	    {"500ms", 500},
	    {"2m", 120000},
	    {"0", 0},
	    {"0ms", 0},
	    {"4294967295ms", 4294967295u},
	    {"4294967s", 4294967000u},
	    {"71582m", 4294920000u},
	};
	static const char *const bad[] = {
	    NULL,	"",	  "s",
	    "ms",	"-1",	  "+1",
	    " 1",	"1 ",	  "1.5s",
	    "1h",	"1S",	  "1sec",
	    "1mss",	"10x",	  "4294967296ms",
	    "4294968s", "71583m", "99999999999999999999999",
	};
	unsigned ms;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ms = 1;
		assert_int_equal(duration_parse_ms(good[i].s, &ms), 0);
		assert_int_equal(ms, good[i].ms);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ms = 7;
		assert_int_equal(duration_parse_ms(bad[i], &ms), -EINVAL);
		assert_int_equal(ms, 7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_size_and_number_parse, teardown),
	    cmocka_unit_test_teardown(test_rlimit_value_parse, teardown),
	    cmocka_unit_test_teardown(test_signal_parse, teardown),
	    cmocka_unit_test_teardown(test_signal_name, teardown),
	    cmocka_unit_test_teardown(test_duration_parse, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
