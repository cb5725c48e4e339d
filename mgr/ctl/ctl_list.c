// SPDX-License-Identifier: MIT
/* The replies to list and status, as text and as JSON (docs/control.md). */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_stat.h"
#include "config_value.h"
#include "ctl.h"
#include "ctl_proto.h"
#include "mgr.h"
#include "ops.h"
#include "suggest.h"
#include "vt.h"
#include "update.h"

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

/* "-" for an unknown figure, "max" for no limit, else 1.5K, 12.3M ... */
static void format_bytes(char *out, size_t cap, uint64_t n)
{
	static const char units[] = "KMGTPE";
	double v = (double)n;
	int u = -1;

	if (n == CGROUP_STAT_UNKNOWN) {
		snprintf(out, cap, "-");
		return;
	}
	if (n == CGROUP_STAT_NOLIMIT) {
		snprintf(out, cap, "max");
		return;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(out, cap, "%uB", (unsigned)n);
	else
		snprintf(out, cap, "%.1f%c", v, units[u]);
}

/* CPU time: "-", "0.25s", "12.3s", "4m05s", "2h03m". */
static void format_cpu(char *out, size_t cap, uint64_t usec)
{
	uint64_t s = usec / 1000000u;

	if (usec == CGROUP_STAT_UNKNOWN)
		snprintf(out, cap, "-");
	else if (s < 10)
		snprintf(out, cap, "%.2fs", (double)usec / 1e6);
	else if (s < 60)
		snprintf(out, cap, "%.1fs", (double)usec / 1e6);
	else if (s < 3600)
		snprintf(out, cap, "%um%02us", (unsigned)(s / 60), (unsigned)(s % 60));
	else
		snprintf(out, cap, "%" PRIu64 "h%02um", s / 3600, (unsigned)(s % 3600 / 60));
}

static void format_count(char *out, size_t cap, uint64_t n)
{
	if (n == CGROUP_STAT_UNKNOWN)
		snprintf(out, cap, "-");
	else if (n == CGROUP_STAT_NOLIMIT)
		snprintf(out, cap, "max");
	else
		snprintf(out, cap, "%" PRIu64, n);
}

/*
 * One line per cell.  The first seven columns are those of the first
 * version (scripts split them); the figures come after FRONT:
 * NAME STATE PID UPTIME RESTARTS MEMORY FRONT MEMMAX CPU PIDS IO(read/written)
 */
void ctl_list_text(struct mgr *m, struct ctl_buf *b)
{
	uint64_t now = now_ms();
	char up[32], mem[32], max[32], cpu[32], pids[32], rd[32], wr[32];
	struct cgroup_stats st;

	for (size_t i = 0; i < m->cells.n; i++) {
		struct cell *c = m->cells.v[i];

		mgr_cell_stats(m, c, &st);
		format_duration(up, sizeof(up), c, uptime_s(c, now));
		format_bytes(mem, sizeof(mem), st.memory);
		format_bytes(max, sizeof(max), st.memory_max);
		format_cpu(cpu, sizeof(cpu), st.cpu_usec);
		format_count(pids, sizeof(pids), st.pids);
		format_bytes(rd, sizeof(rd), st.io_read);
		format_bytes(wr, sizeof(wr), st.io_write);
		ctl_buf_printf(b, "%-15s %-9s %7d %8s %8u %8s %-5s %8s %8s %6s %s/%s\n",
			       c->cfg.name, cell_state_name(c->state), (int)c->pid, up, c->restarts,
			       mem, seat_front(&m->seat) == c ? "front" : "-", max, cpu, pids, rd,
			       wr);
	}
}

/* ,"key":N, ,"key":"max" or ,"key":null */
static void json_figure(struct ctl_buf *b, const char *key, uint64_t v)
{
	if (v == CGROUP_STAT_UNKNOWN)
		ctl_buf_printf(b, ",\"%s\":null", key);
	else if (v == CGROUP_STAT_NOLIMIT)
		ctl_buf_printf(b, ",\"%s\":\"max\"", key);
	else
		ctl_buf_printf(b, ",\"%s\":%" PRIu64, key, v);
}

/* The fields `list --json` and `status --json` share. */
static void cell_json_fields(struct mgr *m, struct cell *c, uint64_t now, struct ctl_buf *b)
{
	struct cgroup_stats st;

	mgr_cell_stats(m, c, &st);
	ctl_buf_printf(b, "\"name\":");
	ctl_buf_json_string(b, c->cfg.name);
	ctl_buf_printf(b, ",\"state\":");
	ctl_buf_json_string(b, cell_state_name(c->state));
	ctl_buf_printf(b, ",\"pid\":%d,\"uptime\":%llu,\"restarts\":%u", (int)c->pid,
		       (unsigned long long)uptime_s(c, now), c->restarts);
	json_figure(b, "memory", st.memory);
	json_figure(b, "memory_max", st.memory_max);
	json_figure(b, "cpu_usec", st.cpu_usec);
	json_figure(b, "pids", st.pids);
	json_figure(b, "pids_max", st.pids_max);
	json_figure(b, "io_read_bytes", st.io_read);
	json_figure(b, "io_write_bytes", st.io_write);
	ctl_buf_printf(b, ",\"foreground\":%s", seat_front(&m->seat) == c ? "true" : "false");
}

void ctl_list_json(struct mgr *m, struct ctl_buf *b)
{
	uint64_t now = now_ms();
	const char *note = cgroup_stats_note(&m->cgroups);

	ctl_buf_printf(b, "{\"cells\":[");
	for (size_t i = 0; i < m->cells.n; i++) {
		ctl_buf_printf(b, "%s{", i ? "," : "");
		cell_json_fields(m, m->cells.v[i], now, b);
		ctl_buf_printf(b, "}");
	}
	ctl_buf_printf(b, "],\"figures\":");
	if (note)
		ctl_buf_json_string(b, note);
	else
		ctl_buf_printf(b, "null");
	ctl_buf_printf(b, "}\n");
}

/* The cell's addresses, as its cell list gives them ("" without net). */
static void addresses(const struct cell *c, char *out, size_t len)
{
	const struct cell_net *n = &c->cfg.net;
	size_t o = 0;

	out[0] = '\0';
	for (unsigned i = 0; i <= n->n_more && o < len; i++) {
		const struct net_cidr *a = i == 0 ? &n->addr : &n->more[i - 1];
		char text[INET6_ADDRSTRLEN];
		int w;

		if (!a->family || !inet_ntop(a->family, a->addr, text, sizeof(text)))
			continue;
		w = snprintf(out + o, len - o, "%s%s/%u", o ? " " : "", text, a->prefix);
		if (w > 0)
			o += (size_t)w;
	}
}

/* The limits the cell list sets that this host cannot enforce (no cgroup
 * v2, or no such controller for the cells), as "memory, pids"; "" when
 * every one is. */
static void unenforced(const struct mgr *m, const struct cell *c, char *out, size_t len)
{
	const struct cell_config *k = &c->cfg;
	const struct {
		bool set;
		unsigned bit;
		const char *name;
	} limits[] = {
	    {k->memory_max || k->memory_high, CGROUP_MEMORY, "memory"},
	    {k->pids_max != 0, CGROUP_PIDS, "pids"},
	    {k->cpu_weight != 0, CGROUP_CPU, "cpu_weight"},
	    {k->io_weight != 0, CGROUP_IO, "io_weight"},
	};
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]) && o < len; i++) {
		int w;

		if (!limits[i].set ||
		    (m->cgroups.available && (m->cgroups.controllers & limits[i].bit)))
			continue;
		w = snprintf(out + o, len - o, "%s%s", o ? ", " : "", limits[i].name);
		if (w > 0)
			o += (size_t)w;
	}
}

/* Its sd_notify STATUS=, which the cell wrote: control bytes shown as '?'
 * so that it can neither break the reply's lines nor act on a terminal. */
static void notify_status(const struct cell *c, char *out, size_t len)
{
	printable(out, len, c->status);
}

/* A figure line of status: the number, "max" or "-". */
static void status_figure(struct ctl_buf *b, const char *key, uint64_t v)
{
	char text[32];

	format_count(text, sizeof(text), v);
	ctl_buf_printf(b, "%s: %s\n", key, text);
}

void ctl_status_text(struct mgr *m, struct cell *c, struct ctl_buf *b)
{
	uint64_t now = now_ms();
	struct cgroup_stats st;
	char up[32], vt[96], text[512];

	mgr_cell_stats(m, c, &st);
	format_duration(up, sizeof(up), c, uptime_s(c, now));
	ctl_buf_printf(b, "name: %s\nstate: %s\npid: %d\nuptime: %s\nrestarts: %u\n", c->cfg.name,
		       cell_state_name(c->state), (int)c->pid, up, c->restarts);
	status_figure(b, "memory", st.memory);
	ctl_buf_printf(b, "foreground: %s\nimage: %s\ninit: %s\n",
		       seat_front(&m->seat) == c ? "yes" : "no",
		       c->upd.img.image[0] ? c->upd.img.image : c->cfg.image, c->cfg.init);
	status_figure(b, "memory_max", st.memory_max);
	status_figure(b, "cpu_usec", st.cpu_usec);
	status_figure(b, "pids", st.pids);
	status_figure(b, "pids_max", st.pids_max);
	status_figure(b, "io_read_bytes", st.io_read);
	status_figure(b, "io_write_bytes", st.io_write);
	if (vt_describe(&m->vt, c, vt, sizeof(vt)))
		ctl_buf_printf(b, "vt: %s\n", vt);
	if (audio_describe(&m->audio, c, text, sizeof(text)))
		ctl_buf_printf(b, "audio: %s\n", text);
	addresses(c, text, sizeof(text));
	if (text[0])
		ctl_buf_printf(b, "addresses: %s\n", text);
	unenforced(m, c, text, sizeof(text));
	if (text[0])
		ctl_buf_printf(b, "not enforced: %s (no cgroup controller for it on this host)\n",
			       text);
	notify_status(c, text, sizeof(text));
	if (text[0])
		ctl_buf_printf(b, "status: %s\n", text);
	if (c->reason[0])
		ctl_buf_printf(b, "reason: %s\n", c->reason);
	update_status_text(c, b);
}

/* A JSON string, or null when empty. */
static void json_text(struct ctl_buf *b, const char *key, const char *text)
{
	ctl_buf_printf(b, ",\"%s\":", key);
	if (text[0])
		ctl_buf_json_string(b, text);
	else
		ctl_buf_printf(b, "null");
}

void ctl_status_json(struct mgr *m, struct cell *c, struct ctl_buf *b)
{
	char text[512];

	ctl_buf_printf(b, "{");
	cell_json_fields(m, c, now_ms(), b);
	ctl_buf_printf(b, ",\"image\":");
	ctl_buf_json_string(b, c->upd.img.image[0] ? c->upd.img.image : c->cfg.image);
	ctl_buf_printf(b, ",\"init\":");
	ctl_buf_json_string(b, c->cfg.init);
	json_text(b, "reason", c->reason);
	addresses(c, text, sizeof(text));
	ctl_buf_printf(b, ",\"addresses\":[");
	for (char *rest = text, *a, *sep = ""; (a = strsep(&rest, " ")); sep = ",")
		if (*a) {
			ctl_buf_printf(b, "%s", sep);
			ctl_buf_json_string(b, a);
		}
	ctl_buf_printf(b, "]");
	unenforced(m, c, text, sizeof(text));
	json_text(b, "not_enforced", text);
	notify_status(c, text, sizeof(text));
	json_text(b, "status", text);
	update_status_json(c, b);
	ctl_buf_printf(b, "}\n");
}

void ctl_no_cell_text(struct mgr *m, const char *name, char *text, size_t len)
{
	struct suggest s;
	const char *best;

	suggest_init(&s, name);
	for (size_t i = 0; i < m->cells.n; i++)
		suggest_add(&s, m->cells.v[i]->cfg.name);
	best = suggest_best(&s);
	if (best)
		snprintf(text, len, "no cell '%s' (did you mean '%s'?)", name, best);
	else
		snprintf(text, len, "no cell '%s'", name);
}
