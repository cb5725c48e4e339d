// SPDX-License-Identifier: MIT
/*
 * Module resolution over the text of modules.dep / .softdep / .alias /
 * .builtin: see moddep.h.  The files are scanned on every lookup instead of
 * being indexed: init loads a handful of modules once per boot, and a scan
 * of modules.dep (500 KiB) costs less than building and freeing an index.
 */
#include "moddep.h"

#include <errno.h>
#include <string.h>

/* Returned by load_module() when no index knows the name: distinct from
 * -ENOENT, which an insertion may return for a missing file. */
#define NOT_FOUND 1

struct span {
	const char *p;
	size_t n;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char normal(char c)
{
	return c == '-' ? '_' : c;
}

static bool next_line(const struct moddep_text *t, size_t *pos, struct span *line)
{
	const char *s, *nl;

	if (!t->buf || *pos >= t->len)
		return false;
	s = t->buf + *pos;
	nl = memchr(s, '\n', t->len - *pos);
	line->p = s;
	line->n = nl ? (size_t)(nl - s) : t->len - *pos;
	*pos += line->n + (nl ? 1 : 0);
	return true;
}

/* Takes the first blank-separated word off the front of *rest. */
static bool next_word(struct span *rest, struct span *word)
{
	while (rest->n && is_blank(*rest->p)) {
		rest->p++;
		rest->n--;
	}
	if (!rest->n)
		return false;
	word->p = rest->p;
	while (rest->n && !is_blank(*rest->p)) {
		rest->p++;
		rest->n--;
	}
	word->n = (size_t)(rest->p - word->p);
	return true;
}

/* Takes the last blank-separated word off the end of *rest. */
static bool prev_word(struct span *rest, struct span *word)
{
	size_t end;

	while (rest->n && is_blank(rest->p[rest->n - 1]))
		rest->n--;
	if (!rest->n)
		return false;
	end = rest->n;
	while (rest->n && !is_blank(rest->p[rest->n - 1]))
		rest->n--;
	word->p = rest->p + rest->n;
	word->n = end - rest->n;
	return true;
}

static bool word_is(struct span w, const char *s)
{
	return strlen(s) == w.n && memcmp(w.p, s, w.n) == 0;
}

/* Compares a word with a normalised, NUL-terminated name. */
static bool name_eq(struct span w, const char *name)
{
	size_t i;

	for (i = 0; i < w.n; i++)
		if (name[i] == '\0' || normal(w.p[i]) != name[i])
			return false;
	return name[i] == '\0';
}

/* Copies a word into dst (normalising it when asked); false if too long. */
static bool span_copy(char *dst, size_t size, struct span w, bool normalise)
{
	if (w.n >= size)
		return false;
	for (size_t i = 0; i < w.n; i++)
		dst[i] = normalise ? normal(w.p[i]) : w.p[i];
	dst[w.n] = '\0';
	return true;
}

/* "kernel/arch/x86/crypto/crc32c-intel.ko.xz" -> "crc32c-intel" */
static struct span path_to_name(struct span path)
{
	struct span s = path;

	for (size_t i = path.n; i > 0; i--) {
		if (path.p[i - 1] == '/') {
			s.p = path.p + i;
			s.n = path.n - i;
			break;
		}
	}
	for (size_t i = 0; i + 3 <= s.n; i++) {
		if (memcmp(s.p + i, ".ko", 3) == 0 && (i + 3 == s.n || s.p[i + 3] == '.')) {
			s.n = i;
			break;
		}
	}
	return s;
}

static struct moddep_entry *find_entry(struct moddep *m, const char *name)
{
	for (unsigned i = 0; i < m->count; i++)
		if (strcmp(m->mods[i].name, name) == 0)
			return &m->mods[i];
	return NULL;
}

static struct moddep_entry *add_entry(struct moddep *m, const char *name, enum moddep_state state)
{
	struct moddep_entry *e;

	if (m->count >= MODDEP_MODULES_MAX)
		return NULL;
	e = &m->mods[m->count++];
	strcpy(e->name, name); /* both are MODDEP_NAME_MAX long */
	e->state = state;
	e->err = 0;
	return e;
}

/* Finds name's line in modules.dep: its path, and the list after the ':'. */
static bool find_dep_line(const struct moddep *m, const char *name, struct span *path,
			  struct span *deps)
{
	struct span line;
	size_t pos = 0;

	while (next_line(&m->dep, &pos, &line)) {
		const char *colon = memchr(line.p, ':', line.n);
		struct span head, word;

		if (!colon || line.n == 0 || line.p[0] == '#')
			continue; /* malformed or a comment */
		head.p = line.p;
		head.n = (size_t)(colon - line.p);
		if (!next_word(&head, &word))
			continue;
		if (name_eq(path_to_name(word), name)) {
			*path = word;
			deps->p = colon + 1;
			deps->n = (size_t)(line.p + line.n - deps->p);
			return true;
		}
	}
	return false;
}

static bool is_builtin(const struct moddep *m, const char *name)
{
	struct span line, word;
	size_t pos = 0;

	while (next_line(&m->builtin, &pos, &line))
		if (next_word(&line, &word) && name_eq(path_to_name(word), name))
			return true;
	return false;
}

static int resolve(struct moddep *m, const char *name, unsigned depth);

/* Loads the "pre:" (post == false) or "post:" soft dependencies of name.
 * They are soft: their errors are left to the insert function to report. */
static void load_softdeps(struct moddep *m, const char *name, bool post, unsigned depth)
{
	struct span line, word;
	size_t pos = 0;

	while (next_line(&m->softdep, &pos, &line)) {
		enum { NONE, PRE, POST } mode = NONE;

		if (!next_word(&line, &word) || !word_is(word, "softdep"))
			continue;
		if (!next_word(&line, &word) || !name_eq(word, name))
			continue;
		while (next_word(&line, &word)) {
			char dep[MODDEP_NAME_MAX];

			if (word_is(word, "pre:"))
				mode = PRE;
			else if (word_is(word, "post:"))
				mode = POST;
			else if (mode != NONE && (mode == POST) == post &&
				 span_copy(dep, sizeof(dep), word, true))
				resolve(m, dep, depth + 1);
			/* words before any "pre:" / "post:" are malformed: skipped */
		}
	}
}

/*
 * Loads the module name (normalised) after its soft and hard dependencies.
 * fallback is the path to use when modules.dep has no line for name (a
 * dependency listed by another line only).  Returns 0, a negative errno,
 * or NOT_FOUND.
 */
static int load_module(struct moddep *m, const char *name, const struct span *fallback,
		       unsigned depth)
{
	struct moddep_entry *e = find_entry(m, name);
	struct span path, deps, word;
	char file[MODDEP_PATH_MAX];
	int err = 0;

	if (e) {
		/* LOADING: a cycle in the index files.  Counting it as loaded
		 * ends the recursion; the kernel has the last word anyway. */
		return e->state == MODDEP_FAILED ? e->err : 0;
	}
	if (depth > MODDEP_DEPTH_MAX)
		return -ELOOP;
	if (m->loaded && m->loaded(m->ctx, name))
		return add_entry(m, name, MODDEP_LOADED) ? 0 : -ENOSPC;
	if (!find_dep_line(m, name, &path, &deps)) {
		if (is_builtin(m, name))
			return add_entry(m, name, MODDEP_LOADED) ? 0 : -ENOSPC;
		if (!fallback)
			return NOT_FOUND;
		path = *fallback;
		deps.p = NULL;
		deps.n = 0;
	}
	if (!span_copy(file, sizeof(file), path, false))
		return -ENAMETOOLONG;
	e = add_entry(m, name, MODDEP_LOADING);
	if (!e)
		return -ENOSPC;

	load_softdeps(m, name, false, depth);
	while (!err && prev_word(&deps, &word)) {
		char dep[MODDEP_NAME_MAX];

		if (!span_copy(dep, sizeof(dep), path_to_name(word), true))
			err = -ENAMETOOLONG;
		else
			err = load_module(m, dep, &word, depth + 1);
	}
	if (!err) {
		err = m->insert(m->ctx, e->name, file);
		if (err == -EEXIST)
			err = 0;
	}
	e->state = err ? MODDEP_FAILED : MODDEP_LOADED;
	e->err = err;
	if (!err)
		load_softdeps(m, name, true, depth);
	return err;
}

/* Loads name as a module, else as a built-in, else through its aliases. */
static int resolve(struct moddep *m, const char *name, unsigned depth)
{
	struct span line, word;
	size_t pos = 0;
	bool aliased = false;
	int err;

	err = load_module(m, name, NULL, depth);
	if (err != NOT_FOUND)
		return err;

	err = -ENOENT;
	while (next_line(&m->alias, &pos, &line)) {
		char target[MODDEP_NAME_MAX];

		if (!next_word(&line, &word) || !word_is(word, "alias"))
			continue;
		if (!next_word(&line, &word) || !name_eq(word, name))
			continue;
		if (!next_word(&line, &word) || !span_copy(target, sizeof(target), word, true))
			continue;
		/* An alias names a module, never another alias (as in kmod):
		 * that also keeps alias loops out. */
		aliased = true;
		err = load_module(m, target, NULL, depth + 1);
		if (err == NOT_FOUND)
			err = -ENOENT;
		if (err == 0)
			return 0;
	}
	return aliased ? err : -ENOENT;
}

void moddep_init(struct moddep *m, moddep_insert_fn insert, void *ctx)
{
	memset(m, 0, sizeof(*m));
	m->insert = insert;
	m->ctx = ctx;
}

int moddep_load(struct moddep *m, const char *name)
{
	char norm[MODDEP_NAME_MAX];
	struct span w = {name, strlen(name)};

	if (!span_copy(norm, sizeof(norm), w, true))
		return -ENAMETOOLONG;
	return resolve(m, norm, 0);
}

bool moddep_is_loaded(const struct moddep *m, const char *name)
{
	struct span w = {name, strlen(name)};

	for (unsigned i = 0; i < m->count; i++)
		if (m->mods[i].state == MODDEP_LOADED && name_eq(w, m->mods[i].name))
			return true;
	return false;
}
