/* SPDX-License-Identifier: MIT */
/*
 * cellmgr's logging and its one error contract (docs/errors.md): functions
 * that can fail return a negative errno; log_errno() logs and returns that
 * value in one statement, so a failure path reads
 *
 *	return log_errno(r, "cell %s: mount %s", name, path);
 */
#ifndef CELLAR_LOG_H
#define CELLAR_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_set_prefix(const char *prefix);

/* End lines with CR LF: for a console whose output processing is off. */
void log_set_crlf(bool crlf);

__attribute__((format(printf, 2, 3))) void log_msg(enum log_level level, const char *fmt, ...);

/* Logs "message: strerror(-err)" and returns err (which must be < 0). */
__attribute__((format(printf, 2, 3))) int log_errno(int err, const char *fmt, ...);
/* The one way cellmgr gives up (docs/errors.md): a state it must not act
 * from, such as a failed return to its own namespace after a setns() into
 * a cell's.  Logs like log_errno() and aborts; init restarts cellmgr,
 * which re-adopts the running cells. */
__attribute__((noreturn, format(printf, 2, 3))) void log_fatal(int err, const char *fmt, ...);

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)

/* -errno of the last failed libc call, never 0. */
int neg_errno(void);

#endif
