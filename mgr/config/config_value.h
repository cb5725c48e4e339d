/* SPDX-License-Identifier: MIT */
/*
 * The values of the cell list's keys (config_value.c): each parser checks
 * a value and stores it only when it is good, returning NULL, or a hint
 * for the message that names what was expected.
 */
#ifndef CELLAR_CONFIG_VALUE_H
#define CELLAR_CONFIG_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* a-z, A-Z, 0-9 */
bool is_alnum(char c);
/* A cell name as the schema allows it: [a-z0-9][a-z0-9_-]*, at most 15. */
bool cell_name_valid(const char *s);
/* RFC 1123: dot-separated labels of letters, digits and '-', each 1-63
 * characters not starting or ending with '-'; the kernel takes 64 in all. */
bool hostname_valid(const char *s);

/* Copies s into dst (size bytes) with control characters shown as '?',
 * for quoting a value in a message.  Returns dst. */
const char *printable(char *dst, size_t size, const char *s);

/* yes, true, on, 1: 1; no, false, off, 0: 0 (any case); else -EINVAL. */
int parse_bool(const char *s);

/* The next word of *s, blanks (space, tab) around it: into word (cut to
 * size; *n its whole length, size or more when it was cut), *s past it.
 * false at the end. */
bool config_next_word(const char **s, char *word, size_t size, size_t *n);

/* An absolute path (dst has PATH_MAX bytes). */
bool copy_path(char *dst, const char *value);
/* An absolute directory other than '/', without '.' or '..' components,
 * with repeated and trailing '/' removed (dst has PATH_MAX bytes). */
bool copy_dir_path(char *dst, const char *value);

/* stop_timeout and the restart durations: more than 0, at most 60m. */
const char *parse_duration(unsigned *out, const char *value);
/* caps_drop, caps_keep: capability names separated by blanks (hint has
 * HINT_MAX bytes: the message names the bad one). */
const char *parse_caps(uint64_t *out, const char *value, char *hint);
/* memory, memory_high: bytes, K/M/G/T suffixes, more than 0. */
const char *parse_memory(uint64_t *out, const char *value);
/* cpu_weight, io_weight: 1-10000. */
const char *parse_weight(unsigned *out, const char *value);

extern const char *const hint_hostname, *const hint_path, *const hint_dir, *const hint_size;

#endif
