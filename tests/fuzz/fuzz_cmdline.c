// SPDX-License-Identifier: MIT
/*
 * The kernel command line as PID 1 reads it (init/cmdline.c): from the
 * boot loader, so as trusted as the board's boot chain, but init must not
 * crash on any of it.  Input: KEY '\0' COMMAND-LINE (no KEY: "root").
 */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "init.h"

/* What cmdline_path() promises of a value it accepts. */
static void check_path(const char *val, const char *prefix)
{
	fuzz_assert(val[0] == '/' && strncmp(val, prefix, strlen(prefix)) == 0);
	fuzz_assert(strlen(val) > strlen(prefix));
	fuzz_assert(!strstr(val, "//") && !strstr(val, "/./") && !strstr(val, "/../"));
	fuzz_assert(val[strlen(val) - 1] != '/');
	fuzz_assert(strcmp(val + strlen(val) - 2, "/.") != 0);
	fuzz_assert(strlen(val) < 3 || strcmp(val + strlen(val) - 3, "/..") != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data, *nul = memchr(in, '\0', size);
	char key[64] = "root", *line;
	size_t size_val = size ? 1 + data[0] % 80 : 1, klen;
	char *val;
	int r;

	if (nul && (klen = (size_t)(nul - in)) < sizeof(key)) {
		memcpy(key, in, klen + 1);
		in = nul + 1;
		size -= klen + 1;
	}
	line = malloc(size + 1);
	val = malloc(size_val); /* exactly: ASan sees one byte too far */
	fuzz_assert(line && val);
	memcpy(line, in, size);
	line[size] = '\0';
	if (cmdline_get(line, key, val, size_val))
		fuzz_assert(strlen(val) < size_val && !strchr(val, '"'));
	(void)cmdline_has(line, key);
	r = cmdline_path(line, key, "/dev/", val, size_val);
	fuzz_assert(r == 0 || r == 1 || r == -EINVAL || r == -ENAMETOOLONG);
	if (r == 1)
		check_path(val, "/dev/");
	r = cmdline_path(line, key, "/", val, size_val);
	if (r == 1)
		check_path(val, "/");
	free(val);
	free(line);
	return 0;
}
