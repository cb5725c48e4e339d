// SPDX-License-Identifier: MIT
/* The cell list from its file (config.h): read whole, bounded, then
 * parsed by config_parse(). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fileutil.h"

int config_load(struct config *cfg, const char *path, config_report_fn report, void *ctx)
{
	char msg[PATH_MAX + 64];
	char *buf = NULL;
	size_t len = 0;
	int ret;

	config_init(cfg);
	ret = read_whole_file(path, CONFIG_FILE_MAX, &buf, &len);
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
