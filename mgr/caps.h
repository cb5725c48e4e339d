/* SPDX-License-Identifier: MIT */
/* Capabilities a cell never gets back, whatever its root does (libcap). */
#ifndef CELLAR_CAPS_H
#define CELLAR_CAPS_H

/* Drops from the calling process's bounding set what no cell needs and
 * what would reach beyond its namespaces.  Returns 0 or -errno; *failed is
 * set to the capability that could not be dropped. */
int caps_trim_bounding_set(const char **failed);

#endif
