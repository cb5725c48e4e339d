// SPDX-License-Identifier: MIT
#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *log_prefix = "cellmgr";
static bool log_crlf;

void log_set_prefix(const char *prefix)
{
	log_prefix = prefix;
}

void log_set_crlf(bool crlf)
{
	log_crlf = crlf;
}

int neg_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

__attribute__((format(printf, 2, 0))) static void log_write(enum log_level level, const char *fmt,
							    va_list ap, int err)
{
	char buf[1024];
	int n;
	size_t len;

	n = snprintf(buf, sizeof(buf), "%s: %s", log_prefix,
		     level == LOG_LVL_WARN ? "warning: " : "");
	if (n < 0)
		return;
	len = (size_t)n;
	n = vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	if (n > 0)
		len += (size_t)n;
	if (len >= sizeof(buf) - 2)
		len = sizeof(buf) - 3;
	if (err < 0) {
		n = snprintf(buf + len, sizeof(buf) - len, ": %s", strerror(-err));
		if (n > 0)
			len += (size_t)n;
		if (len >= sizeof(buf) - 2)
			len = sizeof(buf) - 3;
	}
	if (log_crlf)
		buf[len++] = '\r';
	buf[len++] = '\n';
	/* One write per line so lines from several processes never mix. */
	if (write(STDERR_FILENO, buf, len) < 0) {
		/* Nowhere left to report a failing log write. */
	}
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_write(level, fmt, ap, 0);
	va_end(ap);
	errno = saved;
}

int log_errno(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_write(LOG_LVL_ERROR, fmt, ap, err);
	va_end(ap);
	return err;
}

void log_fatal(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_write(LOG_LVL_ERROR, fmt, ap, err);
	va_end(ap);
	abort();
}
