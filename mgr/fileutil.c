// SPDX-License-Identifier: MIT
#include "fileutil.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

ssize_t read_text_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, err;

	if (len == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	if (n == 0)
		return -ENODATA;
	buf[n] = '\0';
	return n;
}
