// SPDX-License-Identifier: MIT
/* A cell's console output in a size-capped, rotated file (consolelog.h). */
#include "consolelog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

void consolelog_init(struct consolelog *l)
{
	l->fd = -1;
	l->size = 0;
	l->cap = CONSOLELOG_CAP_DEFAULT;
	l->failed = false;
	l->path[0] = '\0';
}

static int open_current(struct consolelog *l, int extra_flags)
{
	struct stat st;
	int fd;

	fd = open(l->path,
		  O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | extra_flags,
		  0600);
	if (fd < 0)
		return neg_errno();
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	l->fd = fd;
	l->size = (uint64_t)st.st_size;
	return 0;
}

int consolelog_open(struct consolelog *l, const char *dir, const char *name, uint64_t cap)
{
	int r;

	consolelog_close(l);
	l->cap = cap ? cap : CONSOLELOG_CAP_DEFAULT;
	l->failed = false;
	/* Room for the ".1" of the rotated file. */
	r = snprintf(l->path, sizeof(l->path) - 2, "%s/%s.log", dir, name);
	if (r < 0 || (size_t)r >= sizeof(l->path) - 2) {
		l->path[0] = '\0';
		return log_errno(-ENAMETOOLONG, "cell %s: console log in %s", name, dir);
	}
	r = open_current(l, 0);
	if (r < 0)
		return log_errno(r, "cell %s: console log %s", name, l->path);
	return 0;
}

static int rotate(struct consolelog *l)
{
	char old[sizeof(l->path) + 2];

	snprintf(old, sizeof(old), "%s.1", l->path);
	close(l->fd);
	l->fd = -1;
	/* Without the rename the old output is lost, but the cap holds. */
	if (rename(l->path, old) < 0)
		log_errno(neg_errno(), "console log: rename %s", l->path);
	return open_current(l, O_TRUNC);
}

static void write_failed(struct consolelog *l, int err)
{
	if (!l->failed)
		log_errno(err, "console log %s: output dropped", l->path);
	l->failed = true;
}

void consolelog_write(struct consolelog *l, const char *buf, size_t len)
{
	ssize_t n;
	int r;

	if (l->fd < 0 || len == 0)
		return;
	/* A chunk bigger than the cap keeps only its end. */
	if (len > l->cap) {
		buf += len - l->cap;
		len = (size_t)l->cap;
	}
	if (l->size + len > l->cap && l->size > 0) {
		r = rotate(l);
		if (r < 0) {
			write_failed(l, r);
			return;
		}
	}
	while (len > 0) {
		n = write(l->fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			write_failed(l, n < 0 ? neg_errno() : -EIO);
			return;
		}
		l->size += (uint64_t)n;
		buf += n;
		len -= (size_t)n;
	}
}

void consolelog_close(struct consolelog *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
