// SPDX-License-Identifier: MIT
/* What the cell list asks of the module loader (modconf.h). */
#include "modconf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Whether the blank-separated list value holds the word. */
static bool has_word(const char *value, const char *word)
{
	size_t n = strlen(word);

	for (const char *s = value; *s;) {
		size_t len;

		while (*s == ' ' || *s == '\t')
			s++;
		len = strcspn(s, " \t");
		if (len == n && strncmp(s, word, n) == 0)
			return true;
		s += len;
	}
	return false;
}

static void modules_add(struct modconf *mc, const struct ini_item *it)
{
	size_t len = strlen(mc->modules);

	if (mc->modules_cut_line)
		return;
	if (len + strlen(it->value) + 2 > sizeof(mc->modules)) {
		mc->modules_cut_line = it->line;
		return;
	}
	snprintf(mc->modules + len, sizeof(mc->modules) - len, "%s%s", len ? " " : "", it->value);
}

void modconf_read(struct modconf *mc, struct ini_reader *r)
{
	enum { OTHER, HOST, CELL } section = OTHER;
	bool counted = false; /* the current cell, once */
	struct ini_item it;

	memset(mc, 0, sizeof(*mc));
	while ((it = ini_next(r)).kind != INI_END) {
		if (it.kind == INI_SECTION) {
			if (strcmp(it.name, "host") == 0 && it.arg[0] == '\0')
				section = HOST;
			else if (strcmp(it.name, "cell") == 0 && it.arg[0] != '\0')
				section = CELL;
			else
				section = OTHER;
			counted = false;
		}
		if (it.kind != INI_KEY)
			continue;
		if (section == HOST && strcmp(it.key, "modules") == 0)
			modules_add(mc, &it);
		if (section == CELL && !counted && strcmp(it.key, "devices") == 0 &&
		    has_word(it.value, "audio")) {
			counted = true;
			mc->audio_cells++;
		}
	}
}

int modconf_aloop_params(unsigned cards, char *out, size_t size)
{
	char ones[2 * MODCONF_ALOOP_MAX];
	int n;

	if (cards == 0 || cards > MODCONF_ALOOP_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < cards; i++) {
		ones[2 * i] = '1';
		ones[2 * i + 1] = ',';
	}
	ones[2 * cards - 1] = '\0';
	n = snprintf(out, size, "enable=%s pcm_substreams=%s", ones, ones);
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}
