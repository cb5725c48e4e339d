// SPDX-License-Identifier: MIT
/* A cell's image slots on the data disk: see slots.h. */
#include "slots.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fileutil.h"
#include "log.h"

/* musl (1.2.3, the board's static build) has no renameat2() wrapper. */
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

int slots_dir(const char *data_dir, const char *cell, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/slots/%s", data_dir, cell);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static bool slot_name_ok(const char *s)
{
	return !strcmp(s, "a") || !strcmp(s, "b") || !strcmp(s, "base");
}

/* The value of link name in dir, if it is a slot name; else "". */
static void read_link(int dir, const char *name, char out[SLOT_NAME_MAX])
{
	ssize_t n = readlinkat(dir, name, out, SLOT_NAME_MAX - 1);

	out[n > 0 ? n : 0] = '\0';
	if (!slot_name_ok(out))
		out[0] = '\0';
}

/* name -> target, replacing it in one rename, then made durable. */
static int set_link(int dir, const char *name, const char *target)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	unlinkat(dir, tmp, 0);
	if (symlinkat(target, dir, tmp) < 0 || renameat(dir, tmp, dir, name) < 0)
		return neg_errno();
	return fsync(dir) < 0 ? neg_errno() : 0;
}

/* name's new content, written beside it, fsynced and renamed over it. */
static int write_file(int dir, const char *name, const char *text)
{
	return replace_file_at(dir, name, text, strlen(text), true);
}

/* Small "key=value" lines: the value of key, or "" (at most len - 1). */
static void field(const char *text, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);

	out[0] = '\0';
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1;

			snprintf(out, len, "%.*s", (int)(strchrnul(v, '\n') - v), v);
			return;
		}
	}
}

static void base_image(const struct cell_config *cfg, struct slot_image *out)
{
	snprintf(out->slot, sizeof(out->slot), "base");
	snprintf(out->image, sizeof(out->image), "%s", cfg->image);
	snprintf(out->verity, sizeof(out->verity), "%s", cfg->image_verity);
	out->version[0] = out->failed[0] = '\0';
}

/* Slot name's image and info; false when its image is not there. */
static bool load_slot(int dir, const char *dirpath, const struct cell_config *cfg, const char *name,
		      struct slot_image *out)
{
	char path[PATH_MAX + 16], info[1024] = "";
	struct stat st;

	if (!strcmp(name, "base")) {
		base_image(cfg, out);
		return true;
	}
	snprintf(path, sizeof(path), "%s/image", name);
	if (fstatat(dir, path, &st, 0) < 0 || !S_ISREG(st.st_mode))
		return false;
	snprintf(path, sizeof(path), "%s/info", name);
	if (read_text_file_at(dir, path, info, sizeof(info)) < 0)
		return false;
	snprintf(out->slot, sizeof(out->slot), "%s", name);
	snprintf(out->image, sizeof(out->image), "%s/%s/image", dirpath, name);
	field(info, "verity", out->verity, sizeof(out->verity));
	field(info, "version", out->version, sizeof(out->version));
	field(info, "failed", out->failed, sizeof(out->failed));
	return true;
}

static void base_text(const struct cell_config *cfg, char *buf, size_t len)
{
	snprintf(buf, len, "image=%s\nverity=%s\n", cfg->image, cfg->image_verity);
}

void slots_resolve(const char *dir, const struct cell_config *cfg, struct slot_image *out,
		   bool *reset)
{
	char cur[SLOT_NAME_MAX], conf[SLOT_NAME_MAX], want[PATH_MAX + 200], have[PATH_MAX + 200];
	int fd;

	*reset = false;
	base_image(cfg, out);
	snprintf(out->confirmed, sizeof(out->confirmed), "base");
	out->trial = false;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	base_text(cfg, want, sizeof(want));
	if (read_text_file_at(fd, "base", have, sizeof(have)) >= 0 && strcmp(have, want) != 0) {
		/* A new host image with a new cell list: its image wins. */
		set_link(fd, "current", "base");
		set_link(fd, "confirmed", "base");
		write_file(fd, "base", want);
		*reset = true;
		close(fd);
		return;
	}
	read_link(fd, "current", cur);
	read_link(fd, "confirmed", conf);
	if (!conf[0])
		snprintf(conf, sizeof(conf), "base");
	if (!cur[0])
		snprintf(cur, sizeof(cur), "%s", conf);
	snprintf(out->confirmed, sizeof(out->confirmed), "%s", conf);
	if (!load_slot(fd, dir, cfg, cur, out) && !load_slot(fd, dir, cfg, conf, out))
		base_image(cfg, out);
	out->trial = strcmp(out->slot, conf) != 0;
	close(fd);
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return neg_errno();
		*p = '/';
	}
	return mkdir(buf, 0700) < 0 && errno != EEXIST ? neg_errno() : 0;
}

static ssize_t copy_plain(int in, int out)
{
	static char buf[1 << 16];
	ssize_t n;
	int r;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		if ((r = write_all(out, buf, (size_t)n)) < 0) {
			errno = -r;
			return -1;
		}
	return n;
}

/* src into dir/slot/image.tmp, fsynced, renamed to image. */
static int copy_image(int slot, const char *src)
{
	int in, out, r = 0;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return neg_errno();
	out = openat(slot, "image.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		r = neg_errno();
		close(in);
		return r;
	}
	/* In the kernel, without a buffer here; a reflink where the file
	 * system can.  Between two file systems (before Linux 5.19 of another
	 * type, since then any two) it may refuse: then read and write. */
	while ((n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0)) > 0)
		;
	if (n < 0 &&
	    (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP) &&
	    lseek(out, 0, SEEK_CUR) == 0)
		n = copy_plain(in, out);
	if (n < 0 || fsync(out) < 0)
		r = neg_errno();
	close(in);
	close(out);
	if (r == 0 && renameat(slot, "image.tmp", slot, "image") < 0)
		r = neg_errno();
	return r;
}

int slots_stage(const char *dir, const struct cell_config *cfg, const char *src, const char *verity,
		const char *version, char slot[SLOT_NAME_MAX], char *err, size_t errlen)
{
	char cur[SLOT_NAME_MAX], conf[SLOT_NAME_MAX], text[PATH_MAX + 400];
	int fd = -1, sfd = -1, r;

	if ((r = mkdir_p(dir)) < 0) {
		snprintf(err, errlen, "mkdir %s: %s", dir, strerror(-r));
		return r;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r = neg_errno();
		snprintf(err, errlen, "open %s: %s", dir, strerror(-r));
		return r;
	}
	/* First update: the cell list's image becomes slot base. */
	base_text(cfg, text, sizeof(text));
	read_link(fd, "current", cur);
	read_link(fd, "confirmed", conf);
	if ((!cur[0] && (r = set_link(fd, "current", "base")) < 0) ||
	    (!conf[0] && (r = set_link(fd, "confirmed", "base")) < 0) ||
	    (faccessat(fd, "base", F_OK, 0) < 0 && (r = write_file(fd, "base", text)) < 0)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(-r));
		goto out;
	}
	read_link(fd, "current", cur);
	read_link(fd, "confirmed", conf);
	if (strcmp(cur, conf) != 0) {
		r = -EBUSY;
		snprintf(err, errlen,
			 "slot %s is on trial (confirmed: %s): wait until it is confirmed or "
			 "rolled back",
			 cur, conf);
		goto out;
	}
	snprintf(slot, SLOT_NAME_MAX, "%s", strcmp(cur, "a") == 0 ? "b" : "a");
	if (mkdirat(fd, slot, 0700) < 0 && errno != EEXIST) {
		r = neg_errno();
		snprintf(err, errlen, "mkdir %s/%s: %s", dir, slot, strerror(-r));
		goto out;
	}
	sfd = openat(fd, slot, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0) {
		r = neg_errno();
		snprintf(err, errlen, "open %s/%s: %s", dir, slot, strerror(-r));
		goto out;
	}
	/* The info first: a slot without one is no slot (load_slot). */
	unlinkat(sfd, "info", 0);
	if ((r = copy_image(sfd, src)) < 0) {
		snprintf(err, errlen, "copy %s to %s/%s/image: %s", src, dir, slot, strerror(-r));
		goto out;
	}
	snprintf(text, sizeof(text), "version=%s\nverity=%s\nsource=%s\n", version, verity, src);
	if ((r = write_file(sfd, "info", text)) < 0 || (fsync(fd) < 0 && (r = neg_errno()))) {
		snprintf(err, errlen, "write %s/%s/info: %s", dir, slot, strerror(-r));
		goto out;
	}
out:
	if (sfd >= 0)
		close(sfd);
	close(fd);
	return r;
}

int slots_switch(const char *dir, const char *slot)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return neg_errno();
	unlinkat(fd, "next", 0);
	if (symlinkat(slot, fd, "next") < 0 ||
	    syscall(SYS_renameat2, fd, "next", fd, "current", RENAME_EXCHANGE) < 0 || fsync(fd) < 0)
		r = neg_errno();
	close(fd);
	return r;
}

int slots_confirm(const char *dir)
{
	char cur[SLOT_NAME_MAX];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return neg_errno();
	read_link(fd, "current", cur);
	r = cur[0] ? set_link(fd, "confirmed", cur) : -ENOENT;
	close(fd);
	return r;
}

/* Slot name's info gets failed=REASON (one line), its image stays. */
static void mark_failed(int dir, const char *name, const char *reason)
{
	char path[32], info[1024] = "", text[1400], *old;
	int sfd;

	snprintf(path, sizeof(path), "%s/info", name);
	if (read_text_file_at(dir, path, info, sizeof(info)) < 0)
		return;
	old = strstr(info, "failed=");
	if (old)
		*old = '\0';
	snprintf(text, sizeof(text), "%sfailed=%.*s\n", info, SLOT_NOTE_MAX - 1, reason);
	for (char *p = text + strlen(info); *p && p[1]; p++)
		if (*p == '\n')
			*p = ' ';
	sfd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0)
		return;
	write_file(sfd, "info", text);
	close(sfd);
}

int slots_rollback(const char *dir, const char *reason)
{
	char cur[SLOT_NAME_MAX], conf[SLOT_NAME_MAX];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return neg_errno();
	read_link(fd, "current", cur);
	read_link(fd, "confirmed", conf);
	r = set_link(fd, "current", conf[0] ? conf : "base");
	if (r == 0 && (!strcmp(cur, "a") || !strcmp(cur, "b")))
		mark_failed(fd, cur, reason);
	close(fd);
	return r;
}
