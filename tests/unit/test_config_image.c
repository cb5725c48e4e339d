// SPDX-License-Identifier: MIT
/* Unit tests for the cell list's image keys: image_verity, update_check,
 * update_window (mgr/config/config_image.c), and persist, which no two cells may
 * share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_harness.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_persist_overlap, teardown),
	    cmocka_unit_test_teardown(test_verity_and_update_keys, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
