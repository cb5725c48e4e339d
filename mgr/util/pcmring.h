/* SPDX-License-Identifier: MIT */
/*
 * The audio path's frames between a cell's loopback card and the board's
 * card (seat/audio.c): a bounded ring of interleaved S16 frames per cell,
 * and the mix of a period.  Pure; unit-tested (tests/unit/test_pcmring.c).
 *
 * The ring is bounded on purpose: a cell that plays faster than the
 * board's clock (two clocks never agree) loses its oldest frames, so the
 * latency cellmgr adds stays under the ring's size; one that plays slower
 * leaves the rest of a period silent.
 */
#ifndef CELLAR_PCMRING_H
#define CELLAR_PCMRING_H

#include <stddef.h>
#include <stdint.h>

struct pcm_ring {
	int16_t *buf;	   /* cap * channels samples */
	unsigned cap;	   /* frames */
	unsigned channels; /* samples per frame */
	unsigned head;	   /* the oldest frame */
	unsigned len;	   /* frames held */
};

/* Allocates cap frames of channels samples.  Returns 0 or -ENOMEM. */
int pcm_ring_init(struct pcm_ring *r, unsigned cap, unsigned channels);
void pcm_ring_free(struct pcm_ring *r);
void pcm_ring_clear(struct pcm_ring *r);

/* Appends frames frames; when they do not fit, the oldest go.  Returns
 * how many frames were dropped. */
unsigned pcm_ring_push(struct pcm_ring *r, const int16_t *src, unsigned frames);

/* Takes up to frames frames, the oldest first, into dst.  Returns how
 * many. */
unsigned pcm_ring_pop(struct pcm_ring *r, int16_t *dst, unsigned frames);

/* Drops the oldest frames until at most keep are held.  Returns how many
 * went. */
unsigned pcm_ring_trim(struct pcm_ring *r, unsigned keep);

/* dst += src >> shift, sample by sample, saturated to int16 (shift 0: at
 * full level; 1: at half, -6 dB). */
void pcm_mix(int16_t *dst, const int16_t *src, size_t samples, unsigned shift);

#endif
