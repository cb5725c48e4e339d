// SPDX-License-Identifier: MIT
/* One cellmgr per state directory: see statelock.h. */
#include "statelock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

int statelock_take(const char *state_dir, pid_t *holder)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	char path[PATH_MAX], buf[32];
	int fd, len;

	*holder = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/lock", state_dir) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return neg_errno();
	/* A POSIX record lock, not flock(): it belongs to this process, is
	 * never inherited by a child (a shim-to-be forked a moment before a
	 * kill -9 must not keep it), and goes with the process. */
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		int r = errno == EACCES || errno == EAGAIN ? -EBUSY : neg_errno();

		if (r == -EBUSY && fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
			*holder = fl.l_pid;
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
