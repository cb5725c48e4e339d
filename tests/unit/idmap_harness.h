/* SPDX-License-Identifier: MIT */
/* What the id range tables' unit tests share (test_idmap*.c): one table,
 * its parser's messages, and checks that hold for any table.  Static: each
 * test program includes it once; inline: a program may leave one unused. */
#ifndef CELLAR_TEST_IDMAP_HARNESS_H
#define CELLAR_TEST_IDMAP_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "messages_harness.h"

#define R IDMAP_RANGE_SIZE

static struct idmap_db db; /* big: not on the stack */

static inline int teardown(void **state)
{
	(void)state;
	reset();
	return 0;
}

static inline int parse(const char *text)
{
	int n;

	reset();
	n = idmap_parse(&db, "idmap", text, strlen(text), collect, &msgs);
	assert_int_equal((size_t)n, msgs.total);
	return n;
}

static inline uint32_t get(const char *cell, bool want_new)
{
	uint32_t hb = 0;
	bool is_new = !want_new;

	assert_int_equal(idmap_get(&db, cell, &hb, &is_new), 0);
	assert_int_equal(is_new, want_new);
	return hb;
}

/* No two entries share an id, none holds an id below 65536 or (uid_t)-2
 * and above, names are unique.  Entries given out since the load (line 0)
 * are whole ranges of the db. */
static inline void assert_consistent(const struct idmap_db *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct idmap_entry *e = &d->entries[i];

		assert_true(e->host_base >= IDMAP_BASE_MIN);
		assert_true((uint64_t)e->host_base + R <= IDMAP_END_MAX);
		if (e->line == 0) {
			assert_true(e->host_base >= d->base);
			assert_int_equal((e->host_base - d->base) % R, 0);
			assert_true((uint64_t)e->host_base + R <=
				    (uint64_t)d->base + (uint64_t)d->ranges * R);
		}
		for (size_t j = 0; j < i; j++) {
			uint32_t a = d->entries[j].host_base, b = e->host_base;

			assert_true((a > b ? a - b : b - a) >= R);
			assert_string_not_equal(d->entries[j].name, e->name);
		}
	}
}

/* Every range of the db shares an id with an entry. */
static inline bool all_taken(const struct idmap_db *d)
{
	for (uint32_t k = 0; k < d->ranges; k++) {
		uint32_t hb = d->base + k * R;
		bool taken = false;

		for (size_t i = 0; i < d->n && !taken; i++) {
			uint32_t e = d->entries[i].host_base;

			taken = (e > hb ? e - hb : hb - e) < R;
		}
		if (!taken)
			return false;
	}
	return true;
}

#endif
