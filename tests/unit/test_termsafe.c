// SPDX-License-Identifier: MIT
/* Unit tests for the filter that makes a cell's console output safe for an
 * admin's terminal (mgr/util/termsafe.c; issue 13, finding 10: escape sequences
 * of a cell reached the admin's terminal through cellctl log). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "termsafe.h"

#define OUT_CAP 65536

static char out_buf[OUT_CAP];

/* The whole of in through a new filter, then its end, as a C string. */
static const char *filter_all(const char *in, size_t len, bool crlf)
{
	struct termsafe t;
	size_t n;

	termsafe_init(&t, crlf);
	n = termsafe_filter(&t, in, len, out_buf, sizeof(out_buf) - 1);
	n += termsafe_finish(&t, out_buf + n, sizeof(out_buf) - 1 - n);
	out_buf[n] = '\0';
	return out_buf;
}

static const char *filter_str(const char *in)
{
	return filter_all(in, strlen(in), false);
}

/* The same, one byte per call: a stream cut anywhere. */
static const char *filter_bytewise(const char *in, size_t len)
{
	static char buf[OUT_CAP];
	struct termsafe t;
	size_t n = 0;

	termsafe_init(&t, false);
	for (size_t i = 0; i < len; i++)
		n += termsafe_filter(&t, in + i, 1, buf + n, sizeof(buf) - 1 - n);
	n += termsafe_finish(&t, buf + n, sizeof(buf) - 1 - n);
	buf[n] = '\0';
	return buf;
}

static void test_termsafe_text_passes(void **state)
{
	(void)state;
	assert_string_equal(filter_str("hello, world\tcol2\n~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./\n"),
			    "hello, world\tcol2\n~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./\n");
}

static void test_termsafe_carriage_returns(void **state)
{
	(void)state;
	/* The pty's CR LF, a run of CRs, a lone CR (would overwrite the line). */
	assert_string_equal(filter_str("a\r\nb\r\r\nc\rd\r"), "a\nb\nc\nd\n");
	/* A raw-mode terminal (the board's console) gets CR LF. */
	assert_string_equal(filter_all("a\r\nb\nc", 6, true), "a\r\nb\r\nc");
}

/* The finding's attack: a window title (OSC) and a screen clear (CSI). */
static void test_termsafe_finding10_osc_csi_shown_as_text(void **state)
{
	const char *out;

	(void)state;
	out = filter_str("\x1b]0;pwned\x07\x1b[2Jafter\n");
	assert_string_equal(out, "\\x1b]0;pwned\\x07\\x1b[2Jafter\n");
	assert_null(strchr(out, 0x1b));
	/* OSC 52 (clipboard), ST-terminated; cursor hide; full reset; a
	 * charset switch; a key redefinition (DECUDK in DCS). */
	assert_string_equal(filter_str("\x1b]52;c;cHduZWQ=\x1b\\"), "\\x1b]52;c;cHduZWQ=\\x1b\\");
	assert_string_equal(filter_str("\x1b[?25l"), "\\x1b[?25l");
	assert_string_equal(filter_str("\033c"), "\\x1bc");
	assert_string_equal(filter_str("\x1b(0\x0e"), "\\x1b(0\\x0e");
	assert_string_equal(filter_str("\x1bP1;1|17/72\x1b\\"), "\\x1bP1;1|17/72\\x1b\\");
	/* Cursor moves that could write over what the admin reads. */
	assert_string_equal(filter_str("\x1b[1A\x1b[2K\x1b[10;1H"), "\\x1b[1A\\x1b[2K\\x1b[10;1H");
}

static void test_termsafe_control_bytes_shown(void **state)
{
	(void)state;
	assert_string_equal(filter_all("a\0b\x07\x08\x7f\x0b\x0c", 8, false),
			    "a\\x00b\\x07\\x08\\x7f\\x0b\\x0c");
}

static void test_termsafe_sgr_passes(void **state)
{
	(void)state;
	/* Reset at the end: nothing added. */
	assert_string_equal(filter_str("\x1b[1;32m[  OK  ]\x1b[0m up\n"),
			    "\x1b[1;32m[  OK  ]\x1b[0m up\n");
	/* Left coloured: the end resets it. */
	assert_string_equal(filter_str("\x1b[31mred"), "\x1b[31mred\x1b[0m");
	assert_string_equal(filter_str("\x1b[31mred\x1b[m"), "\x1b[31mred\x1b[m");
	/* Not an SGR: other final bytes, private parameters, too long. */
	assert_string_equal(filter_str("\x1b[?1m"), "\\x1b[?1m");
	assert_string_equal(filter_str("\x1b[1:2m"), "\\x1b[1:2m");
	assert_string_equal(filter_str("\x1b[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1m"),
			    "\\x1b[1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1m");
}

static void test_termsafe_utf8(void **state)
{
	(void)state;
	/* é, €, an emoji, U+00A0: pass. */
	assert_string_equal(filter_str("\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0"),
			    "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0");
	/* C1 CSI raw and as UTF-8, overlong '/', a surrogate, above
	 * U+10FFFF, a lone continuation byte: shown byte by byte. */
	assert_string_equal(filter_str("\2332J"), "\\x9b2J"); /* \233: 0x9b */
	assert_string_equal(filter_str("\xc2\2332J"), "\\xc2\\x9b2J");
	assert_string_equal(filter_str("\xc0\xaf"), "\\xc0\\xaf");
	assert_string_equal(filter_str("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	assert_string_equal(filter_str("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	assert_string_equal(filter_str("\x80"), "\\x80");
	/* A character cut by the end of the stream, or by an ESC. */
	assert_string_equal(filter_str("\xe2\x82"), "\\xe2\\x82");
	assert_string_equal(filter_str("\xe2\x1b]"), "\\xe2\\x1b]");
}

static void test_termsafe_cut_anywhere(void **state)
{
	static const char in[] =
	    "x\x1b]0;t\x07\x1b[1;31mred\x1b[0m\r\n\xe2\x82\xac\xc2\x9b\x1b[2J\r";
	char whole[4096];

	(void)state;

	snprintf(whole, sizeof(whole), "%s", filter_all(in, sizeof(in) - 1, false));
	assert_string_equal(filter_bytewise(in, sizeof(in) - 1), whole);
	assert_string_equal(
	    whole, "x\\x1b]0;t\\x07\x1b[1;31mred\x1b[0m\n\xe2\x82\xac\\xc2\\x9b\\x1b[2J\n");
}

/* Whatever the bytes: no ESC but an SGR's, no control byte but \n and \t,
 * never more than TERMSAFE_OUT_MAX. */
static void test_termsafe_random_bytes(void **state)
{
	static char in[4096];
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 200; round++) {
		struct termsafe t;
		size_t len = 0, n, i;

		/* Mostly the bytes that matter: ESC, [, ], digits, ;, m, CR, C1. */
		for (len = 0; len < sizeof(in); len++) {
			static const char pick[] = "\x1b[];0123m\r\n\x07\xc2\x9b\xe2\x82";

			seed = seed * 1103515245u + 12345u;
			in[len] = (seed >> 16) % 3 ? pick[(seed >> 8) % (sizeof(pick) - 1)]
						   : (char)(seed >> 20);
		}
		termsafe_init(&t, round & 1);
		n = termsafe_filter(&t, in, len, out_buf, sizeof(out_buf));
		assert_true(n <= TERMSAFE_OUT_MAX(len));
		n += termsafe_finish(&t, out_buf + n, sizeof(out_buf) - n);
		for (i = 0; i < n; i++) {
			unsigned char b = (unsigned char)out_buf[i];

			if (b == 0x1b) {
				size_t j = i + 1;

				assert_true(j < n && out_buf[j] == '[');
				while (++j < n && ((out_buf[j] >= '0' && out_buf[j] <= '9') ||
						   out_buf[j] == ';'))
					;
				assert_true(j < n && out_buf[j] == 'm');
			} else if (b == '\r') {
				assert_true((round & 1) && i + 1 < n && out_buf[i + 1] == '\n');
			} else {
				assert_true(b >= 0x20 || b == '\n' || b == '\t');
				assert_true(b != 0x7f);
			}
		}
	}
}

/* A caller short of room loses output, never memory past its buffer. */
static void test_termsafe_short_buffer(void **state)
{
	char small[8 + 4];
	struct termsafe t;
	size_t n;

	(void)state;
	memset(small, 'Z', sizeof(small));
	termsafe_init(&t, false);
	n = termsafe_filter(&t, "\x01\x02\x03\x04\x05", 5, small, 8);
	assert_int_equal(n, 8);
	assert_memory_equal(small, "\\x01\\x02", 8);
	assert_memory_equal(small + 8, "ZZZZ", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_termsafe_text_passes),
	    cmocka_unit_test(test_termsafe_carriage_returns),
	    cmocka_unit_test(test_termsafe_finding10_osc_csi_shown_as_text),
	    cmocka_unit_test(test_termsafe_control_bytes_shown),
	    cmocka_unit_test(test_termsafe_sgr_passes),
	    cmocka_unit_test(test_termsafe_utf8),
	    cmocka_unit_test(test_termsafe_cut_anywhere),
	    cmocka_unit_test(test_termsafe_random_bytes),
	    cmocka_unit_test(test_termsafe_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
