// SPDX-License-Identifier: MIT
/* Unit tests for the admin console's command line (mgr/proto/admin_cmd.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "admin_cmd.h"

static struct admin_cmd cmd;
static char line[ADMIN_LINE_MAX + 2];

static enum admin_verdict parse(const char *text)
{
	snprintf(line, sizeof(line), "%s", text);
	return admin_cmd_parse(line, &cmd);
}

/* text gives exactly these fields (the list ends with NULL). */
static void expect_run(const char *text, ...)
{
	va_list ap;
	unsigned i = 0;

	assert_int_equal(parse(text), ADMIN_RUN);
	va_start(ap, text);
	for (const char *want = va_arg(ap, const char *); want; want = va_arg(ap, const char *))
		assert_string_equal(cmd.fields[i++], want);
	va_end(ap);
	assert_int_equal(cmd.n, i);
}

static void expect_refused(const char *text, const char *why)
{
	assert_int_equal(parse(text), ADMIN_REFUSE);
	assert_string_equal(cmd.why, why);
}

static void test_commands(void **state)
{
	(void)state;
	expect_run("list\n", "list", NULL);
	expect_run("  list   --json \r\n", "list", "json", NULL);
	expect_run("--json list", "list", "json", NULL);
	expect_run("status work", "status", "work", NULL);
	expect_run("status\twork --json\n", "status", "work", "json", NULL);
	expect_run("start personal", "start", "personal", NULL);
	expect_run("stop personal", "stop", "personal", NULL);
	expect_run("restart work", "restart", "work", NULL);
	expect_run("switch personal", "switch", "personal", NULL);
	expect_run("log work", "log", "work", NULL);
	expect_run("reload", "reload", NULL);
	/* a pasted cellctl command line */
	expect_run("cellctl list --json", "list", "json", NULL);
	expect_run("cellctl stop work\n", "stop", "work", NULL);
	/* a name the server does not know is its business ("no cell 'x'") */
	expect_run("stop nosuchcell", "stop", "nosuchcell", NULL);

	assert_true(parse("stop work") == ADMIN_RUN && admin_cmd_changes(&cmd));
	assert_true(parse("reload") == ADMIN_RUN && admin_cmd_changes(&cmd));
	assert_true(parse("list") == ADMIN_RUN && !admin_cmd_changes(&cmd));
	assert_true(parse("status work") == ADMIN_RUN && !admin_cmd_changes(&cmd));
}

static void test_empty_and_help(void **state)
{
	(void)state;
	assert_int_equal(parse(""), ADMIN_EMPTY);
	assert_int_equal(parse("\n"), ADMIN_EMPTY);
	assert_int_equal(parse(" \t \r\n"), ADMIN_EMPTY);
	assert_int_equal(parse("cellctl"), ADMIN_EMPTY);
	assert_int_equal(parse("help\n"), ADMIN_HELP);
	assert_int_equal(parse("?"), ADMIN_HELP);
	assert_int_equal(parse("--help"), ADMIN_HELP);
	assert_int_equal(parse("cellctl -h"), ADMIN_HELP);
	expect_refused("help me", "help takes no argument");
	assert_non_null(strstr(admin_cmd_help(), "list [--json]"));
	assert_non_null(strstr(admin_cmd_help(), "no shell"));
}

static void test_exec_and_follow_refused(void **state)
{
	static const char *const exec_why =
	    "exec is not available on the admin console: it runs no command, on the host or in "
	    "a cell, by design (use the cell's own console: switch NAME)";

	(void)state;
	expect_refused("exec work -- ls", exec_why);
	expect_refused("exec work ls -la", exec_why);
	expect_refused("cellctl exec work -- sh -c 'tail -f /x'", exec_why);
	expect_refused("exec", exec_why);
	expect_refused("console work",
		       "console is not available on the admin console: it is the board's terminal "
		       "already (switch NAME shows a cell's console on the board's)");
	expect_refused("log work -f",
		       "log -f is not available on the admin console: it would hold the line "
		       "(log NAME prints the recent output)");
	expect_refused("log --follow work",
		       "log -f is not available on the admin console: it would hold the line "
		       "(log NAME prints the recent output)");
	expect_refused("list -f", "list: -f is for log");
}

static void test_bad_lines(void **state)
{
	char many[256] = "";

	(void)state;
	expect_refused("rm -rf /", "unknown option '-rf' (help lists the commands)");
	expect_refused("sh", "unknown command 'sh' (help lists the commands)");
	expect_refused("ls /", "unknown command 'ls' (help lists the commands)");
	expect_refused("\x1b[A", "unknown command '?[A' (help lists the commands)");
	expect_refused("xyzzy\xff", "unknown command 'xyzzy?' (help lists the commands)");
	expect_refused("--json", "missing command (help lists the commands)");
	expect_refused("list --socket /x", "unknown option '--socket' (help lists the commands)");
	expect_refused("stop", "stop: missing cell name (usage: stop NAME)");
	expect_refused("status --json", "status: missing cell name (usage: status NAME)");
	expect_refused("stop work personal", "stop: unexpected argument 'personal'");
	expect_refused("list work", "list: unexpected argument 'work'");
	expect_refused("reload now", "reload: unexpected argument 'now'");
	expect_refused("stop work --json", "stop: --json is for list and status");
	/* a quoted word is cut at 40 characters */
	expect_refused("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		       "unknown command 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' (help lists "
		       "the commands)");
	for (int i = 0; i < ADMIN_WORDS_MAX + 1; i++)
		strcat(many, "list ");
	expect_refused(many, "too many words (at most 16)");
	many[strlen(many) - 5] = '\0';
	expect_refused(many, "list: unexpected argument 'list'");
}

/* update: its own form, as cellctl's; the image a path on the board. */
static void test_update(void **state)
{
	(void)state;
	expect_run("update work /data/images/work-2.erofs", "update", "work",
		   "/data/images/work-2.erofs", NULL);
	expect_run("cellctl update work /data/w.erofs --version 2 --verity ab12", "update", "work",
		   "/data/w.erofs", "verity", "ab12", "version", "2", NULL);
	expect_refused("update", "update: missing cell name (usage: update NAME IMAGE [--verity "
				 "HASH] [--version TEXT])");
	expect_refused("update work", "update: missing image file");
	expect_refused("update work images/w.erofs",
		       "update: the image must be an absolute path on the board");
	expect_refused("update work /w.erofs --version", "update: --version needs a value");
	expect_refused("update work /w.erofs --version 1 --version 2",
		       "update: unexpected argument '--version'");
	expect_refused("update work /w.erofs --json", "update: unexpected argument '--json'");
	assert_non_null(strstr(admin_cmd_help(), "update NAME IMAGE"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_commands),
	    cmocka_unit_test(test_empty_and_help),
	    cmocka_unit_test(test_exec_and_follow_refused),
	    cmocka_unit_test(test_bad_lines),
	    cmocka_unit_test(test_update),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
