/* SPDX-License-Identifier: MIT */
/* Small files read and written in one go: text of /proc, /sys, /run and
 * cgroupfs, whole files of a known bound (the id-range table, /etc/subuid),
 * and the records cellmgr and the shim keep (replaced whole, never half
 * written). */
#ifndef CELLAR_FILEUTIL_H
#define CELLAR_FILEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Reads at most len - 1 bytes of dirfd/name (AT_FDCWD: a path) into buf
 * in one read(), as the kernel's text files want, and NUL-terminates it
 * ("" on failure).  Returns the length (0 for an empty file) or a
 * negative errno. */
ssize_t read_text_file_at(int dirfd, const char *name, char *buf, size_t len);

/* read_text_file_at(AT_FDCWD, path, ...). */
ssize_t read_text_file(const char *path, char *buf, size_t len);

/* The whole of path, at most max bytes (-EFBIG past that), in a malloc'ed
 * buffer (*out, not NUL-terminated; the caller frees it) of *out_len
 * bytes.  Returns 0 or a negative errno. */
int read_whole_file(const char *path, size_t max, char **out, size_t *out_len);

/* Writes all of buf to fd, going on after a short write.  Returns 0 or a
 * negative errno. */
int write_all(int fd, const void *buf, size_t len);

/* Writes text into the existing file dirfd/name (AT_FDCWD: a path) in one
 * write(), as the kernel's attribute files (/proc/PID/uid_map, sysctls,
 * cgroupfs) take it: a short write is -EIO.  Returns 0 or a negative
 * errno. */
int write_file_at(int dirfd, const char *name, const char *text);

/* Replaces dirfd/name by len bytes of data (mode 0600): written beside it
 * (name.tmp) and renamed over it, so that a reader sees the old content or
 * the new, whole.  durable: the file and then the directory (dirfd must
 * be its fd) are fsynced, for records that must outlive a power loss; the
 * ones in /run (a tmpfs) need not.  Returns 0 or a negative errno (the
 * .tmp is then removed). */
int replace_file_at(int dirfd, const char *name, const void *data, size_t len, bool durable);

/* Removes dirfd/name and, when it is a directory, everything under it,
 * deepest first: from directory fds, never following a symbolic link,
 * never into another file system (a mount point below stays, and so does
 * its parent), at most depth_max levels down.  A name already gone is
 * success.  Returns 0 or the first negative errno (it goes on past it). */
int remove_tree_at(int dirfd, const char *name, unsigned depth_max);

#endif
