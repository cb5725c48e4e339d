/* The key=value store: lines are collected, then printed sorted by key so
 * the output is stable whatever order the parts run in. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

void report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
}

/* A value is one line: newlines become ';', other control bytes '?'. */
static void value_sanitize(char *v)
{
	size_t n = strlen(v);

	while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == ' '))
		v[--n] = '\0';
	for (char *c = v; *c; c++) {
		if (*c == '\n')
			*c = ';';
		else if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	}
}

void report_set(struct report *r, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *value = NULL;
	char *k;

	if (r->count == r->capacity) {
		size_t cap = r->capacity ? r->capacity * 2 : 128;
		struct report_line *l = realloc(r->lines, cap * sizeof(*l));

		if (!l)
			return;
		r->lines = l;
		r->capacity = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&value, fmt, ap) < 0)
		value = NULL;
	va_end(ap);
	k = strdup(key);
	if (!value || !k) {
		free(value);
		free(k);
		return;
	}
	value_sanitize(value);
	r->lines[r->count].key = k;
	r->lines[r->count].value = value;
	r->count++;
}

static int line_compare(const void *a, const void *b)
{
	const struct report_line *x = a, *y = b;

	return strcmp(x->key, y->key);
}

void report_print(struct report *r)
{
	qsort(r->lines, r->count, sizeof(*r->lines), line_compare);
	for (size_t i = 0; i < r->count; i++)
		printf("%s=%s\n", r->lines[i].key, r->lines[i].value);
	printf("probe.end=1\n");
	fflush(stdout);
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->count; i++) {
		free(r->lines[i].key);
		free(r->lines[i].value);
	}
	free(r->lines);
	report_init(r);
}
