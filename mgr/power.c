// SPDX-License-Identifier: MIT
/*
 * The board's power key belongs to cellar, never to a cell: in board mode
 * cellmgr watches every input device that can send KEY_POWER (the ACPI
 * power button, a PMIC's key) and asks init to power the board off.
 * init's signals follow busybox: SIGUSR2 means poweroff (docs/init.md).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"
#include "mgr.h"

#define BITS_PER_LONG (8 * sizeof(unsigned long))
#define NLONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

static bool has_power_key(int fd)
{
	unsigned long keys[NLONGS(KEY_CNT)];

	memset(keys, 0, sizeof(keys));
	if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof(keys)), keys) < 0)
		return false;
	return (keys[KEY_POWER / BITS_PER_LONG] >> (KEY_POWER % BITS_PER_LONG)) & 1;
}

void power_keys_open(struct mgr *m)
{
	struct power_keys *p = &m->power;
	struct dirent *de;
	char path[300], name[128];
	DIR *dir;
	int fd;

	dir = opendir("/dev/input");
	if (!dir) {
		log_warn("no /dev/input: the power key will not work");
		return;
	}
	while ((de = readdir(dir)) && p->n < POWER_KEYS_MAX) {
		if (strncmp(de->d_name, "event", 5) != 0)
			continue;
		snprintf(path, sizeof(path), "/dev/input/%s", de->d_name);
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!has_power_key(fd) || mgr_watch(m, fd, &p->w[p->n], WATCH_POWER_KEY, NULL) < 0) {
			close(fd);
			continue;
		}
		if (ioctl(fd, EVIOCGNAME(sizeof(name)), name) < 0)
			snprintf(name, sizeof(name), "?");
		log_info("power key: %s (%s)", path, name);
		p->fds[p->n++] = fd;
	}
	closedir(dir);
}

void power_key_on_event(struct mgr *m, int fd)
{
	struct input_event ev[16];
	ssize_t n;
	size_t i;

	n = read(fd, ev, sizeof(ev));
	if (n < 0)
		return;
	for (i = 0; i < (size_t)n / sizeof(ev[0]); i++) {
		if (ev[i].type != EV_KEY || ev[i].code != KEY_POWER || ev[i].value != 1)
			continue;
		log_info("power key pressed: powering off the board");
		if (kill(1, SIGUSR2) < 0)
			log_errno(neg_errno(), "ask init to power off");
	}
	(void)m;
}
