// SPDX-License-Identifier: MIT
/* The cell list (mgr/config/config.h): config_parse() over any bytes. */
#include <string.h>

#include "config.h"
#include "fuzz.h"

#define FILE_NAME "fuzz.conf"

struct reports {
	unsigned n;
};

/* Every problem is one line "FILE:LINE: message". */
static void on_report(void *ctx, const char *msg)
{
	struct reports *r = ctx;

	fuzz_assert(strncmp(msg, FILE_NAME ":", strlen(FILE_NAME ":")) == 0);
	fuzz_assert(!strchr(msg, '\n'));
	r->n++;
}

static void check_cell(const struct config *cfg, size_t i)
{
	const struct cell_config *c = &cfg->cells[i];
	size_t len = strnlen(c->name, sizeof(c->name));

	fuzz_assert(len > 0 && len <= CELL_NAME_MAX);
	fuzz_assert(strnlen(c->image, sizeof(c->image)) > 0); /* required */
	fuzz_assert(strnlen(c->init, sizeof(c->init)) < sizeof(c->init));
	fuzz_assert(strnlen(c->hostname, sizeof(c->hostname)) < sizeof(c->hostname));
	fuzz_assert(strnlen(c->persist, sizeof(c->persist)) < sizeof(c->persist));
	fuzz_assert(c->stop_timeout_ms <= CONFIG_DURATION_MAX_MS);
	fuzz_assert(c->restart.backoff_max_ms >= c->restart.backoff_ms);
	fuzz_assert(c->n_rlimits <= CELL_RLIMITS_MAX);
	for (unsigned k = 0; k < c->n_rlimits; k++)
		fuzz_assert(c->rlimits[k].soft <= c->rlimits[k].hard);
	fuzz_assert(c->vt <= CELL_VT_MAX);
	fuzz_assert(c->cpu_weight <= CELL_WEIGHT_MAX && c->io_weight <= CELL_WEIGHT_MAX);
	fuzz_assert(c->pids_max <= CELL_PIDS_MAX);
	fuzz_assert(c->net.n_more <= NET_ADDRS_MAX && c->net.n_gateways <= 2);
	for (size_t j = 0; j < i; j++)
		fuzz_assert(strcmp(cfg->cells[j].name, c->name) != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reports rep = {0};
	struct config cfg;
	unsigned foreground = 0;

	/* config_load() refuses bigger files before parsing. */
	if (size > CONFIG_FILE_MAX)
		return 0;
	if (config_parse(&cfg, FILE_NAME, (const char *)data, size, on_report, &rep) < 0) {
		fuzz_assert(cfg.n_cells == 0 && !cfg.cells);
		return 0;
	}
	fuzz_assert(rep.n == cfg.n_errors);
	fuzz_assert(cfg.n_cells <= CONFIG_CELLS_MAX);
	fuzz_assert(strnlen(cfg.host.hostname, sizeof(cfg.host.hostname)) > 0);
	for (size_t i = 0; i < cfg.n_cells; i++) {
		check_cell(&cfg, i);
		foreground += cfg.cells[i].foreground;
	}
	fuzz_assert(foreground <= 1);
	fuzz_assert(cfg.n_cells == 0 || config_foreground(&cfg) != NULL);
	config_free(&cfg);
	return 0;
}
