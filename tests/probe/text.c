/* Small text and file helpers shared by the facts and the attacks. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

ssize_t text_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd;

	if (size == 0)
		return -EINVAL;
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return (ssize_t)len;
}

void text_normalize(char *s)
{
	char *w = s;
	int space = 0;

	for (char *r = s; *r; r++) {
		if (*r == '\n') {
			while (w > s && w[-1] == ' ')
				w--;
			if (w > s && w[-1] != ';')
				*w++ = ';';
			space = 0;
		} else if (*r == ' ' || *r == '\t') {
			space = 1;
		} else {
			if (space && w > s && w[-1] != ';')
				*w++ = ' ';
			space = 0;
			*w++ = *r;
		}
	}
	while (w > s && (w[-1] == ';' || w[-1] == ' '))
		w--;
	*w = '\0';
}

void text_list_add(char *buf, size_t size, const char *item)
{
	size_t len = strlen(buf);
	size_t need = strlen(item) + (len ? 1 : 0);

	if (len >= 4 && strcmp(buf + len - 4, ",...") == 0)
		return;
	if (len + need + 5 > size) {
		if (len + 5 <= size)
			strcpy(buf + len, ",...");
		return;
	}
	if (len)
		buf[len++] = ',';
	strcpy(buf + len, item);
}

const char *probe_tmpdir(void)
{
	static const char *const dirs[] = {"/tmp", "/dev/shm", "/run", "/"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (access(dirs[i], W_OK | X_OK) == 0)
			return dirs[i];
	return "/tmp";
}
