/* Breaking out of the root with mount tricks: a bind or a move of "/",
 * pivot_root again, a fresh proc that might show the host, and the roots
 * of every visible process.  Each runs in a private, all-slave copy of the
 * mount namespace (mount_private_ns), in the attack's own child.  "Out"
 * means a directory whose (dev, inode) is not the "/" the probe started
 * with while standing for a root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "escape.h"

static int same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* A non-recursive bind of "/" shows what the cell's own mounts cover: it
 * must still be the cell's root file system, nothing of the host. */
static void escape_bind_root(const struct probe *p, const void *arg, struct outcome *o)
{
	char dir[128];
	struct stat st;

	if (escape_scratch(dir, sizeof(dir), "bind") < 0 || mount_private_ns() < 0) {
		outcome_skipped(o, "no-private-ns");
		return;
	}
	if (mount("/", dir, NULL, MS_BIND, NULL) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	if (stat(dir, &st) == 0 && same_inode(&st, &p->root_st))
		outcome_blocked_why(o, "SAME_ROOT");
	else
		outcome_ok(o, "other-root");
	umount2(dir, MNT_DETACH);
}

/* Moving the namespace's root mount elsewhere. */
static void escape_move_root(const struct probe *p, const void *arg, struct outcome *o)
{
	char dir[128];

	if (escape_scratch(dir, sizeof(dir), "move") < 0 || mount_private_ns() < 0) {
		outcome_skipped(o, "no-private-ns");
		return;
	}
	if (mount("/", dir, NULL, MS_MOVE, NULL) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "moved");
}

/* pivot_root into a tmpfs with the old root under it: the old root must be
 * the cell's own, with nothing above it. */
static void escape_pivot_again(const struct probe *p, const void *arg, struct outcome *o)
{
	char dir[128], old[160];
	struct stat st, up;

	if (escape_scratch(dir, sizeof(dir), "pivot") < 0 || mount_private_ns() < 0) {
		outcome_skipped(o, "no-private-ns");
		return;
	}
	if (mount("none", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k") < 0) {
		outcome_skipped(o, "no-tmpfs");
		return;
	}
	snprintf(old, sizeof(old), "%s/old", dir);
	if (mkdir(old, 0700) < 0 || chdir(dir) < 0) {
		outcome_skipped(o, "no-put-old");
		return;
	}
	if (syscall(SYS_pivot_root, ".", "old") < 0) {
		outcome_blocked(o, errno);
		return;
	}
	if (chdir("/") < 0 || stat("/old", &st) < 0 || stat("/old/..", &up) < 0)
		outcome_blocked(o, errno);
	else if (same_inode(&st, &p->root_st))
		outcome_blocked_why(o, "SAME_ROOT");
	else
		outcome_ok(o, "other-root");
}

static int count_pids(const char *proc)
{
	struct dirent *de;
	DIR *d = opendir(proc);
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			n++;
	closedir(d);
	return n;
}

static int opens(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* A fresh proc, without the cell's masks: does it show any process or
 * knob of the host? */
static void escape_proc_fresh(const struct probe *p, const void *arg, struct outcome *o)
{
	static const char *const knobs[] = {"sysrq-trigger", "sys/kernel/core_pattern",
					    "sys/kernel/modprobe", "sys/vm/drop_caches",
					    "sys/kernel/panic"};
	char dir[128], path[256], found[OUTCOME_MAX] = "", item[64], buf[64];
	int own, fresh, fd;

	if (escape_scratch(dir, sizeof(dir), "proc") < 0 || mount_private_ns() < 0) {
		outcome_skipped(o, "no-private-ns");
		return;
	}
	if (mount("proc", dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	own = count_pids("/proc");
	fresh = count_pids(dir);
	if (fresh > own + 2) { /* the attack's own children may come and go */
		snprintf(item, sizeof(item), "pids=%d>%d", fresh, own);
		text_list_add(found, sizeof(found), item);
	}
	snprintf(path, sizeof(path), "%s/kcore", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf)) > 0)
			text_list_add(found, sizeof(found), "kcore-read");
		close(fd);
	}
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, knobs[i]);
		if (opens(path, O_WRONLY))
			text_list_add(found, sizeof(found), knobs[i]);
	}
	if (found[0])
		outcome_ok(o, "%s", found);
	else
		outcome_blocked_why(o, "OWN_VIEW");
	umount2(dir, MNT_DETACH);
}

/* /proc/N/root of every process the cell sees. */
static void escape_proc_roots(const struct probe *p, const void *arg, struct outcome *o)
{
	char path[64], found[OUTCOME_MAX] = "";
	struct dirent *de;
	struct stat st;
	int n = 0;
	DIR *d = opendir("/proc");

	if (!d) {
		outcome_blocked(o, errno);
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/root", de->d_name);
		if (stat(path, &st) < 0)
			continue;
		n++;
		if (!same_inode(&st, &p->root_st))
			text_list_add(found, sizeof(found), de->d_name);
	}
	closedir(d);
	if (found[0])
		outcome_ok(o, "other-root:pids=%s", found);
	else if (n)
		outcome_blocked_why(o, "SAME_ROOT");
	else
		outcome_skipped(o, "no-process");
}

void escapes_fs(struct probe *p)
{
	attack_run(p, "bind_root", escape_bind_root, NULL);
	attack_run(p, "move_root", escape_move_root, NULL);
	attack_run(p, "pivot_root_again", escape_pivot_again, NULL);
	attack_run(p, "proc_fresh_host", escape_proc_fresh, NULL);
	attack_run(p, "proc_roots", escape_proc_roots, NULL);
}
