/* SPDX-License-Identifier: MIT */
/*
 * Kernel uevents (NETLINK_KOBJECT_UEVENT), the part cellmgr reads of them
 * (input.c: evdev devices plugged in and out): the pure parse of one
 * datagram, unit-tested and fuzzed (tests/fuzz/).
 *
 * A kernel datagram is a header "ACTION@DEVPATH" and KEY=VALUE fields,
 * each NUL-terminated:
 *
 *	"add@/devices/.../input7/event3\0ACTION=add\0DEVPATH=...\0
 *	 SUBSYSTEM=input\0MAJOR=13\0MINOR=67\0DEVNAME=input/event3\0SEQNUM=9\0"
 *
 * udev's messages on the same socket family start with "libudev\0" and a
 * binary header: no '@' in the first field, so they are not taken.
 */
#ifndef CELLAR_UEVENT_H
#define CELLAR_UEVENT_H

#include <stddef.h>

enum uevent_action {
	UEVENT_OTHER, /* change, bind, ... or no ACTION= */
	UEVENT_ADD,
	UEVENT_REMOVE,
};

struct uevent {
	enum uevent_action action;
	const char *subsystem; /* SUBSYSTEM=, NULL when absent */
	const char *devname;   /* DEVNAME=, NULL when absent */
};

/*
 * Parses one datagram of len bytes.  A field counts only whole, with its
 * NUL within len (a last field without one is ignored, as is everything of
 * a datagram cut short); of a key given twice the last one counts.  The
 * pointers in ev point into buf.  Returns 0, or -EBADMSG when the datagram
 * is not the kernel's (no "ACTION@DEVPATH" header).
 */
int uevent_parse(const char *buf, size_t len, struct uevent *ev);

/* The evdev node the event is about: "event3" for SUBSYSTEM=input and
 * DEVNAME=input/event3; NULL for any other device, and for a name that is
 * not "event" and 1 to 9 digits (it becomes a path under /dev/input). */
const char *uevent_input_node(const struct uevent *ev);

#endif
