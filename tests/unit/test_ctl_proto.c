// SPDX-License-Identifier: MIT
/* Unit tests for the control protocol's codec (mgr/proto/ctl_proto.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_proto.h"

static char msg[CTL_REQUEST_MAX * 2];

/* Encodes fields and decodes the result; returns decode's status. */
static int round_trip(struct ctl_request *req, const char **why, unsigned n,
		      const char *const fields[])
{
	ssize_t len = ctl_request_encode(msg, sizeof(msg), n, fields);

	assert_true(len > 0);
	return ctl_request_decode(msg, (size_t)len, req, why);
}

/* Decodes a literal (sizeof includes the literal's final NUL). */
#define DECODE(lit, req, why) ctl_request_decode(lit, sizeof(lit), req, why)
#define DECODE_RAW(lit, req, why) ctl_request_decode(lit, sizeof(lit) - 1, req, why)

static void test_encode_layout(void **state)
{
	const char *f[] = {"status", "work"};
	ssize_t len;

	(void)state;
	len = ctl_request_encode(msg, sizeof(msg), 2, f);
	assert_int_equal(len, sizeof("cellar/2\0status\0work"));
	assert_memory_equal(msg, "cellar/2\0status\0work\0", (size_t)len);
}

static void test_round_trip_every_command(void **state)
{
	static const struct {
		const char *fields[4];
		unsigned n;
		enum ctl_cmd cmd;
		const char *name;
		bool json, follow;
	} cases[] = {
	    {{"list"}, 1, CTL_CMD_LIST, NULL, false, false},
	    {{"list", "json"}, 2, CTL_CMD_LIST, NULL, true, false},
	    {{"status", "a"}, 2, CTL_CMD_STATUS, "a", false, false},
	    {{"status", "a", "json"}, 3, CTL_CMD_STATUS, "a", true, false},
	    {{"start", "web-1"}, 2, CTL_CMD_START, "web-1", false, false},
	    {{"stop", "web_1"}, 2, CTL_CMD_STOP, "web_1", false, false},
	    {{"restart", "x"}, 2, CTL_CMD_RESTART, "x", false, false},
	    {{"switch", "x"}, 2, CTL_CMD_SWITCH, "x", false, false},
	    {{"log", "x"}, 2, CTL_CMD_LOG, "x", false, false},
	    {{"log", "x", "follow"}, 3, CTL_CMD_LOG, "x", false, true},
	    {{"reload"}, 1, CTL_CMD_RELOAD, NULL, false, false},
	    {{"reload", "allow-empty"}, 2, CTL_CMD_RELOAD, NULL, false, false},
	};
	struct ctl_request req;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(round_trip(&req, &why, cases[i].n, cases[i].fields), 0);
		assert_int_equal(req.cmd, cases[i].cmd);
		if (cases[i].name)
			assert_string_equal(req.name, cases[i].name);
		else
			assert_null(req.name);
		assert_int_equal(req.json, cases[i].json);
		assert_int_equal(req.follow, cases[i].follow);
		assert_int_equal(req.allow_empty,
				 cases[i].n == 2 && cases[i].cmd == CTL_CMD_RELOAD);
		assert_string_equal(ctl_cmd_name(req.cmd), cases[i].fields[0]);
	}
}

static void test_exec_argv_with_spaces_and_empty_args(void **state)
{
	const char *f[] = {"exec", "work",    "pipes", "sh", "-c", "echo 'a b'; exit 3",
			   "",	   "\n\t\x01"};
	struct ctl_request req;
	const char *why;

	(void)state;
	assert_int_equal(round_trip(&req, &why, 8, f), 0);
	assert_int_equal(req.cmd, CTL_CMD_EXEC);
	assert_string_equal(req.name, "work");
	assert_false(req.pty);
	assert_int_equal(req.argc, 5);
	assert_string_equal(req.argv[0], "sh");
	assert_string_equal(req.argv[2], "echo 'a b'; exit 3");
	assert_string_equal(req.argv[3], "");
	assert_string_equal(req.argv[4], "\n\t\x01");
	assert_null(req.argv[5]);
}

static void test_exec_needs_a_command(void **state)
{
	const char *f1[] = {"exec", "work", "pipes"};
	const char *f2[] = {"exec", "work", "pipes", ""};
	const char *f3[] = {"exec", "work", "pty", "24", "80"};
	const char *f4[] = {"exec", "work", "pty", "24", "80", ""};
	struct ctl_request req;
	const char *why;

	(void)state;
	assert_int_equal(round_trip(&req, &why, 3, f1), -EINVAL);
	assert_non_null(strstr(why, "usage: exec NAME pipes|pty ROWS COLS ARG0"));
	assert_int_equal(round_trip(&req, &why, 4, f2), -EINVAL);
	assert_string_equal(why, "exec: empty command");
	assert_int_equal(round_trip(&req, &why, 5, f3), -EINVAL);
	assert_non_null(strstr(why, "usage: exec NAME"));
	assert_int_equal(round_trip(&req, &why, 6, f4), -EINVAL);
	assert_string_equal(why, "exec: empty command");
}

/* Finding 3 of issue 13: the client says pty or pipes, and the terminal's
 * size; it sends no descriptor of its own (ctl.c refuses any). */
static void test_exec_mode_and_size(void **state)
{
	const char *pty[] = {"exec", "work", "pty", "33", "101", "sh"};
	const char *zero[] = {"exec", "work", "pty", "0", "0", "sh"};
	const char *big[] = {"exec", "work", "pty", "65535", "65535", "sh"};
	const char *bad[][6] = {
	    {"exec", "work", "pty", "65536", "80", "sh"},
	    {"exec", "work", "pty", "-1", "80", "sh"},
	    {"exec", "work", "pty", "024", "80", "sh"},
	    {"exec", "work", "pty", "", "80", "sh"},
	    {"exec", "work", "pty", "24", "8x", "sh"},
	    {"exec", "work", "pty", "24", " 80", "sh"},
	};
	const char *old[] = {"exec", "work", "sh", "-c", "true"};
	struct ctl_request req;
	const char *why;

	(void)state;
	assert_int_equal(round_trip(&req, &why, 6, pty), 0);
	assert_true(req.pty);
	assert_int_equal(req.rows, 33);
	assert_int_equal(req.cols, 101);
	assert_int_equal(req.argc, 1);
	assert_string_equal(req.argv[0], "sh");
	assert_null(req.argv[1]);
	assert_int_equal(round_trip(&req, &why, 6, zero), 0);
	assert_int_equal(req.rows, 0);
	assert_int_equal(round_trip(&req, &why, 6, big), 0);
	assert_int_equal(req.cols, 65535);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(round_trip(&req, &why, 6, bad[i]), -EINVAL);
		assert_string_equal(why, "exec: bad terminal size");
	}
	/* A client from before the mode field. */
	assert_int_equal(round_trip(&req, &why, 5, old), -EINVAL);
	assert_string_equal(why, "exec: the mode is pipes or pty");
}

static void test_exec_many_args_up_to_the_limit(void **state)
{
	const char *f[CTL_FIELDS_MAX + 1];
	struct ctl_request req;
	const char *why;

	(void)state;
	f[0] = "exec";
	f[1] = "work";
	f[2] = "pipes";
	for (unsigned i = 3; i < CTL_FIELDS_MAX + 1; i++)
		f[i] = "x";
	assert_int_equal(round_trip(&req, &why, CTL_FIELDS_MAX, f), 0);
	assert_int_equal(req.argc, CTL_FIELDS_MAX - 3);
	assert_null(req.argv[req.argc]);
	/* One more field is refused by both ends. */
	assert_int_equal(ctl_request_encode(msg, sizeof(msg), CTL_FIELDS_MAX + 1, f), -EMSGSIZE);
	{
		size_t len = sizeof(CTL_VERSION);

		memcpy(msg, CTL_VERSION, len);
		for (unsigned i = 0; i < CTL_FIELDS_MAX + 1; i++) {
			size_t fl = strlen(f[i]) + 1;

			memcpy(msg + len, f[i], fl);
			len += fl;
		}
		assert_int_equal(ctl_request_decode(msg, len, &req, &why), -EMSGSIZE);
		assert_non_null(strstr(why, "too many fields"));
	}
}

static void test_wrong_arguments(void **state)
{
	static const struct {
		const char *fields[4];
		unsigned n;
		const char *usage;
	} cases[] = {
	    {{"list", "x"}, 2, "usage: list [json]"},
	    {{"list", "json", "json"}, 3, "usage: list [json]"},
	    {{"status"}, 1, "usage: status NAME [json]"},
	    {{"status", "a", "xml"}, 3, "usage: status NAME [json]"},
	    {{"status", "a", "json", "json"}, 4, "usage: status NAME [json]"},
	    {{"start"}, 1, "usage: start NAME"},
	    {{"stop", "a", "b"}, 3, "usage: stop NAME"},
	    {{"log", "a", "-f"}, 3, "usage: log NAME [follow]"},
	    {{"reload", "now"}, 2, "usage: reload [allow-empty]"},
	};
	struct ctl_request req;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(round_trip(&req, &why, cases[i].n, cases[i].fields), -EINVAL);
		assert_non_null(strstr(why, cases[i].usage));
	}
}

/* update NAME IMAGE [verity HASH] [version TEXT] (docs/control.md). */
static void test_update(void **state)
{
	static const char *const full[] = {"update",  "work", "/data/new.erofs", "verity", "abcd",
					   "version", "2.1"};
	static const struct {
		const char *fields[8];
		unsigned n;
	} bad[] = {
	    {{"update", "work"}, 2},
	    {{"update", "work", "/x", "verity"}, 4},
	    {{"update", "work", "/x", "colour", "red"}, 5},
	    {{"update", "work", "/x", "verity", "a", "verity", "b"}, 7},
	    {{"update", "work", "/x", "version", "1", "verity", "b"}, 7},
	};
	struct ctl_request req;
	const char *why;

	(void)state;
	assert_int_equal(round_trip(&req, &why, 7, full), 0);
	assert_int_equal(req.cmd, CTL_CMD_UPDATE);
	assert_string_equal(req.name, "work");
	assert_string_equal(req.image, "/data/new.erofs");
	assert_string_equal(req.version, "2.1");
	assert_string_equal(req.verity, "abcd");
	assert_int_equal(round_trip(&req, &why, 3, full), 0);
	assert_null(req.verity);
	assert_null(req.version);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(round_trip(&req, &why, bad[i].n, bad[i].fields), -EINVAL);
		assert_non_null(
		    strstr(why, "usage: update NAME IMAGE [verity HASH] [version TEXT]"));
	}
	{
		static const char *const rel[] = {"update", "work", "new.erofs"};

		assert_int_equal(round_trip(&req, &why, 3, rel), -EINVAL);
		assert_string_equal(why, "update: the image must be an absolute path");
	}
}

static void test_bad_names(void **state)
{
	static const char *names[] = {
	    "a b",	   "a\nb",
	    "\x1b[2J",	   "tab\t",
	    "caf\xc3\xa9", "0123456789012345678901234567890123456789012345678901234567890123456789",
	};
	struct ctl_request req;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *f[] = {"status", names[i]};

		assert_int_equal(round_trip(&req, &why, 2, f), -EINVAL);
		assert_string_equal(why, "bad cell name");
	}
	/* An empty field is no name either. */
	assert_int_equal(DECODE("cellar/2\0status\0", &req, &why), -EINVAL);
}

static void test_malformed(void **state)
{
	struct ctl_request req;
	const char *why;

	(void)state;
	assert_int_equal(ctl_request_decode("", 0, &req, &why), -EBADMSG);
	assert_string_equal(why, "empty request");
	/* Protocol version 1 was one line of text. */
	assert_int_equal(DECODE_RAW("cellar/1 list", &req, &why), -EPROTONOSUPPORT);
	assert_non_null(strstr(why, "cellar/2"));
	assert_int_equal(DECODE("cellar/3\0list", &req, &why), -EPROTONOSUPPORT);
	assert_int_equal(DECODE("cellar/22\0list", &req, &why), -EPROTONOSUPPORT);
	assert_int_equal(DECODE("cellar/\0list", &req, &why), -EPROTONOSUPPORT);
	assert_int_equal(DECODE("\0cellar/2\0list", &req, &why), -EPROTONOSUPPORT);
	assert_int_equal(DECODE_RAW("GET / HTTP/1.0\r\n\r\n", &req, &why), -EPROTONOSUPPORT);
	/* Truncated: the version alone without its NUL, the last field cut. */
	assert_int_equal(DECODE_RAW("cellar/2", &req, &why), -EBADMSG);
	assert_int_equal(DECODE_RAW("cellar/2\0list", &req, &why), -EBADMSG);
	assert_non_null(strstr(why, "truncated"));
	assert_int_equal(DECODE_RAW("cellar/2\0status\0wo", &req, &why), -EBADMSG);
	/* No command, an empty one, an unknown one, NULs only. */
	assert_int_equal(DECODE_RAW("cellar/2\0", &req, &why), -EBADMSG);
	assert_string_equal(why, "missing command");
	assert_int_equal(DECODE("cellar/2\0", &req, &why), -EBADMSG);
	assert_int_equal(DECODE("cellar/2\0\0list", &req, &why), -EBADMSG);
	assert_int_equal(DECODE("cellar/2\0rm\0-rf", &req, &why), -ENOSYS);
	assert_string_equal(why, "unknown command");
	assert_int_equal(DECODE("cellar/2\0LIST", &req, &why), -ENOSYS);
	assert_int_equal(DECODE("cellar/2\0list ", &req, &why), -ENOSYS);
}

static void test_every_truncation_of_a_valid_request_is_refused(void **state)
{
	const char *f[] = {"exec", "work", "pty", "24", "80", "sh", "-c", "exit 3"};
	struct ctl_request req;
	const char *why;
	ssize_t len;

	(void)state;
	len = ctl_request_encode(msg, sizeof(msg), 8, f);
	assert_true(len > 0);
	for (ssize_t cut = 0; cut < len; cut++) {
		int r = ctl_request_decode(msg, (size_t)cut, &req, &why);

		/* A cut on a field boundary can still be a shorter valid
		 * request ("exec work sh -c"); anything else is refused. */
		if (r == 0) {
			assert_int_equal(msg[cut - 1], '\0');
			continue;
		}
		assert_true(r < 0);
		assert_non_null(why);
		assert_null(strchr(why, '\n'));
	}
}

static void test_oversized(void **state)
{
	static char big[CTL_REQUEST_MAX + 2];
	const char *f[] = {"exec", "work", "pipes", big};
	struct ctl_request req;
	const char *why;
	size_t head = sizeof("cellar/2\0exec\0work\0pipes");

	(void)state;
	/* Exactly CTL_REQUEST_MAX bytes is fine. */
	memset(big, 'x', CTL_REQUEST_MAX - head - 1);
	big[CTL_REQUEST_MAX - head - 1] = '\0';
	assert_int_equal(ctl_request_encode(msg, sizeof(msg), 4, f), CTL_REQUEST_MAX);
	assert_int_equal(ctl_request_decode(msg, CTL_REQUEST_MAX, &req, &why), 0);
	/* One byte more is refused by the encoder and the decoder. */
	big[CTL_REQUEST_MAX - head - 1] = 'x';
	big[CTL_REQUEST_MAX - head] = '\0';
	assert_int_equal(ctl_request_encode(msg, sizeof(msg), 4, f), -EMSGSIZE);
	memcpy(msg + head, big, CTL_REQUEST_MAX - head + 1);
	assert_int_equal(ctl_request_decode(msg, CTL_REQUEST_MAX + 1, &req, &why), -EMSGSIZE);
	assert_non_null(strstr(why, "too long"));
	/* A small output buffer is not overrun. */
	{
		const char *g[] = {"status", "work"};

		assert_int_equal(ctl_request_encode(msg, 10, 2, g), -EMSGSIZE);
		assert_int_equal(ctl_request_encode(msg, 4, 2, g), -EMSGSIZE);
	}
}

static void test_encode_refuses_no_command(void **state)
{
	const char *empty[] = {""};

	(void)state;
	assert_int_equal(ctl_request_encode(msg, sizeof(msg), 0, empty), -EINVAL);
	assert_int_equal(ctl_request_encode(msg, sizeof(msg), 1, empty), -EINVAL);
}

static void test_exec_result(void **state)
{
	char buf[32];
	int n;

	(void)state;
	n = ctl_exec_result_format(buf, sizeof(buf), false, 3);
	assert_int_equal(n, 9);
	assert_string_equal(buf, "status 3\n");
	assert_int_equal(ctl_exec_result_parse(buf, (size_t)n), 3);
	n = ctl_exec_result_format(buf, sizeof(buf), true, 9);
	assert_string_equal(buf, "signal 9\n");
	assert_int_equal(ctl_exec_result_parse(buf, (size_t)n), 137);
	assert_int_equal(ctl_exec_result_parse("status 0\n", 9), 0);
	assert_int_equal(ctl_exec_result_parse("status 255\n", 11), 255);
	assert_int_equal(ctl_exec_result_parse("status 256\n", 11), -EBADMSG);
	assert_int_equal(ctl_exec_result_parse("status \n", 8), -EBADMSG);
	assert_int_equal(ctl_exec_result_parse("status 3", 8), -EBADMSG);
	assert_int_equal(ctl_exec_result_parse("status 3\nx", 10), -EBADMSG);
	assert_int_equal(ctl_exec_result_parse("status -3\n", 10), -EBADMSG);
	assert_int_equal(ctl_exec_result_parse("signal 0\n", 9), -EBADMSG);
	assert_int_equal(ctl_exec_result_parse("exited 3\n", 9), -EBADMSG);
	assert_int_equal(ctl_exec_result_parse("", 0), -EBADMSG);
	assert_int_equal(ctl_exec_result_format(buf, 5, false, 3), -EMSGSIZE);
}

static const char *json(const char *s)
{
	static char out[256];
	struct ctl_buf b = {.buf = out, .cap = sizeof(out) - 1};

	ctl_buf_json_string(&b, s);
	assert_false(b.truncated);
	out[b.len] = '\0';
	return out;
}

static void test_json_escaping(void **state)
{
	(void)state;
	assert_string_equal(json(""), "\"\"");
	assert_string_equal(json("web-1"), "\"web-1\"");
	assert_string_equal(json("a\"b\\c"), "\"a\\\"b\\\\c\"");
	assert_string_equal(json("l1\nl2\r\t\x01\x1f\x7f"),
			    "\"l1\\u000al2\\u000d\\u0009\\u0001\\u001f\\u007f\"");
	assert_string_equal(json("/cells/x y.img"), "\"/cells/x y.img\"");
	/* Valid UTF-8 stays as it is: 2, 3 and 4 byte forms. */
	assert_string_equal(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
			    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* Anything else becomes U+FFFD, one per bad byte. */
	assert_string_equal(json("\xff"), "\"\\ufffd\"");
	assert_string_equal(json("a\xc3"), "\"a\\ufffd\"");			/* cut at the end */
	assert_string_equal(json("\xc0\xaf"), "\"\\ufffd\\ufffd\"");		/* overlong '/' */
	assert_string_equal(json("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
	assert_string_equal(json("\xf4\x90\x80\x80"),
			    "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* past U+10FFFF */
	assert_string_equal(json("\xe2\x82x"), "\"\\ufffd\\ufffdx\"");
}

static void test_buf_never_overflows(void **state)
{
	char out[16];
	struct ctl_buf b = {.buf = out, .cap = 8};

	(void)state;
	memset(out, 'Z', sizeof(out));
	ctl_buf_printf(&b, "%s", "abc");
	assert_int_equal(b.len, 3);
	assert_false(b.truncated);
	ctl_buf_printf(&b, "%s", "defghijkl");
	assert_true(b.truncated);
	assert_true(b.len <= 8);
	ctl_buf_append(&b, "xyz", 3);
	assert_int_equal(b.len, 8);
	ctl_buf_json_string(&b, "more");
	assert_int_equal(b.len, 8);
	assert_int_equal(out[8], 'Z');
	assert_memory_equal(out, "abcdefg", 7);
}

/* The grammar table: every command of the protocol has one row, each
 * option word a row takes is decoded, and a cellctl-only row is not a
 * request. */
static void test_command_table(void **state)
{
	static const enum ctl_cmd all[] = {
	    CTL_CMD_LIST,   CTL_CMD_STATUS, CTL_CMD_START, CTL_CMD_STOP,   CTL_CMD_RESTART,
	    CTL_CMD_SWITCH, CTL_CMD_LOG,    CTL_CMD_EXEC,  CTL_CMD_RELOAD, CTL_CMD_UPDATE};
	struct ctl_request req;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const struct ctl_cmd_spec *spec = ctl_cmd_find(ctl_cmd_name(all[i]));

		assert_non_null(spec);
		assert_int_equal(spec->cmd, all[i]);
		assert_non_null(strstr(spec->wrong, "usage: "));
		assert_non_null(spec->cli);
	}
	for (size_t i = 0; i < ctl_cmds_n; i++) {
		const struct ctl_cmd_spec *spec = &ctl_cmds[i];

		assert_non_null(spec->cli);
		assert_non_null(spec->help);
		if (!spec->name || (spec->flags & CTL_LOCAL))
			continue;
		assert_ptr_equal(ctl_cmd_find(spec->name), spec);
		assert_true(!spec->admin == !spec->admin_help);
		for (int o = 0; o < CTL_OPT_N; o++) {
			const char *f[3] = {spec->name, "a", ctl_opts[o].word};
			unsigned n = spec->flags & CTL_NAMED ? 3 : 2;

			if (!(spec->opts & (1u << o)) || !ctl_opts[o].word)
				continue;
			if (n == 2)
				f[1] = f[2];
			assert_int_equal(round_trip(&req, &why, n, f), 0);
		}
	}
	assert_null(ctl_cmd_find("nope"));
	assert_non_null(ctl_cmd_find("top"));
	assert_int_equal(DECODE("cellar/2\0top", &req, &why), -ENOSYS);
	assert_string_equal(why, "unknown command");
}

static void test_options_and_held(void **state)
{
	const char *exec[] = {"exec", "a", "pipes", "true"};
	const char *follow[] = {"log", "a", "follow"};
	const char *log[] = {"log", "a"};
	const char *list[] = {"list", "json"};
	const struct ctl_cmd_spec *spec;
	struct ctl_request req;
	const char *why;
	char buf[64];

	(void)state;
	assert_string_equal(ctl_opt_commands(CTL_OPT_JSON, buf, sizeof(buf)), "list and status");
	assert_string_equal(ctl_opt_commands(CTL_OPT_FOLLOW, buf, sizeof(buf)), "log");
	assert_string_equal(ctl_opt_commands(CTL_OPT_WAIT, buf, sizeof(buf)),
			    "start, stop and restart");
	spec = ctl_cmd_find("log");
	assert_int_equal(ctl_cmd_option(spec, "-f"), CTL_OPT_FOLLOW);
	assert_int_equal(ctl_cmd_option(spec, "--follow"), CTL_OPT_FOLLOW);
	assert_int_equal(ctl_cmd_option(spec, "--raw"), CTL_OPT_RAW);
	assert_int_equal(ctl_cmd_option(spec, "--json"), -1);
	assert_int_equal(round_trip(&req, &why, 4, exec), 0);
	assert_string_equal(ctl_request_held(&req, buf, sizeof(buf)), "exec");
	assert_int_equal(round_trip(&req, &why, 3, follow), 0);
	assert_string_equal(ctl_request_held(&req, buf, sizeof(buf)), "log follow");
	assert_int_equal(round_trip(&req, &why, 2, log), 0);
	assert_null(ctl_request_held(&req, buf, sizeof(buf)));
	assert_int_equal(round_trip(&req, &why, 2, list), 0);
	assert_true(req.json);
	assert_null(ctl_request_held(&req, buf, sizeof(buf)));
}

static void test_help_entry(void **state)
{
	char text[256];
	struct ctl_buf b = {.buf = text, .cap = sizeof(text) - 1};

	(void)state;
	ctl_help_entry(&b, 12, "ab", "one\ntwo");
	ctl_help_entry(&b, 12, "abcdefghi", "long");
	text[b.len] = '\0';
	assert_string_equal(text, "  ab        one\n"
				  "            two\n"
				  "  abcdefghi\n"
				  "            long\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode_layout),
	    cmocka_unit_test(test_round_trip_every_command),
	    cmocka_unit_test(test_exec_argv_with_spaces_and_empty_args),
	    cmocka_unit_test(test_exec_mode_and_size),
	    cmocka_unit_test(test_exec_needs_a_command),
	    cmocka_unit_test(test_exec_many_args_up_to_the_limit),
	    cmocka_unit_test(test_wrong_arguments),
	    cmocka_unit_test(test_update),
	    cmocka_unit_test(test_bad_names),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_every_truncation_of_a_valid_request_is_refused),
	    cmocka_unit_test(test_oversized),
	    cmocka_unit_test(test_encode_refuses_no_command),
	    cmocka_unit_test(test_exec_result),
	    cmocka_unit_test(test_json_escaping),
	    cmocka_unit_test(test_buf_never_overflows),
	    cmocka_unit_test(test_command_table),
	    cmocka_unit_test(test_options_and_held),
	    cmocka_unit_test(test_help_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
