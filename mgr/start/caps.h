/* SPDX-License-Identifier: MIT */
/* Capabilities a cell never gets back, whatever its root does (libcap). */
#ifndef CELLAR_CAPS_H
#define CELLAR_CAPS_H

#include <stdint.h>

/* What cellar drops from every cell by default (bit n = capability n). */
uint64_t caps_default_drop(void);

/* Drops from the calling process's bounding set the default set minus
 * keep, plus drop.  Returns 0 or -errno; *failed names the capability that
 * could not be dropped. */
int caps_trim_bounding_set(uint64_t keep, uint64_t drop, const char **failed);

#endif
