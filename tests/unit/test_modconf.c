// SPDX-License-Identifier: MIT
/* Unit tests for init/modconf.c: what init's module loader reads from the
 * cell list ([host] modules, the cells with audio in devices) and
 * snd_aloop's parameters for their loopback cards. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "modconf.h"

static struct ini_reader reader;

static void read_text(struct modconf *mc, const char *text)
{
	ini_init(&reader, text, strlen(text));
	modconf_read(mc, &reader);
}

static void test_host_modules_add_up(void **state)
{
	struct modconf mc;

	(void)state;
	read_text(&mc, "[host]\nmodules = evdev uinput\nhostname = b\nmodules = erofs\n"
		       "[cell a]\nmodules = not_host\nimage = /a\n[host x]\nmodules = not_host\n");
	assert_string_equal(mc.modules, "evdev uinput erofs");
	assert_int_equal(mc.modules_cut_line, 0);
	assert_int_equal(mc.audio_cells, 0);

	read_text(&mc, "");
	assert_string_equal(mc.modules, "");
	assert_int_equal(mc.audio_cells, 0);
}

/* "[host]", "modules = a", "modules = " and 1000 b's, then tail. */
static char *long_list(const char *tail)
{
	static const char head[] = "[host]\nmodules = a\nmodules = ";
	char *text = calloc(1, sizeof(head) + 1000 + strlen(tail));

	assert_non_null(text);
	memcpy(text, head, sizeof(head) - 1);
	memset(text + sizeof(head) - 1, 'b', 1000);
	strcpy(text + sizeof(head) - 1 + 1000, tail);
	return text;
}

static void test_modules_too_long(void **state)
{
	struct modconf mc;
	char *text;

	(void)state;
	/* "a", 1000 b's and "c" fit in MODCONF_LIST_MAX (with the NUL) */
	text = long_list("\nmodules = c\n[cell x]\nimage = /x\ndevices = audio\n");
	read_text(&mc, text);
	free(text);
	assert_int_equal(strlen(mc.modules), 1004);
	assert_string_equal(mc.modules + 1001, "b c");
	assert_int_equal(mc.modules_cut_line, 0);

	/* the line that does not fit and those after it are left out; the
	 * cells are still counted */
	text = long_list("\nmodules = cccccccccccccccccccccccccccccc\nmodules = d\n"
			 "[cell x]\nimage = /x\ndevices = audio\n");
	read_text(&mc, text);
	free(text);
	assert_int_equal(strlen(mc.modules), 1002);
	assert_int_equal(mc.modules_cut_line, 4);
	assert_int_equal(mc.audio_cells, 1);
}

static void test_audio_cells_counted(void **state)
{
	struct modconf mc;

	(void)state;
	read_text(&mc, "[cell a]\nimage = /a\ndevices = display input audio\n"
		       "[cell b]\nimage = /b\ndevices = display input\n"
		       "[cell c]\ndevices =\taudio \n"
		       "[cell d]\ndevices = audio\ndevices = audio\n" /* once per cell */
		       "[cell e]\ndevices = audiox xaudio Audio\n"
		       "[cell f]\naudio_background = mix\n"
		       "[host]\ndevices = audio\n"
		       "[cell]\ndevices = audio\n" /* no name: cellmgr refuses it */
		       "[other g]\ndevices = audio\n"
		       "[cell h]\nimage = /h\n");
	assert_int_equal(mc.audio_cells, 3);

	/* malformed lines do not stop the count: they are cellmgr's to
	 * report (which drops a, and reads the lines after "[cell b" as in
	 * no section: init counts a card too many, never one too few) */
	read_text(&mc, "[cell a]\ndevices = audio\nthis is not a key\n[cell b\n"
		       "devices = audio\n[cell c]\ndevices = gpu audio\n[cell D!]\n"
		       "devices = audio\n");
	assert_int_equal(mc.audio_cells, 2);

	read_text(&mc, "[cell a]\ndevices=audio\n[cell b]\ndevices = audio # speaker\n");
	assert_int_equal(mc.audio_cells, 2);
}

static void test_aloop_params(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(modconf_aloop_params(1, out, sizeof(out)), 0);
	assert_string_equal(out, "enable=1 pcm_substreams=1");
	assert_int_equal(modconf_aloop_params(3, out, sizeof(out)), 0);
	assert_string_equal(out, "enable=1,1,1 pcm_substreams=1,1,1");
	assert_int_equal(modconf_aloop_params(MODCONF_ALOOP_MAX, out, sizeof(out)), 0);
	assert_string_equal(out, "enable=1,1,1,1,1,1,1,1 pcm_substreams=1,1,1,1,1,1,1,1");
	assert_int_equal(modconf_aloop_params(0, out, sizeof(out)), -EINVAL);
	assert_int_equal(modconf_aloop_params(MODCONF_ALOOP_MAX + 1, out, sizeof(out)), -EINVAL);
	assert_int_equal(modconf_aloop_params(2, out, 20), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_host_modules_add_up),
	    cmocka_unit_test(test_modules_too_long),
	    cmocka_unit_test(test_audio_cells_counted),
	    cmocka_unit_test(test_aloop_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
