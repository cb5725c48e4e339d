/* SPDX-License-Identifier: MIT */
/* A fixed-size byte ring that keeps the most recent output of a console. */
#ifndef CELLAR_RING_H
#define CELLAR_RING_H

#include <stddef.h>

#define RING_SIZE 16384

struct ring {
	char buf[RING_SIZE];
	size_t head; /* total bytes ever written */
};

void ring_write(struct ring *r, const char *data, size_t len);

/* Copies the last `lines` lines (at most cap bytes) into out, oldest first.
 * Returns the number of bytes copied. */
size_t ring_tail_lines(const struct ring *r, unsigned lines, char *out, size_t cap);

#endif
