/* SPDX-License-Identifier: MIT */
/*
 * Kernel module resolution the way modprobe does it, minus the I/O.
 *
 * The caller hands in the text of the index files of
 * /lib/modules/$(uname -r)/ and a function that inserts one module file;
 * moddep_load() works out what has to go in first and calls that function
 * in load order:
 *
 *   modules.dep      "kernel/fs/erofs/erofs.ko: kernel/lib/libcrc32c.ko"
 *                    hard dependencies, loaded deepest first (the file lists
 *                    them nearest first, so the list is walked backwards);
 *                    a failed hard dependency fails the module.
 *   modules.softdep  "softdep libcrc32c pre: crc32c post: x"
 *                    soft dependencies, loaded before / after the module;
 *                    their failures are not the module's failure.
 *   modules.alias    "alias crc32c crc32c_intel"
 *                    exact alias strings only (no wildcards); every target
 *                    is tried in file order until one loads.
 *   modules.builtin  "kernel/crypto/sha256_generic.ko"
 *                    built into the kernel: nothing to load.
 *
 * '-' and '_' are the same character in module names and aliases.  Every
 * module is inserted at most once: the outcome (loaded or failed) is
 * remembered in the struct for later requests.  Cycles in the index files
 * are cut (a module that is already being loaded counts as loaded), and a
 * depth limit bounds everything else.
 *
 * A module the kernel has already (an optional callback says so) is done:
 * neither it nor its dependencies, soft ones included, are touched, as
 * modprobe does.  A second pass over a list then inserts only what is new.
 *
 * No allocation, no I/O: the text buffers need not be NUL-terminated and
 * are never written to, so the caller may mmap or read them as it likes.
 */
#ifndef CELLAR_MODDEP_H
#define CELLAR_MODDEP_H

#include <stdbool.h>
#include <stddef.h>

#define MODDEP_NAME_MAX 64     /* the kernel's MODULE_NAME_LEN is 56 */
#define MODDEP_PATH_MAX 256    /* a path as modules.dep spells it */
#define MODDEP_MODULES_MAX 256 /* modules remembered per struct moddep */
#define MODDEP_DEPTH_MAX 16    /* nesting of deps, softdeps and aliases */

/* Inserts one module.  name is the module's normalised name ('_', not '-'),
 * path the file as modules.dep spells it (relative to the modules
 * directory).  Returns 0 or a negative errno; -EEXIST counts as loaded. */
typedef int (*moddep_insert_fn)(void *ctx, const char *name, const char *path);

/* True when the module name (normalised) is in the kernel already. */
typedef bool (*moddep_loaded_fn)(void *ctx, const char *name);

struct moddep_text {
	const char *buf; /* NULL: the file is absent, which means empty */
	size_t len;
};

enum moddep_state {
	MODDEP_LOADING = 1, /* on the current resolution path */
	MODDEP_LOADED,
	MODDEP_FAILED,
};

struct moddep_entry {
	char name[MODDEP_NAME_MAX];
	enum moddep_state state;
	int err; /* MODDEP_FAILED: why */
};

struct moddep {
	struct moddep_text dep, softdep, alias, builtin;
	moddep_insert_fn insert;
	moddep_loaded_fn loaded; /* NULL: nothing is loaded before */
	void *ctx;
	unsigned count;
	struct moddep_entry mods[MODDEP_MODULES_MAX];
};

/* Clears m; the caller then fills in m->dep, m->softdep, m->alias,
 * m->builtin and m->loaded (each optional). */
void moddep_init(struct moddep *m, moddep_insert_fn insert, void *ctx);

/* Loads the module or alias name with everything it needs.  Returns 0 when
 * it is loaded (now, earlier, or built in), -ENOENT when no index knows the
 * name, -ELOOP past MODDEP_DEPTH_MAX, -ENOSPC when more than
 * MODDEP_MODULES_MAX modules are involved, -ENAMETOOLONG for names that do
 * not fit, else the error of the insertion that failed. */
int moddep_load(struct moddep *m, const char *name);

/* True when name (a module, not an alias) has been loaded by m. */
bool moddep_is_loaded(const struct moddep *m, const char *name);

#endif
