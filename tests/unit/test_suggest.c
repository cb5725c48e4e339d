// SPDX-License-Identifier: MIT
/* Unit tests for "did you mean" (mgr/util/suggest.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "suggest.h"

static const char *nearest(const char *typed, const char *const words[])
{
	struct suggest s;

	suggest_init(&s, typed);
	for (size_t i = 0; words[i]; i++)
		suggest_add(&s, words[i]);
	return suggest_best(&s);
}

static const char *const keys[] = {"image", "init", "init_env", "memory",	 "memory_high",
				   "pids",  "net",  "vt",	"rlimit_nofile", NULL};
static const char *const commands[] = {"list", "status", "start",  "stop", "restart", "switch",
				       "log",  "exec",	 "reload", "top",  NULL};

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("memory", "memory"), 0);
	assert_int_equal(suggest_distance("memroy", "memory"), 1); /* a swap is one edit */
	assert_int_equal(suggest_distance("memry", "memory"), 1);
	assert_int_equal(suggest_distance("mmeory", "memory"), 1);
	assert_int_equal(suggest_distance("MEMORY", "memory"), 0); /* case ignored */
	assert_int_equal(suggest_distance("", "ab"), 2);
	assert_int_equal(suggest_distance("colour", "memory"), SUGGEST_FAR);
}

static void test_typos_find_the_key(void **state)
{
	(void)state;
	assert_string_equal(nearest("memroy", keys), "memory");
	assert_string_equal(nearest("imgae", keys), "image");
	assert_string_equal(nearest("memory_hihg", keys), "memory_high");
	assert_string_equal(nearest("RLIMIT_NOFILE", keys), "rlimit_nofile");
	assert_string_equal(nearest("stauts", commands), "status");
	assert_string_equal(nearest("restrat", commands), "restart");
}

static void test_no_suggestion(void **state)
{
	(void)state;
	assert_null(nearest("colour", keys)); /* nothing close */
	assert_null(nearest("bogus", keys));
	assert_null(nearest("memory", keys));  /* known: nothing to suggest */
	assert_null(nearest("xy", keys));      /* short words: one edit at most */
	assert_null(nearest("sta", commands)); /* start and status: a prefix of both */
	assert_null(nearest("memor", keys));   /* memory and memory_high */
}

static void test_too_long(void **state)
{
	char big[SUGGEST_WORD_MAX + 2];

	(void)state;
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = 'a';
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(suggest_distance(big, big), SUGGEST_FAR);
	assert_null(nearest(big, keys));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_distance),
	    cmocka_unit_test(test_typos_find_the_key),
	    cmocka_unit_test(test_no_suggestion),
	    cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
