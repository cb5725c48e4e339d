// SPDX-License-Identifier: MIT
/* The cell list from its file (config.h): read whole, bounded, then
 * parsed by config_parse(). */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static int read_all(int fd, char **out, size_t *out_len)
{
	size_t len = 0, size = 0;
	char *buf = NULL;

	for (;;) {
		ssize_t n;

		if (len == size) {
			size_t want = size ? 2 * size : 16384;
			char *b;

			if (want > CONFIG_FILE_MAX + 1)
				want = CONFIG_FILE_MAX + 1;
			if (want == size) {
				free(buf);
				return -EFBIG;
			}
			b = realloc(buf, want);
			if (!b) {
				free(buf);
				return -ENOMEM;
			}
			buf = b;
			size = want;
		}
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = -errno;

			free(buf);
			return e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > CONFIG_FILE_MAX) {
		free(buf);
		return -EFBIG;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

int config_load(struct config *cfg, const char *path, config_report_fn report, void *ctx)
{
	char msg[PATH_MAX + 64];
	char *buf = NULL;
	size_t len = 0;
	int fd, ret;

	config_init(cfg);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
	} else {
		ret = read_all(fd, &buf, &len);
		close(fd);
	}
	if (ret < 0) {
		cfg->n_errors = 1;
		if (ret == -EFBIG)
			snprintf(msg, sizeof(msg), "%s: too large (more than 1 MiB)", path);
		else
			snprintf(msg, sizeof(msg), "%s: %s", path, strerror(-ret));
		if (report)
			report(ctx, msg);
		return ret;
	}
	ret = config_parse(cfg, path, buf, len, report, ctx);
	free(buf);
	return ret;
}
