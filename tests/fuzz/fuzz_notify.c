// SPDX-License-Identifier: MIT
/* systemd's readiness protocol (mgr/start/notify.h): notify_parse() over one
 * datagram as a cell's init may send it. */
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned known =
	    NOTIFY_READY | NOTIFY_STOPPING | NOTIFY_RELOADING | NOTIFY_WATCHDOG | NOTIFY_STATUS;
	struct notify_msg m;
	size_t len;
	int r;

	r = notify_parse((const char *)data, size, &m);
	fuzz_assert(m.sender == 0);
	if (r < 0) {
		fuzz_assert(r == -EMSGSIZE || r == -EBADMSG);
		fuzz_assert(r != -EMSGSIZE || size > NOTIFY_MSG_MAX);
		fuzz_assert(r != -EBADMSG || memchr(data, '\0', size));
		return 0;
	}
	fuzz_assert(size <= NOTIFY_MSG_MAX && !(size && memchr(data, '\0', size)));
	fuzz_assert((m.flags & ~known) == 0);
	/* The status goes to logs and terminals: bounded, no control byte. */
	len = strnlen(m.status, sizeof(m.status));
	fuzz_assert(len < sizeof(m.status));
	for (size_t i = 0; i < len; i++)
		fuzz_assert((unsigned char)m.status[i] >= 0x20 && m.status[i] != 0x7f);
	fuzz_assert(len == 0 || (m.flags & NOTIFY_STATUS));
	return 0;
}
