// SPDX-License-Identifier: MIT
/* ALSA PCM hardware parameters without alsa-lib (mgr/util/pcmparams.c).
 * What the kernel makes of them: tests/qemu-audio/run. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pcmparams.h"

static void any_is_everything(void **state)
{
	struct snd_pcm_hw_params p;

	pcm_hw_any(&p);
	assert_true(pcm_hw_mask_has(&p, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_S16_LE));
	assert_true(pcm_hw_mask_has(&p, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_FLOAT_LE));
	assert_int_equal(
	    p.intervals[SNDRV_PCM_HW_PARAM_RATE - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL].max, UINT_MAX);
	assert_int_equal(pcm_hw_get_int(&p, SNDRV_PCM_HW_PARAM_RATE), 0); /* not settled */
	/* every parameter is asked for: the kernel refines them all */
	assert_int_equal(p.rmask & 0xfffff,
			 (1u << (SNDRV_PCM_HW_PARAM_LAST_INTERVAL + 1)) - 1 - 0xf8);
}

static void mask_is_one_value(void **state)
{
	struct snd_pcm_hw_params p;

	pcm_hw_any(&p);
	pcm_hw_set_mask(&p, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_S16_LE);
	assert_true(pcm_hw_mask_has(&p, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_S16_LE));
	assert_false(pcm_hw_mask_has(&p, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_S32_LE));
	assert_false(pcm_hw_mask_has(&p, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_MASK_MAX));
	/* a value past the first word of the mask */
	pcm_hw_set_mask(&p, SNDRV_PCM_HW_PARAM_FORMAT, 40);
	assert_true(pcm_hw_mask_has(&p, SNDRV_PCM_HW_PARAM_FORMAT, 40));
	assert_false(pcm_hw_mask_has(&p, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_S16_LE));
}

static void interval_pinned(void **state)
{
	struct snd_pcm_hw_params p;
	struct snd_interval *rate =
	    &p.intervals[SNDRV_PCM_HW_PARAM_RATE - SNDRV_PCM_HW_PARAM_FIRST_INTERVAL];

	pcm_hw_any(&p);
	pcm_hw_set_int(&p, SNDRV_PCM_HW_PARAM_RATE, 48000);
	assert_int_equal(rate->min, 48000);
	assert_int_equal(rate->max, 48000);
	assert_true(rate->integer);
	assert_int_equal(pcm_hw_get_int(&p, SNDRV_PCM_HW_PARAM_RATE), 48000);
	/* the kernel's way of saying one value: [v, v+1) */
	rate->max = 48001;
	rate->openmax = 1;
	assert_int_equal(pcm_hw_get_int(&p, SNDRV_PCM_HW_PARAM_RATE), 48000);
	rate->empty = 1;
	assert_int_equal(pcm_hw_get_int(&p, SNDRV_PCM_HW_PARAM_RATE), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(any_is_everything),
	    cmocka_unit_test(mask_is_one_value),
	    cmocka_unit_test(interval_pinned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
