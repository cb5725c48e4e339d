// SPDX-License-Identifier: MIT
/*
 * The cell list's sound keys (docs/config.md, "Sound"): a cell's
 * audio_background, and [host] audio_card, audio_capture, audio_rate,
 * audio_period, which cellmgr's audio class (mgr/seat/audio.c) sets the
 * board's card up with at its start.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config_keys.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A number 0..max of 1 or 2 digits (31 is the largest either takes). */
static int small_number(const char *s, size_t n, unsigned max)
{
	unsigned v = 0;

	if (n == 0 || n > 2)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= max ? (int)v : -EINVAL;
}

/* An ALSA card id as the kernel makes it (sound/core/init.c: a letter,
 * then letters, digits, and '_' in the "_1" it adds to tell two cards of
 * one driver apart) or as sysfs takes one (letters, digits, '_', '-'), in
 * its 16 bytes; a letter first also keeps it apart from a number. */
static bool card_id_valid(const char *s, size_t n)
{
	if (n == 0 || n > AUDIO_CARD_ID_MAX || !is_alpha(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

int audio_card_parse(const char *s, char *id, size_t idlen, int *card, unsigned *device)
{
	const char *comma = strchr(s, ',');
	size_t n = comma ? (size_t)(comma - s) : strlen(s);
	int number = small_number(s, n, AUDIO_CARD_NUMBER_MAX), dev = 0;

	if (comma && (dev = small_number(comma + 1, strlen(comma + 1), AUDIO_DEVICE_MAX)) < 0)
		return -EINVAL;
	if (number < 0 && !card_id_valid(s, n))
		return -EINVAL;
	if (number >= 0)
		n = 0; /* no id */
	if (n >= idlen)
		return -ENAMETOOLONG;
	memcpy(id, s, n);
	id[n] = '\0';
	*card = number < 0 ? -1 : number;
	*device = (unsigned)dev;
	return 0;
}

const char *audio_background_name(enum audio_background bg)
{
	return bg == AUDIO_BG_MIX ? "mix" : "mute";
}

const char *config_set_audio_background(struct cell_config *c, const char *value, int arg,
					char *hint)
{
	(void)arg;
	(void)hint;
	if (strcmp(value, "mute") == 0)
		c->audio_background = AUDIO_BG_MUTE;
	else if (strcmp(value, "mix") == 0)
		c->audio_background = AUDIO_BG_MIX;
	else
		return "(expected mute or mix)";
	return NULL;
}

#define CARD_HINT                                                                                  \
	"an ALSA card: its number (0 to 31) or its id as /proc/asound/cards shows it (a letter, "  \
	"then up to 14 of A-Z a-z 0-9 _ -), optionally followed by ,DEVICE (0 to 31): such as "    \
	"0, PCH or PCH,3"

/* value is "" or good for audio_card_parse(); into dst (AUDIO_CARD_SPEC_MAX
 * + 1 bytes, which any good value fits). */
static bool copy_card(char *dst, const char *value)
{
	char id[AUDIO_CARD_ID_MAX + 1];
	unsigned device;
	int card;

	if (value[0] && audio_card_parse(value, id, sizeof(id), &card, &device) < 0)
		return false;
	_Static_assert(AUDIO_CARD_ID_MAX + 3 <= AUDIO_CARD_SPEC_MAX, "ID,DD fits");
	strcpy(dst, value);
	return true;
}

const char *config_set_audio_card(struct host_config *h, const char *value)
{
	if (strcmp(value, "none") == 0 || !copy_card(h->audio_card, value))
		return "(expected " CARD_HINT "; or nothing for the first card that is not a "
		       "loopback card)";
	return NULL;
}

const char *config_set_audio_capture(struct host_config *h, const char *value)
{
	if (strcmp(value, "none") == 0) {
		strcpy(h->audio_capture, value);
		return NULL;
	}
	if (!copy_card(h->audio_capture, value))
		return "(expected " CARD_HINT "; none for no microphone; or nothing for "
		       "audio_card's)";
	return NULL;
}

const char *config_set_audio_rate(struct host_config *h, const char *value)
{
	uint64_t n;

	_Static_assert(AUDIO_RATE_MIN == 8000u && AUDIO_RATE_MAX == 192000u, "the hint says so");
	if (number_parse(value, AUDIO_RATE_MIN, AUDIO_RATE_MAX, &n) < 0)
		return "(expected frames per second from 8000 to 192000, such as 44100 or 48000)";
	h->audio_rate = (unsigned)n;
	return NULL;
}

const char *config_set_audio_period(struct host_config *h, const char *value)
{
	unsigned ms;

	_Static_assert(AUDIO_PERIOD_MAX_MS == 100u, "the hint says 100ms");
	if (duration_parse_ms(value, &ms) < 0 || ms == 0 || ms > AUDIO_PERIOD_MAX_MS)
		return "(expected a duration from 1ms to 100ms, such as 10ms or 20ms)";
	h->audio_period_ms = ms;
	return NULL;
}

const char *config_set_audio_volume(struct host_config *h, const char *value)
{
	char num[8];
	size_t n = strlen(value);
	uint64_t v;

	if (strcmp(value, "keep") == 0) {
		h->audio_volume = -1;
		return NULL;
	}
	if (n >= 2 && n < sizeof(num) && value[n - 1] == '%') {
		memcpy(num, value, n - 1);
		num[n - 1] = '\0';
		if (number_parse(num, 0, 100, &v) == 0) {
			h->audio_volume = (int)v;
			return NULL;
		}
	}
	return "(expected a level from 0% to 100%, such as 80%, or keep)";
}

unsigned config_audio_check_cell(const struct cell_config *c, const unsigned set_line[CK_COUNT],
				 char *msg, size_t len)
{
	if (!set_line[CK_AUDIO_BACKGROUND] || (c->devices & CELL_DEV_AUDIO))
		return 0;
	snprintf(msg, len,
		 "'audio_background' needs 'audio' in 'devices': only a cell with a sound card "
		 "of its own has a sound to mute or mix");
	return set_line[CK_AUDIO_BACKGROUND];
}
