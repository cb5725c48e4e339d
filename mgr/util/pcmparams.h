/* SPDX-License-Identifier: MIT */
/*
 * The hardware parameters of an ALSA PCM (struct snd_pcm_hw_params of
 * <sound/asound.h>), built as alsa-lib builds them but without it: every
 * mask full and every interval open ("anything"), then each parameter
 * pinned.  Pure; unit-tested (tests/unit/test_pcmparams.c).  The audio
 * path (seat/pcm.c) talks to the kernel's PCM ioctls directly: a few
 * hundred lines instead of alsa-lib's plugin layer, and no allocation or
 * hidden thread on cellmgr's loop.
 */
#ifndef CELLAR_PCMPARAMS_H
#define CELLAR_PCMPARAMS_H

#include <sound/asound.h>
#include <stdbool.h>

/* Every mask full, every interval [0, UINT_MAX]: what HW_REFINE narrows. */
void pcm_hw_any(struct snd_pcm_hw_params *p);

/* A mask parameter (ACCESS, FORMAT, SUBFORMAT) set to the one value v. */
void pcm_hw_set_mask(struct snd_pcm_hw_params *p, unsigned param, unsigned v);

/* An interval parameter (CHANNELS, RATE, PERIOD_SIZE, PERIODS, ...)
 * pinned to the integer v. */
void pcm_hw_set_int(struct snd_pcm_hw_params *p, unsigned param, unsigned v);

/* The value of an interval parameter once the kernel settled it (min ==
 * max, or min+1 == max with an open max), else 0. */
unsigned pcm_hw_get_int(const struct snd_pcm_hw_params *p, unsigned param);

/* Whether value v of a mask parameter is still allowed. */
bool pcm_hw_mask_has(const struct snd_pcm_hw_params *p, unsigned param, unsigned v);

#endif
