// SPDX-License-Identifier: MIT
/* Unit tests for the cells' live figures: the cgroup file parsers
 * (mgr/start/cgroup_stat.c) and `cellctl top`'s reading of `list json`
 * (mgr/cellctl/ctl_top.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "cgroup_stat.h"
#include "ctl_top.h"

static void test_value_files(void **state)
{
	(void)state;
	assert_int_equal(cgroup_stat_value("123\n"), 123);
	assert_int_equal(cgroup_stat_value("0\n"), 0); /* a real 0 stays 0 */
	assert_true(cgroup_stat_value("max\n") == CGROUP_STAT_NOLIMIT);
	assert_true(cgroup_stat_value("") == CGROUP_STAT_UNKNOWN);
	assert_true(cgroup_stat_value("12x\n") == CGROUP_STAT_UNKNOWN);
	assert_true(cgroup_stat_value("99999999999999999999999\n") == CGROUP_STAT_UNKNOWN);
}

static void test_keyed_files(void **state)
{
	static const char cpu[] = "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n";

	(void)state;
	assert_int_equal(cgroup_stat_keyed(cpu, "usage_usec"), 2500000);
	assert_int_equal(cgroup_stat_keyed(cpu, "system_usec"), 500000);
	assert_true(cgroup_stat_keyed(cpu, "usage") == CGROUP_STAT_UNKNOWN);
	assert_true(cgroup_stat_keyed("", "usage_usec") == CGROUP_STAT_UNKNOWN);
}

static void test_io_stat(void **state)
{
	uint64_t r, w;

	(void)state;
	cgroup_stat_io("8:0 rbytes=1024 wbytes=4096 rios=1 wios=2 dbytes=0 dios=0\n"
		       "254:0 rbytes=10 wbytes=20 rios=1 wios=1 dbytes=0 dios=0\n",
		       &r, &w);
	assert_int_equal(r, 1034);
	assert_int_equal(w, 4116);
	cgroup_stat_io("", &r, &w); /* no I/O yet: a real 0 */
	assert_int_equal(r, 0);
	assert_int_equal(w, 0);
}

static struct top_sample sample;

static void test_top_parse(void **state)
{
	static const char json[] =
	    "{\"cells\":[{\"name\":\"work\",\"state\":\"running\",\"pid\":89,\"uptime\":15,"
	    "\"restarts\":0,\"memory\":2412544,\"memory_max\":\"max\",\"cpu_usec\":1500000,"
	    "\"pids\":12,\"pids_max\":1024,\"io_read_bytes\":null,\"io_write_bytes\":null,"
	    "\"foreground\":true,\"later\":{\"a\":[1,2,\"x\"]}},"
	    "{\"name\":\"o\\\"dd\\u0041\",\"state\":\"stopped\",\"memory\":null}],"
	    "\"figures\":\"no io controller\"}\n";
	const struct top_cell *c;

	(void)state;
	assert_int_equal(top_parse(json, &sample), 0);
	assert_int_equal(sample.n, 2);
	assert_string_equal(sample.note, "no io controller");
	c = &sample.cells[0];
	assert_string_equal(c->name, "work");
	assert_string_equal(c->state, "running");
	assert_int_equal(c->st.memory, 2412544);
	assert_true(c->st.memory_max == CGROUP_STAT_NOLIMIT);
	assert_int_equal(c->st.cpu_usec, 1500000);
	assert_int_equal(c->st.pids, 12);
	assert_int_equal(c->st.pids_max, 1024);
	assert_true(c->st.io_read == CGROUP_STAT_UNKNOWN);
	c = &sample.cells[1];
	assert_string_equal(c->name, "o\"ddA");
	assert_true(c->st.memory == CGROUP_STAT_UNKNOWN);
	assert_true(c->st.cpu_usec == CGROUP_STAT_UNKNOWN); /* absent: unknown */

	assert_int_equal(top_parse("{\"cells\":[],\"figures\":null}", &sample), 0);
	assert_int_equal(sample.n, 0);
	assert_string_equal(sample.note, "");
}

static void test_top_parse_refuses_garbage(void **state)
{
	(void)state;
	assert_int_equal(top_parse("", &sample), -EBADMSG);
	assert_int_equal(top_parse("{\"cells\":[{\"name\":\"a\"", &sample), -EBADMSG);
	assert_int_equal(top_parse("{\"cells\":[{\"name\":\"a\\u12\"}]}", &sample), -EBADMSG);
	assert_int_equal(top_parse("[1,2]", &sample), -EBADMSG);
}

static void test_top_rate(void **state)
{
	(void)state;
	/* 0.5 s of CPU in 1 s: 50 % */
	assert_true(top_rate(1000000, 1500000, 1000000, 100.0) == 50.0);
	/* 2 MiB in 2 s: 1 MiB/s */
	assert_true(top_rate(0, 2097152, 2000000, 1e6) == 1048576.0);
	assert_true(top_rate(CGROUP_STAT_UNKNOWN, 5, 1000000, 100.0) < 0);
	assert_true(top_rate(10, 5, 1000000, 100.0) < 0); /* restarted: counter went back */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_value_files),
	    cmocka_unit_test(test_keyed_files),
	    cmocka_unit_test(test_io_stat),
	    cmocka_unit_test(test_top_parse),
	    cmocka_unit_test(test_top_parse_refuses_garbage),
	    cmocka_unit_test(test_top_rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
