/* SPDX-License-Identifier: MIT */
/*
 * A cell's live figures from its cgroup (docs/control.md, "Figures"):
 * memory.current and memory.max, cpu.stat's usage_usec, pids.current and
 * pids.max, io.stat's bytes.  A figure whose file is missing (no such
 * controller, as on a hybrid host, or no cgroup v2 at all) is
 * CGROUP_STAT_UNKNOWN, never 0: clients show it as "-" or null.
 * The parsers are pure (unit-tested); cgroup.c reads the files.
 */
#ifndef CELLAR_CGROUP_STAT_H
#define CELLAR_CGROUP_STAT_H

#include <stdint.h>

#define CGROUP_STAT_UNKNOWN UINT64_MAX
#define CGROUP_STAT_NOLIMIT (UINT64_MAX - 1) /* a limit file says "max" */

struct cgroup_stats {
	uint64_t memory, memory_max; /* bytes */
	uint64_t cpu_usec;	     /* CPU time, user and system */
	uint64_t pids, pids_max;     /* processes and threads */
	uint64_t io_read, io_write;  /* bytes, all devices */
};

/* Every figure CGROUP_STAT_UNKNOWN. */
void cgroup_stats_clear(struct cgroup_stats *st);

/* A one-value file ("123\n", or "max\n" for a limit): the number,
 * CGROUP_STAT_NOLIMIT, or CGROUP_STAT_UNKNOWN when it is neither. */
uint64_t cgroup_stat_value(const char *text);

/* A flat keyed file ("usage_usec 123\nuser_usec 45\n"): key's number, or
 * CGROUP_STAT_UNKNOWN when it has no such line. */
uint64_t cgroup_stat_keyed(const char *text, const char *key);

/* io.stat ("8:0 rbytes=1 wbytes=2 rios=3 ...", a line per device): the
 * sums of rbytes and wbytes; an empty file is 0 and 0 (no I/O yet). */
void cgroup_stat_io(const char *text, uint64_t *read_bytes, uint64_t *write_bytes);

#endif
