/* SPDX-License-Identifier: MIT */
/*
 * A cell's image slots on the data disk (docs/images.md, "Updating a
 * cell"): what `cellctl update` installs and what a rollback returns to.
 *
 *	DATA_DIR/slots/NAME/
 *	    a/image  a/info	one installed image and what it is
 *	    b/image  b/info	the other one
 *	    current -> b	the slot the cell starts from
 *	    confirmed -> a	the last slot that proved good
 *	    next -> a		what current pointed to before the last flip
 *	    base		the cell list's image when the slots were made
 *
 * The slot names are "a", "b" and "base" (the cell list's own `image`
 * and `image_verity`, never copied).  `current` and `confirmed` are
 * symbolic links that are only read (readlink), never followed: each is
 * changed by one rename, so a power cut leaves either the old or the new
 * value, and a slot is written in full (image and info fsynced, each
 * renamed into place) before anything points at it.  An update is on
 * trial while current differs from confirmed.
 */
#ifndef CELLAR_SLOTS_H
#define CELLAR_SLOTS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define SLOT_NAME_MAX 8
#define SLOT_VERSION_MAX 64
#define SLOT_NOTE_MAX 200

/* What a cell runs, or is to run. */
struct slot_image {
	char slot[SLOT_NAME_MAX];	      /* "base", "a", "b" */
	char image[PATH_MAX];		      /* the image file or directory */
	char verity[VERITY_HASH_HEX_MAX + 1]; /* root hash; "" = none */
	char version[SLOT_VERSION_MAX];	      /* as update was told; "" for base */
	char confirmed[SLOT_NAME_MAX];	      /* the slot a rollback returns to */
	char failed[SLOT_NOTE_MAX];	      /* the slot's own failure, if any */
	bool trial;			      /* current != confirmed */
};

/* A cell's update state in cellmgr (struct cell's upd; mgr/manage/update.h). */
struct cell_update {
	struct slot_image img; /* what it runs, or last ran */
	uint64_t deadline_ms;  /* on trial: when update_window ends; 0 = none */
	char note[256];	       /* the last update's outcome, for status */
};

/* DATA_DIR/slots/CELL into out.  -ENAMETOOLONG when it does not fit. */
int slots_dir(const char *data_dir, const char *cell, char *out, size_t len);

/*
 * The slot a start of the cell uses.  Without slots (never updated) it is
 * base.  When the cell list names another image (or root hash) than the
 * one the slots were made over, the new list wins: current and confirmed
 * go back to base (reset is then set).  A slot whose image is missing
 * falls back to confirmed, then base.  Never fails: out is always filled.
 */
void slots_resolve(const char *dir, const struct cell_config *cfg, struct slot_image *out,
		   bool *reset);

/*
 * Copies src into the slot that is neither current nor confirmed, with its
 * info (verity, version, source), each fsynced and renamed into place;
 * current is untouched.  Refused while an update is on trial.  Returns 0
 * with the slot's name in slot, or a negative errno with why.
 */
int slots_stage(const char *dir, const struct cell_config *cfg, const char *src, const char *verity,
		const char *version, char slot[SLOT_NAME_MAX], char *err, size_t errlen);

/* current -> slot, atomically (RENAME_EXCHANGE with next, which keeps the
 * old value): the update's one point of no return. */
int slots_switch(const char *dir, const char *slot);

/* confirmed -> current's slot: the update is kept. */
int slots_confirm(const char *dir);

/* current -> confirmed's slot; the failed slot keeps its image, its info
 * now says why (failed=REASON), for inspection. */
int slots_rollback(const char *dir, const char *reason);

#endif
