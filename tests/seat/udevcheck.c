// SPDX-License-Identifier: MIT
/*
 * Does Debian's own libudev take what cellmgr writes for a display cell
 * (mgr/util/udevfmt.h)?  Run as root on the build host; in namespaces of
 * its own (a network namespace, a mount namespace with a tmpfs on
 * /run), it:
 *
 *   1. writes the database file of /sys/class/mem/null with an input
 *      device's properties, and asks libudev about the device: it must be
 *      initialized and carry the properties (libinput skips a device
 *      libudev does not call initialized);
 *   2. sends monitor datagrams as cellmgr does into its network namespace
 *      and receives them with a libudev monitor filtered on "input" (the
 *      kernel's socket filter compares the subsystem's hash): the input
 *      one arrives with its action, node and properties, a "drm" one is
 *      filtered out, and one sent with credentials of a uid other than 0
 *      is ignored; with /dev not a devtmpfs (a tmpfs here, as in a cell),
 *      the monitor hears nothing until /run/udev/control exists (the mark
 *      cellmgr makes).
 *
 * Prints "ok - ..." / "not ok - ..." per check; exit status 1 on any
 * failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <libudev.h>
#include <linux/input.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "udevfmt.h"

static int failed;

static void check(const char *what, int ok, const char *detail)
{
	printf("%s - %s%s%s%s\n", ok ? "ok" : "not ok", what, detail ? " (" : "",
	       detail ? detail : "", detail ? ")" : "");
	failed |= !ok;
}

static size_t keyboard_props(char *buf, size_t cap)
{
	static unsigned long ev[1], key[KEY_CNT / (8 * sizeof(long)) + 1];
	struct udev_input_caps caps = {.ev = ev, .key = key};
	int n;

	ev[0] = 1ul << EV_KEY | 1ul << EV_SYN;
	for (unsigned k = KEY_ESC; k <= KEY_D; k++)
		key[k / (8 * sizeof(long))] |= 1ul << (k % (8 * sizeof(long)));
	n = udev_input_props(&caps, buf, cap);
	return n < 0 ? 0 : (size_t)n;
}

static void check_db(struct udev *u)
{
	char props[256], text[1024];
	size_t plen = keyboard_props(props, sizeof(props));
	int n = udev_db_text(text, sizeof(text), 12345, props, plen, "seat"), fd;
	struct udev_device *d;

	fd = open("/run/udev/data/c1:3", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || n < 0 || write(fd, text, (size_t)n) != n) {
		check("the database file is written", 0, strerror(errno));
		return;
	}
	close(fd);
	d = udev_device_new_from_syspath(u, "/sys/class/mem/null");
	check("libudev finds /sys/class/mem/null", d != NULL, NULL);
	if (!d)
		return;
	check("libudev calls it initialized (the database file)", udev_device_get_is_initialized(d),
	      NULL);
	check("... with ID_INPUT=1 and ID_INPUT_KEYBOARD=1",
	      udev_device_get_property_value(d, "ID_INPUT") &&
		  udev_device_get_property_value(d, "ID_INPUT_KEYBOARD"),
	      NULL);
	check("... and the tag seat", udev_device_has_tag(d, "seat"), NULL);
	udev_device_unref(d);
}

static int send_msg(int fd, const char *subsystem, uid_t uid, const char *devname)
{
	char props[512], msg[1024];
	size_t n = 0;
	ssize_t len;

	n += (size_t)sprintf(props + n, "ACTION=add") + 1;
	n += (size_t)sprintf(props + n, "DEVPATH=/devices/virtual/input/input99/%s", devname) + 1;
	n += (size_t)sprintf(props + n, "SUBSYSTEM=%s", subsystem) + 1;
	n += (size_t)sprintf(props + n, "MAJOR=13") + 1;
	n += (size_t)sprintf(props + n, "MINOR=99") + 1;
	n += (size_t)sprintf(props + n, "DEVNAME=/dev/input/%s", devname) + 1;
	n += (size_t)sprintf(props + n, "SEQNUM=1") + 1;
	n += keyboard_props(props + n, sizeof(props) - n);
	len = udev_monitor_msg(msg, sizeof(msg), subsystem, NULL, "seat", props, n);
	if (len < 0)
		return -1;
	/* cellmgr's own send (the credentials it names), as seat/udev.c does */
	return udev_monitor_send(fd, msg, (size_t)len, uid, uid) < 0 ? -1 : 0;
}

static struct udev_device *receive(struct udev_monitor *mon)
{
	struct pollfd p = {.fd = udev_monitor_get_fd(mon), .events = POLLIN};

	while (poll(&p, 1, 500) == 1) {
		struct udev_device *d = udev_monitor_receive_device(mon);

		if (d)
			return d;
	}
	return NULL;
}

static struct udev_monitor *monitor(struct udev *u)
{
	struct udev_monitor *mon = udev_monitor_new_from_netlink(u, "udev");

	if (mon && (udev_monitor_filter_add_match_subsystem_devtype(mon, "input", NULL) < 0 ||
		    udev_monitor_enable_receiving(mon) < 0)) {
		udev_monitor_unref(mon);
		return NULL;
	}
	return mon;
}

/* As in a cell: /dev is no devtmpfs and no udevd made /run/udev/control,
 * so libudev makes its monitor deaf (cellmgr makes the file for that). */
static void check_deaf(struct udev *u, int fd)
{
	struct udev_monitor *mon = monitor(u);
	struct udev_device *d;

	if (!mon) {
		check("a libudev monitor without /run/udev/control", 0, strerror(errno));
		return;
	}
	send_msg(fd, "input", 0, "event96");
	d = receive(mon);
	check("without /run/udev/control (and /dev no devtmpfs, as in a cell) libudev's monitor "
	      "hears nothing",
	      d == NULL, NULL);
	if (d)
		udev_device_unref(d);
	udev_monitor_unref(mon);
}

static void check_monitor(struct udev *u)
{
	struct udev_monitor *mon;
	struct udev_device *d;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);

	check_deaf(u, fd);
	close(open("/run/udev/control", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	mon = monitor(u);
	if (!mon || fd < 0) {
		check("a libudev monitor on \"udev\" filtered on input", 0, strerror(errno));
		return;
	}
	check("an input datagram is sent", send_msg(fd, "input", 0, "event99") == 0,
	      strerror(errno));
	d = receive(mon);
	check("the monitor receives it (the subsystem's hash passes its socket filter)", d != NULL,
	      NULL);
	if (d) {
		const char *node = udev_device_get_devnode(d);

		check("... as add of /dev/input/event99, initialized, with ID_INPUT_KEYBOARD",
		      udev_device_get_action(d) && !strcmp(udev_device_get_action(d), "add") &&
			  node && !strcmp(node, "/dev/input/event99") &&
			  udev_device_get_is_initialized(d) &&
			  udev_device_get_property_value(d, "ID_INPUT_KEYBOARD"),
		      node);
		udev_device_unref(d);
	}
	send_msg(fd, "drm", 0, "event98");
	d = receive(mon);
	check("a drm datagram does not pass the input filter", d == NULL, NULL);
	if (d)
		udev_device_unref(d);
	send_msg(fd, "input", 1000, "event97");
	d = receive(mon);
	check("a datagram with the credentials of uid 1000 is ignored", d == NULL, NULL);
	if (d)
		udev_device_unref(d);
	close(fd);
	udev_monitor_unref(mon);
}

int main(void)
{
	struct udev *u;

	if (unshare(CLONE_NEWNET | CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") < 0 ||
	    mount("tmpfs", "/dev", "tmpfs", 0, "mode=0755") < 0 || mkdir("/run/udev", 0755) < 0 ||
	    mkdir("/run/udev/data", 0755) < 0) {
		printf("not ok - private namespaces and /run/udev: %s\n", strerror(errno));
		return 1;
	}
	u = udev_new();
	if (!u) {
		printf("not ok - udev_new\n");
		return 1;
	}
	check_db(u);
	check_monitor(u);
	udev_unref(u);
	return failed;
}
