// SPDX-License-Identifier: MIT
/* The clock and the signal wait that init's loop, the power sequence and
 * the module loader's child share (init.h): a leaf, so that none of them
 * calls back into main.c. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "init.h"

int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int signal_wait(struct init_ctx *ctx, int64_t deadline_ms)
{
	siginfo_t info;
	int sig;

	if (deadline_ms < 0) {
		sig = sigwaitinfo(&ctx->signals, &info);
	} else {
		int64_t left = deadline_ms - monotonic_ms();
		struct timespec ts;

		if (left <= 0)
			return 0;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		sig = sigtimedwait(&ctx->signals, &info, &ts);
	}
	if (sig < 0)
		return errno == EAGAIN ? 0 : -1; /* -1: EINTR, try again */
	return sig;
}
