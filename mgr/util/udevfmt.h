/* SPDX-License-Identifier: MIT */
/*
 * What udev would have said about a device, for a cell that has no udevd
 * (seat/udev.c): pure formatting, unit-tested (tests/unit/test_udevfmt.c),
 * and the one sendmsg() of a datagram (tests/seat/udevcheck).
 *
 * libinput and wlroots find devices with libudev, which reads two things
 * udevd normally makes:
 *
 * - the database, /run/udev/data/c<MAJOR>:<MINOR>: a device without a file
 *   there is "not initialized" and libinput skips it; its E: lines are the
 *   properties (ID_INPUT=1 and the kind: libinput ignores an input device
 *   without ID_INPUT, and takes keys only from one with ID_INPUT_KEY or
 *   ID_INPUT_KEYBOARD);
 * - the monitor: netlink datagrams to NETLINK_KOBJECT_UEVENT group 2, a
 *   binary header ("libudev", a magic, the subsystem's MurmurHash2 for the
 *   receiver's socket filter) then the properties as KEY=VALUE strings.
 *
 * Both as systemd's sd-device writes and reads them (device-private.c,
 * device-monitor.c).
 */
#ifndef CELLAR_UDEVFMT_H
#define CELLAR_UDEVFMT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define UDEV_MONITOR_GROUP 2u /* nl_groups bit of udev's (1 is the kernel's) */
#define UDEV_MONITOR_MAGIC 0xfeedcafeu
#define UDEV_MONITOR_HEADER 40u /* the header's size, properties follow it */

/* The evdev capability bitmaps of a device (EVIOCGBIT/EVIOCGPROP, as
 * arrays of unsigned long): NULL for a kind it has none of. */
struct udev_input_caps {
	const unsigned long *ev, *key, *rel, *abs, *sw, *prop;
};

/* udev's input_id in short: the ID_INPUT* properties of the device, as
 * "KEY=VALUE" strings each ended by a NUL, into buf.  Returns the length
 * (NULs included) or -ENOSPC. */
int udev_input_props(const struct udev_input_caps *caps, char *buf, size_t cap);

/* MurmurHash2 (32 bits) as systemd's string_hash32() (seed 0) computes it
 * on the same machine; the monitor's filter compares it. */
uint32_t udev_murmur2(const void *key, size_t len, uint32_t seed);

/* The 64-bit bloom filter of one tag (string_bloom64()). */
uint64_t udev_tag_bloom(const char *tag);

/* A monitor datagram: the header for subsystem (devtype may be NULL) and
 * the tags ("seat", or NULL), then props (props_len bytes of NUL-ended
 * KEY=VALUE strings: ACTION, DEVPATH, SUBSYSTEM, SEQNUM at least).
 * Returns its length or -ENOSPC. */
ssize_t udev_monitor_msg(void *buf, size_t cap, const char *subsystem, const char *devtype,
			 const char *tag, const char *props, size_t props_len);

/* Sends a monitor datagram (msg, len bytes) on fd, a NETLINK_KOBJECT_UEVENT
 * socket, to udev's group, with credentials saying uid:gid (a libudev
 * monitor takes only uid 0 of its own user namespace: the sender names
 * the host uid that is 0 there, which needs CAP_SETUID).  Never waits.
 * Returns 0 (also when nobody listens) or a negative errno. */
int udev_monitor_send(int fd, const void *msg, size_t len, uid_t uid, gid_t gid);

/* A database file: "I:<usec>" (when it was "initialized"), an E: line per
 * property of props (NUL-ended strings), then the tag (G: and Q:) when
 * not NULL, and "V:1".  Returns the length or -ENOSPC; a property with a
 * newline in it is -EINVAL (it would make a line of its own). */
int udev_db_text(char *buf, size_t cap, uint64_t usec, const char *props, size_t props_len,
		 const char *tag);

#endif
