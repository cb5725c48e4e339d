/* SPDX-License-Identifier: MIT */
/*
 * Updating a cell's image with automatic rollback (docs/images.md,
 * "Updating a cell"): `cellctl update NAME IMAGE [--verity HASH]`.
 *
 * The new image is checked (an erofs or ext4 file; with a root hash, its
 * tree and then every block through a dm-verity device) after it is
 * copied into the cell's free slot and before anything the cell runs
 * changes (slots.h); then `current` flips to it and the cell restarts on
 * it, on trial.  The trial ends well with READY=1, or, under
 * update_check = running, once the cell has run for update_window; it
 * ends badly (a rollback: `current` back to the confirmed slot, the
 * failed slot kept, the cell restarted on the old image) when the cell's
 * init ends by itself before that, its start fails, or under
 * update_check = ready no READY=1 came within update_window.  The
 * persistent layer (`persist`) is the same for every slot.
 *
 * cell.c calls the hooks below at the matching points of a cell's life.
 */
#ifndef CELLAR_UPDATE_H
#define CELLAR_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgr.h"
#include "supervise.h"

struct ctl_buf;
struct ctl_request;

/* cell_start: the image (and root hash, or NULL) to start: its slot. */
void update_start_image(struct mgr *m, struct cell *c, const char **image, const char **verity);

/* cell_adopt: what the adopted cell runs; restarts it when an update was
 * interrupted between the flip and the restart. */
void update_on_adopt(struct mgr *m, struct cell *c);

/* READY=1 from the cell: confirms an update on trial. */
void update_on_ready(struct mgr *m, struct cell *c);

/* The cell's init ended as kind (cell.h's `ending` hook).  During a trial, a failure rolls back and
 * has the cell started again on the confirmed slot: true is returned and
 * no restart policy applies. */
bool update_on_end(struct mgr *m, struct cell *c, enum exit_kind kind);

/* The control request `update NAME IMAGE [verity HASH] [version TEXT]`:
 * "ok\n" and "slot X\n", or "error: ...\n" lines, into b. */
void update_ctl(struct mgr *m, const struct ctl_request *req, struct cell *c, struct ctl_buf *b);

/* status: slot, version, verity, update lines (text) or fields (JSON,
 * each with a leading comma). */
void update_status_text(const struct cell *c, struct ctl_buf *b);
void update_status_json(const struct cell *c, struct ctl_buf *b);

#endif
