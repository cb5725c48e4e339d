// SPDX-License-Identifier: MIT
/* Unit tests for the per-cell user id ranges (mgr/start/idmap.c): the table and
 * how ranges are given out.  The file it is kept in: test_idmap_file.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "idmap.h"
#include "idmap_harness.h"

/* ---- init and allocation --------------------------------------------- */

static void test_init(void **state)
{
	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 1024), 0);
	assert_int_equal(db.base, 1000000);
	assert_int_equal(db.ranges, 1024);
	assert_int_equal(db.n, 0);
	assert_int_equal(idmap_init(&db, 65536, 65534), 0);
	assert_int_equal(idmap_init(&db, 4294901758u, 1), 0); /* ends at 4294967294 */

	assert_int_equal(idmap_init(&db, 65535, 1), -EINVAL); /* would hold ids < 65536 */
	assert_int_equal(idmap_init(&db, 0, 1), -EINVAL);
	assert_int_equal(idmap_init(&db, 1000000, 0), -EINVAL);
	assert_int_equal(idmap_init(&db, 65536, 65535), -EINVAL);
	assert_int_equal(idmap_init(&db, 4294901759u, 1), -EINVAL);
	assert_int_equal(idmap_init(&db, 1000000, 65536), -EINVAL);

	/* a refused db gives nothing out */
	uint32_t hb;
	bool is_new;
	assert_int_equal(idmap_get(&db, "work", &hb, &is_new), -ENOSPC);
}

static void test_allocation_order(void **state)
{
	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 1024), 0);
	assert_int_equal(get("work", true), 1000000);
	assert_int_equal(get("personal", true), 1000000 + R);
	assert_int_equal(get("c", true), 1000000 + 2 * R);
	/* stable */
	assert_int_equal(get("work", false), 1000000);
	assert_int_equal(get("c", false), 1000000 + 2 * R);
	assert_int_equal(db.n, 3);
	assert_non_null(idmap_find(&db, "personal"));
	assert_null(idmap_find(&db, "nobody"));
	assert_consistent(&db);
}

static void test_bad_names(void **state)
{
	static const char *const bad[] = {
	    "", "Work", "-x", "a b", "abcdefghijklmnop", "a/b", "a\nb", "_x",
	};
	uint32_t hb = 7;
	bool is_new = true;

	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 4), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(idmap_get(&db, bad[i], &hb, &is_new), -EINVAL);
	assert_int_equal(idmap_get(&db, NULL, &hb, &is_new), -EINVAL);
	assert_int_equal(hb, 7);
	assert_int_equal(db.n, 0);
	assert_int_equal(get("abcdefghijklmno", true), 1000000);
	assert_int_equal(get("0-a_b", true), 1000000 + R);
}

/* A removed cell keeps its range: a new cell gets the lowest range nobody
 * holds, and the removed cell gets its own back. */
static void test_stale_entries_kept(void **state)
{
	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 1024), 0);
	assert_int_equal(parse("gone 1000000\nwork 1131072\n"), 0);
	assert_int_equal(get("new", true), 1000000 + R);
	assert_int_equal(get("newer", true), 1000000 + 3 * R);
	assert_int_equal(get("gone", false), 1000000);
	assert_int_equal(get("work", false), 1000000 + 2 * R);
	assert_consistent(&db);
}

static void test_exhaustion(void **state)
{
	uint32_t hb = 0;
	bool is_new = false;

	(void)state;
	assert_int_equal(idmap_init(&db, 65536, 3), 0);
	assert_int_equal(get("a", true), 65536);
	assert_int_equal(get("b", true), 2 * R);
	assert_int_equal(get("c", true), 3 * R);
	assert_int_equal(idmap_get(&db, "d", &hb, &is_new), -ENOSPC);
	assert_int_equal(db.n, 3);
	/* the cells that have one keep it */
	assert_int_equal(get("b", false), 2 * R);

	/* the entry table is the other limit */
	assert_int_equal(idmap_init(&db, 65536, 65534), 0);
	for (int i = 0; i < IDMAP_ENTRIES_MAX; i++) {
		char name[16];

		snprintf(name, sizeof(name), "c%d", i);
		assert_int_equal(get(name, true), 65536 + (uint32_t)i * R);
	}
	assert_int_equal(idmap_get(&db, "one-more", &hb, &is_new), -ENOSPC);
	assert_int_equal(get("c1023", false), 65536 + 1023u * R);
	assert_consistent(&db);
}

/* Many bases and sizes, cells coming and going through the file: never an
 * overlap, never host id 0, never past the end. */
static void test_no_overlap(void **state)
{
	static const uint32_t bases[] = {65536, 100000, 1000000, 4294901758u - 20 * R};
	static const uint32_t sizes[] = {1, 2, 7, 20};
	static char text[64 * 1024];
	unsigned seed = 7;

	(void)state;
	for (size_t b = 0; b < 4; b++) {
		for (size_t s = 0; s < 4; s++) {
			assert_int_equal(idmap_init(&db, bases[b], sizes[s]), 0);
			for (int round = 0; round < 200; round++) {
				char name[16];
				uint32_t hb;
				bool is_new;
				int r;

				seed = seed * 1103515245u + 12345u;
				snprintf(name, sizeof(name), "c%u", (seed >> 16) % 40);
				r = idmap_get(&db, name, &hb, &is_new);
				assert_true(r == 0 || r == -ENOSPC);
				if (r == 0)
					assert_true(hb >= bases[b] && hb != 0);
				if (round % 17 == 0) {
					size_t len = idmap_format(&db, text, sizeof(text));

					assert_true(len < sizeof(text));
					assert_int_equal(parse(text), 0);
				}
				assert_consistent(&db);
			}
			assert_int_equal(db.n, sizes[s]); /* 40 names want more */
		}
	}
}

/* Issue 13, finding 7: the default base moved from 1000000 (inside the
 * ranges /etc/subuid and systemd-nspawn give out) to 0x70000000.  A board's
 * file from before keeps its cells' ranges; new cells get new-style ones,
 * and a range recorded anywhere (aligned or not) is never given again. */
static void test_ranges_from_old_default_kept(void **state)
{
	(void)state;
	assert_int_equal(idmap_init(&db, HOST_DEFAULT_IDMAP_BASE, HOST_DEFAULT_IDMAP_RANGES), 0);
	assert_int_equal(db.base, 0x70000000u);
	assert_int_equal(parse("work 1000000\npersonal 1065536\nodd 1879080960\n"), 0);
	expect_messages(NULL);
	assert_int_equal(get("work", false), 1000000);
	assert_int_equal(get("personal", false), 1065536);
	/* odd (0x70008000) holds parts of ranges 0 and 1 of the new base */
	assert_int_equal(get("new", true), 0x70000000u + 2 * R);
	assert_int_equal(get("newer", true), 0x70000000u + 3 * R);
	assert_consistent(&db);

	/* the same file under an idmap_base the admin set: kept too */
	assert_int_equal(idmap_init(&db, 2000000, 16), 0);
	assert_int_equal(parse("work 1000000\npersonal 1065536\n"), 0);
	assert_int_equal(get("work", false), 1000000);
	assert_int_equal(get("third", true), 2000000);
	assert_consistent(&db);
}

/* idmap_forget: a range given out and refused before the save. */
static void test_forget(void **state)
{
	(void)state;
	assert_int_equal(idmap_init(&db, 1000000, 8), 0);
	get("a", true);
	get("b", true);
	get("c", true);
	idmap_forget(&db, "b");
	idmap_forget(&db, "nobody");
	assert_int_equal(db.n, 2);
	assert_string_equal(db.entries[0].name, "a");
	assert_string_equal(db.entries[1].name, "c");
	assert_null(idmap_find(&db, "b"));
	assert_int_equal(get("d", true), 1000000 + R);
	idmap_forget(&db, "d");
	idmap_forget(&db, "c");
	idmap_forget(&db, "a");
	assert_int_equal(db.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_init, teardown),
	    cmocka_unit_test_teardown(test_allocation_order, teardown),
	    cmocka_unit_test_teardown(test_bad_names, teardown),
	    cmocka_unit_test_teardown(test_stale_entries_kept, teardown),
	    cmocka_unit_test_teardown(test_exhaustion, teardown),
	    cmocka_unit_test_teardown(test_no_overlap, teardown),
	    cmocka_unit_test_teardown(test_ranges_from_old_default_kept, teardown),
	    cmocka_unit_test_teardown(test_forget, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
