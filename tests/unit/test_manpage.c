// SPDX-License-Identifier: MIT
/*
 * The man pages (the scdoc sources in man/, issue 17): cells.conf(5) documents exactly the
 * keys of the parser's tables (mgr/config/config_keys.c), so that the two cannot
 * drift, and every page renders with `man -l` without a warning.
 * MAN_SOURCE_DIR and MAN_BUILD_DIR come from tests/unit/meson.build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_keys.h"

#define NAMES_MAX 128

struct names {
	char name[NAMES_MAX][32];
	size_t n;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long len;

	if (!f)
		fail_msg("cannot read %s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return buf;
}

/* The keys documented in one section of the page: the lines
 * "*key* = ..." between the header "# TITLE" and the next header. */
static void documented(const char *page, const char *title, struct names *out)
{
	char header[64];
	const char *s, *end;

	snprintf(header, sizeof(header), "\n# %s\n", title);
	s = strstr(page, header);
	if (!s)
		fail_msg("cells.conf.5.scd has no section '# %s'", title);
	s += strlen(header);
	end = strstr(s, "\n# ");
	if (!end)
		end = s + strlen(s);
	out->n = 0;
	for (const char *line = s; line && line < end; line = strchr(line, '\n')) {
		size_t n = 0;

		if (*line == '\n')
			line++;
		if (*line != '*')
			continue;
		while ((line[1 + n] >= 'a' && line[1 + n] <= 'z') ||
		       (line[1 + n] >= '0' && line[1 + n] <= '9') || line[1 + n] == '_')
			n++;
		if (n == 0 || n >= sizeof(out->name[0]) || strncmp(line + 1 + n, "* = ", 4) != 0)
			continue;
		assert_true(out->n < NAMES_MAX);
		memcpy(out->name[out->n], line + 1, n);
		out->name[out->n++][n] = '\0';
	}
}

static bool has(const struct names *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->name[i], name) == 0)
			return true;
	return false;
}

static void test_cells_conf_lists_every_key(void **state)
{
	char *page = slurp(MAN_SOURCE_DIR "/cells.conf.5.scd");
	struct names host, cell;
	unsigned missing = 0;

	(void)state;
	documented(page, "HOST KEYS", &host);
	documented(page, "CELL KEYS", &cell);
	for (int k = 0; k < HK_COUNT; k++)
		if (!has(&host, host_keys[k].name)) {
			print_error("cells.conf(5): [host] key '%s' is not documented\n",
				    host_keys[k].name);
			missing++;
		}
	for (int k = 0; k < CK_COUNT; k++)
		if (!has(&cell, cell_keys[k].name)) {
			print_error("cells.conf(5): [cell] key '%s' is not documented\n",
				    cell_keys[k].name);
			missing++;
		}
	free(page);
	assert_int_equal(missing, 0);
}

static void test_cells_conf_documents_no_other_key(void **state)
{
	char *page = slurp(MAN_SOURCE_DIR "/cells.conf.5.scd");
	struct names host, cell;
	unsigned extra = 0;

	(void)state;
	documented(page, "HOST KEYS", &host);
	documented(page, "CELL KEYS", &cell);
	for (size_t i = 0; i < host.n; i++) {
		int k = 0;

		while (k < HK_COUNT && strcmp(host.name[i], host_keys[k].name) != 0)
			k++;
		if (k == HK_COUNT) {
			print_error(
			    "cells.conf(5) documents [host] '%s', which the parser does not "
			    "know\n",
			    host.name[i]);
			extra++;
		}
	}
	for (size_t i = 0; i < cell.n; i++) {
		int k = 0;

		while (k < CK_COUNT && strcmp(cell.name[i], cell_keys[k].name) != 0)
			k++;
		if (k == CK_COUNT) {
			print_error(
			    "cells.conf(5) documents [cell] '%s', which the parser does not "
			    "know\n",
			    cell.name[i]);
			extra++;
		}
	}
	free(page);
	assert_int_equal(extra, 0);
}

/* `man -l PAGE`: no warning on stderr (groff's, all of them), and text. */
static void test_pages_render_without_warnings(void **state)
{
	static const char *const pages[] = {"cellmgr.8", "cellctl.1", "cells.conf.5",
					    "cellar-init.7"};
	unsigned bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		char path[512], cmd[1200], line[512];
		size_t warnings = 0, text = 0;
		FILE *p;

		snprintf(path, sizeof(path), "%s/%s", MAN_BUILD_DIR, pages[i]);
		if (access(path, R_OK) != 0) {
			print_error("%s: not built (scdoc missing? scripts/deps.sh installs it)\n",
				    path);
			bad++;
			continue;
		}
		/* stderr into the pipe, the page itself counted apart */
		snprintf(
		    cmd, sizeof(cmd),
		    "MANWIDTH=80 man --warnings=w -E UTF-8 -l '%s' 2>&1 >/dev/null; "
		    "MANWIDTH=80 man -E UTF-8 -l '%s' 2>/dev/null | grep -c . | sed 's/^/lines /'",
		    path, path);
		p = popen(cmd, "r");
		assert_non_null(p);
		while (fgets(line, sizeof(line), p)) {
			if (sscanf(line, "lines %zu", &text) == 1)
				continue;
			print_error("%s: %s", pages[i], line);
			warnings++;
		}
		pclose(p);
		if (warnings || text < 10) {
			print_error("%s: %zu warning line(s), %zu lines of text\n", pages[i],
				    warnings, text);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cells_conf_lists_every_key),
	    cmocka_unit_test(test_cells_conf_documents_no_other_key),
	    cmocka_unit_test(test_pages_render_without_warnings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
