// SPDX-License-Identifier: MIT
/*
 * The cell list's sound keys (mgr/config/config_audio.c, docs/config.md
 * "Sound"): 'audio' in devices, audio_background and its check against
 * devices, the [host] audio_card, audio_capture, audio_rate and
 * audio_period keys, audio_card_parse(), and what a reload makes of
 * audio_background.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "config.h"
#include "config_compare.h"
#include "config_harness.h"

#define CARD_HINT                                                                                  \
	"an ALSA card: its number (0 to 31) or its id as /proc/asound/cards shows it (a letter, "  \
	"then up to 14 of A-Z a-z 0-9 _ -), optionally followed by ,DEVICE (0 to 31): such as "    \
	"0, PCH or PCH,3"

static void test_audio_device_and_background(void **state)
{
	(void)state;
	parse("[cell a]\nimage = /a\ndevices = audio\n"
	      "[cell b]\nimage = /b\naudio_background = mix\ndevices = display input gpu audio\n"
	      "[cell c]\nimage = /c\ndevices = audio input\naudio_background = mute\n"
	      "[cell d]\nimage = /d\n");
	expect_messages(NULL);
	/* audio stands alone: no display or input needed */
	assert_int_equal(cell("a")->devices, CELL_DEV_AUDIO);
	assert_int_equal(cell("a")->audio_background, AUDIO_BG_MUTE);
	assert_int_equal(cell("b")->devices,
			 CELL_DEV_DISPLAY | CELL_DEV_INPUT | CELL_DEV_GPU | CELL_DEV_AUDIO);
	assert_int_equal(cell("b")->audio_background, AUDIO_BG_MIX);
	assert_int_equal(cell("c")->devices, CELL_DEV_AUDIO | CELL_DEV_INPUT);
	assert_int_equal(cell("c")->audio_background, AUDIO_BG_MUTE);
	assert_int_equal(cell("d")->audio_background, AUDIO_BG_MUTE);
	assert_string_equal(audio_background_name(AUDIO_BG_MUTE), "mute");
	assert_string_equal(audio_background_name(AUDIO_BG_MIX), "mix");

	parse("[cell a]\nimage = /a\ndevices = audio audio\n[cell ok]\nimage = /ok\n");
	expect_messages("cells.conf:3: cell a: bad value for 'devices': 'audio audio' (device "
			"'audio' named twice)",
			NULL);
	expect_cells("ok", NULL);
}

/* Any audio_background (mute too) on a cell without its own card is an
 * inconsistency: the cell is dropped, reported at the key, whatever the
 * order of the two keys. */
static void test_audio_background_needs_audio(void **state)
{
	static const char *const why =
	    "'audio_background' needs 'audio' in 'devices': only a cell with a sound card of "
	    "its own has a sound to mute or mix";
	char want[512];

	(void)state;
	parse("[cell work]\nimage = /w\naudio_background = mix\n[cell ok]\nimage = /ok\n");
	snprintf(want, sizeof(want), "cells.conf:3: cell work: %s", why);
	expect_messages(want, NULL);
	expect_cells("ok", NULL);

	parse("[cell work]\nimage = /w\ndevices = display input\naudio_background = mute\n");
	snprintf(want, sizeof(want), "cells.conf:4: cell work: %s", why);
	expect_messages(want, NULL);
	expect_cells(NULL);

	parse("[cell work]\nimage = /w\naudio_background = loud\ndevices = audio\n");
	expect_messages("cells.conf:3: cell work: bad value for 'audio_background': 'loud' "
			"(expected mute or mix)",
			NULL);
	parse("[cell work]\nimage = /w\naudio_background = Mix\ndevices = audio\n"
	      "audio_background = mute\n");
	expect_messages("cells.conf:3: cell work: bad value for 'audio_background': 'Mix' "
			"(expected mute or mix)",
			"cells.conf:5: cell work: duplicate key 'audio_background' (first set at "
			"line 3)",
			NULL);
	expect_cells(NULL);
}

static void test_host_audio_defaults_and_values(void **state)
{
	(void)state;
	parse("[cell a]\nimage = /a\n");
	expect_messages(NULL);
	assert_string_equal(cfg.host.audio_card, "");
	assert_string_equal(cfg.host.audio_capture, "");
	assert_int_equal(cfg.host.audio_rate, 48000);
	assert_int_equal(cfg.host.audio_period_ms, 10);
	assert_int_equal(cfg.host.audio_volume, -1);

	parse("[host]\naudio_card = PCH,3\naudio_capture = none\naudio_rate = 44100\n"
	      "audio_period = 20ms\naudio_volume = 80%\n");
	expect_messages(NULL);
	assert_int_equal(cfg.host.audio_volume, 80);
	assert_string_equal(cfg.host.audio_card, "PCH,3");
	assert_string_equal(cfg.host.audio_capture, "none");
	assert_int_equal(cfg.host.audio_rate, 44100);
	assert_int_equal(cfg.host.audio_period_ms, 20);

	parse("[host]\naudio_card = 0\naudio_capture = Intel-USB_2,31\naudio_rate = 8000\n"
	      "audio_period = 1ms\n");
	expect_messages(NULL);
	assert_string_equal(cfg.host.audio_card, "0");
	assert_string_equal(cfg.host.audio_capture, "Intel-USB_2,31");
	assert_int_equal(cfg.host.audio_rate, 8000);
	assert_int_equal(cfg.host.audio_period_ms, 1);

	parse("[host]\naudio_card =\naudio_capture =\naudio_rate = 192000\naudio_period = 100ms\n"
	      "audio_volume = 0%\n");
	expect_messages(NULL);
	assert_int_equal(cfg.host.audio_volume, 0);
	assert_string_equal(cfg.host.audio_card, "");
	assert_string_equal(cfg.host.audio_capture, "");
	assert_int_equal(cfg.host.audio_rate, 192000);
	assert_int_equal(cfg.host.audio_period_ms, 100);
}

/* Each bad value is reported with the file, the line, the key, the value
 * and what was expected; the key keeps its default, the cells stay. */
static void test_host_audio_bad_values(void **state)
{
	static const struct {
		const char *key, *value, *hint;
	} bad[] = {
	    {"audio_card", "none",
	     "(expected " CARD_HINT "; or nothing for the first card that "
	     "is not a loopback card)"},
	    {"audio_card", "32", NULL},
	    {"audio_card", "PCH,32", NULL},
	    {"audio_card", "PCH,", NULL},
	    {"audio_card", ",3", NULL},
	    {"audio_card", "PCH,3,1", NULL},
	    {"audio_card", "PCH 3", NULL},
	    {"audio_card", "hw:0", NULL},
	    {"audio_card", "SixteenCharsLong", NULL},
	    {"audio_card", "Ünicode", NULL},
	    {"audio_capture", "PCH,x",
	     "(expected " CARD_HINT "; none for no microphone; or nothing for audio_card's)"},
	    {"audio_capture", "hw:1", NULL},
	    {"audio_capture", "1a", NULL},
	    {"audio_rate", "7999",
	     "(expected frames per second from 8000 to 192000, such as "
	     "44100 or 48000)"},
	    {"audio_rate", "192001", NULL},
	    {"audio_rate", "48k", NULL},
	    {"audio_period", "0ms",
	     "(expected a duration from 1ms to 100ms, such as 10ms or "
	     "20ms)"},
	    {"audio_period", "101ms", NULL},
	    {"audio_period", "1", NULL}, /* plain seconds: 1 s */
	    {"audio_period", "10 ms", NULL},
	    {"audio_volume", "80", "(expected a level from 0% to 100%, such as 80%, or keep)"},
	    {"audio_volume", "101%", NULL},
	    {"audio_volume", "%", NULL},
	    {"audio_volume", "-1%", NULL},
	    {"audio_volume", "loud", NULL},
	};
	const char *hint = NULL;
	char text[256], want[768];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i].hint)
			hint = bad[i].hint;
		snprintf(text, sizeof(text), "[host]\n%s = %s\n[cell a]\nimage = /a\n", bad[i].key,
			 bad[i].value);
		parse(text);
		snprintf(want, sizeof(want), "cells.conf:2: host: bad value for '%s': '%s' %s",
			 bad[i].key, bad[i].value, hint);
		expect_messages(want, NULL);
		expect_cells("a", NULL);
		assert_string_equal(cfg.host.audio_card, "");
		assert_string_equal(cfg.host.audio_capture, "");
		assert_int_equal(cfg.host.audio_rate, 48000);
		assert_int_equal(cfg.host.audio_period_ms, 10);
		assert_int_equal(cfg.host.audio_volume, -1);
	}
	parse("[host]\naudio_rate = 44100\naudio_rate = 48000\n");
	expect_messages("cells.conf:3: host: duplicate key 'audio_rate' (first set at line 2)",
			NULL);
	assert_int_equal(cfg.host.audio_rate, 44100);
	parse("[host]\naudio_perod = 10ms\n");
	expect_messages("cells.conf:2: host: unknown key 'audio_perod' (did you mean "
			"'audio_period'?)",
			NULL);
}

static void test_audio_card_parse(void **state)
{
	static const char *const bad[] = {"",
					  ",",
					  ",0",
					  "0,",
					  "32",
					  "99",
					  "100",
					  "-1",
					  "0,32",
					  "PCH,",
					  "PCH,a",
					  "PCH,-1",
					  "a,1,2",
					  "PCH 1",
					  "hw:0,0",
					  "PCH.1",
					  "a/b",
					  "card0,001",
					  "SixteenCharsLong",
					  "1a",
					  "_PCH",
					  "-PCH"};
	char id[AUDIO_CARD_ID_MAX + 1] = "x";
	unsigned device = 7;
	int card = 7;

	(void)state;
	assert_int_equal(audio_card_parse("0", id, sizeof(id), &card, &device), 0);
	assert_int_equal(card, 0);
	assert_string_equal(id, "");
	assert_int_equal(device, 0);
	assert_int_equal(audio_card_parse("31,31", id, sizeof(id), &card, &device), 0);
	assert_int_equal(card, 31);
	assert_int_equal(device, 31);
	assert_int_equal(audio_card_parse("PCH", id, sizeof(id), &card, &device), 0);
	assert_int_equal(card, -1);
	assert_string_equal(id, "PCH");
	assert_int_equal(device, 0);
	assert_int_equal(audio_card_parse("PCH,3", id, sizeof(id), &card, &device), 0);
	assert_int_equal(card, -1);
	assert_string_equal(id, "PCH");
	assert_int_equal(device, 3);
	/* 15 characters fit */
	assert_int_equal(audio_card_parse("Loopback_1-abcd,1", id, sizeof(id), &card, &device), 0);
	assert_string_equal(id, "Loopback_1-abcd");
	assert_int_equal(device, 1);
	/* leading zeros, as alsa-lib's "hw:01" takes them */
	assert_int_equal(audio_card_parse("07,05", id, sizeof(id), &card, &device), 0);
	assert_int_equal(card, 7);
	assert_int_equal(device, 5);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		card = 7;
		device = 7;
		strcpy(id, "x");
		if (audio_card_parse(bad[i], id, sizeof(id), &card, &device) != -EINVAL)
			fail_msg("'%s' was taken", bad[i]);
		assert_int_equal(card, 7);
		assert_int_equal(device, 7);
		assert_string_equal(id, "x");
	}
	/* an id buffer too small for the id, not for a number */
	assert_int_equal(audio_card_parse("PCH", id, 3, &card, &device), -ENAMETOOLONG);
	assert_int_equal(audio_card_parse("PC", id, 3, &card, &device), 0);
	assert_int_equal(audio_card_parse("12", id, 1, &card, &device), 0);
	assert_int_equal(card, 12);
}

static enum config_change change(const char *a, const char *b)
{
	struct config ca, cb;
	enum config_change r;

	reset();
	assert_int_equal(config_parse(&ca, "a.conf", a, strlen(a), collect, &msgs), 0);
	assert_int_equal(config_parse(&cb, "b.conf", b, strlen(b), collect, &msgs), 0);
	expect_messages(NULL);
	assert_int_equal(ca.n_cells, 1);
	assert_int_equal(cb.n_cells, 1);
	r = config_cell_change(&ca.cells[0], &cb.cells[0]);
	config_free(&ca);
	config_free(&cb);
	return r;
}

/* audio_background applies to a running cell at once; devices (audio
 * added or removed) restarts it; the [host] audio keys are no cell's. */
static void test_audio_reload(void **state)
{
	(void)state;
	assert_int_equal(change("[cell a]\nimage = /a\ndevices = audio\n",
				"[cell a]\nimage = /a\ndevices = audio\naudio_background = mix\n"),
			 CONFIG_CHANGE_LIVE);
	assert_int_equal(change("[cell a]\nimage = /a\ndevices = audio\naudio_background = mix\n",
				"[cell a]\nimage = /a\ndevices = audio\naudio_background = mute\n"),
			 CONFIG_CHANGE_LIVE);
	/* mute is the default: spelling it out is no change */
	assert_int_equal(change("[cell a]\nimage = /a\ndevices = audio\n",
				"[cell a]\nimage = /a\ndevices = audio\naudio_background = mute\n"),
			 CONFIG_CHANGE_NONE);
	assert_int_equal(change("[cell a]\nimage = /a\ndevices = input\n",
				"[cell a]\nimage = /a\ndevices = input audio\n"),
			 CONFIG_CHANGE_RESTART);
	assert_int_equal(change("[cell a]\nimage = /a\ndevices = audio\naudio_background = mix\n",
				"[cell a]\nimage = /a\n"),
			 CONFIG_CHANGE_RESTART);
	assert_int_equal(change("[cell a]\nimage = /a\ndevices = audio\n",
				"[host]\naudio_card = 1\naudio_rate = 44100\n"
				"[cell a]\nimage = /a\ndevices = audio\n"),
			 CONFIG_CHANGE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_audio_device_and_background, teardown),
	    cmocka_unit_test_teardown(test_audio_background_needs_audio, teardown),
	    cmocka_unit_test_teardown(test_host_audio_defaults_and_values, teardown),
	    cmocka_unit_test_teardown(test_host_audio_bad_values, teardown),
	    cmocka_unit_test_teardown(test_audio_card_parse, teardown),
	    cmocka_unit_test_teardown(test_audio_reload, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
