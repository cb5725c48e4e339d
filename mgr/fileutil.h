/* SPDX-License-Identifier: MIT */
/* Small text files of /proc, /sys and /run, read in one go. */
#ifndef CELLAR_FILEUTIL_H
#define CELLAR_FILEUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Reads at most len - 1 bytes of path into buf and NUL-terminates it.
 * Returns the length, or a negative errno (-ENODATA for an empty file). */
ssize_t read_text_file(const char *path, char *buf, size_t len);

#endif
