// SPDX-License-Identifier: MIT
/* Frames between a cell's card and the board's (pcmring.h). */
#include "pcmring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pcm_ring_init(struct pcm_ring *r, unsigned cap, unsigned channels)
{
	*r = (struct pcm_ring){.cap = cap, .channels = channels};
	if (!cap || !channels)
		return -EINVAL;
	r->buf = calloc((size_t)cap * channels, sizeof(int16_t));
	return r->buf ? 0 : -ENOMEM;
}

void pcm_ring_free(struct pcm_ring *r)
{
	free(r->buf);
	*r = (struct pcm_ring){0};
}

void pcm_ring_clear(struct pcm_ring *r)
{
	r->head = r->len = 0;
}

unsigned pcm_ring_trim(struct pcm_ring *r, unsigned keep)
{
	unsigned drop;

	if (r->len <= keep)
		return 0;
	drop = r->len - keep;
	r->head = (r->head + drop) % r->cap;
	r->len = keep;
	return drop;
}

unsigned pcm_ring_push(struct pcm_ring *r, const int16_t *src, unsigned frames)
{
	unsigned dropped = 0, tail;

	if (!r->cap)
		return frames;
	if (frames > r->cap) { /* only the newest cap frames can stay */
		dropped = frames - r->cap;
		src += (size_t)dropped * r->channels;
		frames = r->cap;
	}
	if (r->len + frames > r->cap)
		dropped += pcm_ring_trim(r, r->cap - frames);
	tail = (r->head + r->len) % r->cap;
	while (frames) {
		unsigned n = r->cap - tail < frames ? r->cap - tail : frames;

		memcpy(r->buf + (size_t)tail * r->channels, src,
		       (size_t)n * r->channels * sizeof(int16_t));
		src += (size_t)n * r->channels;
		r->len += n;
		frames -= n;
		tail = (tail + n) % r->cap;
	}
	return dropped;
}

unsigned pcm_ring_pop(struct pcm_ring *r, int16_t *dst, unsigned frames)
{
	unsigned got = 0;

	while (frames && r->len) {
		unsigned n = r->cap - r->head;

		if (n > r->len)
			n = r->len;
		if (n > frames)
			n = frames;
		memcpy(dst, r->buf + (size_t)r->head * r->channels,
		       (size_t)n * r->channels * sizeof(int16_t));
		dst += (size_t)n * r->channels;
		r->head = (r->head + n) % r->cap;
		r->len -= n;
		frames -= n;
		got += n;
	}
	return got;
}

void pcm_mix(int16_t *dst, const int16_t *src, size_t samples, unsigned shift)
{
	for (size_t i = 0; i < samples; i++) {
		int32_t v = (int32_t)dst[i] + ((int32_t)src[i] >> shift);

		dst[i] = (int16_t)(v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v);
	}
}
