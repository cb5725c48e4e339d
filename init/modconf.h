/* SPDX-License-Identifier: MIT */
/*
 * What the cell list asks of init's module loader (modload.c), read from
 * its text with the lexer cellmgr uses (common/ini.c); no I/O, no
 * allocation:
 *
 *   [host] modules = a b c           the modules to load, in this order
 *                                    (several 'modules' keys add up);
 *   [cell NAME] devices = ... audio  one loopback sound card (snd_aloop)
 *                                    per such cell, at most
 *                                    MODCONF_ALOOP_MAX.
 *
 * Nothing else is looked at: a malformed line, key or section is
 * cellmgr's to report (it reads the whole file strictly).  A cell that
 * cellmgr will drop for another key may get a card it never uses: one
 * card too many, never one too few.
 */
#ifndef CELLAR_MODCONF_H
#define CELLAR_MODCONF_H

#include <stddef.h>

#include "ini.h"

#define MODCONF_LIST_MAX 1024
/* Loopback cards init makes for the audio cells; the kernel's SNDRV_CARDS
 * is 32, the board's own cards need some too. */
#define MODCONF_ALOOP_MAX 8
#define MODCONF_ALOOP "snd_aloop"

struct modconf {
	char modules[MODCONF_LIST_MAX]; /* [host] modules, space-separated */
	unsigned modules_cut_line;	/* a 'modules' line that did not fit, and
					 * those after it, left out; 0: none */
	unsigned audio_cells;		/* [cell NAME]s with audio in devices */
};

/* Reads the list r was ini_init()ed with into mc. */
void modconf_read(struct modconf *mc, struct ini_reader *r);

/* snd_aloop's parameters for cards loopback cards (1..MODCONF_ALOOP_MAX):
 * "enable=1,1 pcm_substreams=1,1", one value per card each (both are
 * per-card arrays; pcm_substreams=1 alone would set card 0 only, the
 * others keeping 8).  Returns 0, or -EINVAL (cards out of range) or
 * -ENOSPC (size too small; 64 bytes always do). */
int modconf_aloop_params(unsigned cards, char *out, size_t size);

#endif
