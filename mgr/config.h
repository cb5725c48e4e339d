/* SPDX-License-Identifier: MIT */
/*
 * The cell list: /etc/cellar/cells.conf, documented in docs/config.md.
 *
 * Parsing is strict.  Every problem is reported through the caller's
 * callback as one line "FILE:LINE: message".  A problem inside a
 * [cell NAME] section drops that cell (the others are kept); a problem in
 * [host] drops that key (its default stays).  n_errors counts them all, so
 * a caller that must refuse a file with any error (reload) can.
 */
#ifndef CELLAR_CONFIG_H
#define CELLAR_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* A cell name names interfaces and cgroups later: keep it within IFNAMSIZ. */
#define CELL_NAME_MAX 15
#define HOSTNAME_MAX 64
#define MODULES_MAX 1024

/* Real-time signals as glibc numbers them (see mgr/units.c). */
#define CELL_SIGRTMIN 34
#define CELL_SIGRTMAX 64

#define CELL_DEFAULT_INIT "/sbin/init"
#define CELL_DEFAULT_STOP_TIMEOUT_MS 10000u
#define CONFIG_STOP_TIMEOUT_MAX_MS 3600000u /* 1 h */

/* Bounds that keep any input cheap to parse (the parser is fuzzed): a bigger
 * file is refused by config_load(), further [cell] sections are ignored. */
#define CONFIG_FILE_MAX (1024u * 1024u)
#define CONFIG_CELLS_MAX 256

struct cell_config {
	char name[CELL_NAME_MAX + 1];
	unsigned line;			 /* line of its [cell NAME] header */
	char image[PATH_MAX];		 /* required: image file or directory */
	char init[PATH_MAX];		 /* inside the cell; default /sbin/init */
	char hostname[HOSTNAME_MAX + 1]; /* default: the cell's name */
	bool foreground;		 /* at most one cell sets it */
	int stop_signal;		 /* default SIGRTMIN+3 (systemd's halt) */
	unsigned stop_timeout_ms;	 /* default 10 s */
};

struct host_config {
	char hostname[HOSTNAME_MAX + 1]; /* default "cellar" */
	char modules[MODULES_MAX];	 /* space-separated module names */
};

struct config {
	struct host_config host;
	struct cell_config *cells; /* in file order, only the valid ones */
	size_t n_cells;
	unsigned n_errors;
};

typedef void (*config_report_fn)(void *ctx, const char *msg);

/*
 * Parses buf (len bytes, need not be NUL-terminated).  file is used only in
 * messages.  Returns 0, or -ENOMEM; syntax problems are not failures: they
 * are reported, counted in n_errors, and the bad cell or key is dropped.
 * report may be NULL.  On return cfg owns memory: config_free() it.
 */
int config_parse(struct config *cfg, const char *file, const char *buf, size_t len,
		 config_report_fn report, void *ctx);

/* Reads and parses path.  Returns -errno when the file cannot be read
 * (reported as "FILE: strerror"; -EFBIG, "FILE: too large (more than 1 MiB)",
 * past CONFIG_FILE_MAX): cfg then holds the defaults, no cells and
 * n_errors 1.  Else as config_parse(). */
int config_load(struct config *cfg, const char *path, config_report_fn report, void *ctx);

void config_free(struct config *cfg);

/* The cell marked foreground, else the first cell; NULL when there is none. */
const struct cell_config *config_foreground(const struct config *cfg);

/* Signal names as the config takes them: "SIGTERM", "TERM", "SIGRTMIN+3",
 * "15".  Returns the number or -EINVAL.  signal_name() is the reverse
 * ("SIGRTMIN+3"); it returns a static buffer for unknown numbers.
 * Names are upper case; RTMIN+n and RTMAX-n are resolved with the C
 * library's SIGRTMIN/SIGRTMAX at run time; numbers run from 1 to SIGRTMAX.
 * signal_name() gives "SIGRTMIN+n"/"SIGRTMAX-n" for real-time signals (a
 * static buffer: not thread-safe) and the decimal number otherwise. */
int signal_parse(const char *s);
const char *signal_name(int sig);

/* "10s", "500ms", "2m", or plain seconds "10".  Returns 0 or -EINVAL (also
 * when the result does not fit in *ms).  0 is a valid duration here: range
 * checks are the caller's. */
int duration_parse_ms(const char *s, unsigned *ms);

#endif
