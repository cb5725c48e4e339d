// SPDX-License-Identifier: MIT
#include "confine.h"

#include <sys/resource.h>

#include "caps.h"
#include "cell_seccomp.h"
#include "log.h"

int confine_process(const struct cell_config *cfg, const struct seccomp_prog *seccomp,
		    struct child_error *e)
{
	const char *cap = "";
	int r;

	for (unsigned i = 0; i < cfg->n_rlimits; i++) {
		const struct cell_rlimit *l = &cfg->rlimits[i];
		struct rlimit rl = {.rlim_cur = l->soft, .rlim_max = l->hard};

		if (setrlimit(l->resource, &rl) < 0)
			return child_error_set(e, neg_errno(), "setrlimit %d", l->resource);
	}
	if ((r = caps_trim_bounding_set(cfg->caps_keep, cfg->caps_drop, &cap)) < 0)
		return child_error_set(e, r, "drop %s from the bounding set", cap);
	if (seccomp && (r = seccomp_prog_install(seccomp)) < 0)
		return child_error_set(e, r, "install the seccomp filter");
	return 0;
}
