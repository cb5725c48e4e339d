// SPDX-License-Identifier: MIT
/*
 * The cell list parser (docs/config.md is the reference for the schema and
 * for every message below).
 *
 * common/ini.c turns the buffer into headers and key = value pairs; this file
 * knows the schema.  A [cell] section is parsed into p->cell and appended to
 * cfg->cells when the section ends, unless something in it was wrong: then
 * the whole cell is dropped, but its remaining lines are still checked so one
 * run reports every problem.  A bad key in [host] is dropped on its own.
 * Sections that cannot be parsed at all (unknown, a second [host], ...) are
 * reported once, at their header, and their lines are skipped.
 */
#include "config.h"

#include "config_keys.h"
#include "fileutil.h"
#include "idmap.h"
#include "ini.h"
#include "suggest.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#define MSG_MAX 8192
#define LABEL_MAX (INI_LINE_MAX + 16)

enum section { SEC_NONE, SEC_HOST, SEC_CELL, SEC_IGNORED };

/* Keys that may not be above another key of their cell when both are set;
 * reported at the later of the two, with both values as written. */
static const struct {
	int low, high;
} ordered_keys[] = {
    {CK_MEMORY_HIGH, CK_MEMORY},
    {CK_RESTART_DELAY, CK_RESTART_DELAY_MAX},
};
#define ORDERED_PAIRS (sizeof(ordered_keys) / sizeof(ordered_keys[0]))

struct seen_cell {
	char name[CELL_NAME_MAX + 1];
	unsigned line;
	char *persist; /* its 'persist', once set (even if the cell is dropped later) */
	unsigned persist_line;
};

struct parser {
	struct config *cfg;
	const char *file;
	config_report_fn report;
	void *ctx;
	size_t cells_alloc;

	enum section section;
	unsigned host_line;		   /* the [host] header, 0 = none yet */
	unsigned host_key_line[HK_COUNT];  /* where each key was first set */
	unsigned host_good_line[HK_COUNT]; /* ... and set to a good value */

	struct cell_config cell; /* the [cell] being parsed */
	char label[LABEL_MAX];	 /* "cell work", or "cell 'Bad'" */
	bool cell_bad;
	unsigned cell_key_line[CK_COUNT];
	unsigned cell_good_line[CK_COUNT];
	char pair_text[ORDERED_PAIRS][2][INI_LINE_MAX + 1]; /* see check_order() */

	unsigned n_cell_sections;
	size_t n_seen;
	struct seen_cell *cur; /* the current cell's entry in seen, or NULL */
	unsigned fg_line;      /* first "foreground = yes" */
	char fg_label[LABEL_MAX];
	/* Last, and not cleared ahead: only its first n_seen entries are
	 * ever read, each set as it is taken. */
	struct seen_cell seen[CONFIG_CELLS_MAX]; /* every well-named [cell] */
};

/* ---- messages -------------------------------------------------------- */

__attribute__((format(printf, 3, 0))) static void vreport(struct parser *p, unsigned line,
							  const char *fmt, va_list ap)
{
	char msg[MSG_MAX];
	int n;

	p->cfg->n_errors++;
	if (!p->report)
		return;
	n = snprintf(msg, sizeof(msg), "%s:%u: ", p->file, line);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	p->report(p->ctx, msg);
}

__attribute__((format(printf, 3, 4))) static void report_error(struct parser *p, unsigned line,
							       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, line, fmt, ap);
	va_end(ap);
}

/* A problem inside the current [cell]: reported as "cell NAME: ...", and
 * the cell will be dropped. */
__attribute__((format(printf, 3, 4))) static void cell_error(struct parser *p, unsigned line,
							     const char *fmt, ...)
{
	char body[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	p->cell_bad = true;
	report_error(p, line, "%s: %s", p->label, body);
}

static void bad_value(struct parser *p, const struct ini_item *it, const char *hint)
{
	char v[INI_LINE_MAX + 1];

	printable(v, sizeof(v), it->value);
	if (p->section == SEC_CELL)
		cell_error(p, it->line, "bad value for '%s': '%s' %s", it->key, v, hint);
	else
		report_error(p, it->line, "host: bad value for '%s': '%s' %s", it->key, v, hint);
}

/* ---- sections -------------------------------------------------------- */

static int append_cell(struct parser *p)
{
	struct config *cfg = p->cfg;

	if (cfg->n_cells == p->cells_alloc) {
		size_t n = p->cells_alloc ? 2 * p->cells_alloc : 4;
		struct cell_config *cells = realloc(cfg->cells, n * sizeof(*cells));

		if (!cells)
			return -ENOMEM;
		cfg->cells = cells;
		p->cells_alloc = n;
	}
	cfg->cells[cfg->n_cells++] = p->cell;
	return 0;
}

/* Checked once [host] ends: bridge_port needs a bridge; idmap_base and
 * idmap_ranges together: the ranges must end at IDMAP_END_MAX at the
 * latest.  When they do not, both go back to their defaults (which fit),
 * reported at the later key. */
static void host_end(struct parser *p)
{
	struct host_config *h = &p->cfg->host;
	uint64_t end = (uint64_t)h->idmap_base + (uint64_t)h->idmap_ranges * IDMAP_RANGE_SIZE;
	unsigned a = p->host_good_line[HK_IDMAP_BASE], b = p->host_good_line[HK_IDMAP_RANGES];

	if (h->n_bridge_ports && !h->bridge[0]) {
		report_error(p, p->host_good_line[HK_BRIDGE_PORT],
			     "host: 'bridge_port' needs a bridge: 'bridge = NAME ADDR/PREFIX' in "
			     "[host]");
		h->n_bridge_ports = 0;
	}
	if (end <= IDMAP_END_MAX)
		return;
	report_error(p, a > b ? a : b,
		     "host: idmap_base %u + idmap_ranges %u * 65536 is above %u; both keep "
		     "their defaults (%u, %u)",
		     h->idmap_base, h->idmap_ranges, IDMAP_END_MAX, HOST_DEFAULT_IDMAP_BASE,
		     HOST_DEFAULT_IDMAP_RANGES);
	h->idmap_base = HOST_DEFAULT_IDMAP_BASE;
	h->idmap_ranges = HOST_DEFAULT_IDMAP_RANGES;
}

static int section_end(struct parser *p)
{
	enum section s = p->section;
	char msg[256];
	unsigned line;

	p->section = SEC_IGNORED;
	if (s == SEC_HOST)
		host_end(p);
	if (s != SEC_CELL)
		return 0;
	if (!p->cell_key_line[CK_IMAGE])
		cell_error(p, p->cell.line, "missing required key 'image'");
	line = config_audio_check_cell(&p->cell, p->cell_good_line, msg, sizeof(msg));
	if (line)
		cell_error(p, line, "%s", msg);
	if (p->cell_bad)
		return 0;
	cell_key_defaults(&p->cell, p->cell_key_line);
	return append_cell(p);
}

static void host_begin(struct parser *p, const struct ini_item *it)
{
	if (*it->arg) {
		report_error(p, it->line, "section '[host]' takes no argument");
	} else if (p->host_line) {
		report_error(p, it->line, "duplicate section '[host]' (first defined at line %u)",
			     p->host_line);
	} else {
		p->host_line = it->line;
		p->section = SEC_HOST;
	}
}

static void cell_begin(struct parser *p, const struct ini_item *it)
{
	const char *name = it->arg;

	if (*name == '\0') {
		report_error(p, it->line, "section '[cell]' needs a name: '[cell NAME]'");
		return;
	}
	if (++p->n_cell_sections > CONFIG_CELLS_MAX) {
		p->n_cell_sections = CONFIG_CELLS_MAX + 1; /* no wrap */
		report_error(p, it->line, "too many cells: '[cell %s]' ignored (at most %d)", name,
			     CONFIG_CELLS_MAX);
		return;
	}
	p->section = SEC_CELL;
	p->cell_bad = false;
	p->cur = NULL;
	memset(p->cell_key_line, 0, sizeof(p->cell_key_line));
	memset(p->cell_good_line, 0, sizeof(p->cell_good_line));
	memset(&p->cell, 0, sizeof(p->cell));
	p->cell.line = it->line;
	strcpy(p->cell.init, CELL_DEFAULT_INIT);
	p->cell.stop_signal = CELL_SIGRTMIN + 3;
	p->cell.stop_timeout_ms = CELL_DEFAULT_STOP_TIMEOUT_MS;
	p->cell.restart = (struct restart_policy)RESTART_POLICY_DEFAULT;
	p->cell.userns = true;
	p->cell.cgroups_max = CELL_DEFAULT_CGROUPS_MAX;
	p->cell.update_window_ms = CELL_DEFAULT_UPDATE_WINDOW_MS;

	if (!cell_name_valid(name)) {
		snprintf(p->label, sizeof(p->label), "cell '%s'", name);
		cell_error(p, it->line,
			   "bad name (1-15 characters: a-z, 0-9, '-', '_', "
			   "starting with a letter or digit)");
		return;
	}
	strcpy(p->cell.name, name);
	snprintf(p->label, sizeof(p->label), "cell %s", name);
	for (size_t i = 0; i < p->n_seen; i++) {
		if (strcmp(p->seen[i].name, name) == 0) {
			p->cell_bad = true;
			report_error(p, it->line, "duplicate cell '%s' (first defined at line %u)",
				     name, p->seen[i].line);
			return;
		}
	}
	p->cur = &p->seen[p->n_seen++];
	strcpy(p->cur->name, name);
	p->cur->line = it->line;
	p->cur->persist = NULL;
	p->cur->persist_line = 0;
}

static int on_section(struct parser *p, const struct ini_item *it)
{
	int r = section_end(p);

	if (r < 0)
		return r;
	if (strcmp(it->name, "host") == 0)
		host_begin(p, it);
	else if (strcmp(it->name, "cell") == 0)
		cell_begin(p, it);
	else
		report_error(p, it->line, "unknown section '[%s%s%s]'", it->name,
			     *it->arg ? " " : "", it->arg);
	return 0;
}

/* ---- keys ------------------------------------------------------------ */

/* A capability in both caps_drop and caps_keep: reported at the later one. */
static void check_caps(struct parser *p, const struct ini_item *it, int k)
{
	int other = k == CK_CAPS_DROP ? CK_CAPS_KEEP : CK_CAPS_DROP;
	uint64_t both = p->cell.caps_drop & p->cell.caps_keep;
	char names[CELL_CAPS_KNOWN * 20] = "";
	size_t len = 0;

	if (!both)
		return;
	for (int cap = 0; cap < CELL_CAPS_KNOWN; cap++)
		if (both & (UINT64_C(1) << cap))
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
						len ? " " : "", capability_name(cap));
	cell_error(p, it->line, "'%s' and '%s' (line %u) both name %s", cell_keys[k].name,
		   cell_keys[other].name, p->cell_good_line[other], names);
}

static uint64_t ordered_value(const struct cell_config *c, int k)
{
	switch (k) {
	case CK_MEMORY: return c->memory_max;
	case CK_MEMORY_HIGH: return c->memory_high;
	case CK_RESTART_DELAY: return c->restart.backoff_ms;
	case CK_RESTART_DELAY_MAX: return c->restart.backoff_max_ms;
	}
	return 0;
}

/* memory_high above memory, restart_delay above restart_delay_max. */
static void check_order(struct parser *p, const struct ini_item *it, int k)
{
	for (size_t i = 0; i < ORDERED_PAIRS; i++) {
		int lo = ordered_keys[i].low, hi = ordered_keys[i].high;
		char(*text)[INI_LINE_MAX + 1] = p->pair_text[i]; /* [0] lo, [1] hi */

		if (k != lo && k != hi)
			continue;
		snprintf(text[k == hi], sizeof(text[0]), "%s", it->value);
		if (!p->cell_good_line[lo] || !p->cell_good_line[hi] ||
		    ordered_value(&p->cell, lo) <= ordered_value(&p->cell, hi))
			return;
		if (k == lo)
			cell_error(p, it->line, "'%s = %s' is above '%s = %s' (line %u)",
				   cell_keys[lo].name, text[0], cell_keys[hi].name, text[1],
				   p->cell_good_line[hi]);
		else
			cell_error(p, it->line, "'%s = %s' is below '%s = %s' (line %u)",
				   cell_keys[hi].name, text[1], cell_keys[lo].name, text[0],
				   p->cell_good_line[lo]);
		return;
	}
}

static bool path_within(const char *inner, const char *outer)
{
	size_t n = strlen(outer);

	return strncmp(inner, outer, n) == 0 && (inner[n] == '\0' || inner[n] == '/');
}

/* Two cells must not share a writable layer, nor nest one in the other.
 * Checked against every earlier well-named cell, kept or not (like
 * 'foreground'), so that fixing one cell never drops another. */
static int check_persist(struct parser *p, const struct ini_item *it)
{
	const char *mine = p->cell.persist;

	for (size_t i = 0; i < p->n_seen; i++) {
		const struct seen_cell *o = &p->seen[i];

		if (o == p->cur || !o->persist)
			continue;
		if (path_within(mine, o->persist) || path_within(o->persist, mine)) {
			cell_error(p, it->line,
				   "'persist' %s overlaps cell %s's %s (line %u): cells cannot "
				   "share a writable layer",
				   mine, o->name, o->persist, o->persist_line);
			return 0;
		}
	}
	if (p->cur) {
		p->cur->persist = strdup(mine);
		if (!p->cur->persist)
			return -ENOMEM;
		p->cur->persist_line = it->line;
	}
	return 0;
}

/* " (did you mean 'memory'?)" after an unknown key, or "". */
static int on_cell_key(struct parser *p, const struct ini_item *it)
{
	char hint_buf[HINT_MAX];
	const char *hint;
	int k;

	for (k = 0; k < CK_COUNT; k++)
		if (strcmp(it->key, cell_keys[k].name) == 0)
			break;
	if (k == CK_COUNT) {
		cell_error(p, it->line, "unknown key '%s'%s", it->key,
			   config_cell_key_hint(it->key));
		return 0;
	}
	if (p->cell_key_line[k]) {
		cell_error(p, it->line, "duplicate key '%s' (first set at line %u)", it->key,
			   p->cell_key_line[k]);
		return 0;
	}
	p->cell_key_line[k] = it->line;
	hint = cell_keys[k].set(&p->cell, it->value, cell_keys[k].arg, hint_buf);
	if (hint) {
		bad_value(p, it, hint);
		return 0;
	}
	p->cell_good_line[k] = it->line;
	if (k == CK_NET)
		p->cell.net.line = it->line;
	if (k == CK_CAPS_DROP || k == CK_CAPS_KEEP)
		check_caps(p, it, k);
	check_order(p, it, k);
	if (k == CK_PERSIST)
		return check_persist(p, it);
	if (k == CK_FOREGROUND && p->cell.foreground) {
		if (p->fg_line) {
			cell_error(p, it->line,
				   "second 'foreground = yes' (%s already has it at line %u)",
				   p->fg_label, p->fg_line);
		} else {
			p->fg_line = it->line;
			memcpy(p->fg_label, p->label, sizeof(p->fg_label));
		}
	}
	return 0;
}

static void on_host_key(struct parser *p, const struct ini_item *it)
{
	const char *hint;
	int k;

	for (k = 0; k < HK_COUNT; k++)
		if (strcmp(it->key, host_keys[k].name) == 0)
			break;
	if (k == HK_COUNT) {
		report_error(p, it->line, "host: unknown key '%s'%s", it->key,
			     config_host_key_hint(it->key));
		return;
	}
	if (p->host_key_line[k]) {
		report_error(p, it->line, "host: duplicate key '%s' (first set at line %u)",
			     it->key, p->host_key_line[k]);
		return;
	}
	p->host_key_line[k] = it->line;
	hint = host_keys[k].set(&p->cfg->host, it->value);
	if (hint)
		bad_value(p, it, hint);
	else
		p->host_good_line[k] = it->line;
}

/*
 * Whether the line the lexer just refused looks like a section header
 * ("[cell work" without its ']'): then it ends the current section, and the
 * lines after it belong to no section we know.  The lexer leaves pos just
 * past that line.
 */
static bool refused_line_is_header(const struct ini_reader *r)
{
	size_t end = r->pos, start;

	if (end > 0 && r->buf[end - 1] == '\n')
		end--;
	start = end;
	while (start > 0 && r->buf[start - 1] != '\n')
		start--;
	while (start < end && (r->buf[start] == ' ' || r->buf[start] == '\t'))
		start++;
	return start < end && r->buf[start] == '[';
}

static int on_lexer_error(struct parser *p, const struct ini_reader *r, const struct ini_item *it)
{
	if (refused_line_is_header(r)) {
		int ret = section_end(p);

		report_error(p, it->line, "%s", it->error);
		return ret;
	}
	switch (p->section) {
	case SEC_NONE: report_error(p, it->line, "%s", it->error); break;
	case SEC_HOST: report_error(p, it->line, "host: %s", it->error); break;
	case SEC_CELL: cell_error(p, it->line, "%s", it->error); break;
	case SEC_IGNORED: break;
	}
	return 0;
}

/*
 * Once the whole file is read (its [host] may come after the cells): each
 * cell's network keys against each other, the [host] bridge and the
 * cells kept before it (config_net.c).  Such a cell is dropped, reported
 * at the line of the key at fault.
 */
static void check_nets(struct parser *p)
{
	struct config *cfg = p->cfg;
	size_t kept = 0;
	char msg[512];

	for (size_t i = 0; i < cfg->n_cells; i++) {
		const struct cell_config *c = &cfg->cells[i];
		unsigned line = net_check_cell(&cfg->host, c, cfg->cells, kept, msg, sizeof(msg));

		if (line)
			report_error(p, line, "cell %s: %s", c->name, msg);
		else
			cfg->cells[kept++] = *c;
	}
	cfg->n_cells = kept;
}

/* ---- API ------------------------------------------------------------- */

void config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->host.hostname, HOST_DEFAULT_HOSTNAME);
	strcpy(cfg->host.data_dir, HOST_DEFAULT_DATA_DIR);
	cfg->host.idmap_base = HOST_DEFAULT_IDMAP_BASE;
	cfg->host.idmap_ranges = HOST_DEFAULT_IDMAP_RANGES;
	cfg->host.audio_rate = HOST_DEFAULT_AUDIO_RATE;
	cfg->host.audio_period_ms = HOST_DEFAULT_AUDIO_PERIOD_MS;
	cfg->host.audio_volume = -1;
}

int config_parse(struct config *cfg, const char *file, const char *buf, size_t len,
		 config_report_fn report, void *ctx)
{
	/* On the stack, not the heap: some 30 KiB that a first parse would
	 * have the allocator map, fault in and unmap again. */
	struct parser parser, *p = &parser;
	struct ini_reader r;
	int ret = 0;

	config_init(cfg);
	memset(p, 0, offsetof(struct parser, seen));
	p->cfg = cfg;
	p->file = file;
	p->report = report;
	p->ctx = ctx;
	p->section = SEC_NONE;

	ini_init(&r, buf, len);
	for (;;) {
		struct ini_item it = ini_next(&r);

		if (it.kind == INI_END)
			break;
		if (it.kind == INI_SECTION) {
			ret = on_section(p, &it);
		} else if (it.kind == INI_ERROR) {
			ret = on_lexer_error(p, &r, &it);
		} else if (p->section == SEC_NONE) {
			report_error(p, it.line, "key '%s' outside any section", it.key);
		} else if (p->section == SEC_HOST) {
			on_host_key(p, &it);
		} else if (p->section == SEC_CELL) {
			ret = on_cell_key(p, &it);
		}
		if (ret < 0)
			break;
	}
	if (ret == 0)
		ret = section_end(p);
	if (ret == 0)
		check_nets(p);
	if (ret < 0) {
		config_free(cfg);
		config_init(cfg);
	}
	for (size_t i = 0; i < p->n_seen; i++)
		free(p->seen[i].persist);
	return ret;
}

void config_free(struct config *cfg)
{
	free(cfg->cells);
	cfg->cells = NULL;
	cfg->n_cells = 0;
}

const struct cell_config *config_foreground(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_cells; i++)
		if (cfg->cells[i].foreground)
			return &cfg->cells[i];
	return cfg->n_cells ? &cfg->cells[0] : NULL;
}
