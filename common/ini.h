/* SPDX-License-Identifier: MIT */
/*
 * A strict line lexer for cellar's INI-style files (the cell list).
 *
 * It knows nothing of the schema: it turns a buffer into a stream of
 * section headers and key = value pairs, each with its line number, and
 * reports malformed lines.  init (static, musl, libc only) and cellmgr both
 * use it, so it allocates nothing and depends on nothing but <string.h>.
 *
 * Syntax:
 *   # comment            ; comment       blank lines
 *   [host]               [cell NAME]     (one optional argument)
 *   key = value          value runs to the end of the line, a " #" or " ;"
 *                        starts a trailing comment; surrounding blanks trimmed
 */
#ifndef CELLAR_INI_H
#define CELLAR_INI_H

#include <stddef.h>

#define INI_LINE_MAX 1024

enum ini_kind {
	INI_END = 0, /* no more input */
	INI_SECTION, /* name (and arg, possibly "") set */
	INI_KEY,     /* key and value set */
	INI_ERROR,   /* error set: the line is malformed */
};

struct ini_item {
	enum ini_kind kind;
	unsigned line;
	const char *name;  /* INI_SECTION: the section's type, e.g. "cell" */
	const char *arg;   /* INI_SECTION: its argument, e.g. "work", or "" */
	const char *key;   /* INI_KEY */
	const char *value; /* INI_KEY, may be "" */
	const char *error; /* INI_ERROR: a static message */
};

struct ini_reader {
	const char *buf;
	size_t len;
	size_t pos;
	unsigned line;
	char scratch[INI_LINE_MAX + 1];
};

void ini_init(struct ini_reader *r, const char *buf, size_t len);

/* Returns the next item.  Pointers in it stay valid until the next call. */
struct ini_item ini_next(struct ini_reader *r);

/* Splits a space-separated list in place: returns the next word of *cursor
 * (NUL-terminated, *cursor advanced past it) or NULL at the end. */
char *ini_next_word(char **cursor);

#endif
