// SPDX-License-Identifier: MIT
/* Unit tests for the cell list parser (mgr/config/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

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

/* ---- isolation and resources ----------------------------------------- */

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

/* image_verity, update_check, update_window (docs/images.md). */
static void test_verity_and_update_keys(void **state)
{
	static const char *const hash_hint =
	    "(expected a dm-verity root hash: 64 hex digits (sha256) or 128 (sha512), as "
	    "veritysetup format prints it)";
	static const char *const dur_hint = "(expected a duration such as 500ms, 10s or 2m, or "
					    "plain seconds; more than 0 and at most 60m)";
	static const struct {
		const char *line, *value, *hint;
	} bad[] = {
	    {"image_verity = 9ba4", "9ba4", NULL},
	    {"image_verity = 9ba4a61cd8ff411cd0ee24b52e5610a865088dfe0324e58d910c2d7b275bcf5g",
	     "9ba4a61cd8ff411cd0ee24b52e5610a865088dfe0324e58d910c2d7b275bcf5g", NULL},
	    {"image_verity = 9ba4a61cd8ff411cd0ee24b52e5610a865088dfe0324e58d910c2d7b275bcf5",
	     "9ba4a61cd8ff411cd0ee24b52e5610a865088dfe0324e58d910c2d7b275bcf5", NULL},
	    {"image_verity =", "", NULL},
	    {"update_check = notify", "notify", "(expected running or ready)"},
	    {"update_check = Ready", "Ready", "(expected running or ready)"},
	    {"update_window = 0", "0", ""},
	    {"update_window = 61m", "61m", ""},
	    {"update_window = 1.5s", "1.5s", ""},
	};
	const struct cell_config *c;
	char text[512], want[512], key[64];

	(void)state;
	parse("[cell a]\nimage = /a.erofs\n"
	      "image_verity = 9BA4A61CD8FF411CD0EE24B52E5610A865088DFE0324E58D910C2D7B275BCF56\n"
	      "update_check = ready\nupdate_window = 2m\n"
	      "[cell b]\nimage = /b.erofs\n");
	expect_messages(NULL);
	c = cell("a");
	assert_string_equal(c->image_verity,
			    "9ba4a61cd8ff411cd0ee24b52e5610a865088dfe0324e58d910c2d7b275bcf56");
	assert_int_equal(c->update_check, UPDATE_CHECK_READY);
	assert_int_equal(c->update_window_ms, 120000);
	c = cell("b");
	assert_string_equal(c->image_verity, "");
	assert_int_equal(c->update_check, UPDATE_CHECK_RUNNING);
	assert_int_equal(c->update_window_ms, CELL_DEFAULT_UPDATE_WINDOW_MS);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *hint = !bad[i].hint ? hash_hint : *bad[i].hint ? bad[i].hint : dur_hint;

		snprintf(key, sizeof(key), "%.*s", (int)strcspn(bad[i].line, " "), bad[i].line);
		snprintf(want, sizeof(want), "cells.conf:3: cell work: bad value for '%s': '%s' %s",
			 key, bad[i].value, hint);
		snprintf(text, sizeof(text),
			 "[cell work]\nimage = /w\n%s\n[cell ok]\nimage = /ok\n", bad[i].line);
		parse(text);
		expect_messages(want, NULL);
		expect_cells("ok", NULL);
	}
	/* sha512's root hash has 128 digits. */
	memset(text, 0, sizeof(text));
	strcpy(text, "[cell a]\nimage = /a\nimage_verity = ");
	memset(text + strlen(text), 'f', 128);
	strcat(text, "\n");
	parse(text);
	expect_messages(NULL);
	assert_int_equal(strlen(cell("a")->image_verity), 128);
}

/* devices = display input; vt = 1..63 (docs/devices.md). */
static void test_devices_and_vt(void **state)
{
	static const char *const vt_hint = "(expected a virtual terminal number from 1 to 63)";
	static const struct {
		const char *line;
		const char *want;
	} bad[] = {
	    {"devices = screen", "'screen' (unknown device 'screen': expected display and/or "
				 "input, separated by spaces)"},
	    {"devices = display,input", "'display,input' (unknown device 'display,input': "
					"expected display and/or input, separated by spaces)"},
	    {"devices = Display", "'Display' (unknown device 'Display': expected display "
				  "and/or input, separated by spaces)"},
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

static void test_persist_overlap(void **state)
{
	(void)state;
	parse("[cell a]\nimage = /a\npersist = /data/a\n"
	      "[cell b]\nimage = /b\npersist = /data/a/\n"
	      "[cell c]\nimage = /c\npersist = /data\n"
	      "[cell d]\nimage = /d\npersist = /data/a/b\n"
	      "[cell e]\nimage = /e\npersist = /data/ab\n"
	      "[cell f]\nimage = /f\npersist = /data2\n");
	expect_messages(
	    "cells.conf:6: cell b: 'persist' /data/a overlaps cell a's /data/a (line "
	    "3): cells cannot share a writable layer",
	    "cells.conf:9: cell c: 'persist' /data overlaps cell a's /data/a (line 3): "
	    "cells cannot share a writable layer",
	    "cells.conf:12: cell d: 'persist' /data/a/b overlaps cell a's /data/a (line "
	    "3): cells cannot share a writable layer",
	    NULL);
	expect_cells("a", "e", "f", NULL);

	/* an earlier cell dropped for another reason still holds its directory;
	 * a badly named or duplicate cell holds none */
	parse("[cell a]\nimage = /a\npersist = /p\nbogus = 1\n"
	      "[cell B]\nimage = /b\npersist = /q\n"
	      "[cell a]\nimage = /a\npersist = /r\n"
	      "[cell x]\nimage = /x\npersist = /p/x\n"
	      "[cell y]\nimage = /y\npersist = /q\n"
	      "[cell z]\nimage = /z\npersist = /r\n");
	expect_messages(
	    "cells.conf:4: cell a: unknown key 'bogus'",
	    "cells.conf:5: cell 'B': bad name (1-15 characters: a-z, 0-9, '-', '_', starting with "
	    "a "
	    "letter or digit)",
	    "cells.conf:8: duplicate cell 'a' (first defined at line 1)",
	    "cells.conf:13: cell x: 'persist' /p/x overlaps cell a's /p (line 3): cells cannot "
	    "share a writable layer",
	    NULL);
	expect_cells("y", "z", NULL);
}

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

/* ---- restart policy -------------------------------------------------- */

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

/* ---- lexer errors ---------------------------------------------------- */

static void test_lexer_errors(void **state)
{
	(void)state;
	parse("garbage\n"
	      "[host]\n"
	      "host name = x\n"
	      "[cell work]\n"
	      "image = /w\n"
	      "just words\n"
	      "[cell ok]\n"
	      "image = /ok\n");
	expect_messages("cells.conf:1: expected 'key = value'",
			"cells.conf:3: host: bad character in key",
			"cells.conf:6: cell work: expected 'key = value'", NULL);
	expect_cells("ok", NULL);
}

static void test_broken_header_ends_section(void **state)
{
	(void)state;
	/* "[cell b" ends cell a (which is kept); its keys belong nowhere */
	parse("[cell a]\n"
	      "image = /a\n"
	      "  [cell b\n"
	      "image = /b\n"
	      "not a key\n"
	      "[cell c]\n"
	      "image = /c\n"
	      "[cell d] x\n"
	      "[cell e]\n"
	      "image = /e\n");
	expect_messages("cells.conf:3: section header without closing ']'",
			"cells.conf:8: text after section header", NULL);
	expect_cells("a", "c", "e", NULL);
}

static void test_nul_and_long_lines(void **state)
{
	static const char text[] = "[cell a]\nimage = /a\0b\n[cell b]\nimage = /b";
	static char big[8000];

	(void)state;
	config_free(&cfg);
	reset();
	assert_int_equal(config_parse(&cfg, "cells.conf", text, sizeof(text) - 1, collect, &msgs),
			 0);
	expect_messages("cells.conf:2: cell a: NUL byte in line",
			"cells.conf:1: cell a: missing required key 'image'", NULL);
	expect_cells("b", NULL);

	strcpy(big, "[cell a]\nimage = /");
	memset(big + strlen(big), 'x', 5000);
	strcat(big, "\n[cell b]\r\nimage = /b\r\n");
	parse(big);
	expect_messages("cells.conf:2: cell a: line too long",
			"cells.conf:1: cell a: missing required key 'image'", NULL);
	expect_cells("b", NULL);
	assert_string_equal(cell("b")->image, "/b");
}

static void test_control_characters_in_messages(void **state)
{
	(void)state;
	parse("[cell a]\nimage = /a\nforeground = \x1b[2Jyes\r\x07\n");
	expect_messages("cells.conf:3: cell a: bad value for 'foreground': '?[2Jyes?"
			"?' (expected yes or no)",
			NULL);
}

static void test_no_report_callback(void **state)
{
	static const char text[] = "x = 1\n[cell Bad]\n[foo]\n";

	(void)state;
	config_free(&cfg);
	assert_int_equal(config_parse(&cfg, "f", text, sizeof(text) - 1, NULL, NULL), 0);
	assert_int_equal(cfg.n_errors, 4); /* the bad name and its missing image */
	assert_int_equal(cfg.n_cells, 0);
}

/* Not a fuzzer, but cheap: every prefix of a file and a few thousand
 * byte-flipped copies parse without crashing (run under ASan in CI). */
static void test_mangled_input(void **state)
{
	static const char good[] = "[host]\nhostname = board\nmodules = evdev loop\n"
				   "data_dir = /var/x\nidmap_base = 65536\nidmap_ranges = 9\n"
				   "[cell work]\nimage = /cells/work.erofs\nforeground = yes\n"
				   "stop_signal = SIGRTMIN+3\nstop_timeout = 10s\n"
				   "userns = no\npersist = /data/w\ncaps_drop = net_raw\n"
				   "caps_keep = sys_time\nmemory = 512M\nmemory_high = 1G\n"
				   "pids = 99\ncpu_weight = 5\nio_weight = 7\n"
				   "rlimit_nofile = 1:unlimited\nrlimit_core = 0\n"
				   "restart = on-failure\nrestart_delay = 2s\n"
				   "restart_delay_max = 1m\ncrash_limit = 9\n"
				   "[cell personal]\nimage = /p\nstop_signal = 12\n"
				   "persist = /data/w/p\n";
	static const char alphabet[] = "[]=#; \t\r\n\0aZ9_-./+";
	char buf[sizeof(good)];
	unsigned seed = 1;

	(void)state;
	for (size_t n = 0; n <= sizeof(good) - 1; n++) {
		config_free(&cfg);
		assert_int_equal(config_parse(&cfg, "f", good, n, NULL, NULL), 0);
		assert_true(cfg.n_cells <= 2);
	}
	for (int round = 0; round < 5000; round++) {
		memcpy(buf, good, sizeof(good));
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[(seed >> 8) % (sizeof(good) - 1)] =
			    alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
		}
		config_free(&cfg);
		reset();
		assert_int_equal(config_parse(&cfg, "f", buf, sizeof(good) - 1, collect, &msgs), 0);
		assert_int_equal(cfg.n_errors, msgs.total);
		assert_true(cfg.n_cells <= 2);
	}
}

/* ---- config_load ----------------------------------------------------- */

static char *write_temp(const char *text, size_t len)
{
	char *path = strdup("/tmp/test_config.XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_load(void **state)
{
	static const char text[] = "[cell a]\nimage = /a\nbad = 1\n[cell b]\nimage = /b\n";
	char *path = write_temp(text, sizeof(text) - 1);
	char want[256];

	(void)state;
	config_free(&cfg);
	reset();
	assert_int_equal(config_load(&cfg, path, collect, &msgs), 0);
	snprintf(want, sizeof(want), "%s:3: cell a: unknown key 'bad'", path);
	expect_messages(want, NULL);
	expect_cells("b", NULL);
	unlink(path);
	free(path);
}

static void test_load_missing(void **state)
{
	(void)state;
	config_free(&cfg);
	reset();
	assert_int_equal(config_load(&cfg, "/nonexistent/cells.conf", collect, &msgs), -ENOENT);
	expect_messages("/nonexistent/cells.conf: No such file or directory", NULL);
	assert_int_equal(cfg.n_errors, 1);
	assert_int_equal(cfg.n_cells, 0);
	assert_string_equal(cfg.host.hostname, "cellar");
	assert_string_equal(cfg.host.data_dir, "/var/lib/cellar");
	assert_int_equal(cfg.host.idmap_base, 1879048192);
	assert_int_equal(cfg.host.idmap_ranges, 1024);

	reset();
	config_free(&cfg);
	assert_int_equal(config_load(&cfg, "/", collect, &msgs), -EISDIR);
	expect_messages("/: Is a directory", NULL);
}

static void test_load_size_limit(void **state)
{
	size_t len = CONFIG_FILE_MAX + 1;
	char *text = malloc(len);
	char *path;
	char want[256];

	(void)state;
	assert_non_null(text);
	memset(text, '\n', len);
	path = write_temp(text, len);
	config_free(&cfg);
	reset();
	assert_int_equal(config_load(&cfg, path, collect, &msgs), -EFBIG);
	snprintf(want, sizeof(want), "%s: too large (more than 1 MiB)", path);
	expect_messages(want, NULL);
	unlink(path);
	free(path);

	/* exactly the limit is fine */
	path = write_temp(text, len - 1);
	config_free(&cfg);
	reset();
	assert_int_equal(config_load(&cfg, path, collect, &msgs), 0);
	expect_messages(NULL);
	unlink(path);
	free(path);
	free(text);
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

/* net = none | bridge BRIDGE ADDR/PREFIX [gw GATEWAY]; [host] bridge. */
static void test_net(void **state)
{
	static const char *const usage =
	    "(expected none, bridge BRIDGE ADDR/PREFIX [gw GATEWAY], routed ADDR, or macvlan "
	    "PARENT MODE ADDR/PREFIX [gw GATEWAY])";
	static const struct {
		const char *value;
		const char *hint; /* NULL: usage */
	} bad[] = {
	    {"bridge", NULL},
	    {"bridge br0", NULL},
	    {"bridged br0 10.0.0.2/24", NULL},
	    {"bridge br0 10.0.0.2/24 via 10.0.0.1", NULL},
	    {"bridge br0 10.0.0.2/24 gw", NULL},
	    {"none none", NULL},
	    {"bridge br0 10.0.0.2", "(bad address '10.0.0.2': expected ADDR/PREFIX, IPv4 such as "
				    "10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"bridge br0 10.0.0.256/24", "(bad address '10.0.0.256/24': expected ADDR/PREFIX, "
					 "IPv4 such as 10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"bridge br0 10.0.0.2/33", "(bad address '10.0.0.2/33': expected ADDR/PREFIX, IPv4 "
				       "such as 10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"bridge br0 fd00::2/129", "(bad address 'fd00::2/129': expected ADDR/PREFIX, IPv4 "
				       "such as 10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"bridge br0 10.0.0.2/", "(bad address '10.0.0.2/': expected ADDR/PREFIX, IPv4 such "
				     "as 10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"bridge br0 10.0.0.2/24 gw 10.0.0.1/24",
	     "(bad gateway '10.0.0.1/24': expected an IPv4 or IPv6 address)"},
	    {"bridge br0 10.0.0.2/24 gw fd00::1",
	     "(gateway 'fd00::1' is not of the same family as '10.0.0.2/24')"},
	    {"bridge averyveryverylongbr 10.0.0.2/24",
	     "(bridge name 'averyveryverylongbr' is longer than 15 characters)"},
	    {"bridge br/0 10.0.0.2/24", "(bad bridge name 'br/0': expected 1-15 characters of "
					"a-z, A-Z, 0-9, '-', '_' and '.')"},
	};
	char text[512], want[512];
	const struct cell_config *c;

	(void)state;
	parse("[host]\nbridge = cellbr0 10.0.0.1/24\n"
	      "[cell a]\nimage = /a\nnet = bridge cellbr0 10.0.0.2/24 gw 10.0.0.1\n"
	      "[cell b]\nimage = /b\nnet =  bridge\tcellbr0  fd00::2/64 gw fd00::1 \n"
	      "[cell c]\nimage = /c\nnet = none\n"
	      "[cell d]\nimage = /d\n"
	      "[cell thirteen-char]\nimage = /e\nnet = bridge cellbr0 10.0.0.3/24\n");
	expect_messages(NULL);
	assert_string_equal(cfg.host.bridge, "cellbr0");
	assert_int_equal(cfg.host.bridge_addrs[0].family, AF_INET);
	assert_int_equal(cfg.host.bridge_addrs[0].prefix, 24);
	assert_memory_equal(cfg.host.bridge_addrs[0].addr, "\x0a\x00\x00\x01", 4);
	assert_int_equal(cfg.host.n_bridge_addrs, 1);
	c = cell("a");
	assert_int_equal(c->net.mode, CELL_NET_BRIDGE);
	assert_string_equal(c->net.bridge, "cellbr0");
	assert_int_equal(c->net.addr.family, AF_INET);
	assert_int_equal(c->net.addr.prefix, 24);
	assert_memory_equal(c->net.addr.addr, "\x0a\x00\x00\x02", 4);
	assert_int_equal(c->net.gw.family, AF_INET);
	assert_memory_equal(c->net.gw.addr, "\x0a\x00\x00\x01", 4);
	assert_int_equal(c->net.line, 5);
	c = cell("b");
	assert_int_equal(c->net.addr.family, AF_INET6);
	assert_int_equal(c->net.addr.prefix, 64);
	assert_int_equal(c->net.gw.family, AF_INET6);
	assert_int_equal(c->net.gw.prefix, 128);
	assert_int_equal(cell("c")->net.mode, CELL_NET_NONE);
	assert_int_equal(cell("d")->net.mode, CELL_NET_NONE);
	assert_int_equal(cell("thirteen-char")->net.addr.family, AF_INET);
	assert_int_equal(cell("thirteen-char")->net.gw.family, 0);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want),
			 "cells.conf:5: cell work: bad value for 'net': '%s' %s", bad[i].value,
			 bad[i].hint ? bad[i].hint : usage);
		snprintf(text, sizeof(text),
			 "[host]\nbridge = br0 10.0.0.1/24\n[cell work]\nimage = /w\nnet = %s\n"
			 "[cell ok]\nimage = /ok\nnet = bridge br0 10.0.0.9/24\n",
			 bad[i].value);
		parse(text);
		expect_messages(want, NULL);
		expect_cells("ok", NULL);
	}

	/* c-NAME must fit IFNAMSIZ: a bridged cell's name has 13 characters at most. */
	parse("[host]\nbridge = br0 10.0.0.1/24\n"
	      "[cell fourteen-chars]\nimage = /w\nnet = bridge br0 10.0.0.2/24\n"
	      "[cell fifteen-chars-x]\nimage = /w\nnet = none\n");
	expect_messages("cells.conf:5: cell fourteen-chars: bad value for 'net': 'bridge br0 "
			"10.0.0.2/24' (the cell's name is too long for a bridged cell: its host "
			"interface c-NAME must fit in 15 characters, so at most 13)",
			NULL);
	expect_cells("fifteen-chars-x", NULL);

	/* A bridge [host] does not define (checked once the file is read, so
	 * [host] may come last); an address taken by the bridge or a cell. */
	parse("[cell a]\nimage = /a\nnet = bridge br1 10.0.0.2/24\n"
	      "[cell b]\nimage = /b\nnet = bridge br0 10.0.0.2/24\n"
	      "[cell c]\nimage = /c\nnet = bridge br0 10.0.0.2/24\n"
	      "[cell d]\nimage = /d\nnet = bridge br0 10.0.0.1/16\n"
	      "[cell e]\nimage = /e\nnet = bridge br0 10.0.0.2/16\n"
	      "[host]\nbridge = br0 10.0.0.1/24\n");
	expect_messages("cells.conf:3: cell a: 'net' names bridge 'br1', which [host] does not "
			"define (expected 'bridge = br1 ADDR/PREFIX' there)",
			"cells.conf:9: cell c: 'net' address is also cell b's (line 6)",
			"cells.conf:12: cell d: 'net' address is the bridge br0's own",
			"cells.conf:15: cell e: 'net' address is also cell b's (line 6)", NULL);
	expect_cells("b", NULL);

	/* No [host] bridge at all; a bad [host] bridge is dropped, its cells too. */
	parse("[cell a]\nimage = /a\nnet = bridge br0 10.0.0.2/24\n");
	expect_messages("cells.conf:3: cell a: 'net' names bridge 'br0', which [host] does not "
			"define (expected 'bridge = br0 ADDR/PREFIX' there)",
			NULL);
	expect_cells(NULL);
	parse("[host]\nbridge = br0\n[cell a]\nimage = /a\nnet = bridge br0 10.0.0.2/24\n");
	expect_messages("cells.conf:2: host: bad value for 'bridge': 'br0' (expected NAME "
			"ADDR/PREFIX [ADDR/PREFIX...], such as cellbr0 10.0.0.1/24)",
			"cells.conf:5: cell a: 'net' names bridge 'br0', which [host] does not "
			"define (expected 'bridge = br0 ADDR/PREFIX' there)",
			NULL);
	assert_string_equal(cfg.host.bridge, "");
	parse("[host]\nbridge = br0 10.1.2.3\n");
	expect_messages("cells.conf:2: host: bad value for 'bridge': 'br0 10.1.2.3' (bad "
			"address '10.1.2.3': expected ADDR/PREFIX, IPv4 such as 10.0.0.2/24 or "
			"IPv6 such as fd00::2/64)",
			NULL);
	parse("[host]\nbridge = a-bridge-too-long 10.1.2.3/8\n");
	expect_messages("cells.conf:2: host: bad value for 'bridge': 'a-bridge-too-long "
			"10.1.2.3/8' (bridge name 'a-bridge-too-long' is longer than 15 "
			"characters)",
			NULL);
}

/* net = routed ADDR and net = macvlan PARENT MODE ADDR/PREFIX [gw GATEWAY];
 * [host] forward. */
static void test_net_modes(void **state)
{
	static const char *const usage =
	    "(expected none, bridge BRIDGE ADDR/PREFIX [gw GATEWAY], routed ADDR, or macvlan "
	    "PARENT MODE ADDR/PREFIX [gw GATEWAY])";
	static const struct {
		const char *value;
		const char *hint; /* NULL: usage */
	} bad[] = {
	    {"routed", NULL},
	    {"routed 10.0.0.2 gw 10.0.0.1", NULL},
	    {"macvlan eth0 bridge", NULL},
	    {"macvlan eth0 bridge 10.0.0.2/24 via 10.0.0.1", NULL},
	    {"macvlan eth0 bridge 10.0.0.2/24 gw", NULL},
	    {"routed 10.0.0.2/24", "(a routed cell has a single address: expected ADDR, ADDR/32 "
				   "or ADDR/128, not '10.0.0.2/24')"},
	    {"routed fd00::2/64", "(a routed cell has a single address: expected ADDR, ADDR/32 or "
				  "ADDR/128, not 'fd00::2/64')"},
	    {"routed 10.0.0.256", "(bad address '10.0.0.256': expected ADDR/PREFIX, IPv4 such as "
				  "10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"macvlan eth0 bridged 10.0.0.2/24",
	     "(bad macvlan mode 'bridged': expected private, vepa, bridge or passthru)"},
	    {"macvlan averyveryverylongif private 10.0.0.2/24",
	     "(parent interface name 'averyveryverylongif' is longer than 15 characters)"},
	    {"macvlan e/0 vepa 10.0.0.2/24", "(bad parent interface name 'e/0': expected 1-15 "
					     "characters of a-z, A-Z, 0-9, '-', '_' and '.')"},
	    {"macvlan eth0 passthru 10.0.0.2", "(bad address '10.0.0.2': expected ADDR/PREFIX, "
					       "IPv4 such as 10.0.0.2/24 or IPv6 such as "
					       "fd00::2/64)"},
	    {"macvlan eth0 bridge 10.0.0.2/24 gw fd00::1",
	     "(gateway 'fd00::1' is not of the same family as '10.0.0.2/24')"},
	    {"macvlan eth0 bridge 10.0.0.2/24 gw x",
	     "(bad gateway 'x': expected an IPv4 or IPv6 address)"},
	};
	char text[512], want[512];
	const struct cell_config *c;

	(void)state;
	parse("[host]\nforward = yes\n"
	      "[cell r4]\nimage = /a\nnet = routed 10.1.0.2\n"
	      "[cell r6]\nimage = /a\nnet = routed fd01::2/128\n"
	      "[cell mp]\nimage = /a\nnet = macvlan eth0 private 10.2.0.2/24\n"
	      "[cell mv]\nimage = /a\nnet = macvlan eth0 vepa 10.2.0.3/24 gw 10.2.0.1\n"
	      "[cell mb]\nimage = /a\nnet = macvlan  eth1\tbridge 10.2.0.2/24\n"
	      "[cell mt]\nimage = /a\nnet = macvlan eth2 passthru fd02::2/64 gw fd02::1\n"
	      "[cell fifteen-chars-x]\nimage = /a\nnet = macvlan eth0 bridge 10.2.0.9/24\n");
	expect_messages(NULL);
	assert_true(cfg.host.forward);
	c = cell("r4");
	assert_int_equal(c->net.mode, CELL_NET_ROUTED);
	assert_int_equal(c->net.addr.family, AF_INET);
	assert_int_equal(c->net.addr.prefix, 32);
	assert_memory_equal(c->net.addr.addr, "\x0a\x01\x00\x02", 4);
	assert_int_equal(c->net.gw.family, 0);
	c = cell("r6");
	assert_int_equal(c->net.mode, CELL_NET_ROUTED);
	assert_int_equal(c->net.addr.family, AF_INET6);
	assert_int_equal(c->net.addr.prefix, 128);
	c = cell("mp");
	assert_int_equal(c->net.mode, CELL_NET_MACVLAN);
	assert_string_equal(c->net.parent, "eth0");
	assert_int_equal(c->net.macvlan_mode, CELL_MACVLAN_PRIVATE);
	assert_int_equal(c->net.addr.prefix, 24);
	assert_int_equal(c->net.gw.family, 0);
	c = cell("mv");
	assert_int_equal(c->net.macvlan_mode, CELL_MACVLAN_VEPA);
	assert_int_equal(c->net.gw.family, AF_INET);
	assert_memory_equal(c->net.gw.addr, "\x0a\x02\x00\x01", 4);
	/* The same address on another parent is another network. */
	c = cell("mb");
	assert_int_equal(c->net.macvlan_mode, CELL_MACVLAN_BRIDGE);
	assert_string_equal(c->net.parent, "eth1");
	c = cell("mt");
	assert_int_equal(c->net.macvlan_mode, CELL_MACVLAN_PASSTHRU);
	assert_int_equal(c->net.gw.family, AF_INET6);
	/* No c-NAME for a macvlan: its name may be longer than 13. */
	assert_int_equal(cell("fifteen-chars-x")->net.mode, CELL_NET_MACVLAN);
	assert_string_equal(net_macvlan_mode_name(CELL_MACVLAN_PASSTHRU), "passthru");

	parse("[cell a]\nimage = /a\n");
	expect_messages(NULL);
	assert_false(cfg.host.forward);
	parse("[host]\nforward = maybe\n");
	expect_messages("cells.conf:2: host: bad value for 'forward': 'maybe' (expected yes or no)",
			NULL);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want),
			 "cells.conf:3: cell work: bad value for 'net': '%s' %s", bad[i].value,
			 bad[i].hint ? bad[i].hint : usage);
		snprintf(text, sizeof(text),
			 "[cell work]\nimage = /w\nnet = %s\n"
			 "[cell ok]\nimage = /ok\nnet = routed 10.0.0.9\n",
			 bad[i].value);
		parse(text);
		expect_messages(want, NULL);
		expect_cells("ok", NULL);
	}

	parse("[cell fourteen-chars]\nimage = /w\nnet = routed 10.0.0.2\n");
	expect_messages("cells.conf:3: cell fourteen-chars: bad value for 'net': 'routed "
			"10.0.0.2' (the cell's name is too long for a routed cell: its host "
			"interface c-NAME must fit in 15 characters, so at most 13)",
			NULL);

	/* Clashes: routed with bridged or routed (both through the host) and
	 * with the bridge's own address; macvlans on the same parent. */
	parse("[host]\nbridge = br0 10.0.0.1/24\n"
	      "[cell a]\nimage = /a\nnet = bridge br0 10.0.0.2/24\n"
	      "[cell b]\nimage = /b\nnet = routed 10.0.0.2\n"
	      "[cell c]\nimage = /c\nnet = routed 10.0.0.1/32\n"
	      "[cell d]\nimage = /d\nnet = macvlan eth0 bridge 10.0.0.2/24\n"
	      "[cell e]\nimage = /e\nnet = macvlan eth0 private 10.0.0.2/16\n"
	      "[cell f]\nimage = /f\nnet = macvlan eth1 private 10.0.0.2/16\n");
	expect_messages("cells.conf:8: cell b: 'net' address is also cell a's (line 5)",
			"cells.conf:11: cell c: 'net' address is the bridge br0's own",
			"cells.conf:17: cell e: 'net' address is also cell d's (line 14)", NULL);
	expect_cells("a", "d", "f", NULL);
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
	    cmocka_unit_test_teardown(test_isolation_defaults, teardown),
	    cmocka_unit_test_teardown(test_isolation_good, teardown),
	    cmocka_unit_test_teardown(test_io_uring_opt_in, teardown),
	    cmocka_unit_test_teardown(test_cgroups_limit, teardown),
	    cmocka_unit_test_teardown(test_every_rlimit, teardown),
	    cmocka_unit_test_teardown(test_isolation_bad_values, teardown),
	    cmocka_unit_test_teardown(test_caps_in_both_lists, teardown),
	    cmocka_unit_test_teardown(test_capability_names, teardown),
	    cmocka_unit_test_teardown(test_memory_pair, teardown),
	    cmocka_unit_test_teardown(test_persist_overlap, teardown),
	    cmocka_unit_test_teardown(test_host_isolation_keys, teardown),
	    cmocka_unit_test_teardown(test_restart_defaults, teardown),
	    cmocka_unit_test_teardown(test_restart_good, teardown),
	    cmocka_unit_test_teardown(test_restart_bad_values, teardown),
	    cmocka_unit_test_teardown(test_restart_delay_pair, teardown),
	    cmocka_unit_test_teardown(test_size_and_number_parse, teardown),
	    cmocka_unit_test_teardown(test_rlimit_value_parse, teardown),
	    cmocka_unit_test_teardown(test_host_errors_keep_defaults, teardown),
	    cmocka_unit_test_teardown(test_bad_modules, teardown),
	    cmocka_unit_test_teardown(test_bad_hostnames, teardown),
	    cmocka_unit_test_teardown(test_host_section_errors, teardown),
	    cmocka_unit_test_teardown(test_host_admin_console, teardown),
	    cmocka_unit_test_teardown(test_key_outside_section, teardown),
	    cmocka_unit_test_teardown(test_unknown_section, teardown),
	    cmocka_unit_test_teardown(test_lexer_errors, teardown),
	    cmocka_unit_test_teardown(test_broken_header_ends_section, teardown),
	    cmocka_unit_test_teardown(test_nul_and_long_lines, teardown),
	    cmocka_unit_test_teardown(test_control_characters_in_messages, teardown),
	    cmocka_unit_test_teardown(test_no_report_callback, teardown),
	    cmocka_unit_test_teardown(test_mangled_input, teardown),
	    cmocka_unit_test_teardown(test_load, teardown),
	    cmocka_unit_test_teardown(test_devices_and_vt, teardown),
	    cmocka_unit_test_teardown(test_net, teardown),
	    cmocka_unit_test_teardown(test_net_modes, teardown),
	    cmocka_unit_test_teardown(test_verity_and_update_keys, teardown),
	    cmocka_unit_test_teardown(test_load_missing, teardown),
	    cmocka_unit_test_teardown(test_load_size_limit, teardown),
	    cmocka_unit_test_teardown(test_signal_parse, teardown),
	    cmocka_unit_test_teardown(test_signal_name, teardown),
	    cmocka_unit_test_teardown(test_duration_parse, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
