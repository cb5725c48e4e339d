// SPDX-License-Identifier: MIT
/*
 * The cell list's keys for verified images and updates (docs/config.md,
 * docs/images.md): image_verity, update_check, update_window.
 */
#include <stdio.h>
#include <string.h>

#include "config_keys.h"

/* A root hash as veritysetup prints it: hex, 64 digits (sha256) or 128
 * (sha512); stored lower case so that two spellings compare equal. */
const char *config_set_image_verity(struct cell_config *c, const char *value, int arg, char *hint)
{
	size_t len = strlen(value);

	(void)arg;
	(void)hint;
	if (len != 64 && len != 128)
		return "(expected a dm-verity root hash: 64 hex digits (sha256) or 128 "
		       "(sha512), as veritysetup format prints it)";
	for (size_t i = 0; i < len; i++) {
		char ch = value[i];

		if (ch >= 'A' && ch <= 'F')
			ch = (char)(ch - 'A' + 'a');
		else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return "(expected a dm-verity root hash: 64 hex digits (sha256) or 128 "
			       "(sha512), as veritysetup format prints it)";
		c->image_verity[i] = ch;
	}
	c->image_verity[len] = '\0';
	return NULL;
}

const char *config_set_update_check(struct cell_config *c, const char *value, int arg, char *hint)
{
	(void)arg;
	(void)hint;
	if (strcmp(value, "running") == 0)
		c->update_check = UPDATE_CHECK_RUNNING;
	else if (strcmp(value, "ready") == 0)
		c->update_check = UPDATE_CHECK_READY;
	else
		return "(expected running or ready)";
	return NULL;
}

const char *config_set_update_window(struct cell_config *c, const char *value, int arg, char *hint)
{
	unsigned ms;

	(void)arg;
	(void)hint;
	if (duration_parse_ms(value, &ms) < 0 || ms == 0 || ms > CONFIG_DURATION_MAX_MS)
		return "(expected a duration such as 500ms, 10s or 2m, or plain seconds; "
		       "more than 0 and at most 60m)";
	c->update_window_ms = ms;
	return NULL;
}
