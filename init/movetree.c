// SPDX-License-Identifier: MIT
/*
 * Moves a directory tree to another file system, file by file: each entry
 * is copied (contents, mode, owner, times; directories, regular files,
 * symlinks, device nodes, fifos, sockets) and then unlinked from the
 * source, so the initramfs shrinks while the tmpfs grows and the memory in
 * use stays about the size of one copy.  With no destination it only
 * deletes: that is how the emptied initramfs is cleared after the switch.
 *
 * Only the source's own file system is walked: mount points (/proc, /dev,
 * /newroot ...) are skipped, so the walk can never reach into another file
 * system and delete it.  Not kept: hard links (each name becomes its own
 * copy) and extended attributes (the cpio format has none).  An entry that
 * fails to copy is logged and left in the source.
 */
#include "init.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MOVETREE_DEPTH_MAX 64

struct movetree {
	dev_t dev;	 /* the source's file system */
	unsigned errors; /* entries left behind */
	char path[512];	 /* of the current entry, for messages */
	char buf[32768];
};

static void move_dir(struct movetree *mt, int src, int dst, unsigned depth);

static int copy_data(struct movetree *mt, int in, int out)
{
	for (;;) {
		ssize_t n = read(in, mt->buf, sizeof(mt->buf)), done = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		while (done < n) {
			ssize_t w = write(out, mt->buf + done, (size_t)(n - done));

			if (w < 0 && errno != EINTR)
				return -errno;
			if (w > 0)
				done += w;
		}
	}
}

static int copy_file(struct movetree *mt, int src, int dst, const char *name, const struct stat *st)
{
	const struct timespec times[2] = {st->st_atim, st->st_mtim};
	int in, out, err;

	in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	err = copy_data(mt, in, out);
	/* Owner before mode: chown clears the set-id bits. */
	if (!err && (fchown(out, st->st_uid, st->st_gid) < 0 ||
		     fchmod(out, st->st_mode & 07777) < 0 || futimens(out, times) < 0))
		err = -errno;
	close(in);
	if (close(out) < 0 && !err)
		err = -errno;
	return err;
}

/* Everything but directories and regular files: links and nodes. */
static int copy_special(struct movetree *mt, int src, int dst, const char *name,
			const struct stat *st)
{
	const struct timespec times[2] = {st->st_atim, st->st_mtim};

	if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlinkat(src, name, mt->buf, sizeof(mt->buf) - 1);

		if (n < 0)
			return -errno;
		mt->buf[n] = '\0';
		if (symlinkat(mt->buf, dst, name) < 0)
			return -errno;
	} else if (mknodat(dst, name, st->st_mode & (S_IFMT | 07777), st->st_rdev) < 0) {
		return -errno;
	}
	if (fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (!S_ISLNK(st->st_mode) && fchmodat(dst, name, st->st_mode & 07777, 0) < 0)
		return -errno;
	if (utimensat(dst, name, times, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

static int move_subdir(struct movetree *mt, int src, int dst, const char *name,
		       const struct stat *st, unsigned depth)
{
	const struct timespec times[2] = {st->st_atim, st->st_mtim};
	int s, d = -1, err = 0;

	if (depth >= MOVETREE_DEPTH_MAX)
		return -ELOOP;
	s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s < 0)
		return -errno;
	if (dst >= 0) {
		if (mkdirat(dst, name, 0700) == 0 || errno == EEXIST)
			d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d < 0)
			err = -errno;
	}
	if (!err)
		move_dir(mt, s, d, depth + 1);
	close(s);
	if (d >= 0) {
		/* Times last: creating the entries changed them. */
		if (fchown(d, st->st_uid, st->st_gid) < 0 || fchmod(d, st->st_mode & 07777) < 0 ||
		    futimens(d, times) < 0)
			err = -errno;
		close(d);
	}
	return err;
}

static void move_entry(struct movetree *mt, int src, int dst, const char *name, unsigned depth)
{
	size_t plen = strlen(mt->path);
	struct stat st;
	int err;

	if (plen + strlen(name) + 2 > sizeof(mt->path)) {
		mt->errors++;
		log_errno(-ENAMETOOLONG, "move %s/%s", mt->path, name);
		return;
	}
	strcat(strcat(mt->path, "/"), name);

	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		err = -errno;
	} else if (st.st_dev != mt->dev) {
		err = 0; /* a mount point: not ours to move or delete */
	} else if (S_ISDIR(st.st_mode)) {
		err = move_subdir(mt, src, dst, name, &st, depth);
		/* ENOTEMPTY: something inside stayed (and was counted). */
		if (unlinkat(src, name, AT_REMOVEDIR) < 0 && errno != ENOTEMPTY && !err)
			err = -errno;
	} else {
		if (dst < 0)
			err = 0;
		else if (S_ISREG(st.st_mode))
			err = copy_file(mt, src, dst, name, &st);
		else
			err = copy_special(mt, src, dst, name, &st);
		if (!err && unlinkat(src, name, 0) < 0)
			err = -errno;
	}
	if (err) {
		mt->errors++;
		log_errno(err, "%s %s", dst < 0 ? "delete" : "move", mt->path);
	}
	mt->path[plen] = '\0';
}

static void move_dir(struct movetree *mt, int src, int dst, unsigned depth)
{
	int fd = fcntl(src, F_DUPFD_CLOEXEC, 0); /* closedir() closes it */
	struct dirent *de;
	DIR *dir;

	dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		mt->errors++;
		log_errno(-errno, "read directory %s/", mt->path);
		if (fd >= 0)
			close(fd);
		return;
	}
	/* Unlinking while reading is safe on ramfs/tmpfs: readdir keeps a
	 * cursor in the directory, not an index. */
	while ((de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		move_entry(mt, src, dst, de->d_name, depth);
	}
	closedir(dir);
}

unsigned movetree(int src_dir, int dst_dir)
{
	struct movetree *mt = malloc(sizeof(*mt)); /* 33 KiB: not for the stack */
	unsigned errors = 1;
	struct stat st;

	if (!mt) {
		log_errno(-ENOMEM, "movetree");
	} else if (fstat(src_dir, &st) < 0) {
		log_errno(-errno, "movetree: stat");
	} else {
		mt->dev = st.st_dev;
		mt->errors = 0;
		mt->path[0] = '\0';
		move_dir(mt, src_dir, dst_dir, 0);
		errors = mt->errors;
	}
	free(mt);
	return errors;
}
