// SPDX-License-Identifier: MIT
/* The replies to list and status, as text and as JSON (docs/control.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "ctl_proto.h"
#include "mgr.h"
#include "ops.h"
#include "vt.h"

static uint64_t uptime_s(const struct cell *c, uint64_t now)
{
	if (!cell_is_active(c) || !c->started_ms || now < c->started_ms)
		return 0;
	return (now - c->started_ms) / 1000u;
}

static void format_duration(char *out, size_t cap, const struct cell *c, uint64_t s)
{
	if (!cell_is_active(c))
		snprintf(out, cap, "-");
	else if (s < 60)
		snprintf(out, cap, "%us", (unsigned)s);
	else if (s < 3600)
		snprintf(out, cap, "%um%02us", (unsigned)(s / 60), (unsigned)(s % 60));
	else if (s < 86400)
		snprintf(out, cap, "%uh%02um", (unsigned)(s / 3600), (unsigned)(s % 3600 / 60));
	else
		snprintf(out, cap, "%ud%02uh", (unsigned)(s / 86400), (unsigned)(s % 86400 / 3600));
}

static void format_bytes(char *out, size_t cap, uint64_t n)
{
	static const char units[] = "KMGT";
	double v = (double)n;
	int u = -1;

	if (n == 0) {
		snprintf(out, cap, "-");
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(out, cap, "%uB", (unsigned)n);
	else
		snprintf(out, cap, "%.1f%c", v, units[u]);
}

void ctl_list_text(struct mgr *m, struct ctl_buf *b)
{
	uint64_t now = now_ms();
	char up[32], mem[32];

	for (size_t i = 0; i < m->n_cells; i++) {
		struct cell *c = m->cells[i];

		format_duration(up, sizeof(up), c, uptime_s(c, now));
		format_bytes(mem, sizeof(mem), mgr_cell_memory(m, c));
		ctl_buf_printf(b, "%-15s %-9s %7d %8s %8u %8s %s\n", c->cfg.name,
			       cell_state_name(c->state), (int)c->pid, up, c->restarts, mem,
			       m->console.front == c ? "front" : "-");
	}
}

/* The fields `list --json` and `status --json` share. */
static void cell_json_fields(struct mgr *m, struct cell *c, uint64_t now, struct ctl_buf *b)
{
	ctl_buf_printf(b, "\"name\":");
	ctl_buf_json_string(b, c->cfg.name);
	ctl_buf_printf(b, ",\"state\":");
	ctl_buf_json_string(b, cell_state_name(c->state));
	ctl_buf_printf(b,
		       ",\"pid\":%d,\"uptime\":%llu,\"restarts\":%u,\"memory\":%llu,"
		       "\"foreground\":%s",
		       (int)c->pid, (unsigned long long)uptime_s(c, now), c->restarts,
		       (unsigned long long)mgr_cell_memory(m, c),
		       m->console.front == c ? "true" : "false");
}

void ctl_list_json(struct mgr *m, struct ctl_buf *b)
{
	uint64_t now = now_ms();

	ctl_buf_printf(b, "{\"cells\":[");
	for (size_t i = 0; i < m->n_cells; i++) {
		ctl_buf_printf(b, "%s{", i ? "," : "");
		cell_json_fields(m, m->cells[i], now, b);
		ctl_buf_printf(b, "}");
	}
	ctl_buf_printf(b, "]}\n");
}

void ctl_status_text(struct mgr *m, struct cell *c, struct ctl_buf *b)
{
	uint64_t now = now_ms(), mem = mgr_cell_memory(m, c);
	char up[32], vt[96];

	format_duration(up, sizeof(up), c, uptime_s(c, now));
	ctl_buf_printf(b, "name: %s\nstate: %s\npid: %d\nuptime: %s\nrestarts: %u\n", c->cfg.name,
		       cell_state_name(c->state), (int)c->pid, up, c->restarts);
	ctl_buf_printf(b, "memory: %llu\nforeground: %s\nimage: %s\ninit: %s\n",
		       (unsigned long long)mem, m->console.front == c ? "yes" : "no", c->cfg.image,
		       c->cfg.init);
	if (vt_describe(m, c, vt, sizeof(vt)))
		ctl_buf_printf(b, "vt: %s\n", vt);
	if (c->reason[0])
		ctl_buf_printf(b, "reason: %s\n", c->reason);
}

void ctl_status_json(struct mgr *m, struct cell *c, struct ctl_buf *b)
{
	ctl_buf_printf(b, "{");
	cell_json_fields(m, c, now_ms(), b);
	ctl_buf_printf(b, ",\"image\":");
	ctl_buf_json_string(b, c->cfg.image);
	ctl_buf_printf(b, ",\"init\":");
	ctl_buf_json_string(b, c->cfg.init);
	ctl_buf_printf(b, ",\"reason\":");
	if (c->reason[0])
		ctl_buf_json_string(b, c->reason);
	else
		ctl_buf_printf(b, "null");
	ctl_buf_printf(b, "}\n");
}
