/* SPDX-License-Identifier: MIT */
/*
 * "Did you mean ...?" for words a person types: keys of the cell list,
 * cellctl commands, cell names.  Pure: no I/O, no allocation.
 *
 *	struct suggest s;
 *	suggest_init(&s, typed);
 *	for (each known word) suggest_add(&s, word);
 *	if (suggest_best(&s)) ... "(did you mean '%s'?)"
 */
#ifndef CELLAR_SUGGEST_H
#define CELLAR_SUGGEST_H

#include <stddef.h>

#define SUGGEST_WORD_MAX 64 /* longer words get no suggestion */

struct suggest {
	const char *typed;
	const char *best; /* NULL: none close enough, or two equally close */
	unsigned best_dist;
	unsigned ties;
	unsigned prefix_of; /* known words that begin with the typed one */
};

void suggest_init(struct suggest *s, const char *typed);
void suggest_add(struct suggest *s, const char *candidate);
/* The one known word close to the typed one, else NULL (also when the
 * typed word begins two or more known ones: "rlimit_" is not a typo). */
const char *suggest_best(const struct suggest *s);

/* The edit distance between a and b (insertions, deletions, substitutions
 * and swaps of two neighbours, each 1; letter case ignored), or
 * SUGGEST_FAR when it is more than 2 or a word is too long. */
#define SUGGEST_FAR 1000u
unsigned suggest_distance(const char *a, const char *b);

#endif
