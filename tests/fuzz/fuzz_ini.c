// SPDX-License-Identifier: MIT
/* The INI lexer (common/ini.h) under the cell list, and its word splitter. */
#include <string.h>

#include "fuzz.h"
#include "ini.h"

static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static void check_name(const char *s, int may_be_empty)
{
	fuzz_assert(may_be_empty || *s);
	for (; *s; s++)
		fuzz_assert(name_char(*s));
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void check_words(const char *value)
{
	char copy[INI_LINE_MAX + 1], *cursor = copy, *w;
	unsigned n = 0;

	fuzz_assert(strlen(value) <= INI_LINE_MAX);
	strcpy(copy, value);
	while ((w = ini_next_word(&cursor))) {
		fuzz_assert(*w && !strchr(w, ' ') && !strchr(w, '\t'));
		fuzz_assert(++n <= INI_LINE_MAX);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini_reader r;
	unsigned last = 0;

	ini_init(&r, (const char *)data, size);
	for (;;) {
		struct ini_item it = ini_next(&r);
		size_t n;

		/* Lines are numbered forward: one item per line at most. */
		fuzz_assert(it.line >= last);
		fuzz_assert(it.kind == INI_END || it.line > last);
		last = it.line;
		switch (it.kind) {
		case INI_END: fuzz_assert(r.pos == size); return 0;
		case INI_ERROR: fuzz_assert(it.error && *it.error); break;
		case INI_SECTION:
			check_name(it.name, 0);
			check_name(it.arg, 1);
			break;
		case INI_KEY:
			check_name(it.key, 0);
			n = strlen(it.value);
			fuzz_assert(!strchr(it.value, '\n'));
			fuzz_assert(n == 0 || (!blank(it.value[0]) && !blank(it.value[n - 1])));
			check_words(it.value);
			break;
		}
		fuzz_assert(r.pos <= size);
	}
}
