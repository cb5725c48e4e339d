/* SPDX-License-Identifier: MIT */
/*
 * The board's kernel config fragment against the running kernel's
 * configuration, minus the I/O (kcheck.c reads the files and logs).
 *
 * The fragment (board/kernel.config + the board's own, packed as
 * /etc/cellar/kernel.config) holds lines as a kernel .config spells them:
 *
 *   CONFIG_SECCOMP_FILTER=y    must be built in
 *   CONFIG_EROFS_FS=m          built in or a module: either will do
 *   CONFIG_NR_CPUS=8           any other value: the same text
 *   # comments, blank lines    ignored (so is "# CONFIG_X is not set")
 *
 * The kernel's side is its whole .config: "CONFIG_X=v" lines, and options
 * that are off either absent or as "# CONFIG_X is not set".
 *
 * No allocation, no I/O: the buffers need not be NUL-terminated and are
 * never written to.
 */
#ifndef CELLAR_KCONFIG_H
#define CELLAR_KCONFIG_H

#include <stddef.h>

#define KCONFIG_NAME_MAX 80
#define KCONFIG_VALUE_MAX 64

/* One option of the fragment that the kernel does not have as wanted:
 * name ("CONFIG_X"), the fragment's value, and the kernel's ("" when the
 * option is not set).  Values longer than KCONFIG_VALUE_MAX - 1 are cut. */
typedef void (*kconfig_missing_fn)(void *ctx, const char *name, const char *want, const char *have);

/* Checks every option of want (the fragment) against have (the kernel's
 * .config), calling missing for each one not satisfied.  Returns the
 * number of options checked; *n_missing gets the number missing.  A line
 * of the fragment that is not an option (no "CONFIG_" name, no '=') is
 * reported with want "?" and counts as missing: a typo in the fragment
 * must not pass silently. */
unsigned kconfig_compare(const char *want, size_t want_len, const char *have, size_t have_len,
			 kconfig_missing_fn missing, void *ctx, unsigned *n_missing);

#endif
