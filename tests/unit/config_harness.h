/* SPDX-License-Identifier: MIT */
/* What the cell list's unit tests share (test_config*.c): parse a text,
 * collect the messages, compare them and the kept cells.  Static: each test
 * program includes it once; inline: a program that needs no cell() says
 * nothing of it. */
#ifndef CELLAR_TEST_CONFIG_HARNESS_H
#define CELLAR_TEST_CONFIG_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "messages_harness.h"

static struct config cfg;

static inline int teardown(void **state)
{
	(void)state;
	config_free(&cfg);
	reset();
	return 0;
}

static inline void parse(const char *text)
{
	config_free(&cfg);
	reset();
	assert_int_equal(config_parse(&cfg, "cells.conf", text, strlen(text), collect, &msgs), 0);
	assert_int_equal(cfg.n_errors, msgs.total);
}

/* The names of the cells that were kept, in order, ending with NULL. */
static inline void expect_cells(const char *first, ...)
{
	va_list ap;
	size_t i = 0;

	va_start(ap, first);
	for (const char *want = first; want; want = va_arg(ap, const char *), i++) {
		if (i >= cfg.n_cells)
			fail_msg("missing cell %s", want);
		assert_string_equal(cfg.cells[i].name, want);
	}
	va_end(ap);
	assert_int_equal(cfg.n_cells, i);
}

static inline const struct cell_config *cell(const char *name)
{
	for (size_t i = 0; i < cfg.n_cells; i++)
		if (strcmp(cfg.cells[i].name, name) == 0)
			return &cfg.cells[i];
	fail_msg("no cell %s", name);
	return NULL;
}

#endif
