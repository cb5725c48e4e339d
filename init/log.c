// SPDX-License-Identifier: MIT
/*
 * init's log: every line goes to the console (fd 2) and to /dev/kmsg, so it
 * shows on the serial port while booting and in dmesg afterwards.  The
 * kmsg copy carries a level prefix: <6> (info) and <4> (warning) are both
 * above the board's loglevel=4, so the kernel does not print them on the
 * console a second time.
 *
 * One write() per line and per destination: lines from init and from
 * cellmgr (which shares the console) never interleave mid-line.
 */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LOG_PREFIX "cellar-init: "
#define LOG_LINE_MAX 512

/* The only global state in init: a logger has to be reachable from
 * everywhere, including a forked child before exec. */
static int kmsg_fd = -1;

void log_open_console(void)
{
	/* Not O_CLOEXEC: fds 0-2 are meant to be inherited.  /dev/console
	 * never becomes a controlling terminal, O_NOCTTY says so anyway. */
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0) {
		log_errno(-errno, "open /dev/console");
		/* Still fill 0-2, or the next open() would land there. */
		fd = open("/dev/null", O_RDWR | O_NOCTTY);
		if (fd < 0)
			return;
	}
	for (int i = 0; i < 3; i++)
		if (fd != i && dup2(fd, i) < 0)
			log_errno(-errno, "dup2 /dev/console to fd %d", i);
	if (fd > 2)
		close(fd);
}

void log_open_kmsg(void)
{
	kmsg_fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (kmsg_fd < 0)
		log_errno(-errno, "open /dev/kmsg");
}

static void log_write(char level, const char *msg, size_t len)
{
	char line[LOG_LINE_MAX + sizeof(LOG_PREFIX) + 5];
	size_t n = 0;

	line[n++] = '<';
	line[n++] = level;
	line[n++] = '>';
	memcpy(line + n, LOG_PREFIX, sizeof(LOG_PREFIX) - 1);
	n += sizeof(LOG_PREFIX) - 1;
	memcpy(line + n, msg, len);
	n += len;
	line[n++] = '\n';

	if (write(STDERR_FILENO, line + 3, n - 3) < 0) {
		/* nowhere left to report it */
	}
	if (kmsg_fd >= 0 && write(kmsg_fd, line, n) < 0) {
		/* likewise */
	}
}

static void log_vformat(char level, const char *suffix, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void log_vformat(char level, const char *suffix, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t len;

	if (n < 0)
		return;
	len = (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1;
	if (suffix) {
		int m = snprintf(msg + len, sizeof(msg) - len, ": %s", suffix);

		if (m > 0)
			len += (size_t)m < sizeof(msg) - len ? (size_t)m : sizeof(msg) - len - 1;
	}
	log_write(level, msg, len);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vformat('6', NULL, fmt, ap);
	va_end(ap);
}

int log_errno(int err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vformat('4', strerror(-err), fmt, ap);
	va_end(ap);
	errno = saved;
	return err;
}
