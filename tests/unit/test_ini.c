// SPDX-License-Identifier: MIT
/* Unit tests for the INI line lexer (common/ini.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ini.h"

static struct ini_reader reader;

static void start(const char *text)
{
	ini_init(&reader, text, strlen(text));
}

static struct ini_item next(void)
{
	return ini_next(&reader);
}

static void expect_section(unsigned line, const char *name, const char *arg)
{
	struct ini_item it = next();

	assert_int_equal(it.kind, INI_SECTION);
	assert_int_equal(it.line, line);
	assert_string_equal(it.name, name);
	assert_string_equal(it.arg, arg);
}

static void expect_key(unsigned line, const char *key, const char *value)
{
	struct ini_item it = next();

	assert_int_equal(it.kind, INI_KEY);
	assert_int_equal(it.line, line);
	assert_string_equal(it.key, key);
	assert_string_equal(it.value, value);
}

static void expect_error(unsigned line, const char *error)
{
	struct ini_item it = next();

	assert_int_equal(it.kind, INI_ERROR);
	assert_int_equal(it.line, line);
	assert_string_equal(it.error, error);
}

static void expect_end(unsigned line)
{
	struct ini_item it = next();

	assert_int_equal(it.kind, INI_END);
	assert_int_equal(it.line, line);
	/* INI_END is sticky */
	assert_int_equal(next().kind, INI_END);
}

static void test_empty(void **state)
{
	(void)state;
	start("");
	expect_end(0);
	ini_init(&reader, NULL, 0);
	expect_end(0);
}

static void test_sections(void **state)
{
	(void)state;
	start("[host]\n"
	      "[cell work]\n"
	      "  [ cell   my_os.2 ]  \n"
	      "[a-b.c_D]\n");
	expect_section(1, "host", "");
	expect_section(2, "cell", "work");
	expect_section(3, "cell", "my_os.2");
	expect_section(4, "a-b.c_D", "");
	expect_end(4);
}

static void test_keys_trimmed(void **state)
{
	(void)state;
	start("a=b\n"
	      "  key  =  some value  \n"
	      "\tk\t=\tv\t\n"
	      "empty =\n"
	      "blank =   \n"
	      "eq = x=y = z\n"
	      "path = /a b/c\n");
	expect_key(1, "a", "b");
	expect_key(2, "key", "some value");
	expect_key(3, "k", "v");
	expect_key(4, "empty", "");
	expect_key(5, "blank", "");
	expect_key(6, "eq", "x=y = z");
	expect_key(7, "path", "/a b/c");
	expect_end(7);
}

static void test_trailing_comments(void **state)
{
	(void)state;
	start("a = b # comment\n"
	      "c = d ; comment\n"
	      "e = f\t# tab before\n"
	      "g=h#i\n"
	      "j = k;l\n"
	      "m = # only a comment\n"
	      "n = o # one # two\n"
	      "[cell work] # a comment\n"
	      "[host];another\n");
	expect_key(1, "a", "b");
	expect_key(2, "c", "d");
	expect_key(3, "e", "f");
	expect_key(4, "g", "h#i");
	expect_key(5, "j", "k;l");
	expect_key(6, "m", "");
	expect_key(7, "n", "o");
	expect_section(8, "cell", "work");
	expect_section(9, "host", "");
	expect_end(9);
}

static void test_blank_and_comment_lines(void **state)
{
	(void)state;
	start("\n"
	      "# comment = not a key\n"
	      "   ; another [not a section]\n"
	      " \t \n"
	      "\t# indented\n"
	      "x = 1\n"
	      "\n");
	expect_key(6, "x", "1");
	expect_end(7);
}

static void test_line_numbers(void **state)
{
	(void)state;
	start("[host]\n\n\n# c\nhostname = b\n\n[cell x]\n");
	expect_section(1, "host", "");
	expect_key(5, "hostname", "b");
	expect_section(7, "cell", "x");
	expect_end(7);
}

static void test_crlf(void **state)
{
	(void)state;
	start("[cell work]\r\n"
	      "image = /a\r\n"
	      "x = y # c\r\n"
	      "\r\n"
	      "z =\r\n");
	expect_section(1, "cell", "work");
	expect_key(2, "image", "/a");
	expect_key(3, "x", "y");
	expect_key(5, "z", "");
	expect_end(5);
}

static void test_no_final_newline(void **state)
{
	(void)state;
	start("[host]\nhostname = board");
	expect_section(1, "host", "");
	expect_key(2, "hostname", "board");
	expect_end(2);

	start("[cell a]");
	expect_section(1, "cell", "a");
	expect_end(1);

	start("# only a comment");
	expect_end(1);
}

static void test_section_errors(void **state)
{
	(void)state;
	start("[host\n"
	      "[host] x\n"
	      "[]\n"
	      "[   ]\n"
	      "[ho/st]\n"
	      "[cell wo/rk]\n"
	      "[cell a b]\n"
	      "[cell work] x\n");
	expect_error(1, "section header without closing ']'");
	expect_error(2, "text after section header");
	expect_error(3, "empty section header");
	expect_error(4, "empty section header");
	expect_error(5, "bad character in section name");
	expect_error(6, "bad character in section argument");
	expect_error(7, "bad character in section argument");
	expect_error(8, "text after section header");
	expect_end(8);
}

static void test_key_errors(void **state)
{
	(void)state;
	start("just words\n"
	      "= value\n"
	      "  =\n"
	      "a b = c\n"
	      "k/x = v\n"
	      "ok = still read\n");
	expect_error(1, "expected 'key = value'");
	expect_error(2, "missing key before '='");
	expect_error(3, "missing key before '='");
	expect_error(4, "bad character in key");
	expect_error(5, "bad character in key");
	expect_key(6, "ok", "still read");
	expect_end(6);
}

static void test_nul_byte(void **state)
{
	static const char text[] = "a = b\nc = d\0e\nf = g";

	(void)state;
	ini_init(&reader, text, sizeof(text) - 1);
	expect_key(1, "a", "b");
	expect_error(2, "NUL byte in line");
	expect_key(3, "f", "g");
	expect_end(3);
}

static void test_line_too_long(void **state)
{
	static char text[3 * INI_LINE_MAX + 16];
	size_t n = 3 * INI_LINE_MAX;

	(void)state;
	/* exactly INI_LINE_MAX is fine */
	memset(text, 'v', INI_LINE_MAX);
	memcpy(text, "k=", 2);
	strcpy(text + INI_LINE_MAX, "\n");
	start(text);
	struct ini_item it = next();
	assert_int_equal(it.kind, INI_KEY);
	assert_int_equal(strlen(it.value), INI_LINE_MAX - 2);
	expect_end(1);

	/* one more is not, and the next line is read normally */
	memset(text, 'v', n);
	strcpy(text + n, "\nk = v");
	start(text);
	expect_error(1, "line too long");
	expect_key(2, "k", "v");
	expect_end(2);
}

static void test_buffer_not_terminated(void **state)
{
	/* The lexer must stop at len: "x = 1" then garbage it must not see. */
	static const char text[] = "x = 1\n[broken";

	(void)state;
	ini_init(&reader, text, 6);
	expect_key(1, "x", "1");
	expect_end(1);
}

static void test_next_word(void **state)
{
	char buf[] = "  evdev\tloop  erofs overlay  ";
	char *cursor = buf;

	(void)state;
	assert_string_equal(ini_next_word(&cursor), "evdev");
	assert_string_equal(ini_next_word(&cursor), "loop");
	assert_string_equal(ini_next_word(&cursor), "erofs");
	assert_string_equal(ini_next_word(&cursor), "overlay");
	assert_null(ini_next_word(&cursor));
	assert_null(ini_next_word(&cursor));

	char empty[] = "";
	cursor = empty;
	assert_null(ini_next_word(&cursor));

	char one[] = "x";
	cursor = one;
	assert_string_equal(ini_next_word(&cursor), "x");
	assert_null(ini_next_word(&cursor));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_sections),
	    cmocka_unit_test(test_keys_trimmed),
	    cmocka_unit_test(test_trailing_comments),
	    cmocka_unit_test(test_blank_and_comment_lines),
	    cmocka_unit_test(test_line_numbers),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_no_final_newline),
	    cmocka_unit_test(test_section_errors),
	    cmocka_unit_test(test_key_errors),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_line_too_long),
	    cmocka_unit_test(test_buffer_not_terminated),
	    cmocka_unit_test(test_next_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
