// SPDX-License-Identifier: MIT
/* Whole-file reads for the small text files init looks at: the config,
 * the module index files, /proc/cmdline and /proc/self/mountinfo (whose
 * size is 0 in stat, hence the growing buffer). */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read(const char *path, char **out, size_t *out_len)
{
	size_t cap = 4096, len = 0;
	struct stat st;
	char *buf;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	while (buf) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0) {
			buf[len] = '\0';
			close(fd);
			*out = buf;
			if (out_len)
				*out_len = len;
			return 0;
		}
		len += (size_t)n;
	}
	close(fd);
	free(buf);
	return err ? err : -ENOMEM;
}
