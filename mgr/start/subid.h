/* SPDX-License-Identifier: MIT */
/*
 * The host's subordinate id files, /etc/subuid and /etc/subgid
 * (subuid(5)): each line "USER:START:COUNT" lets USER map host ids
 * START .. START+COUNT-1 into a user namespace of its own with newuidmap
 * and newgidmap.  A cell's id range that shares an id with such an entry
 * would let that host user own the cell's files and signal or ptrace its
 * processes, so a cell whose range overlaps one is refused (mgr/core/cell.c;
 * docs/config.md, "User namespace and id ranges").
 *
 * Lines are read as shadow's newuidmap reads them: three fields split at
 * ':', the numbers as strtoul() takes them with base 0 (decimal, 0x hex,
 * 0 octal).  A line it would not take (blank, a '#' comment, a bad field)
 * grants nothing and is skipped.
 *
 * subid_find() is pure (unit-tested); subid_check() reads the file.
 */
#ifndef CELLAR_SUBID_H
#define CELLAR_SUBID_H

#include <stddef.h>
#include <stdint.h>

#define SUBUID_FILE "/etc/subuid"
#define SUBGID_FILE "/etc/subgid"
#define SUBID_FILE_MAX (16u * 1024u * 1024u)
#define SUBID_USER_MAX 64 /* what a message shows of the user field */

struct subid_entry {
	unsigned line;
	char user[SUBID_USER_MAX]; /* control characters shown as '?' */
	uint64_t start, count;
};

/* The first entry of the file text buf (len bytes, need not be
 * NUL-terminated) that shares an id with host ids lo .. lo + count - 1.
 * Returns 1 and fills *hit, or 0 when none does. */
int subid_find(const char *buf, size_t len, uint64_t lo, uint64_t count, struct subid_entry *hit);

/* The same for the file at path.  Returns 1 (*hit filled), 0 (no overlap,
 * or no such file), or -errno when the file exists but cannot be read
 * (-EFBIG past SUBID_FILE_MAX): the caller cannot tell that no entry
 * overlaps. */
int subid_check(const char *path, uint64_t lo, uint64_t count, struct subid_entry *hit);

#endif
