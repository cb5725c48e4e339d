// SPDX-License-Identifier: MIT
/* ALSA PCM hardware parameters without alsa-lib (pcmparams.h). */
#include "pcmparams.h"

#include <limits.h>
#include <string.h>

static struct snd_mask *mask(struct snd_pcm_hw_params *p, unsigned param)
{
	return &p->masks[param - SNDRV_PCM_HW_PARAM_FIRST_MASK];
}

static struct snd_interval *interval(struct snd_pcm_hw_params *p, unsigned param)
{
	return &p->intervals[param - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL];
}

void pcm_hw_any(struct snd_pcm_hw_params *p)
{
	memset(p, 0, sizeof(*p));
	for (unsigned m = SNDRV_PCM_HW_PARAM_FIRST_MASK; m <= SNDRV_PCM_HW_PARAM_LAST_MASK; m++) {
		memset(mask(p, m)->bits, 0xff, sizeof(mask(p, m)->bits));
		p->rmask |= 1u << m;
	}
	for (unsigned i = SNDRV_PCM_HW_PARAM_FIRST_INTERVAL; i <= SNDRV_PCM_HW_PARAM_LAST_INTERVAL;
	     i++) {
		interval(p, i)->min = 0;
		interval(p, i)->max = UINT_MAX;
		p->rmask |= 1u << i;
	}
	p->info = ~0u;
}

void pcm_hw_set_mask(struct snd_pcm_hw_params *p, unsigned param, unsigned v)
{
	struct snd_mask *m = mask(p, param);

	memset(m->bits, 0, sizeof(m->bits));
	m->bits[v / 32] = 1u << (v % 32);
	p->rmask |= 1u << param;
}

void pcm_hw_set_int(struct snd_pcm_hw_params *p, unsigned param, unsigned v)
{
	struct snd_interval *i = interval(p, param);

	memset(i, 0, sizeof(*i));
	i->min = i->max = v;
	i->integer = 1;
	p->rmask |= 1u << param;
}

unsigned pcm_hw_get_int(const struct snd_pcm_hw_params *p, unsigned param)
{
	const struct snd_interval *i = &p->intervals[param - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL];

	if (i->empty)
		return 0;
	if (i->min == i->max || (i->min + 1 == i->max && i->openmax))
		return i->min;
	return 0;
}

bool pcm_hw_mask_has(const struct snd_pcm_hw_params *p, unsigned param, unsigned v)
{
	const struct snd_mask *m = &p->masks[param - SNDRV_PCM_HW_PARAM_FIRST_MASK];

	return v < SNDRV_MASK_MAX && (m->bits[v / 32] >> (v % 32)) & 1;
}
