// SPDX-License-Identifier: MIT
/*
 * Loads the kernel modules named by "modules = a b c" in the [host]
 * section of the cell list, with their dependencies (moddep.c does the
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

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define MODULE_LIST_MAX 1024

struct modload {
	char dir[128];	   /* /lib/modules/$(uname -r) */
	unsigned attempts; /* module_insert() calls */
	unsigned inserted; /* ... that loaded a module */
	unsigned present;  /* modules found in the kernel already */
};

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int module_insert(void *ctx, const char *name, const char *path)
{
	struct modload *ml = ctx;
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
	if (syscall(SYS_finit_module, fd, "", 0) < 0)
		err = -errno;
	close(fd);
	if (err == -EEXIST)
		return err; /* loaded by someone else: not news */
	if (err)
		return log_errno(err, "module %s: finit_module", name);
	ml->inserted++;
	log_info("module %s: loaded", name);
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

/* Collects the words of every "modules =" key of [host] into list. */
static int config_modules(const char *config, char *list, size_t size)
{
	struct ini_reader *r;
	struct ini_item it;
	bool in_host = false;
	size_t len = 0;
	char *buf;
	size_t buflen;
	int err = file_read(config, &buf, &buflen);

	list[0] = '\0';
	if (err)
		return err;
	/* The reader holds a line-sized scratch buffer: not for the stack. */
	r = malloc(sizeof(*r));
	if (!r) {
		free(buf);
		return -ENOMEM;
	}
	ini_init(r, buf, buflen);
	while ((it = ini_next(r)).kind != INI_END) {
		/* Malformed lines are cellmgr's to report: it reads the
		 * whole file strictly.  init only wants this one key. */
		if (it.kind == INI_SECTION)
			in_host = strcmp(it.name, "host") == 0 && it.arg[0] == '\0';
		if (it.kind != INI_KEY || !in_host || strcmp(it.key, "modules") != 0)
			continue;
		if (len + strlen(it.value) + 2 > size) {
			log_errno(-E2BIG, "%s:%u: modules", config, it.line);
			break;
		}
		len += (size_t)snprintf(list + len, size - len, "%s%s", len ? " " : "", it.value);
	}
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

int modules_load(const char *config)
{
	char list[MODULE_LIST_MAX], *cursor = list, *name;
	char *dep, *softdep, *alias, *builtin;
	struct modload ml = {.attempts = 0};
	struct utsname uts;
	struct moddep *m;
	unsigned wanted = 0, failed = 0;
	int err;

	err = config_modules(config, list, sizeof(list));
	if (err == -ENOENT) {
		log_info("modules: no %s: loading none", config);
		return 0;
	}
	if (err) {
		log_errno(err, "modules: read %s", config);
		return 1;
	}
	if (list[0] == '\0')
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

	while ((name = ini_next_word(&cursor))) {
		unsigned attempts = ml.attempts;

		wanted++;
		err = moddep_load(m, name);
		if (err) {
			failed++;
			/* Insertion failures are logged where they happen; an
			 * ENOENT without any attempt is a name nobody knows. */
			if (err == -ENOENT && ml.attempts == attempts)
				log_info("module %s: not loaded: not in modules.dep, "
					 "modules.builtin or modules.alias",
					 name);
			else
				log_errno(err, "module %s: not loaded", name);
		}
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
