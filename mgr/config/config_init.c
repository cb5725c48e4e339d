// SPDX-License-Identifier: MIT
/*
 * The cell's init command line: 'init = PATH [ARG...]' and
 * 'init_env = NAME=VALUE ...' (docs/config.md), and the argv and envp
 * spawn.c hands to execve().  The quoting is a small subset of a shell's
 * (and of systemd's ExecStart=): no variables, no specifiers.
 */
#include "config_keys.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

int config_words_split(const char *value, char *out, size_t cap, unsigned max, const char **why)
{
	const char *s = value;
	size_t len = 0;
	unsigned n = 0;

	/* Unquoting never lengthens: the words and their NULs take at most
	 * the value's length plus one. */
	if (strlen(value) >= cap) {
		*why = "too long";
		return -E2BIG;
	}
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return (int)n;
		if (n == max) {
			*why = "too many words";
			return -E2BIG;
		}
		/* one word: plain and quoted parts up to a blank outside quotes */
		while (*s && *s != ' ' && *s != '\t') {
			char c = *s++;

			if (c == '\'') {
				while (*s && *s != '\'')
					out[len++] = *s++;
				if (!*s++) {
					*why = "a ' is not closed";
					return -EINVAL;
				}
				continue;
			}
			if (c == '"') {
				while (*s && *s != '"') {
					if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
						s++;
					out[len++] = *s++;
				}
				if (!*s++) {
					*why = "a \" is not closed";
					return -EINVAL;
				}
				continue;
			}
			if (c == '\\') {
				if (!*s) {
					*why = "a \\ ends the value: nothing to escape";
					return -EINVAL;
				}
				c = *s++;
			}
			out[len++] = c;
		}
		out[len++] = '\0';
		n++;
	}
}

/* The words of value into a zeroed buffer of the cell's (so that two
 * equal configurations compare equal byte for byte, ops.c). */
static const char *split_into(char buf[CELL_INIT_WORDS_SIZE], unsigned *count, const char *value,
			      char *hint)
{
	char words[CELL_INIT_WORDS_SIZE] = "";
	const char *why = NULL;
	int n;

	_Static_assert(CELL_INIT_WORDS_MAX == 64, "the hint says 64");
	if (strlen(value) >= sizeof(words))
		return "(too long)";
	n = config_words_split(value, words, sizeof(words), CELL_INIT_WORDS_MAX + 1, &why);
	if (n == -E2BIG)
		return "(at most 64 arguments)";
	if (n < 0) {
		snprintf(hint, HINT_MAX, "(%s)", why);
		return hint;
	}
	memcpy(buf, words, CELL_INIT_WORDS_SIZE);
	*count = (unsigned)n;
	return NULL;
}

const char *set_init(struct cell_config *c, const char *value, int arg, char *hint)
{
	char words[CELL_INIT_WORDS_SIZE];
	unsigned n = 0;
	const char *h = split_into(words, &n, value, hint);
	size_t plen;

	if (h)
		return h;
	if (n == 0 || words[0] != '/')
		return "(expected an absolute path, then its arguments if any: "
		       "/sbin/init --log-level=debug)";
	if (n > CELL_INIT_WORDS_MAX)
		return "(at most 64 arguments)";
	plen = strlen(words) + 1;
	memset(c->init, 0, sizeof(c->init));
	memcpy(c->init, words, plen);
	memset(c->init_args, 0, sizeof(c->init_args));
	memcpy(c->init_args, words + plen, sizeof(words) - plen);
	c->init_argc = n - 1;
	return NULL;
}

static bool env_name_char(char ch, bool first)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' ||
	       (!first && ch >= '0' && ch <= '9');
}

/* The length of NAME in "NAME=VALUE", or 0 when w is not such a word. */
static size_t env_name_len(const char *w)
{
	size_t i = 0;

	while (env_name_char(w[i], i == 0))
		i++;
	return i > 0 && w[i] == '=' ? i : 0;
}

static bool same_name(const char *a, const char *b)
{
	size_t n = env_name_len(a);

	return n && n == env_name_len(b) && strncmp(a, b, n) == 0;
}

const char *set_init_env(struct cell_config *c, const char *value, int arg, char *hint)
{
	char words[CELL_INIT_WORDS_SIZE], shown[40];
	unsigned n = 0;
	const char *h = split_into(words, &n, value, hint), *w, *v;

	if (h)
		return h;
	if (n > CELL_INIT_WORDS_MAX)
		return "(at most 64 variables)";
	w = words;
	for (unsigned i = 0; i < n; i++, w += strlen(w) + 1) {
		printable(shown, sizeof(shown), w);
		if (!env_name_len(w)) {
			snprintf(hint, HINT_MAX,
				 "(expected NAME=VALUE words, NAME of A-Z, a-z, 0-9 and '_' not "
				 "starting with a digit: '%s' is not one)",
				 shown);
			return hint;
		}
		if (same_name(w, "container=") || same_name(w, "NOTIFY_SOCKET=")) {
			snprintf(hint, HINT_MAX,
				 "(%.*s is cellar's to set: systemd's container interface)",
				 (int)env_name_len(w), w);
			return hint;
		}
		v = words;
		for (unsigned j = 0; j < i; j++, v += strlen(v) + 1)
			if (same_name(v, w)) {
				snprintf(hint, HINT_MAX, "(%.*s set twice)", (int)env_name_len(w),
					 w);
				return hint;
			}
	}
	memcpy(c->init_env, words, sizeof(words));
	c->init_envc = n;
	return NULL;
}

void cell_init_argv(const struct cell_config *cfg, char *argv[])
{
	const char *w = cfg->init_args;
	unsigned n = 0;

	argv[n++] = (char *)cfg->init;
	for (unsigned i = 0; i < cfg->init_argc && i < CELL_INIT_WORDS_MAX; i++) {
		argv[n++] = (char *)w;
		w += strlen(w) + 1;
	}
	argv[n] = NULL;
}

void cell_init_envp(const struct cell_config *cfg, const char *const base[], char *envp[],
		    size_t cap)
{
	size_t n = 0;
	const char *w;

	for (size_t i = 0; base[i] && n + 1 < cap; i++) {
		bool replaced = false;

		w = cfg->init_env;
		for (unsigned j = 0; j < cfg->init_envc && !replaced; j++, w += strlen(w) + 1)
			replaced = same_name(base[i], w);
		if (!replaced)
			envp[n++] = (char *)base[i];
	}
	w = cfg->init_env;
	for (unsigned j = 0; j < cfg->init_envc && n + 1 < cap; j++, w += strlen(w) + 1)
		envp[n++] = (char *)w;
	envp[n] = NULL;
}
