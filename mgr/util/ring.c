// SPDX-License-Identifier: MIT
#include "ring.h"

#include <string.h>

void ring_write(struct ring *r, const char *data, size_t len)
{
	if (len > RING_SIZE) {
		data += len - RING_SIZE;
		r->head += len - RING_SIZE;
		len = RING_SIZE;
	}
	while (len > 0) {
		size_t off = r->head % RING_SIZE;
		size_t n = RING_SIZE - off < len ? RING_SIZE - off : len;

		memcpy(r->buf + off, data, n);
		r->head += n;
		data += n;
		len -= n;
	}
}

static char ring_at(const struct ring *r, size_t pos)
{
	return r->buf[pos % RING_SIZE];
}

size_t ring_tail_lines(const struct ring *r, unsigned lines, char *out, size_t cap)
{
	size_t avail = r->head < RING_SIZE ? r->head : RING_SIZE;
	size_t start = r->head - avail;
	size_t pos = r->head;
	unsigned seen = 0;
	size_t n, i;

	/* A trailing newline ends the last line; it does not start one. */
	if (pos > start && ring_at(r, pos - 1) == '\n')
		pos--;
	while (pos > start) {
		if (ring_at(r, pos - 1) == '\n' && ++seen == lines)
			break;
		pos--;
	}
	n = r->head - pos;
	if (n > cap) {
		pos += n - cap;
		n = cap;
	}
	for (i = 0; i < n; i++)
		out[i] = ring_at(r, pos + i);
	return n;
}
