/* SPDX-License-Identifier: MIT */
/*
 * A display cell's udev, written by cellmgr (the cell has no udevd):
 * libinput and wlroots in the cell enumerate devices with libudev, which
 * sees the whole of sysfs but takes a device only when udev's database
 * has it.  So the cell's /run/udev/data holds exactly its own devices (its
 * input copies and its card), and devices plugged in or out later are
 * announced to the cell's libudev monitors as udev would, with netlink
 * datagrams in the cell's network namespace (the way LXD forwards
 * uevents into containers).  Formats: util/udevfmt.h.
 *
 * Nothing here follows a path of the cell's after the view is opened:
 * /run/udev/data is reached once, from the cell's /run (a directory fd of
 * cellmgr's tmpfs), without symlinks or crossing a mount, and every file
 * is made fresh in that directory (O_EXCL, O_NOFOLLOW) and renamed into
 * place.  The datagrams carry credentials of the cell's own root, which a
 * libudev monitor requires (uid 0 in its user namespace).
 */
#ifndef CELLAR_UDEV_H
#define CELLAR_UDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cell;

struct udev_view {
	const struct cell *c; /* NULL: closed */
	int data_dir;	      /* the cell's /run/udev/data (O_PATH) */
	int nl;		      /* NETLINK_KOBJECT_UEVENT, in the cell's network namespace */
	unsigned long long seqnum;
};

/* Opens cell c's view: makes /run/udev/data under run_dir (the cell's
 * /run, an O_PATH fd) and a netlink socket in its network namespace,
 * entered through its init's pidfd (cellmgr comes back to own_netns).
 * Returns 0 or a negative errno; the view is then closed. */
int udev_view_open(struct udev_view *v, const struct cell *c, int run_dir, int own_netns);
void udev_view_close(struct udev_view *v);

/* The device at syspath (a sysfs class entry, "/sys/class/input/event9",
 * read from cellmgr's own /sys) with the properties props (NUL-ended
 * KEY=VALUE strings): its database file, and with announce an "add" to
 * the cell's monitors.  udev_view_remove() deletes the file and
 * announces "remove" (call it while the device is still in sysfs). */
int udev_view_add(struct udev_view *v, const char *syspath, const char *props, size_t props_len,
		  bool announce);
int udev_view_remove(struct udev_view *v, const char *syspath, const char *props, size_t props_len);

#endif
