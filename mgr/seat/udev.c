// SPDX-License-Identifier: MIT
/* A display cell's udev database and monitor, kept by cellmgr (udev.h). */
#include "udev.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cell.h"
#include "fileutil.h"
#include "log.h"
#include "mountutil.h"
#include "udevfmt.h"

#define TAG "seat" /* what udev's rules tag a seat's devices with */
#define PROPS_MAX 2048

/* mkdir dir/name unless it is there, then open it: a real directory on
 * the same mount (a symlink or a mount the cell put there is refused). */
static int subdir(int dir, const char *name, const struct cell *c)
{
	int fd;

	if (mkdirat(dir, name, 0755) == 0 &&
	    fchownat(dir, name, c->root_uid, c->root_uid, AT_SYMLINK_NOFOLLOW) < 0)
		return neg_errno();
	fd = dir_open_beneath(dir, name, true);
	return fd;
}

/* libudev turns a monitor of udev's events into one that hears nothing
 * unless /run/udev/control exists (udevd's control socket) or /dev is a
 * devtmpfs: in a container, it says, nobody would send them.  cellmgr
 * does, so the mark is made: an empty file (a tool that talks to udevd's
 * control socket gets ECONNREFUSED from it, as with no udevd). */
static int control_mark(int udev, const struct cell *c)
{
	int fd =
	    openat(udev, "control", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0)
		return errno == EEXIST ? 0 : neg_errno();
	if (fchown(fd, c->root_uid, c->root_uid) < 0) {
		int r = neg_errno();

		close(fd);
		return r;
	}
	close(fd);
	return 0;
}

static int socket_in_cell(const struct cell *c, int own_netns)
{
	int fd, r = 0;

	if (c->pidfd < 0)
		return -ESRCH;
	if (setns(c->pidfd, CLONE_NEWNET) < 0)
		return neg_errno();
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		r = neg_errno();
	if (setns(own_netns, CLONE_NEWNET) < 0) /* every later socket would be the cell's */
		log_fatal(neg_errno(), "udev: back to cellmgr's network namespace");
	return fd < 0 ? r : fd;
}

int udev_view_open(struct udev_view *v, const struct cell *c, int run_dir, int own_netns)
{
	int udev, r;

	v->c = NULL;
	v->data_dir = v->nl = -1;
	udev = subdir(run_dir, "udev", c);
	if (udev < 0)
		return udev;
	v->data_dir = subdir(udev, "data", c);
	r = v->data_dir < 0 ? 0 : control_mark(udev, c);
	close(udev);
	if (r < 0) {
		udev_view_close(v);
		return r;
	}
	if (v->data_dir < 0)
		return v->data_dir;
	v->nl = socket_in_cell(c, own_netns);
	if (v->nl < 0) {
		r = v->nl;
		udev_view_close(v);
		return r;
	}
	v->c = c;
	v->seqnum = 0;
	return 0;
}

void udev_view_close(struct udev_view *v)
{
	if (v->data_dir >= 0)
		close(v->data_dir);
	if (v->nl >= 0)
		close(v->nl);
	v->data_dir = v->nl = -1;
	v->c = NULL;
}

/* What sysfs says of the device: its path under /sys, its subsystem,
 * "c13:73" (the database's name for it) and its uevent file's
 * MAJOR=, MINOR=, DEVNAME= as properties. */
struct sysdev {
	char devpath[PATH_MAX];
	char subsystem[32];
	char id[32];
	char props[256];
	size_t props_len;
};

static int sysdev_read(const char *syspath, struct sysdev *d)
{
	char path[PATH_MAX], link[PATH_MAX], text[512], *real, *line, *save = NULL;
	unsigned maj = 0, min = 0;
	bool has_dev = false;
	ssize_t n;

	real = realpath(syspath, NULL);
	if (!real)
		return neg_errno();
	n = strncmp(real, "/sys/", 5) == 0
		? snprintf(d->devpath, sizeof(d->devpath), "%s", real + 4)
		: -1;
	free(real);
	if (n < 0 || (size_t)n >= sizeof(d->devpath))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/subsystem", syspath);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return neg_errno();
	link[n] = '\0';
	snprintf(d->subsystem, sizeof(d->subsystem), "%s", basename(link));
	snprintf(path, sizeof(path), "%s/uevent", syspath);
	if ((n = read_text_file(path, text, sizeof(text))) < 0)
		return (int)n;
	d->props_len = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t room = sizeof(d->props) - d->props_len;
		int len;

		if (!strncmp(line, "MAJOR=", 6) || !strncmp(line, "MINOR=", 6)) {
			char *end;
			unsigned long v = strtoul(line + 6, &end, 10);

			if (end == line + 6 || *end || v > UINT_MAX)
				return -EINVAL;
			*(line[1] == 'A' ? &maj : &min) = (unsigned)v;
			has_dev = true;
		}
		/* udevd says where the node is, not its name under /dev. */
		len = !strncmp(line, "DEVNAME=", 8)
			  ? snprintf(d->props + d->props_len, room, "DEVNAME=/dev/%s", line + 8)
			  : snprintf(d->props + d->props_len, room, "%s", line);
		if (len < 0 || (size_t)len >= room)
			return -ENAMETOOLONG;
		d->props_len += (size_t)len + 1;
	}
	if (!has_dev)
		return -ENODEV;
	snprintf(d->id, sizeof(d->id), "c%u:%u", maj, min);
	return 0;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The database file, made whole under a temporary name and renamed over
 * the old one: a reader sees the old file or the new, never half. */
static int db_write(struct udev_view *v, const struct sysdev *d, const char *props, size_t len)
{
	char text[PROPS_MAX * 2], tmp[64];
	int n = udev_db_text(text, sizeof(text), now_us(), props, len, TAG), fd, r;

	if (n < 0)
		return n;
	snprintf(tmp, sizeof(tmp), ".%s.cellar", d->id);
	unlinkat(v->data_dir, tmp, 0);
	fd = openat(v->data_dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return neg_errno();
	r = write_all(fd, text, (size_t)n);
	if (r == 0 && fchown(fd, v->c->root_uid, v->c->root_uid) < 0)
		r = neg_errno();
	close(fd);
	if (r == 0 && renameat(v->data_dir, tmp, v->data_dir, d->id) < 0)
		r = neg_errno();
	if (r < 0)
		unlinkat(v->data_dir, tmp, 0);
	return r;
}

__attribute__((format(printf, 4, 5))) static int add_prop(char *buf, size_t cap, size_t *len,
							  const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);

	if (n < 0 || (size_t)n >= cap - *len)
		return -ENOSPC;
	*len += (size_t)n + 1;
	return 0;
}

/* One datagram to the cell's libudev monitors, as udevd sends it: from a
 * process whose credentials say uid 0 in the cell (its root on the
 * host: cellmgr may say so, it has CAP_SETUID). */
static int announce(struct udev_view *v, const char *action, const struct sysdev *d,
		    const char *props, size_t len)
{
	char all[PROPS_MAX], msg[PROPS_MAX + 64];
	size_t n = 0;
	ssize_t mlen;

	if (add_prop(all, sizeof(all), &n, "ACTION=%s", action) < 0 ||
	    add_prop(all, sizeof(all), &n, "DEVPATH=%s", d->devpath) < 0 ||
	    add_prop(all, sizeof(all), &n, "SUBSYSTEM=%s", d->subsystem) < 0 ||
	    sizeof(all) - n < d->props_len + len)
		return -ENOSPC;
	memcpy(all + n, d->props, d->props_len);
	n += d->props_len;
	memcpy(all + n, props, len);
	n += len;
	if (add_prop(all, sizeof(all), &n, "SEQNUM=%llu", ++v->seqnum) < 0 ||
	    add_prop(all, sizeof(all), &n, "USEC_INITIALIZED=%llu", (unsigned long long)now_us()) <
		0 ||
	    add_prop(all, sizeof(all), &n, "TAGS=:" TAG ":") < 0 ||
	    add_prop(all, sizeof(all), &n, "CURRENT_TAGS=:" TAG ":") < 0)
		return -ENOSPC;
	mlen = udev_monitor_msg(msg, sizeof(msg), d->subsystem, NULL, TAG, all, n);
	if (mlen < 0)
		return (int)mlen;
	return udev_monitor_send(v->nl, msg, (size_t)mlen, v->c->root_uid, v->c->root_uid);
}

int udev_view_add(struct udev_view *v, const char *syspath, const char *props, size_t props_len,
		  bool do_announce)
{
	struct sysdev d;
	int r;

	if (!v->c)
		return -EBADF;
	if ((r = sysdev_read(syspath, &d)) < 0 || (r = db_write(v, &d, props, props_len)) < 0)
		return r;
	return do_announce ? announce(v, "add", &d, props, props_len) : 0;
}

int udev_view_remove(struct udev_view *v, const char *syspath, const char *props, size_t props_len)
{
	struct sysdev d;
	int r;

	if (!v->c)
		return -EBADF;
	if ((r = sysdev_read(syspath, &d)) < 0)
		return r;
	if (unlinkat(v->data_dir, d.id, 0) < 0 && errno != ENOENT)
		r = neg_errno();
	return announce(v, "remove", &d, props, props_len) < 0 ? -EIO : r;
}
