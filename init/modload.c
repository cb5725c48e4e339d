// SPDX-License-Identifier: MIT
/*
 * Loads the kernel modules named by "modules = a b c" in the [host]
 * section of the cell list, with their dependencies, then snd_aloop when
 * cells have audio in devices (modconf.c reads the list, moddep.c does the
 * resolution; this file does the reading and the finit_module calls).
 *
 * It runs in a child of init (child_run(), main.c), never in PID 1 itself:
 * a crash or a hang here costs the modules, not the board.  Once before
 * init leaves the initramfs, because the root device may need a module
 * (virtio_blk, ext4), and once more after the switch for the cell list
 * cellmgr is started with when that is another file: modules already in
 * the kernel are skipped.  Every failure is logged and skipped: a board
 * without its erofs module still boots and says why.
 */
#include "init.h"
#include "ini.h"
#include "moddep.h"
#include "modconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

struct modload {
	char dir[128];	   /* /lib/modules/$(uname -r) */
	unsigned attempts; /* module_insert() calls */
	unsigned inserted; /* ... that loaded a module */
	unsigned present;  /* modules found in the kernel already */

	/* The one module loaded with parameters (snd_aloop), and what its
	 * "loaded" line adds; used: it was inserted with them. */
	const char *param_module;
	char params[64], param_note[64];
	bool param_used;
};

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int module_insert(void *ctx, const char *name, const char *path)
{
	struct modload *ml = ctx;
	const char *params = "";
	char file[384];
	int fd, err = 0;

	ml->attempts++;
	if (!has_suffix(path, ".ko"))
		return log_errno(-ENOTSUP,
				 "module %s: %s: compressed modules are not supported "
				 "(install them uncompressed)",
				 name, path);
	if (path[0] == '/')
		snprintf(file, sizeof(file), "%s", path);
	else
		snprintf(file, sizeof(file), "%s/%s", ml->dir, path);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return log_errno(-errno, "module %s: open %s", name, file);
	if (ml->param_module && strcmp(name, ml->param_module) == 0)
		params = ml->params;
	if (syscall(SYS_finit_module, fd, params, 0) < 0)
		err = -errno;
	close(fd);
	if (err == -EEXIST)
		return err; /* loaded by someone else: not news */
	if (err)
		return log_errno(err, "module %s: finit_module%s%s", name, params[0] ? " " : "",
				 params);
	ml->inserted++;
	if (params[0])
		ml->param_used = true;
	log_info("module %s: loaded%s", name, params[0] ? ml->param_note : "");
	return 0;
}

/* /sys/module/NAME: a module in the kernel (loading, live, or built in
 * with parameters).  A name with '/' is an alias string, never a module. */
static bool module_loaded(void *ctx, const char *name)
{
	struct modload *ml = ctx;
	char path[96];

	if (strchr(name, '/') ||
	    snprintf(path, sizeof(path), "/sys/module/%s", name) >= (int)sizeof(path))
		return false;
	if (access(path, F_OK) < 0)
		return false;
	ml->present++;
	return true;
}

/* What the cell list asks for (modconf.h). */
static int config_read(const char *config, struct modconf *mc)
{
	struct ini_reader *r;
	char *buf;
	size_t buflen;
	int err = file_read(config, &buf, &buflen);

	mc->modules[0] = '\0';
	mc->audio_cells = 0;
	if (err)
		return err;
	/* The reader holds a line-sized scratch buffer: not for the stack. */
	r = malloc(sizeof(*r));
	if (!r) {
		free(buf);
		return -ENOMEM;
	}
	ini_init(r, buf, buflen);
	modconf_read(mc, r);
	if (mc->modules_cut_line)
		log_errno(-E2BIG, "%s:%u: modules", config, mc->modules_cut_line);
	free(r);
	free(buf);
	return 0;
}

/* Reads dir/name into *text; a missing file is an empty one. */
static char *index_read(const struct modload *ml, const char *name, struct moddep_text *text)
{
	char path[192];
	char *buf = NULL;
	int err;

	snprintf(path, sizeof(path), "%s/%s", ml->dir, name);
	err = file_read(path, &buf, &text->len);
	if (err) {
		log_errno(err, "modules: %s", path);
		text->len = 0;
		return NULL;
	}
	text->buf = buf;
	return buf;
}

/* One module of the list, with what it needs; false when it failed. */
static bool module_load_one(struct moddep *m, struct modload *ml, const char *name)
{
	unsigned attempts = ml->attempts;
	int err = moddep_load(m, name);

	if (!err)
		return true;
	/* Insertion failures are logged where they happen; an ENOENT
	 * without any attempt is a name nobody knows. */
	if (err == -ENOENT && ml->attempts == attempts)
		log_info("module %s: not loaded: not in modules.dep, modules.builtin or "
			 "modules.alias",
			 name);
	else
		log_errno(err, "module %s: not loaded", name);
	return false;
}

/*
 * The loopback sound cards of the audio cells (docs/init.md): snd_aloop,
 * after the [host] modules (the board's own card is then loaded and keeps
 * the lower card numbers), one card per audio cell, one substream each
 * way per card.  Its parameters are set before the [host] modules, so
 * that a list that names snd_aloop itself loads it with them too.
 */
static void aloop_params(struct modload *ml, unsigned cells)
{
	unsigned cards = cells < MODCONF_ALOOP_MAX ? cells : MODCONF_ALOOP_MAX;

	if (cells > cards)
		log_info("module %s: %u audio cells, %u loopback cards (at most %u)", MODCONF_ALOOP,
			 cells, cards, MODCONF_ALOOP_MAX);
	if (modconf_aloop_params(cards, ml->params, sizeof(ml->params)) < 0)
		return; /* cannot be: 1..MODCONF_ALOOP_MAX fit */
	snprintf(ml->param_note, sizeof(ml->param_note), " (%u loopback cards for the audio cells)",
		 cards);
	ml->param_module = MODCONF_ALOOP;
}

/* Already in the kernel (an earlier pass, or built in): its cards stay as
 * they are.  False when it failed. */
static bool aloop_load(struct moddep *m, struct modload *ml, unsigned cells)
{
	if (!module_load_one(m, ml, MODCONF_ALOOP))
		return false;
	if (!ml->param_used)
		log_info("module %s: there already (or built in): its cards stay as they are "
			 "(%u audio cells)",
			 MODCONF_ALOOP, cells);
	return true;
}

int modules_load(const char *config)
{
	char *cursor, *name;
	char *dep, *softdep, *alias, *builtin;
	struct modload ml = {.attempts = 0};
	struct modconf mc;
	struct utsname uts;
	struct moddep *m;
	unsigned wanted = 0, failed = 0;
	int err;

	err = config_read(config, &mc);
	if (err == -ENOENT) {
		log_info("modules: no %s: loading none", config);
		return 0;
	}
	if (err) {
		log_errno(err, "modules: read %s", config);
		return 1;
	}
	if (mc.modules[0] == '\0' && mc.audio_cells == 0)
		return 0;
	if (uname(&uts) < 0) {
		log_errno(-errno, "modules: uname");
		return 1;
	}
	snprintf(ml.dir, sizeof(ml.dir), "/lib/modules/%s", uts.release);

	m = malloc(sizeof(*m));
	if (!m) {
		log_errno(-ENOMEM, "modules");
		return 1;
	}
	moddep_init(m, module_insert, &ml);
	m->loaded = module_loaded;
	dep = index_read(&ml, "modules.dep", &m->dep);
	softdep = index_read(&ml, "modules.softdep", &m->softdep);
	alias = index_read(&ml, "modules.alias", &m->alias);
	builtin = index_read(&ml, "modules.builtin", &m->builtin);

	if (mc.audio_cells)
		aloop_params(&ml, mc.audio_cells);
	for (cursor = mc.modules; (name = ini_next_word(&cursor)); wanted++)
		failed += !module_load_one(m, &ml, name);
	if (mc.audio_cells) {
		wanted++;
		failed += !aloop_load(m, &ml, mc.audio_cells);
	}
	log_info("modules: %u of %u requested loaded (%u files inserted, %u there already) for %s",
		 wanted - failed, wanted, ml.inserted, ml.present, config);
	free(builtin);
	free(alias);
	free(softdep);
	free(dep);
	free(m);
	return failed ? 1 : 0;
}
