// SPDX-License-Identifier: MIT
#include "fileutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

ssize_t read_text_file_at(int dirfd, const char *name, char *buf, size_t len)
{
	ssize_t n;
	int fd, err;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	return n;
}

ssize_t read_text_file(const char *path, char *buf, size_t len)
{
	return read_text_file_at(AT_FDCWD, path, buf, len);
}

int read_whole_file(const char *path, size_t max, char **out, size_t *out_len)
{
	size_t len = 0, size = 0;
	char *buf = NULL;
	struct stat st;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* A file's size, and one byte more to see its end: most of them are
	 * a few lines, and a buffer of their size is a small block of the
	 * allocator's, not pages mapped for it and unmapped again. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size <= max &&
	    (buf = malloc((size_t)st.st_size + 1)))
		size = (size_t)st.st_size + 1;
	for (;;) {
		ssize_t n;

		if (len == size) {
			char *b;

			if (size > max) {
				r = -EFBIG;
				break;
			}
			size = size ? 2 * size : 4096;
			b = realloc(buf, size);
			if (!b) {
				r = -ENOMEM;
				break;
			}
			buf = b;
		}
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (r == 0 && len > max)
		r = -EFBIG;
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_file_at(int dirfd, const char *name, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, r = 0;

	fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = write(fd, text, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	close(fd);
	return r;
}

int replace_file_at(int dirfd, const char *name, const void *data, size_t len, bool durable)
{
	char tmp[PATH_MAX];
	int fd, r;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", name) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
		    0600);
	if (fd < 0)
		return -errno;
	r = write_all(fd, data, len);
	if (r == 0 && fchmod(fd, 0600) < 0) /* an older .tmp of another mode */
		r = -errno;
	if (r == 0 && durable && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dirfd, tmp, 0);
		return r;
	}
	return durable && fsync(dirfd) < 0 ? -errno : 0;
}

/* What getdents64() returns (struct dirent64 wants _LARGEFILE64_SOURCE
 * of some C libraries). */
struct dent {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* dirfd/name and what is under it, on file system *dev (0: the one
 * name is on). */
static int remove_tree_dev(int dirfd, const char *name, dev_t *dev, unsigned depth)
{
	_Alignas(8) char buf[2048];
	struct stat st;
	long n;
	int fd, r = 0;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != ENOTDIR && errno != ELOOP)
			return -errno;
		/* Not a directory, or a symbolic link: the name goes. */
		return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
	}
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (*dev && st.st_dev != *dev)
		r = -EXDEV; /* a mount point: not ours to empty */
	else if (depth == 0)
		r = -ELOOP;
	if (r < 0) {
		close(fd);
		return r;
	}
	*dev = st.st_dev;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			const struct dent *de = (const void *)(buf + off);
			int e = 0;

			off += de->d_reclen;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN)
				e = remove_tree_dev(fd, de->d_name, dev, depth - 1);
			else if (unlinkat(fd, de->d_name, 0) < 0 && errno != ENOENT)
				e = -errno;
			if (e < 0 && r == 0)
				r = e;
		}
	}
	if (n < 0 && r == 0)
		r = -errno;
	close(fd);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
		r = -errno;
	return r;
}

int remove_tree_at(int dirfd, const char *name, unsigned depth_max)
{
	dev_t dev = 0;

	return remove_tree_dev(dirfd, name, &dev, depth_max);
}
