// SPDX-License-Identifier: MIT
/*
 * The control protocol (mgr/proto/ctl_proto.h): a request as cellmgr receives it
 * from any local root process, and the JSON string writer that echoes
 * names and images back.
 *
 * A request that decodes must encode back to the very same bytes: the
 * decoder then neither dropped nor invented a field.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_proto.h"
#include "fuzz.h"

static void check_request(const uint8_t *data, size_t size)
{
	const char *fields[CTL_FIELDS_MAX + 2];
	struct ctl_request req;
	char again[CTL_REQUEST_MAX];
	char rows[8], cols[8];
	const char *why = NULL;
	unsigned n = 0;
	ssize_t len;
	int r;

	r = ctl_request_decode((const char *)data, size, &req, &why);
	if (r < 0) {
		fuzz_assert(why && *why && !strchr(why, '\n'));
		return;
	}
	fields[n++] = ctl_cmd_name(req.cmd);
	if (req.name)
		fields[n++] = req.name;
	if (req.json)
		fields[n++] = "json";
	if (req.follow)
		fields[n++] = "follow";
	if (req.allow_empty)
		fields[n++] = "allow-empty";
	if (req.cmd == CTL_CMD_UPDATE) {
		fuzz_assert(req.image && req.image[0] == '/');
		fields[n++] = req.image;
		if (req.verity) {
			fields[n++] = "verity";
			fields[n++] = req.verity;
		}
		if (req.version) {
			fields[n++] = "version";
			fields[n++] = req.version;
		}
	}
	if (req.cmd == CTL_CMD_EXEC) {
		fuzz_assert(req.argc >= 1 && req.argv[req.argc] == NULL && req.argv[0][0]);
		fields[n++] = req.pty ? "pty" : "pipes";
		if (req.pty) {
			fuzz_assert(req.rows <= 65535 && req.cols <= 65535);
			snprintf(rows, sizeof(rows), "%u", req.rows);
			snprintf(cols, sizeof(cols), "%u", req.cols);
			fields[n++] = rows;
			fields[n++] = cols;
		}
		for (unsigned i = 0; i < req.argc; i++)
			fields[n++] = req.argv[i];
	}
	if (req.name) /* it goes into one-line messages */
		for (const char *p = req.name; *p; p++)
			fuzz_assert(*p > ' ' && *p <= '~');
	len = ctl_request_encode(again, sizeof(again), n, fields);
	fuzz_assert(len == (ssize_t)size && memcmp(again, data, size) == 0);
}

/* A JSON string literal: quoted, escapes well formed, no raw control
 * character, valid UTF-8 (RFC 8259). */
static void check_json_string(const char *s, size_t len)
{
	size_t i = 1;

	fuzz_assert(len >= 2 && s[0] == '"' && s[len - 1] == '"');
	while (i < len - 1) {
		unsigned char c = (unsigned char)s[i];

		fuzz_assert(c >= 0x20 && c != 0x7f && c != '"');
		if (c == '\\') {
			fuzz_assert(i + 1 < len - 1);
			if (s[i + 1] == 'u') {
				fuzz_assert(i + 6 <= len - 1);
				for (int k = 2; k < 6; k++)
					fuzz_assert(strchr("0123456789abcdef", s[i + k]) &&
						    s[i + k]);
				i += 6;
			} else {
				fuzz_assert(s[i + 1] == '"' || s[i + 1] == '\\');
				i += 2;
			}
		} else if (c < 0x80) {
			i++;
		} else {
			size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

			fuzz_assert(c >= 0xc2 && c <= 0xf4 && i + n <= len - 1);
			for (size_t k = 1; k < n; k++)
				fuzz_assert(((unsigned char)s[i + k] & 0xc0) == 0x80);
			i += n;
		}
	}
}

static void check_json(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *out = malloc(6 * size + 2);
	struct ctl_buf b = {.buf = out, .cap = 6 * size + 2};
	char small[16];
	struct ctl_buf t = {.buf = small, .cap = size % sizeof(small)};

	fuzz_assert(s && out);
	memcpy(s, data, size);
	s[size] = '\0';
	ctl_buf_json_string(&b, s);
	fuzz_assert(!b.truncated && b.len <= b.cap);
	check_json_string(out, b.len);
	/* Too small a buffer: cut, never overrun. */
	ctl_buf_json_string(&t, s);
	ctl_buf_printf(&t, "%s", s);
	fuzz_assert(t.len <= t.cap);
	free(out);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int status;

	check_request(data, size);
	/* What cellctl reads back after an exec. */
	status = ctl_exec_result_parse((const char *)data, size);
	fuzz_assert(status == -EBADMSG || (status >= 0 && status <= 255));
	if (size <= 4096)
		check_json(data, size);
	return 0;
}
