// SPDX-License-Identifier: MIT
/*
 * The nearest known word (suggest.h): optimal string alignment distance,
 * the Levenshtein distance with a swap of two neighbouring characters
 * counted as one edit ("memroy" is one edit from "memory"), as git's
 * "did you mean" does.
 */
#include "suggest.h"

#include <string.h>

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

unsigned suggest_distance(const char *a, const char *b)
{
	/* three rows of the dynamic programme: i - 2, i - 1 and i */
	unsigned rows[3][SUGGEST_WORD_MAX + 1];
	unsigned *pp = rows[0], *p = rows[1], *cur = rows[2], *t;
	size_t la = strlen(a), lb = strlen(b);

	if (la > SUGGEST_WORD_MAX || lb > SUGGEST_WORD_MAX)
		return SUGGEST_FAR;
	for (size_t j = 0; j <= lb; j++)
		p[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = lower(a[i - 1]) != lower(b[j - 1]);

			cur[j] = min3(p[j] + 1, cur[j - 1] + 1, p[j - 1] + cost);
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && pp[j - 2] + 1 < cur[j])
				cur[j] = pp[j - 2] + 1;
		}
		t = pp;
		pp = p;
		p = cur;
		cur = t;
	}
	return p[lb] > 2 ? SUGGEST_FAR : p[lb];
}

void suggest_init(struct suggest *s, const char *typed)
{
	s->typed = typed;
	s->best = NULL;
	s->best_dist = SUGGEST_FAR;
	s->ties = 0;
	s->prefix_of = 0;
}

/* Words of up to 4 characters are one edit from a good one at most,
 * longer ones two: "vt" is not a typo of "net". */
static unsigned allowed(const char *typed)
{
	return strlen(typed) <= 4 ? 1u : 2u;
}

void suggest_add(struct suggest *s, const char *candidate)
{
	unsigned d;

	if (strcmp(s->typed, candidate) == 0)
		return; /* the word itself is known: nothing to suggest */
	if (strncmp(s->typed, candidate, strlen(s->typed)) == 0)
		s->prefix_of++;
	d = suggest_distance(s->typed, candidate);
	if (d > allowed(s->typed) || d > s->best_dist)
		return;
	if (d == s->best_dist) {
		if (s->best && strcmp(s->best, candidate) != 0)
			s->ties++;
		return;
	}
	s->best = candidate;
	s->best_dist = d;
	s->ties = 0;
}

const char *suggest_best(const struct suggest *s)
{
	return s->ties || s->prefix_of > 1 ? NULL : s->best;
}
