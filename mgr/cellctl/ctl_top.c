// SPDX-License-Identifier: MIT
/*
 * `cellctl top`: the cells' live figures refreshed like systemd-cgtop
 * (docs/control.md).  Each refresh is one `list json` request; CPU % and
 * I/O rates come from two samples.  cellmgr's JSON has a known shape, so a
 * small parser reads it (strings, numbers, null, nested values skipped).
 */
#include "ctl_top.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl_client.h"
#include "ctl_proto.h"

/* ---- the JSON of `list json` ----------------------------------------- */

struct jp {
	const char *s;
	bool bad;
};

static void ws(struct jp *p)
{
	while (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' || *p->s == '\r')
		p->s++;
}

static bool eat(struct jp *p, char c)
{
	ws(p);
	if (*p->s != c)
		return false;
	p->s++;
	return true;
}

/* A string into out (cut to cap; \u escapes outside ASCII become '?'). */
static void string(struct jp *p, char *out, size_t cap)
{
	size_t n = 0;

	if (!eat(p, '"')) {
		p->bad = true;
		return;
	}
	while (*p->s && *p->s != '"') {
		char c = *p->s++;

		if (c == '\\') {
			c = *p->s++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v = 0;

				for (int i = 0; i < 4; i++, p->s++) {
					char h = *p->s;

					if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
					      (h >= 'A' && h <= 'F'))) {
						p->bad = true;
						return;
					}
					v = v * 16 +
					    (unsigned)(h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
				}
				c = v < 0x80 ? (char)v : '?';
				break;
			}
			case '\0': p->bad = true; return;
			default: break; /* \" \\ \/ */
			}
		}
		if (n + 1 < cap)
			out[n++] = c;
	}
	if (cap)
		out[n] = '\0';
	if (!eat(p, '"'))
		p->bad = true;
}

static void skip_value(struct jp *p, int depth);

/* A figure: a number, "max", or null. */
static uint64_t figure(struct jp *p)
{
	char word[8];
	uint64_t v = 0;

	ws(p);
	if (*p->s == '"') {
		string(p, word, sizeof(word));
		return strcmp(word, "max") == 0 ? CGROUP_STAT_NOLIMIT : CGROUP_STAT_UNKNOWN;
	}
	if (strncmp(p->s, "null", 4) == 0) {
		p->s += 4;
		return CGROUP_STAT_UNKNOWN;
	}
	if (*p->s < '0' || *p->s > '9') {
		skip_value(p, 0);
		return CGROUP_STAT_UNKNOWN;
	}
	for (; *p->s >= '0' && *p->s <= '9'; p->s++)
		v = v > (CGROUP_STAT_NOLIMIT - 10) / 10 ? CGROUP_STAT_UNKNOWN
							: v * 10 + (uint64_t)(*p->s - '0');
	return v;
}

static void skip_value(struct jp *p, int depth)
{
	ws(p);
	if (depth > 16) {
		p->bad = true;
		return;
	}
	if (*p->s == '"') {
		string(p, NULL, 0);
	} else if (*p->s == '{' || *p->s == '[') {
		char close = *p->s == '{' ? '}' : ']';

		p->s++;
		if (eat(p, close))
			return;
		do {
			if (close == '}') {
				string(p, NULL, 0);
				if (!eat(p, ':'))
					p->bad = true;
			}
			skip_value(p, depth + 1);
		} while (!p->bad && eat(p, ','));
		if (!eat(p, close))
			p->bad = true;
	} else if (*p->s == '-' || (*p->s >= '0' && *p->s <= '9')) {
		p->s++;
		while (strchr("0123456789.eE+-", *p->s) && *p->s)
			p->s++;
	} else if (!strncmp(p->s, "null", 4) || !strncmp(p->s, "true", 4)) {
		p->s += 4;
	} else if (!strncmp(p->s, "false", 5)) {
		p->s += 5;
	} else {
		p->bad = true;
	}
}

static void cell_object(struct jp *p, struct top_cell *c)
{
	static const struct {
		const char *key;
		size_t off;
	} figures[] = {
	    {"memory", offsetof(struct cgroup_stats, memory)},
	    {"memory_max", offsetof(struct cgroup_stats, memory_max)},
	    {"cpu_usec", offsetof(struct cgroup_stats, cpu_usec)},
	    {"pids", offsetof(struct cgroup_stats, pids)},
	    {"pids_max", offsetof(struct cgroup_stats, pids_max)},
	    {"io_read_bytes", offsetof(struct cgroup_stats, io_read)},
	    {"io_write_bytes", offsetof(struct cgroup_stats, io_write)},
	};
	char key[32];

	memset(c, 0, sizeof(*c));
	cgroup_stats_clear(&c->st);
	if (!eat(p, '{')) {
		p->bad = true;
		return;
	}
	if (eat(p, '}'))
		return;
	do {
		size_t i;

		string(p, key, sizeof(key));
		if (p->bad || !eat(p, ':')) {
			p->bad = true;
			return;
		}
		if (!strcmp(key, "name")) {
			string(p, c->name, sizeof(c->name));
			continue;
		}
		if (!strcmp(key, "state")) {
			string(p, c->state, sizeof(c->state));
			continue;
		}
		for (i = 0; i < sizeof(figures) / sizeof(figures[0]); i++)
			if (!strcmp(key, figures[i].key))
				break;
		if (i < sizeof(figures) / sizeof(figures[0]))
			*(uint64_t *)((char *)&c->st + figures[i].off) = figure(p);
		else
			skip_value(p, 1);
	} while (!p->bad && eat(p, ','));
	if (!eat(p, '}'))
		p->bad = true;
}

int top_parse(const char *json, struct top_sample *s)
{
	struct jp p = {.s = json};
	char key[32];

	s->n = 0;
	s->note[0] = '\0';
	if (!eat(&p, '{'))
		return -EBADMSG;
	if (eat(&p, '}'))
		return 0;
	do {
		string(&p, key, sizeof(key));
		if (p.bad || !eat(&p, ':'))
			return -EBADMSG;
		if (!strcmp(key, "cells")) {
			if (!eat(&p, '['))
				return -EBADMSG;
			if (eat(&p, ']'))
				continue;
			do {
				struct top_cell scratch,
				    *c = s->n < TOP_CELLS_MAX ? &s->cells[s->n] : &scratch;

				cell_object(&p, c);
				if (c != &scratch)
					s->n++;
			} while (!p.bad && eat(&p, ','));
			if (!eat(&p, ']'))
				return -EBADMSG;
		} else if (!strcmp(key, "figures")) {
			ws(&p);
			if (*p.s == '"')
				string(&p, s->note, sizeof(s->note));
			else
				skip_value(&p, 1);
		} else {
			skip_value(&p, 1);
		}
	} while (!p.bad && eat(&p, ','));
	if (p.bad || !eat(&p, '}'))
		return -EBADMSG;
	return 0;
}

double top_rate(uint64_t before, uint64_t after, uint64_t interval_us, double scale)
{
	if (before >= CGROUP_STAT_NOLIMIT || after >= CGROUP_STAT_NOLIMIT || after < before ||
	    interval_us == 0)
		return -1;
	return (double)(after - before) * scale / (double)interval_us;
}

/* ---- the refresh loop ------------------------------------------------ */

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int take(const char *socket_path, struct top_sample *s)
{
	static char reply[CTL_REPLY_MAX + 1];
	static const char *const fields[] = {"list", "json"};

	if (ctl_client_call(socket_path, 2, fields, reply, sizeof(reply)) < 0)
		return -1;
	s->at_us = mono_us();
	if (top_parse(reply, s) < 0) {
		fprintf(stderr, "cellctl: top: malformed list from cellmgr\n");
		return -1;
	}
	return 0;
}

static const struct top_cell *find(const struct top_sample *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->cells[i].name, name))
			return &s->cells[i];
	return NULL;
}

static void human(char *out, size_t cap, double v, const char *suffix)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	if (v < 0) {
		snprintf(out, cap, "-");
		return;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(out, cap, "%.0fB%s", v, suffix);
	else
		snprintf(out, cap, "%.1f%c%s", v, units[u], suffix);
}

static double figure_value(uint64_t v)
{
	return v >= CGROUP_STAT_NOLIMIT ? -1 : (double)v;
}

static void print_text(const struct top_sample *a, const struct top_sample *b, double delay_s,
		       bool tty)
{
	uint64_t dt = b->at_us - a->at_us;

	if (tty)
		fputs("\033[H\033[2J", stdout);
	printf("cellar top: %zu cell%s, every %gs%s\n", b->n, b->n == 1 ? "" : "s", delay_s,
	       tty ? " (Ctrl-C quits)" : "");
	if (b->note[0])
		printf("note: %s\n", b->note);
	printf("%-15s %-9s %6s %7s %9s %9s %10s %10s\n", "NAME", "STATE", "PIDS", "CPU%", "MEMORY",
	       "MAX", "READ/s", "WRITE/s");
	for (size_t i = 0; i < b->n; i++) {
		const struct top_cell *c = &b->cells[i], *old = find(a, c->name);
		char pids[24], cpu[16], mem[16], max[16], rd[24], wr[24];
		double pct = old ? top_rate(old->st.cpu_usec, c->st.cpu_usec, dt, 100.0) : -1;

		if (c->st.pids == CGROUP_STAT_UNKNOWN)
			snprintf(pids, sizeof(pids), "-");
		else
			snprintf(pids, sizeof(pids), "%" PRIu64, c->st.pids);
		if (pct < 0)
			snprintf(cpu, sizeof(cpu), "-");
		else
			snprintf(cpu, sizeof(cpu), "%.1f", pct);
		human(mem, sizeof(mem), figure_value(c->st.memory), "");
		if (c->st.memory_max == CGROUP_STAT_NOLIMIT)
			snprintf(max, sizeof(max), "max");
		else
			human(max, sizeof(max), figure_value(c->st.memory_max), "");
		human(rd, sizeof(rd), old ? top_rate(old->st.io_read, c->st.io_read, dt, 1e6) : -1,
		      "");
		human(wr, sizeof(wr),
		      old ? top_rate(old->st.io_write, c->st.io_write, dt, 1e6) : -1, "");
		printf("%-15s %-9s %6s %7s %9s %9s %10s %10s\n", c->name, c->state, pids, cpu, mem,
		       max, rd, wr);
	}
	if (!tty)
		putchar('\n');
}

static void json_num(struct ctl_buf *jb, const char *key, uint64_t v)
{
	if (v == CGROUP_STAT_UNKNOWN)
		ctl_buf_printf(jb, ",\"%s\":null", key);
	else if (v == CGROUP_STAT_NOLIMIT)
		ctl_buf_printf(jb, ",\"%s\":\"max\"", key);
	else
		ctl_buf_printf(jb, ",\"%s\":%" PRIu64, key, v);
}

/* A rate with decimals digits after the point, or null. */
static void json_rate(struct ctl_buf *jb, const char *key, double v, int decimals)
{
	ctl_buf_printf(jb, ",\"%s\":", key);
	if (v < 0)
		ctl_buf_printf(jb, "null");
	else
		ctl_buf_printf(jb, "%.*f", decimals, v);
}

/* One line of JSON per refresh (JSON Lines). */
static void print_json(const struct top_sample *a, const struct top_sample *b)
{
	static char buf[CTL_REPLY_MAX * 2];
	struct ctl_buf jb = {.buf = buf, .cap = sizeof(buf)};
	uint64_t dt = b->at_us - a->at_us;

	ctl_buf_printf(&jb, "{\"interval_us\":%" PRIu64 ",\"figures\":", dt);
	if (b->note[0])
		ctl_buf_json_string(&jb, b->note);
	else
		ctl_buf_printf(&jb, "null");
	ctl_buf_printf(&jb, ",\"cells\":[");
	for (size_t i = 0; i < b->n; i++) {
		const struct top_cell *c = &b->cells[i], *old = find(a, c->name);

		ctl_buf_printf(&jb, "%s{\"name\":", i ? "," : "");
		ctl_buf_json_string(&jb, c->name);
		ctl_buf_printf(&jb, ",\"state\":");
		ctl_buf_json_string(&jb, c->state);
		json_num(&jb, "pids", c->st.pids);
		json_num(&jb, "pids_max", c->st.pids_max);
		json_num(&jb, "cpu_usec", c->st.cpu_usec);
		json_rate(&jb, "cpu_percent",
			  old ? top_rate(old->st.cpu_usec, c->st.cpu_usec, dt, 100.0) : -1, 2);
		json_num(&jb, "memory", c->st.memory);
		json_num(&jb, "memory_max", c->st.memory_max);
		json_rate(&jb, "io_read_per_s",
			  old ? top_rate(old->st.io_read, c->st.io_read, dt, 1e6) : -1, 0);
		json_rate(&jb, "io_write_per_s",
			  old ? top_rate(old->st.io_write, c->st.io_write, dt, 1e6) : -1, 0);
		ctl_buf_printf(&jb, "}");
	}
	ctl_buf_printf(&jb, "]}\n");
	fwrite(jb.buf, 1, jb.len, stdout);
}

__attribute__((format(printf, 1, 2))) static int top_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("cellctl: top: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (cellctl --help)\n", stderr);
	return 2;
}

int ctl_top_main(const char *socket_path, int json, int argc, char **args)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"delay", required_argument, NULL, 'd'},
	    {"iterations", required_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0},
	};
	static struct top_sample samples[2];
	double delay = 1.0;
	long count = 0;
	char *end;
	int opt;
	bool tty;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, args, "+d:n:", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': json = 1; break;
		case 'd':
			delay = strtod(optarg, &end);
			if (*end || end == optarg || !(delay >= 0.1 && delay <= 3600))
				return top_usage("-d: expected seconds from 0.1 to 3600, not '%s'",
						 optarg);
			break;
		case 'n':
			count = strtol(optarg, &end, 10);
			if (*end || end == optarg || count < 1)
				return top_usage("-n: expected a number of refreshes, not '%s'",
						 optarg);
			break;
		default: return top_usage("unexpected argument '%s'", args[optind - 1]);
		}
	}
	if (optind < argc)
		return top_usage("unexpected argument '%s'", args[optind]);
	tty = !json && isatty(STDOUT_FILENO);
	if (take(socket_path, &samples[0]) < 0)
		return 1;
	for (long i = 0, k = 0; count == 0 || i < count; i++, k ^= 1) {
		struct timespec ts = {.tv_sec = (time_t)delay,
				      .tv_nsec = (long)((delay - (double)(time_t)delay) * 1e9)};

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		if (take(socket_path, &samples[k ^ 1]) < 0)
			return 1;
		if (json)
			print_json(&samples[k], &samples[k ^ 1]);
		else
			print_text(&samples[k], &samples[k ^ 1], delay, tty);
		if (fflush(stdout) == EOF)
			return 1; /* stdout gone (a closed pipe) */
	}
	return 0;
}
