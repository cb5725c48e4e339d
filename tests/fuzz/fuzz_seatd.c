// SPDX-License-Identifier: MIT
/* libseat's seatd protocol (mgr/seat/seatd_proto.h): a compositor's
 * stream of messages as gpu.c reads it from a cell's /run/seatd.sock. */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "seatd_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seatd_msg m;
	size_t off = 0;
	ssize_t n;

	while ((n = seatd_decode(data + off, size - off, &m)) > 0) {
		fuzz_assert((size_t)n >= 4 && (size_t)n <= size - off);
		if (m.opcode == SEATD_OPEN_DEVICE)
			fuzz_assert(strlen(m.path) < sizeof(m.path));
		off += (size_t)n;
	}
	fuzz_assert(n == 0 || n == -EBADMSG);
	return 0;
}
