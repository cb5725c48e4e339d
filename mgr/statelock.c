// SPDX-License-Identifier: MIT
/* One cellmgr per state directory: see statelock.h. */
#include "statelock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "log.h"

int statelock_take(const char *state_dir, pid_t *holder)
{
	char path[PATH_MAX], buf[32];
	ssize_t n;
	int fd, len;

	*holder = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/lock", state_dir) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return neg_errno();
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int r = errno == EWOULDBLOCK ? -EBUSY : neg_errno();

		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (r == -EBUSY && n > 0) {
			buf[n] = '\0';
			*holder = (pid_t)strtol(buf, NULL, 10);
		}
		close(fd);
		return r;
	}
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)len, 0) != len) {
		int r = neg_errno();

		close(fd);
		return r;
	}
	return fd;
}
