// SPDX-License-Identifier: MIT
/* Unit tests for a cell's isolation and resource keys in the cell list
 * (mgr/config/config_keys.c): userns, capabilities, io_uring, cgroup weights and
 * limits, rlimits, memory, devices and vt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "config.h"
#include "config_harness.h"

static void test_isolation_defaults(void **state)
{
	const struct cell_config *c;

	(void)state;
	parse("[cell a]\nimage = /a\n");
	expect_messages(NULL);
	c = cell("a");
	assert_true(c->userns);
	assert_false(c->io_uring);
	assert_string_equal(c->persist, "");
	assert_int_equal(c->caps_drop, 0);
	assert_int_equal(c->caps_keep, 0);
	assert_int_equal(c->memory_max, 0);
	assert_int_equal(c->memory_high, 0);
	assert_int_equal(c->pids_max, 0);
	assert_int_equal(c->cgroups_max, 4096);
	assert_int_equal(c->cpu_weight, 0);
	assert_int_equal(c->io_weight, 0);
	assert_int_equal(c->n_rlimits, 0);
}

static void test_isolation_good(void **state)
{
	const struct cell_config *c;

	(void)state;
	parse("[cell work]\n"
	      "image = /w\n"
	      "userns = no\n"
	      "persist = //data//work/\n"
	      "caps_drop = sys_admin  net_raw\tchown\n"
	      "caps_keep = sys_time checkpoint_restore\n"
	      "memory = 512M\n"
	      "memory_high = 400M\n"
	      "pids = 1024\n"
	      "cpu_weight = 1\n"
	      "io_weight = 10000\n"
	      "rlimit_nofile = 1024:524288\n"
	      "rlimit_core = unlimited\n"
	      "rlimit_as = 0:unlimited\n"
	      "[cell b]\n"
	      "image = /b\n"
	      "userns = yes\n"
	      "caps_drop =\n"
	      "memory = 1\n"
	      "memory_high = 1\n"
	      "pids = 4194304\n"
	      "[cell c]\n"
	      "image = /c\n"
	      "memory = 16777215T\n"
	      "memory_high = 7\n");
	expect_messages(NULL);
	c = cell("work");
	assert_false(c->userns);
	assert_string_equal(c->persist, "/data/work");
	assert_int_equal(c->caps_drop, (UINT64_C(1) << CAP_SYS_ADMIN) |
					   (UINT64_C(1) << CAP_NET_RAW) |
					   (UINT64_C(1) << CAP_CHOWN));
	assert_int_equal(c->caps_keep,
			 (UINT64_C(1) << CAP_SYS_TIME) | (UINT64_C(1) << CAP_CHECKPOINT_RESTORE));
	assert_int_equal(c->memory_max, 512ull << 20);
	assert_int_equal(c->memory_high, 400ull << 20);
	assert_int_equal(c->pids_max, 1024);
	assert_int_equal(c->cpu_weight, 1);
	assert_int_equal(c->io_weight, 10000);
	assert_int_equal(c->n_rlimits, 3);
	assert_int_equal(c->rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(c->rlimits[0].soft, 1024);
	assert_int_equal(c->rlimits[0].hard, 524288);
	assert_int_equal(c->rlimits[1].resource, RLIMIT_CORE);
	assert_true(c->rlimits[1].soft == RLIM_INFINITY);
	assert_true(c->rlimits[1].hard == RLIM_INFINITY);
	assert_int_equal(c->rlimits[2].resource, RLIMIT_AS);
	assert_int_equal(c->rlimits[2].soft, 0);
	assert_true(c->rlimits[2].hard == RLIM_INFINITY);

	c = cell("b");
	assert_true(c->userns);
	assert_int_equal(c->caps_drop, 0);
	assert_int_equal(c->memory_max, 1);
	assert_int_equal(c->memory_high, 1);
	assert_int_equal(c->pids_max, 4194304);
	assert_int_equal(cell("c")->memory_max, 16777215ull << 40);
}

/* Issue 13, finding 2: io_uring is off unless the cell opts in. */
static void test_io_uring_opt_in(void **state)
{
	(void)state;
	parse("[cell a]\nimage = /a\nio_uring = yes\n"
	      "[cell b]\nimage = /b\nio_uring = no\n"
	      "[cell c]\nimage = /c\n"
	      "[cell d]\nimage = /d\nio_uring = sometimes\n"
	      "[cell e]\nimage = /e\nio_uring = yes\nio_uring = no\n");
	expect_messages("cells.conf:11: cell d: bad value for 'io_uring': 'sometimes' (expected "
			"yes or no)",
			"cells.conf:15: cell e: duplicate key 'io_uring' (first set at line 14)",
			NULL);
	expect_cells("a", "b", "c", NULL);
	assert_true(cell("a")->io_uring);
	assert_false(cell("b")->io_uring);
	assert_false(cell("c")->io_uring);
}

/* Issue 13, finding 8: cgroup.max.descendants, 4096 unless the cell says. */
static void test_cgroups_limit(void **state)
{
	static const char *const hint = "(expected a number from 0 to 65536)";
	static const char *const bad[] = {"-1", "65537", "max", "4k", "", "1 2", "0x10"};
	char text[256], want[256];

	(void)state;
	parse("[cell a]\nimage = /a\ncgroups = 0\n"
	      "[cell b]\nimage = /b\ncgroups = 65536\n"
	      "[cell c]\nimage = /c\n");
	expect_messages(NULL);
	assert_int_equal(cell("a")->cgroups_max, 0);
	assert_int_equal(cell("b")->cgroups_max, 65536);
	assert_int_equal(cell("c")->cgroups_max, CELL_DEFAULT_CGROUPS_MAX);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[cell w]\nimage = /w\ncgroups = %s\n[cell ok]\nimage = /ok\n", bad[i]);
		snprintf(want, sizeof(want),
			 "cells.conf:3: cell w: bad value for 'cgroups': '%s' %s", bad[i], hint);
		parse(text);
		expect_messages(want, NULL);
		expect_cells("ok", NULL);
	}
}

static void test_every_rlimit(void **state)
{
	static const struct {
		const char *name;
		int resource;
	} names[] = {
	    {"as", RLIMIT_AS},
	    {"core", RLIMIT_CORE},
	    {"cpu", RLIMIT_CPU},
	    {"data", RLIMIT_DATA},
	    {"fsize", RLIMIT_FSIZE},
	    {"locks", RLIMIT_LOCKS},
	    {"memlock", RLIMIT_MEMLOCK},
	    {"msgqueue", RLIMIT_MSGQUEUE},
	    {"nice", RLIMIT_NICE},
	    {"nofile", RLIMIT_NOFILE},
	    {"nproc", RLIMIT_NPROC},
	    {"rss", RLIMIT_RSS},
	    {"rtprio", RLIMIT_RTPRIO},
	    {"rttime", RLIMIT_RTTIME},
	    {"sigpending", RLIMIT_SIGPENDING},
	    {"stack", RLIMIT_STACK},
	};
	char text[2048];
	size_t len;

	(void)state;
	assert_int_equal(sizeof(names) / sizeof(names[0]), CELL_RLIMITS_MAX);
	len = (size_t)snprintf(text, sizeof(text), "[cell a]\nimage = /a\n");
	for (size_t i = 0; i < CELL_RLIMITS_MAX; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "rlimit_%s = %zu\n",
					names[i].name, i + 1);
	parse(text);
	expect_messages(NULL);
	assert_int_equal(cell("a")->n_rlimits, CELL_RLIMITS_MAX);
	for (size_t i = 0; i < CELL_RLIMITS_MAX; i++) {
		assert_int_equal(cell("a")->rlimits[i].resource, names[i].resource);
		assert_int_equal(cell("a")->rlimits[i].soft, i + 1);
		assert_int_equal(cell("a")->rlimits[i].hard, i + 1);
	}

	parse("[cell a]\nimage = /a\nrlimit_foo = 1\nrlimit_ = 1\nRLIMIT_NOFILE = 1\n"
	      "rlimit_nofile = 1\nrlimit_nofile = 2\n[cell ok]\nimage = /ok\n");
	expect_messages(
	    "cells.conf:3: cell a: unknown key 'rlimit_foo'",
	    "cells.conf:4: cell a: unknown key 'rlimit_'",
	    "cells.conf:5: cell a: unknown key 'RLIMIT_NOFILE' (did you mean 'rlimit_nofile'?)",
	    "cells.conf:7: cell a: duplicate key 'rlimit_nofile' (first set at line 6)", NULL);
	expect_cells("ok", NULL);
}

static void test_isolation_bad_values(void **state)
{
	static const char *const dir =
	    "(expected an absolute path of a directory, not '/', without '.' or '..' components)";
	static const char *const caps = "expected names such as sys_admin or net_raw, lower "
					"case, without 'cap_', separated by spaces)";
	static const char *const size = "(expected a size in bytes, more than 0, with an "
					"optional suffix K, M, G or T (powers of 1024), such as "
					"512M)";
	static const char *const weight = "(expected a number from 1 to 10000; 100 is the "
					  "kernel's default)";
	static const char *const rlim = "(expected SOFT or SOFT:HARD, each a whole number or "
					"'unlimited')";
	static const char *const order = "(the soft limit is above the hard limit)";
	static const struct {
		const char *line;
		const char *hint;
	} cases[] = {
	    {"userns = maybe", "(expected yes or no)"},
	    {"userns =", "(expected yes or no)"},
	    {"persist = data/work", NULL},
	    {"persist = /", NULL},
	    {"persist = //", NULL},
	    {"persist = /data/../etc", NULL},
	    {"persist = /data/./w", NULL},
	    {"persist = /data/..", NULL},
	    {"persist =", NULL},
	    {"caps_drop = CAP_SYS_ADMIN", "(unknown capability 'CAP_SYS_ADMIN': "},
	    {"caps_drop = cap_sys_admin", "(unknown capability 'cap_sys_admin': "},
	    {"caps_drop = net_raw SYS_TIME", "(unknown capability 'SYS_TIME': "},
	    {"caps_keep = all", "(unknown capability 'all': "},
	    {"caps_keep = net_raw,sys_time", "(unknown capability 'net_raw,sys_time': "},
	    {"caps_keep = abcdefghijklmnopqrstuvwxyz0123456789",
	     "(unknown capability 'abcdefghijklmnopqrstuvwxyz01234...': "},
	    {"caps_drop = net_raw chown net_raw", "(capability 'net_raw' named twice)"},
	    {"memory = 0", size},
	    {"memory = 0K", size},
	    {"memory = 512MB", size},
	    {"memory = 512m", size},
	    {"memory = 512 M", size},
	    {"memory = 1.5G", size},
	    {"memory = -1", size},
	    {"memory = 1P", size},
	    {"memory = 16777216T", size},
	    {"memory = 18446744073709551616", size},
	    {"memory_high = K", size},
	    {"pids = 0", "(expected a number from 1 to 4194304)"},
	    {"pids = 4194305", "(expected a number from 1 to 4194304)"},
	    {"pids = max", "(expected a number from 1 to 4194304)"},
	    {"cpu_weight = 0", weight},
	    {"cpu_weight = 10001", weight},
	    {"io_weight = +5", weight},
	    {"io_weight = 99999999999999999999999", weight},
	    {"rlimit_nofile = 2048:1024", order},
	    {"rlimit_nofile = unlimited:1", order},
	    {"rlimit_nofile =", rlim},
	    {"rlimit_nofile = lots", rlim},
	    {"rlimit_nofile = 1:2:3", rlim},
	    {"rlimit_nofile = 1:", rlim},
	    {"rlimit_nofile = :1", rlim},
	    {"rlimit_nofile = 1 : 2", rlim},
	    {"rlimit_nofile = -1", rlim},
	    {"rlimit_nofile = infinity", rlim},
	    {"rlimit_nofile = Unlimited", rlim},
	    {"rlimit_nofile = 1K", rlim},
	    {"rlimit_nofile = 18446744073709551615", rlim}, /* RLIM_INFINITY as a number */
	};
	char text[512], want[512], key[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *line = cases[i].line, *eq = strchr(line, '='), *value = eq + 1;
		const char *hint = cases[i].hint ? cases[i].hint : dir;

		snprintf(key, sizeof(key), "%.*s", (int)(eq - line - 1), line);
		while (*value == ' ')
			value++;
		if (strncmp(hint, "(unknown", 8) == 0)
			snprintf(want, sizeof(want),
				 "cells.conf:3: cell work: bad value for '%s': '%s' %s%s", key,
				 value, hint, caps);
		else
			snprintf(want, sizeof(want),
				 "cells.conf:3: cell work: bad value for '%s': '%s' %s", key, value,
				 hint);
		snprintf(text, sizeof(text),
			 "[cell work]\nimage = /w\n%s\n[cell ok]\nimage = /ok\n", line);
		parse(text);
		expect_messages(want, NULL);
		expect_cells("ok", NULL);
	}
}

static void test_caps_in_both_lists(void **state)
{
	(void)state;
	parse("[cell work]\n"
	      "image = /w\n"
	      "caps_drop = net_raw sys_time kill\n"
	      "caps_keep = sys_time mknod kill\n"
	      "[cell other]\n"
	      "image = /o\n"
	      "caps_keep = sys_time\n"
	      "foreground = yes\n"
	      "caps_drop = sys_time\n"
	      "[cell ok]\n"
	      "image = /ok\n"
	      "caps_keep = sys_time syslog\n"
	      "caps_drop = net_raw sys_admin\n");
	expect_messages(
	    "cells.conf:4: cell work: 'caps_keep' and 'caps_drop' (line 3) both name kill sys_time",
	    "cells.conf:9: cell other: 'caps_drop' and 'caps_keep' (line 7) both name sys_time",
	    NULL);
	expect_cells("ok", NULL);

	/* a bad earlier list cannot collide */
	parse("[cell work]\nimage = /w\ncaps_drop = sys_time bogus\ncaps_keep = sys_time\n");
	assert_int_equal(cfg.n_errors, 1);
}

static void test_capability_names(void **state)
{
	static const struct {
		const char *name;
		int cap;
	} caps[] = {
	    {"chown", CAP_CHOWN},
	    {"dac_override", CAP_DAC_OVERRIDE},
	    {"dac_read_search", CAP_DAC_READ_SEARCH},
	    {"fowner", CAP_FOWNER},
	    {"fsetid", CAP_FSETID},
	    {"kill", CAP_KILL},
	    {"setgid", CAP_SETGID},
	    {"setuid", CAP_SETUID},
	    {"setpcap", CAP_SETPCAP},
	    {"linux_immutable", CAP_LINUX_IMMUTABLE},
	    {"net_bind_service", CAP_NET_BIND_SERVICE},
	    {"net_broadcast", CAP_NET_BROADCAST},
	    {"net_admin", CAP_NET_ADMIN},
	    {"net_raw", CAP_NET_RAW},
	    {"ipc_lock", CAP_IPC_LOCK},
	    {"ipc_owner", CAP_IPC_OWNER},
	    {"sys_module", CAP_SYS_MODULE},
	    {"sys_rawio", CAP_SYS_RAWIO},
	    {"sys_chroot", CAP_SYS_CHROOT},
	    {"sys_ptrace", CAP_SYS_PTRACE},
	    {"sys_pacct", CAP_SYS_PACCT},
	    {"sys_admin", CAP_SYS_ADMIN},
	    {"sys_boot", CAP_SYS_BOOT},
	    {"sys_nice", CAP_SYS_NICE},
	    {"sys_resource", CAP_SYS_RESOURCE},
	    {"sys_time", CAP_SYS_TIME},
	    {"sys_tty_config", CAP_SYS_TTY_CONFIG},
	    {"mknod", CAP_MKNOD},
	    {"lease", CAP_LEASE},
	    {"audit_write", CAP_AUDIT_WRITE},
	    {"audit_control", CAP_AUDIT_CONTROL},
	    {"setfcap", CAP_SETFCAP},
	    {"mac_override", CAP_MAC_OVERRIDE},
	    {"mac_admin", CAP_MAC_ADMIN},
	    {"syslog", CAP_SYSLOG},
	    {"wake_alarm", CAP_WAKE_ALARM},
	    {"block_suspend", CAP_BLOCK_SUSPEND},
	    {"audit_read", CAP_AUDIT_READ},
	    {"perfmon", CAP_PERFMON},
	    {"bpf", CAP_BPF},
	    {"checkpoint_restore", CAP_CHECKPOINT_RESTORE},
	};

	(void)state;
	assert_int_equal(sizeof(caps) / sizeof(caps[0]), CELL_CAPS_KNOWN);
	assert_int_equal(CAP_LAST_CAP + 1, CELL_CAPS_KNOWN);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		assert_int_equal(capability_parse(caps[i].name), caps[i].cap);
		assert_string_equal(capability_name(caps[i].cap), caps[i].name);
	}
	assert_null(capability_name(-1));
	assert_null(capability_name(CELL_CAPS_KNOWN));
	assert_int_equal(capability_parse(NULL), -EINVAL);
	assert_int_equal(capability_parse(""), -EINVAL);
	assert_int_equal(capability_parse("CAP_CHOWN"), -EINVAL);
	assert_int_equal(capability_parse("Chown"), -EINVAL);
}

static void test_memory_pair(void **state)
{
	(void)state;
	parse("[cell a]\nimage = /a\nmemory = 512M\nmemory_high = 524289K\n"
	      "[cell b]\nimage = /b\nmemory_high = 1G\nforeground = no\nmemory = 1023M\n"
	      "[cell c]\nimage = /c\nmemory_high = 512M\nmemory = 524288K\n"
	      "[cell d]\nimage = /d\nmemory_high = 2G\n"
	      "[cell e]\nimage = /e\nmemory = 0\nmemory_high = 2G\n");
	expect_messages(
	    "cells.conf:4: cell a: 'memory_high = 524289K' is above 'memory = 512M' (line 3)",
	    "cells.conf:9: cell b: 'memory = 1023M' is below 'memory_high = 1G' (line 7)",
	    "cells.conf:19: cell e: bad value for 'memory': '0' (expected a size in bytes, more "
	    "than 0, with an optional suffix K, M, G or T (powers of 1024), such as 512M)",
	    NULL);
	expect_cells("c", "d", NULL);
	assert_int_equal(cell("c")->memory_max, cell("c")->memory_high);
	assert_int_equal(cell("d")->memory_max, 0);
}

/* devices = display input gpu audio; vt = 1..63 (docs/devices.md); the
 * audio keys: test_config_audio.c. */
static void test_devices_and_vt(void **state)
{
	static const char *const vt_hint = "(expected a virtual terminal number from 1 to 63)";
	static const struct {
		const char *line;
		const char *want;
	} bad[] = {
	    {"devices = screen", "'screen' (unknown device 'screen': expected display, input, "
				 "gpu and/or audio, separated by spaces)"},
	    {"devices = display,input", "'display,input' (unknown device 'display,input': "
					"expected display, input, gpu and/or audio, separated by "
					"spaces)"},
	    {"devices = Display", "'Display' (unknown device 'Display': expected display, "
				  "input, gpu and/or audio, separated by spaces)"},
	    {"devices = gpu", "'gpu' (gpu needs display and input too: a compositor's screen "
			      "and keys come through its seat)"},
	    {"devices = display gpu", "'display gpu' (gpu needs display and input too: a "
				      "compositor's screen and keys come through its seat)"},
	    {"devices = display input display", "'display input display' (device 'display' "
						"named twice)"},
	    {"vt = 0", NULL},
	    {"vt = 64", NULL},
	    {"vt = tty2", NULL},
	    {"vt = -1", NULL},
	    {"vt =", NULL},
	};
	char text[512], want[512], key[64];

	(void)state;
	parse("[cell a]\nimage = /a\ndevices = display input\nvt = 2\n"
	      "[cell b]\nimage = /b\ndevices =  input \t display\nvt = 63\n"
	      "[cell c]\nimage = /c\ndevices = input\n"
	      "[cell d]\nimage = /d\ndevices =\n"
	      "[cell e]\nimage = /e\n");
	expect_messages(NULL);
	assert_int_equal(cell("a")->devices, CELL_DEV_DISPLAY | CELL_DEV_INPUT);
	assert_int_equal(cell("a")->vt, 2);
	assert_int_equal(cell("b")->devices, CELL_DEV_DISPLAY | CELL_DEV_INPUT);
	assert_int_equal(cell("b")->vt, 63);
	assert_int_equal(cell("c")->devices, CELL_DEV_INPUT);
	assert_int_equal(cell("c")->vt, 0);
	assert_int_equal(cell("d")->devices, 0);
	assert_int_equal(cell("e")->devices, 0);
	assert_int_equal(cell("e")->vt, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *line = bad[i].line, *eq = strchr(line, '='), *value = eq + 1;

		snprintf(key, sizeof(key), "%.*s", (int)(eq - line - 1), line);
		while (*value == ' ')
			value++;
		if (bad[i].want)
			snprintf(want, sizeof(want),
				 "cells.conf:3: cell work: bad value for '%s': %s", key,
				 bad[i].want);
		else
			snprintf(want, sizeof(want),
				 "cells.conf:3: cell work: bad value for '%s': '%s' %s", key, value,
				 vt_hint);
		snprintf(text, sizeof(text),
			 "[cell work]\nimage = /w\n%s\n[cell ok]\nimage = /ok\n", line);
		parse(text);
		expect_messages(want, NULL);
		expect_cells("ok", NULL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_isolation_defaults, teardown),
	    cmocka_unit_test_teardown(test_isolation_good, teardown),
	    cmocka_unit_test_teardown(test_io_uring_opt_in, teardown),
	    cmocka_unit_test_teardown(test_cgroups_limit, teardown),
	    cmocka_unit_test_teardown(test_every_rlimit, teardown),
	    cmocka_unit_test_teardown(test_isolation_bad_values, teardown),
	    cmocka_unit_test_teardown(test_caps_in_both_lists, teardown),
	    cmocka_unit_test_teardown(test_capability_names, teardown),
	    cmocka_unit_test_teardown(test_memory_pair, teardown),
	    cmocka_unit_test_teardown(test_devices_and_vt, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
