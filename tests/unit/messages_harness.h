/* SPDX-License-Identifier: MIT */
/* The messages a parser under test reports (its report callback), kept
 * for the checks: config_harness.h's and idmap_harness.h's.  Static: each
 * test program includes it once. */
#ifndef CELLAR_TEST_MESSAGES_HARNESS_H
#define CELLAR_TEST_MESSAGES_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#define MAX_MSGS 64

struct messages {
	char *msg[MAX_MSGS];
	size_t n;
	size_t total;
};

static struct messages msgs;

/* The report callback: ctx is &msgs. */
static inline void collect(void *ctx, const char *msg)
{
	struct messages *m = ctx;

	if (m->n < MAX_MSGS)
		m->msg[m->n++] = strdup(msg);
	m->total++;
}

static inline void reset(void)
{
	for (size_t i = 0; i < msgs.n; i++)
		free(msgs.msg[i]);
	memset(&msgs, 0, sizeof(msgs));
}

/* The messages, exactly and in order; the list ends with NULL. */
static inline void expect_messages(const char *first, ...)
{
	va_list ap;
	size_t i = 0;

	va_start(ap, first);
	for (const char *want = first; want; want = va_arg(ap, const char *), i++) {
		if (i >= msgs.n)
			fail_msg("missing message %zu: %s", i, want);
		assert_string_equal(msgs.msg[i], want);
	}
	va_end(ap);
	if (msgs.n != i)
		fail_msg("unexpected message: %s", msgs.msg[i]);
}

#endif
