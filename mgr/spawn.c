// SPDX-License-Identifier: MIT
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "caps.h"
#include "log.h"
#include "net.h"
#include "rootfs.h"

int child_error_set(struct child_error *e, int err, const char *fmt, ...)
{
	va_list ap;

	e->err = err;
	va_start(ap, fmt);
	vsnprintf(e->step, sizeof(e->step), fmt, ap);
	va_end(ap);
	return err;
}

/* What the child needs; prepared by the parent before the clone. */
struct child_args {
	const struct cell_config *cfg;
	struct rootfs_plan plan;
	int slave;
	int errpipe;
};

static int child_setup(const struct child_args *a, struct child_error *e)
{
	char msg[200];
	const char *cap = "";
	int r;

	/* The console pty becomes the stdin, stdout and stderr of the cell's
	 * init, but not its controlling tty: like the kernel's /dev/console
	 * for a real init, so that the getty or shell the init starts on it
	 * can take it as theirs (job control, Ctrl-C). */
	if (setsid() < 0)
		return child_error_set(e, neg_errno(), "setsid");
	if (dup2(a->slave, 0) < 0 || dup2(a->slave, 1) < 0 || dup2(a->slave, 2) < 0)
		return child_error_set(e, neg_errno(), "dup2 console");

	r = rootfs_enter(&a->plan, e);
	if (r < 0)
		return r;
	if (sethostname(a->cfg->hostname, strlen(a->cfg->hostname)) < 0)
		return child_error_set(e, neg_errno(), "sethostname %s", a->cfg->hostname);
	r = net_loopback_up(msg, sizeof(msg));
	if (r < 0)
		return child_error_set(e, r, "bring lo up%s%s", *msg ? ": " : "", msg);
	r = caps_trim_bounding_set(&cap);
	if (r < 0)
		return child_error_set(e, r, "drop %s from the bounding set", cap);
	return 0;
}

static __attribute__((noreturn)) void child_main(const struct child_args *a)
{
	struct child_error e = { 0 };
	char *const argv[] = { (char *)a->cfg->init, NULL };
	char *const envp[] = { "container=cellar", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
			       "TERM=linux", "HOME=/", NULL };
	sigset_t none;

	/* cellmgr blocks the signals it takes through signalfd: the cell's
	 * init must start with a clean mask. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (child_setup(a, &e) == 0) {
		execve(a->cfg->init, argv, envp);
		child_error_set(&e, neg_errno(), "exec %s", a->cfg->init);
	}
	if (write(a->errpipe, &e, sizeof(e)) < 0) {
		/* The parent sees a failure without a reason. */
	}
	_exit(127);
}

static int open_console_pty(int *master, int *slave, char *path, size_t len)
{
	int m, s, r;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (m < 0)
		return neg_errno();
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, path, len) != 0) {
		r = neg_errno();
		close(m);
		return r;
	}
	s = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		r = neg_errno();
		close(m);
		return r;
	}
	*master = m;
	*slave = s;
	return 0;
}

static pid_t clone_cell(int *pidfd)
{
	struct clone_args ca;

	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET |
		   CLONE_PIDFD;
	ca.pidfd = (uint64_t)(uintptr_t)pidfd;
	ca.exit_signal = SIGCHLD;
	/* Without CLONE_VM, clone3 returns twice like fork(). */
	return (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
}

int spawn_cell(const struct cell_config *cfg, const char *state_dir, struct spawned *out)
{
	char workdir[PATH_MAX], cellsdir[PATH_MAX], console[64], loopdev[64] = "";
	struct child_args a = { .cfg = cfg };
	int pipefd[2] = { -1, -1 }, loop = -1, master = -1, slave = -1, pidfd = -1, r;
	pid_t pid;

	a.plan.name = cfg->name;
	r = image_probe(cfg->image, &a.plan.kind);
	if (r < 0)
		return log_errno(r, "cell %s: image %s", cfg->name, cfg->image);
	snprintf(cellsdir, sizeof(cellsdir), "%s/cells", state_dir);
	if ((size_t)snprintf(workdir, sizeof(workdir), "%s/%s", cellsdir, cfg->name) >=
	    sizeof(workdir))
		return log_errno(-ENAMETOOLONG, "cell %s: state directory", cfg->name);
	if ((mkdir(cellsdir, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(workdir, 0700) < 0 && errno != EEXIST))
		return log_errno(neg_errno(), "cell %s: mkdir %s", cfg->name, workdir);
	a.plan.workdir = workdir;
	a.plan.image = cfg->image;
	if (a.plan.kind != IMAGE_DIR) {
		loop = loop_attach(cfg->image, loopdev, sizeof(loopdev));
		if (loop < 0)
			return log_errno(loop, "cell %s: attach %s to a loop device", cfg->name,
					 cfg->image);
		a.plan.loopdev = loopdev;
	}
	r = open_console_pty(&master, &slave, console, sizeof(console));
	if (r < 0) {
		log_errno(r, "cell %s: console pty", cfg->name);
		goto fail;
	}
	a.plan.console = console;
	a.slave = slave;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		r = log_errno(neg_errno(), "cell %s: pipe", cfg->name);
		goto fail;
	}
	a.errpipe = pipefd[1];

	pid = clone_cell(&pidfd);
	if (pid < 0) {
		r = log_errno(neg_errno(), "cell %s: clone", cfg->name);
		goto fail;
	}
	if (pid == 0)
		child_main(&a);

	/* The child holds its own reference to the loop device until its
	 * mount does; autoclear then ties the device to that mount. */
	if (loop >= 0)
		close(loop);
	close(pipefd[1]);
	out->pid = pid;
	out->pidfd = pidfd;
	out->errpipe = pipefd[0];
	out->pty_master = master;
	out->pty_slave = slave;
	return 0;

fail:
	if (pipefd[0] >= 0) {
		close(pipefd[0]);
		close(pipefd[1]);
	}
	if (master >= 0) {
		close(master);
		close(slave);
	}
	if (loop >= 0)
		close(loop);
	return r;
}
