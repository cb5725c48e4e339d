// SPDX-License-Identifier: MIT
/*
 * Kernel module resolution (init/moddep.h) over index files as a board's
 * /lib/modules may hold them.  Input: modules.dep, modules.softdep,
 * modules.alias, modules.builtin and the names to load (blank-separated),
 * in that order, separated by NUL bytes (the files hold none); missing
 * parts are absent files.
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "moddep.h"

#define NAMES_MAX 32

struct inserted {
	unsigned n;
	char names[MODDEP_MODULES_MAX][MODDEP_NAME_MAX];
};

/* A fake insmod: each module at most once (moddep.h promises it), and a
 * deterministic share of failures and "already loaded". */
static int insert(void *ctx, const char *name, const char *path)
{
	struct inserted *ins = ctx;
	size_t plen = strlen(path);

	fuzz_assert(strlen(name) < MODDEP_NAME_MAX && plen < MODDEP_PATH_MAX);
	fuzz_assert(!strchr(name, '-'));
	for (unsigned i = 0; i < ins->n; i++)
		fuzz_assert(strcmp(ins->names[i], name) != 0);
	fuzz_assert(ins->n < MODDEP_MODULES_MAX);
	strcpy(ins->names[ins->n++], name);
	if (plen % 7 == 3)
		return -ENOEXEC;
	return plen % 7 == 5 ? -EEXIST : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct inserted ins;
	struct moddep_text *parts[4];
	struct moddep m;
	const char *p = (const char *)data, *end = p + size;
	char names[1024], *cursor = names, *name;
	size_t n;

	ins.n = 0;
	moddep_init(&m, insert, &ins);
	parts[0] = &m.dep;
	parts[1] = &m.softdep;
	parts[2] = &m.alias;
	parts[3] = &m.builtin;
	for (int i = 0; i < 4 && p < end; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		parts[i]->buf = p;
		parts[i]->len = (size_t)((nul ? nul : end) - p);
		p = nul ? nul + 1 : end;
	}
	n = (size_t)(end - p) < sizeof(names) - 1 ? (size_t)(end - p) : sizeof(names) - 1;
	memcpy(names, p, n);
	names[n] = '\0';
	for (int k = 0; k < NAMES_MAX && (name = strtok_r(cursor, " \t\n", &cursor)); k++) {
		int r = moddep_load(&m, name);

		fuzz_assert(r == 0 || r == -ENOENT || r == -ELOOP || r == -ENOSPC ||
			    r == -ENAMETOOLONG || r == -ENOEXEC);
		fuzz_assert(m.count <= MODDEP_MODULES_MAX);
	}
	return 0;
}
