// SPDX-License-Identifier: MIT
/* The audio path's ring and mix (mgr/util/pcmring.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "pcmring.h"

/* Frames of two channels: frame k is (k, -k). */
static void frames(int16_t *v, unsigned from, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		v[2 * i] = (int16_t)(from + i);
		v[2 * i + 1] = (int16_t) - (int)(from + i);
	}
}

static void push_pop_in_order_across_the_wrap(void **state)
{
	struct pcm_ring r;
	int16_t in[16], out[16];

	(void)state;
	assert_int_equal(pcm_ring_init(&r, 5, 2), 0);
	frames(in, 1, 3);
	assert_int_equal(pcm_ring_push(&r, in, 3), 0);
	assert_int_equal(pcm_ring_pop(&r, out, 2), 2);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[3], -2);
	frames(in, 4, 4); /* 3, 4, 5, 6, 7: wraps */
	assert_int_equal(pcm_ring_push(&r, in, 4), 0);
	assert_int_equal(r.len, 5);
	assert_int_equal(pcm_ring_pop(&r, out, 8), 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(out[2 * i], 3 + i);
		assert_int_equal(out[2 * i + 1], -(int)(3 + i));
	}
	assert_int_equal(pcm_ring_pop(&r, out, 1), 0);
	pcm_ring_free(&r);
}

static void a_full_ring_drops_the_oldest(void **state)
{
	struct pcm_ring r;
	int16_t in[32], out[32];

	(void)state;
	assert_int_equal(pcm_ring_init(&r, 4, 2), 0);
	frames(in, 1, 3);
	pcm_ring_push(&r, in, 3);
	frames(in, 4, 3); /* 1..6 into 4: 1 and 2 go */
	assert_int_equal(pcm_ring_push(&r, in, 3), 2);
	assert_int_equal(pcm_ring_pop(&r, out, 4), 4);
	assert_int_equal(out[0], 3);
	assert_int_equal(out[6], 6);
	frames(in, 10, 7); /* more than it holds: the newest 4 */
	assert_int_equal(pcm_ring_push(&r, in, 7), 3);
	assert_int_equal(pcm_ring_pop(&r, out, 4), 4);
	assert_int_equal(out[0], 13);
	assert_int_equal(out[6], 16);
	pcm_ring_free(&r);
}

static void trim_keeps_the_newest(void **state)
{
	struct pcm_ring r;
	int16_t in[16], out[16];

	(void)state;
	assert_int_equal(pcm_ring_init(&r, 6, 2), 0);
	frames(in, 1, 5);
	pcm_ring_push(&r, in, 5);
	assert_int_equal(pcm_ring_trim(&r, 2), 3);
	assert_int_equal(pcm_ring_trim(&r, 2), 0);
	assert_int_equal(pcm_ring_pop(&r, out, 6), 2);
	assert_int_equal(out[0], 4);
	assert_int_equal(out[2], 5);
	pcm_ring_push(&r, in, 2);
	pcm_ring_clear(&r);
	assert_int_equal(pcm_ring_pop(&r, out, 6), 0);
	pcm_ring_free(&r);
}

static void mix_adds_saturates_and_halves(void **state)
{
	int16_t dst[4] = {1000, 30000, -30000, 0};
	const int16_t src[4] = {500, 10000, -10000, -7};

	(void)state;
	pcm_mix(dst, src, 4, 0);
	assert_int_equal(dst[0], 1500);
	assert_int_equal(dst[1], INT16_MAX);
	assert_int_equal(dst[2], INT16_MIN);
	assert_int_equal(dst[3], -7);
	dst[0] = 0;
	dst[3] = 0;
	pcm_mix(dst, src, 4, 1); /* at half */
	assert_int_equal(dst[0], 250);
	assert_int_equal(dst[3], -4); /* arithmetic shift rounds down */
}

static void bad_shapes_are_refused(void **state)
{
	struct pcm_ring r;

	(void)state;
	assert_int_equal(pcm_ring_init(&r, 0, 2), -22);
	assert_int_equal(pcm_ring_init(&r, 4, 0), -22);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(push_pop_in_order_across_the_wrap),
	    cmocka_unit_test(a_full_ring_drops_the_oldest),
	    cmocka_unit_test(trim_keeps_the_newest),
	    cmocka_unit_test(mix_adds_saturates_and_halves),
	    cmocka_unit_test(bad_shapes_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
