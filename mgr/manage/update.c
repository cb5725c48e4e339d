// SPDX-License-Identifier: MIT
/* Updating a cell's image with automatic rollback: see update.h. */
#include "update.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"
#include "ctl_proto.h"
#include "fileutil.h"
#include "image.h"
#include "log.h"
#include "ops.h"
#include "slots.h"
#include "verity.h"

static void slot_dir(const struct mgr *m, const struct cell *c, char *out, size_t len)
{
	if (slots_dir(m->data_dir, c->cfg.name, out, len) < 0)
		out[0] = '\0';
}

static void resolve(struct mgr *m, struct cell *c)
{
	char dir[PATH_MAX];
	bool reset;

	slot_dir(m, c, dir, sizeof(dir));
	slots_resolve(dir, &c->cfg, &c->upd.img, &reset);
	if (reset)
		log_warn("cell %s: the cell list names another image than its slots were made "
			 "over (%s): back to it, updates dropped",
			 c->cfg.name, c->cfg.image);
}

/* "slot b (version 2.1)" */
static const char *slot_label(const struct slot_image *s, char *buf, size_t len)
{
	if (s->version[0])
		snprintf(buf, len, "slot %s (version %s)", s->slot, s->version);
	else
		snprintf(buf, len, "slot %s", s->slot);
	return buf;
}

/* <state>/cells/NAME.slot: which slot the running cell was started from,
 * for a cellmgr that adopts it. */
static void record_running(struct mgr *m, struct cell *c)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/cells", m->state_dir);
	mkdir(path, 0700);
	record_path(m->state_dir, c, "slot", path, sizeof(path));
	/* Failing, an adopting cellmgr takes current for it. */
	replace_file_at(AT_FDCWD, path, c->upd.img.slot, strlen(c->upd.img.slot), false);
}

static void arm_window(struct mgr *m, struct cell *c, uint64_t at_ms);

void update_start_image(struct mgr *m, struct cell *c, const char **image, const char **verity)
{
	char label[96];

	resolve(m, c);
	c->upd.deadline_ms = 0;
	if (c->upd.img.trial) {
		arm_window(m, c, now_ms() + c->cfg.update_window_ms);
		log_info("cell %s: starting %s on trial: %s within %u ms, or back to slot %s",
			 c->cfg.name, slot_label(&c->upd.img, label, sizeof(label)),
			 c->cfg.update_check == UPDATE_CHECK_READY ? "READY=1"
								   : "READY=1 or no end",
			 c->cfg.update_window_ms, c->upd.img.confirmed);
	}
	*image = c->upd.img.image;
	*verity = c->upd.img.verity[0] ? c->upd.img.verity : NULL;
	record_running(m, c);
}

static void confirm(struct mgr *m, struct cell *c, const char *why)
{
	char dir[PATH_MAX], label[96];
	int r;

	slot_dir(m, c, dir, sizeof(dir));
	r = slots_confirm(dir);
	slot_label(&c->upd.img, label, sizeof(label));
	c->upd.deadline_ms = 0;
	loop_timer_disarm(&m->loop, &c->t_update);
	if (r < 0) {
		log_errno(r, "cell %s: confirm %s in %s", c->cfg.name, label, dir);
		return;
	}
	c->upd.img.trial = false;
	snprintf(c->upd.img.confirmed, sizeof(c->upd.img.confirmed), "%s", c->upd.img.slot);
	snprintf(c->upd.note, sizeof(c->upd.note), "%s confirmed: %s", label, why);
	log_info("cell %s: update to %s confirmed: %s", c->cfg.name, label, why);
}

/* Returns 0, or a negative errno when current could not be changed (the
 * next start is then on the same slot, on trial again). */
static int rollback(struct mgr *m, struct cell *c, const char *why)
{
	char dir[PATH_MAX], label[96];
	int r;

	slot_dir(m, c, dir, sizeof(dir));
	slot_label(&c->upd.img, label, sizeof(label));
	r = slots_rollback(dir, why);
	c->upd.deadline_ms = 0;
	loop_timer_disarm(&m->loop, &c->t_update);
	c->upd.img.trial = false;
	if (r < 0)
		return log_errno(r, "cell %s: roll back from %s in %s", c->cfg.name, label, dir);
	snprintf(c->upd.note, sizeof(c->upd.note), "%s rolled back to slot %s: %s", label,
		 c->upd.img.confirmed, why);
	log_error("cell %s: update to %s failed: %s; rolled back to slot %s (%s/%s kept)",
		  c->cfg.name, label, why, c->upd.img.confirmed, dir, c->upd.img.slot);
	console_status(&m->console, false, "cell %s: update to %s rolled back: %s", c->cfg.name,
		       label, why);
	return 0;
}

void update_on_adopt(struct mgr *m, struct cell *c)
{
	char path[PATH_MAX], running[SLOT_NAME_MAX] = "", err[256];
	ssize_t n;

	resolve(m, c);
	record_path(m->state_dir, c, "slot", path, sizeof(path));
	n = read_text_file(path, running, sizeof(running));
	if (n > 0 && strcmp(running, c->upd.img.slot) != 0) {
		/* Killed between the flip and the restart: finish the update. */
		log_warn("cell %s runs slot %s, its current slot is %s (an update was "
			 "interrupted): restarting it",
			 c->cfg.name, running, c->upd.img.slot);
		if (mgr_restart(m, c, err, sizeof(err)) < 0)
			log_error("cell %s: %s", c->cfg.name, err);
		return;
	}
	if (c->upd.img.trial)
		arm_window(m, c, c->started_ms + c->cfg.update_window_ms);
}

void update_on_ready(struct mgr *m, struct cell *c)
{
	if (c->upd.img.trial && c->upd.deadline_ms)
		confirm(m, c, "READY=1");
}

bool update_on_end(struct mgr *m, struct cell *c, enum exit_kind kind)
{
	char why[300];

	if (!c->upd.img.trial || kind == EXIT_STOPPED || kind == EXIT_REBOOT)
		return false;
	snprintf(why, sizeof(why), "%s%s%s before it was confirmed", exit_kind_name(kind),
		 c->reason[0] ? ": " : "", c->reason);
	/* Without a rollback on disk, the restart policy (back-off, crash
	 * loop) decides: never a tight loop of starts. */
	if (rollback(m, c, why) < 0)
		return false;
	restart_state_clear(&c->restart);
	return true; /* the lifecycle starts it again, on the rolled-back slot */
}

/* The trial's window has passed: confirms, or rolls back and restarts. */
static void on_window(struct loop_timer *t, void *data)
{
	struct mgr *m = data;
	struct cell *c = container_of(t, struct cell, t_update);
	char why[96];

	if (!c->upd.img.trial || !c->upd.deadline_ms || c->state == CELL_STOPPING ||
	    !cell_is_active(c))
		return;
	if (c->cfg.update_check == UPDATE_CHECK_RUNNING &&
	    (c->state == CELL_RUNNING || c->state == CELL_READY)) {
		snprintf(why, sizeof(why), "ran for %u ms", c->cfg.update_window_ms);
		confirm(m, c, why);
		return;
	}
	snprintf(why, sizeof(why), "not ready (no READY=1) within %u ms", c->cfg.update_window_ms);
	rollback(m, c, why);
	restart_state_clear(&c->restart);
	cell_stop(c);
	c->start_after_stop = true;
}

static void arm_window(struct mgr *m, struct cell *c, uint64_t at_ms)
{
	c->upd.deadline_ms = at_ms;
	loop_timer_init(&c->t_update, on_window, m);
	loop_timer_arm(&m->loop, &c->t_update, at_ms);
}

/* ---- the request ------------------------------------------------------ */

static bool hash_ok(const char *s, char out[VERITY_HASH_HEX_MAX + 1])
{
	size_t len = strlen(s);

	if (len != 64 && len != 128)
		return false;
	for (size_t i = 0; i <= len; i++) {
		char ch = s[i];

		if (ch >= 'A' && ch <= 'F')
			ch = (char)(ch - 'A' + 'a');
		else if (ch && !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return false;
		out[i] = ch;
	}
	return true;
}

static bool version_ok(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len >= SLOT_VERSION_MAX)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* Everything before the flip; returns 0 with the staged slot, or fills err. */
static int stage(struct mgr *m, struct cell *c, const struct ctl_request *req, const char *verity,
		 char slot[SLOT_NAME_MAX], char *err, size_t errlen)
{
	const char *base = strrchr(req->image, '/');
	char dir[PATH_MAX], why[400], image[PATH_MAX + 16];
	enum image_kind kind;
	int r;

	if (m->stopping_all) {
		snprintf(err, errlen, "cellmgr is shutting down");
		return -ESHUTDOWN;
	}
	if (c->cfg.image_verity[0] && !*verity) {
		snprintf(err, errlen,
			 "update %s: the cell runs verified images (image_verity): give the new "
			 "image's root hash (--verity)",
			 c->cfg.name);
		return -EINVAL;
	}
	r = image_probe(req->image, &kind);
	if (r < 0 || kind == IMAGE_DIR) {
		snprintf(err, errlen, "update %s: %s: %s", c->cfg.name, req->image,
			 r < 0 && r != -EMEDIUMTYPE ? strerror(-r)
						    : "not an erofs or ext4 image file");
		return r < 0 ? r : -EINVAL;
	}
	if (*verity && (r = verity_check_file(req->image, verity, why, sizeof(why))) < 0) {
		snprintf(err, errlen, "update %s: %s", c->cfg.name, why);
		return r;
	}
	slot_dir(m, c, dir, sizeof(dir));
	r = slots_stage(dir, &c->cfg, req->image, verity,
			req->version ? req->version : (base ? base + 1 : req->image), slot, why,
			sizeof(why));
	if (r < 0) {
		snprintf(err, errlen, "update %s: %s", c->cfg.name, why);
		return r;
	}
	/* The copy, not the caller's file, is what the cell will run. */
	snprintf(image, sizeof(image), "%s/%s/image", dir, slot);
	if (*verity && (r = verity_check_full(image, c->cfg.name, verity, why, sizeof(why))) < 0) {
		snprintf(err, errlen, "update %s: %s: %s", c->cfg.name, req->image, why);
		return r;
	}
	return 0;
}

void update_ctl(struct mgr *m, const struct ctl_request *req, struct cell *c, struct ctl_buf *b)
{
	char verity[VERITY_HASH_HEX_MAX + 1] = "", slot[SLOT_NAME_MAX], dir[PATH_MAX];
	char err[600] = "", label[96];
	bool start;
	int r;

	if (req->verity && !hash_ok(req->verity, verity)) {
		ctl_buf_printf(b, "error: update %s: bad root hash (64 or 128 hex digits)\n",
			       c->cfg.name);
		return;
	}
	if (req->version && !version_ok(req->version)) {
		ctl_buf_printf(b,
			       "error: update %s: bad version (1-%d printable characters, "
			       "no blanks)\n",
			       c->cfg.name, SLOT_VERSION_MAX - 1);
		return;
	}
	if (stage(m, c, req, verity, slot, err, sizeof(err)) < 0) {
		log_error("cell %s: update refused: %s", c->cfg.name, err);
		ctl_buf_printf(b, "error: %s\n", err);
		return;
	}
	slot_dir(m, c, dir, sizeof(dir));
	if ((r = slots_switch(dir, slot)) < 0) {
		log_errno(r, "cell %s: update: switch %s/current to %s", c->cfg.name, dir, slot);
		ctl_buf_printf(b, "error: update %s: switch to slot %s: %s\n", c->cfg.name, slot,
			       strerror(-r));
		return;
	}
	resolve(m, c);
	slot_label(&c->upd.img, label, sizeof(label));
	start = cell_is_active(c) || c->state == CELL_EXITED || c->state == CELL_FAILED;
	snprintf(c->upd.note, sizeof(c->upd.note), "%s installed from %s%s", label, req->image,
		 start ? "" : ": on trial at the next start");
	log_info("cell %s: update: %s installed from %s%s%s", c->cfg.name, label, req->image,
		 *verity ? ", verified" : "", start ? "; restarting on it" : "");
	if (start && mgr_restart(m, c, err, sizeof(err)) < 0) {
		ctl_buf_printf(b, "error: %s\n", err);
		return;
	}
	ctl_buf_printf(b, "ok\nslot %s\n", slot);
}

/* ---- status ------------------------------------------------------------ */

void update_status_text(const struct cell *c, struct ctl_buf *b)
{
	const struct slot_image *s = &c->upd.img;

	if (!s->slot[0])
		return;
	ctl_buf_printf(b, "slot: %s\nversion: %s\nverity: %s%s\n", s->slot,
		       s->version[0] ? s->version : "-", s->verity[0] ? "on, root hash " : "off",
		       s->verity);
	if (s->trial)
		ctl_buf_printf(b, "update: on trial (confirmed slot: %s)\n", s->confirmed);
	else if (c->upd.note[0])
		ctl_buf_printf(b, "update: %s\n", c->upd.note);
}

void update_status_json(const struct cell *c, struct ctl_buf *b)
{
	const struct slot_image *s = &c->upd.img;

	ctl_buf_printf(b, ",\"slot\":");
	ctl_buf_json_string(b, s->slot[0] ? s->slot : "base");
	ctl_buf_printf(b, ",\"version\":");
	if (s->version[0])
		ctl_buf_json_string(b, s->version);
	else
		ctl_buf_printf(b, "null");
	ctl_buf_printf(b, ",\"verity\":");
	if (s->verity[0])
		ctl_buf_json_string(b, s->verity);
	else
		ctl_buf_printf(b, "null");
	ctl_buf_printf(b, ",\"trial\":%s,\"update\":", s->trial ? "true" : "false");
	if (c->upd.note[0])
		ctl_buf_json_string(b, c->upd.note);
	else
		ctl_buf_printf(b, "null");
}
