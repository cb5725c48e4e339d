/* SPDX-License-Identifier: MIT */
/*
 * User id ranges of the cells (docs/config.md, "User namespace and id
 * ranges").
 *
 * Each cell that runs in a user namespace maps its ids 0..65535 onto a range
 * of 65536 host ids (uids and gids alike): new ranges are given out at host
 * ids base + k * 65536, k in 0..ranges-1.  A cell keeps its range for good:
 * the ranges given out are recorded in STATE_DIR/idmap, one "NAME HOSTBASE"
 * line per cell, and a range recorded for a cell is never given to another
 * one, even after that cell left the cell list (its files on disk still
 * belong to that range).  A recorded range stays its cell's wherever it
 * lies, also outside today's base and ranges (a board set up under another
 * idmap_base, or under the old default 1000000); new ones avoid every id of
 * it.  When every range is taken, idmap_get() fails with -ENOSPC; nothing
 * is ever reclaimed behind the administrator's back.
 *
 * idmap_parse(), idmap_format() and idmap_get() are pure (unit-tested);
 * idmap_load() and idmap_save() do the file I/O.
 */
#ifndef CELLAR_IDMAP_H
#define CELLAR_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define IDMAP_RANGE_SIZE 65536u
/* The lowest idmap_base: no range may hold host id 0 or the usual system and
 * login ids (0..65535). */
#define IDMAP_BASE_MIN 65536u
/* base + ranges * 65536 stays at or below this: neither (uid_t)-1 nor
 * (uid_t)-2 (nfsnobody) is ever mapped. */
#define IDMAP_END_MAX 4294967294u
#define IDMAP_RANGES_MAX 65535u
/* Entries the file may hold (configured cells plus removed ones that keep
 * their range): past it, idmap_get() fails with -ENOSPC. */
#define IDMAP_ENTRIES_MAX 1024
#define IDMAP_FILE_NAME "idmap"
#define IDMAP_FILE_MAX (1024u * 1024u)

struct idmap_entry {
	char name[CELL_NAME_MAX + 1];
	uint32_t host_base;
	unsigned line; /* where idmap_parse() read it; 0 when given out since */
};

struct idmap_db {
	uint32_t base;	 /* host id of range 0 */
	uint32_t ranges; /* 0 after a bad idmap_init(): nothing can be given out */
	size_t n;
	struct idmap_entry entries[IDMAP_ENTRIES_MAX]; /* file order, then new ones */
};

typedef void (*idmap_report_fn)(void *ctx, const char *msg);

/* An empty db for ranges of 65536 ids from base.  Returns 0, or -EINVAL when
 * base < IDMAP_BASE_MIN, ranges is not 1..IDMAP_RANGES_MAX or
 * base + ranges * 65536 > IDMAP_END_MAX (then no range can be given out). */
int idmap_init(struct idmap_db *db, uint32_t base, uint32_t ranges);

/*
 * Replaces db's entries (not its base and ranges) with those of the file
 * text buf (len bytes, need not be NUL-terminated); file is used only in
 * messages.  A line that is not "NAME HOSTBASE", a second line for a name, a
 * range that would hold an id below IDMAP_BASE_MIN or above
 * IDMAP_END_MAX - 1, or one that shares an id with a range recorded on an
 * earlier line is reported ("FILE:LINE: ...") and ignored.  report may be
 * NULL.  Returns the number of lines ignored.
 */
int idmap_parse(struct idmap_db *db, const char *file, const char *buf, size_t len,
		idmap_report_fn report, void *ctx);

/* Writes the file text (a comment header, then one line per entry, in db
 * order) like snprintf: at most cap bytes with the NUL; returns the length
 * the whole text needs, without the NUL. */
size_t idmap_format(const struct idmap_db *db, char *buf, size_t cap);

/* The entry of cell, or NULL. */
const struct idmap_entry *idmap_find(const struct idmap_db *db, const char *cell);

/*
 * The host base of cell's range: the recorded one, else the lowest range of
 * base .. ranges that shares no id with a recorded one, recorded now
 * (*is_new true: the caller must idmap_save() before the cell uses it).
 * Returns 0, -EINVAL for a bad cell name, or -ENOSPC when every range (or
 * every entry slot) is taken.
 */
int idmap_get(struct idmap_db *db, const char *cell, uint32_t *host_base, bool *is_new);

/* Drops cell's entry (if any): for a range idmap_get() just gave out that
 * the caller refuses before saving it. */
void idmap_forget(struct idmap_db *db, const char *cell);

/*
 * Reads DIR/idmap into db (initialised with idmap_init()).  A missing file
 * (or directory) is an empty db.  Returns the number of lines ignored (as
 * idmap_parse()), or -errno when the file exists but cannot be read
 * (reported as "PATH: strerror", -EFBIG as "PATH: too large (more than 1
 * MiB)"): then the caller must not give out any range, or it might give
 * away one that is recorded.
 */
int idmap_load(struct idmap_db *db, const char *dir, idmap_report_fn report, void *ctx);

/*
 * Writes db to DIR/idmap atomically and durably: DIR (and missing parents)
 * created first (DIR 0700, parents 0755), the text written to
 * DIR/idmap.tmp (0600), fsync, rename over DIR/idmap, fsync of DIR.
 * Returns 0 or -errno (nothing reported: the caller logs
 * "save id ranges to DIR/idmap: ...").
 */
int idmap_save(const struct idmap_db *db, const char *dir);

#endif
