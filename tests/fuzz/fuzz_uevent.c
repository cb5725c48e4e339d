// SPDX-License-Identifier: MIT
/* Kernel uevents (mgr/util/uevent.h): one datagram as input.c receives it. */
#include <string.h>

#include "fuzz.h"
#include "uevent.h"

/* A pointer the parser returns lies in the datagram, its NUL too. */
static void check_within(const char *s, const uint8_t *data, size_t size)
{
	const char *base = (const char *)data;

	if (!s)
		return;
	fuzz_assert(s > base && s < base + size);
	fuzz_assert(memchr(s, '\0', size - (size_t)(s - base)) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uevent ev;
	const char *node;

	if (uevent_parse((const char *)data, size, &ev) < 0) {
		fuzz_assert(!ev.devname && !ev.subsystem && ev.action == UEVENT_OTHER);
		return 0;
	}
	check_within(ev.subsystem, data, size);
	check_within(ev.devname, data, size);
	node = uevent_input_node(&ev);
	if (node) {
		/* It becomes /dev/input/NODE: "event" and digits, nothing else. */
		size_t digits = strspn(node + 5, "0123456789");

		fuzz_assert(strncmp(node, "event", 5) == 0 && digits >= 1 &&
			    node[5 + digits] == '\0');
		fuzz_assert(strcmp(ev.subsystem, "input") == 0);
	}
	return 0;
}
