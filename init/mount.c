// SPDX-License-Identifier: MIT
/*
 * The API file systems every cell and cellmgr expect, mounted once at boot;
 * and the reverse at shutdown: unmount everything, deepest first.
 */
#include "init.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>

#define DEVICE_WAIT_TICKS 200 /* of 50 ms: 10 s */

struct early_mount {
	const char *source, *target, *fstype;
	unsigned long flags;
	const char *data;
};

/* In mount order: a mount point must exist before its submounts.  No fd is
 * opened until they are done (log_open_console() comes after), so nothing
 * can land on a closed fd 0-2 by accident. */
static const struct early_mount early_mounts[] = {
    {"proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL},
    {"sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL},
    /* devtmpfs has one superblock for all its mounts: no options, or a
     * later mount elsewhere would reconfigure this one. */
    {"devtmpfs", "/dev", "devtmpfs", MS_NOSUID, NULL},
    /* Every devpts mount is a new instance since Linux 4.7; /dev/ptmx of
     * devtmpfs finds this one through /dev/pts. */
    {"devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666"},
    {"tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777"},
    {"tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"},
    {"cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL},
};

int mkdir_p(const char *path, mode_t mode)
{
	char buf[256];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		if (c == '\0')
			return 0;
		*p = c;
	}
}

int mount_wait_device(const char *what, const char *dev)
{
	const struct timespec tick = {0, 50 * 1000 * 1000};
	struct stat st;

	/* devtmpfs creates the node when the driver finds the disk; a plain
	 * poll is enough here, nothing else needs init yet. */
	for (int i = 0; stat(dev, &st) < 0; i++) {
		if (i == 0)
			log_info("%s: waiting up to 10 s for %s", what, dev);
		if (i == DEVICE_WAIT_TICKS)
			return log_errno(-errno, "%s: %s did not appear", what, dev);
		nanosleep(&tick, NULL);
	}
	return 0;
}

void mount_early(void)
{
	for (size_t i = 0; i < sizeof(early_mounts) / sizeof(early_mounts[0]); i++) {
		const struct early_mount *m = &early_mounts[i];
		int err = mkdir_p(m->target, 0755);

		if (err)
			log_errno(err, "mkdir %s", m->target);
		if (mount(m->source, m->target, m->fstype, m->flags, m->data) < 0)
			log_errno(-errno, "mount %s on %s", m->fstype, m->target);
	}
}

/* Splits a mountinfo line "36 35 98:0 /root /mnt opts [tags] - type src
 * superopts" in place: its mount point (unescaped) and its fs type. */
static bool mountinfo_parse(char *line, char **mnt, char **fstype)
{
	char *field[5], *sep, *in, *out;
	char *p = line;

	for (int i = 0; i < 5; i++) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return false;
		field[i] = p;
		p = strchr(p, ' ');
		if (!p)
			return false;
		*p++ = '\0';
	}
	/* p is at the mount options; the fs type follows " - ".  (A loop,
	 * not strstr(): that would add musl's two-way search to init.) */
	for (sep = p; *sep && strncmp(sep, " - ", 3) != 0; sep++)
		;
	if (!*sep)
		return false;
	*fstype = sep + 3;
	(*fstype)[strcspn(*fstype, " ")] = '\0';

	/* The kernel writes ' ', '\t', '\n' and '\\' as \ooo octal. */
	for (in = out = field[4]; *in; in++, out++) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' &&
		    in[3] >= '0' && in[3] <= '7') {
			*out = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
			in += 3;
		} else {
			*out = *in;
		}
	}
	*out = '\0';
	*mnt = field[4];
	return true;
}

bool mount_root_is_rootfs(void)
{
	char *buf, *line, *next, *mnt, *fstype;
	bool rootfs = false;
	int err = file_read("/proc/self/mountinfo", &buf, NULL);

	if (err) {
		log_errno(err, "read /proc/self/mountinfo");
		return false; /* the safe answer: nothing gets copied or deleted */
	}
	/* The last "/" line is the mount on top, the one we see. */
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (mountinfo_parse(line, &mnt, &fstype) && strcmp(mnt, "/") == 0)
			rootfs = strcmp(fstype, "rootfs") == 0;
	}
	free(buf);
	return rootfs;
}

void mount_unmount_all(void)
{
	char *buf, *end, *mnt, *fstype;
	int err = file_read("/proc/self/mountinfo", &buf, NULL);

	if (err) {
		log_errno(err, "read /proc/self/mountinfo");
		return;
	}
	/* mountinfo lists parents before children: walk it backwards, so
	 * submounts go first.  A busy mount (the console keeps /dev busy) is
	 * detached instead; the kernel finishes it when the last user goes. */
	end = buf + strlen(buf);
	while (end > buf) {
		char *line = end;

		while (line > buf && line[-1] != '\n')
			line--;
		*end = '\0'; /* the '\n' after this line, or the end */
		if (mountinfo_parse(line, &mnt, &fstype) && strcmp(mnt, "/") != 0 &&
		    umount2(mnt, 0) < 0 && errno != EINVAL && errno != ENOENT) {
			if (errno != EBUSY || umount2(mnt, MNT_DETACH) < 0)
				log_errno(-errno, "umount %s", mnt);
		}
		end = line > buf ? line - 1 : buf;
	}
	free(buf);
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
		log_errno(-errno, "remount / read-only");
}
