// SPDX-License-Identifier: MIT
/* A gpu cell's /run/seatd.sock, made from cellmgr's side (gpu.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#include "cell.h"
#include "gpu.h"
#include "input.h"
#include "log.h"
#include "mountutil.h"

#define SOCKET_NAME "seatd.sock"

/*
 * The cell's /run is the tmpfs cellmgr mounted there (rootfs.c), seen
 * from the mount namespace its shim built the root in, never through a
 * path of the cell's (evcopy.c does the same for hot-plugged devices).
 * The socket is bound by name in that directory: an entry the cell put
 * there first (a socket, a symlink) makes the bind fail, and only this
 * cell's seat is then missing.
 */
static int open_run(struct gpu *g, const struct cell *c)
{
	char path[PATH_MAX];
	struct statfs sfs;
	int root, run;

	if ((size_t)snprintf(path, sizeof(path), "%s/cells/%s/root", g->state_dir, c->cfg.name) >=
	    sizeof(path))
		return -ENAMETOOLONG;
	root = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		return neg_errno();
	run = dir_open_beneath(root, "run", false);
	close(root);
	if (run >= 0 && (fstatfs(run, &sfs) < 0 || sfs.f_type != TMPFS_MAGIC)) {
		close(run);
		return -EXDEV;
	}
	return run;
}

/* Any user of the cell may ask for the seat (as seatd's socket lets its
 * group), the cell's root owns it.  The mode comes from the umask at
 * bind: chmod by name would follow a symlink the cell put there since,
 * from cellmgr's root; the owner is set without following one. */
static int bind_socket(int fd, int run, const struct cell *c)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = SOCKET_NAME};
	mode_t old = umask(0111);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));

	umask(old);
	if (r < 0 || listen(fd, 8) < 0 ||
	    fchownat(run, SOCKET_NAME, c->root_uid, c->root_uid, AT_SYMLINK_NOFOLLOW) < 0)
		return neg_errno();
	return 0;
}

int gpu_open_run(struct gpu *g, const struct cell *c)
{
	int run;

	if (c->shim_pidfd < 0)
		return -ESRCH;
	if (setns(c->shim_pidfd, CLONE_NEWNS) < 0)
		return neg_errno();
	run = open_run(g, c);
	if (setns(g->own_mntns, CLONE_NEWNS) < 0) /* cellmgr would act from the cell's tree */
		log_fatal(neg_errno(), "gpu: back to cellmgr's mount namespace");
	return run;
}

int gpu_make_socket(int run, const struct cell *c)
{
	int fd, back, r;

	/* A socket is bound by path: from inside the directory, by name. */
	back = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	r = fd < 0 || back < 0 || fchdir(run) < 0 ? neg_errno() : 0;
	if (r == 0) {
		/* A leftover of an earlier cellmgr's (adoption), or the cell's
		 * own squatter: the cell's /run is the cell's. */
		unlinkat(run, SOCKET_NAME, 0);
		r = bind_socket(fd, run, c);
	}
	if (back >= 0) {
		if (fchdir(back) < 0)
			r = r ? r : neg_errno();
		close(back);
	}
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		return r;
	}
	return fd;
}

/* The cell's udev view (udev.h), made in the same /run: its input copies
 * and its card, so that libinput and wlroots find them. */
int gpu_udev_open(struct gpu *g, const struct cell *c, int run)
{
	char syspath[64];
	int r;

	if (!g->input) /* not a board: no devices to name */
		return 0;
	r = input_udev_open(g->input, c, run);
	if (r < 0 || !g->card[0])
		return r;
	snprintf(syspath, sizeof(syspath), "/sys/class/drm/%s", strrchr(g->card, '/') + 1);
	return input_udev_device(g->input, c, syspath);
}
