// SPDX-License-Identifier: MIT
/* One kernel uevent datagram: see uevent.h.  No I/O, no state. */
#include "uevent.h"

#include <errno.h>
#include <string.h>

/* The value of field f (n bytes, NUL excluded) when it is "key=...". */
static const char *value_of(const char *f, size_t n, const char *key)
{
	size_t k = strlen(key);

	return n > k && memcmp(f, key, k) == 0 && f[k] == '=' ? f + k + 1 : NULL;
}

int uevent_parse(const char *buf, size_t len, struct uevent *ev)
{
	const char *action = NULL, *v, *nul;
	size_t pos, n;

	memset(ev, 0, sizeof(*ev));
	nul = memchr(buf, '\0', len);
	if (!nul || !memchr(buf, '@', (size_t)(nul - buf)))
		return -EBADMSG;
	for (pos = (size_t)(nul - buf) + 1; pos < len; pos += n + 1) {
		const char *f = buf + pos;

		nul = memchr(f, '\0', len - pos);
		if (!nul)
			break; /* cut short: its last field is not whole */
		n = (size_t)(nul - f);
		if ((v = value_of(f, n, "ACTION")))
			action = v;
		else if ((v = value_of(f, n, "SUBSYSTEM")))
			ev->subsystem = v;
		else if ((v = value_of(f, n, "DEVNAME")))
			ev->devname = v;
	}
	if (action && strcmp(action, "add") == 0)
		ev->action = UEVENT_ADD;
	else if (action && strcmp(action, "remove") == 0)
		ev->action = UEVENT_REMOVE;
	return 0;
}

const char *uevent_input_node(const struct uevent *ev)
{
	static const char prefix[] = "input/event";
	const size_t plen = sizeof(prefix) - 1;
	size_t digits;

	if (!ev->subsystem || !ev->devname || strcmp(ev->subsystem, "input") != 0 ||
	    strncmp(ev->devname, prefix, plen) != 0)
		return NULL;
	digits = strspn(ev->devname + plen, "0123456789");
	if (digits < 1 || digits > 9 || ev->devname[plen + digits] != '\0')
		return NULL;
	return ev->devname + strlen("input/");
}
