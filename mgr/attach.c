// SPDX-License-Identifier: MIT
/* Running a command inside a running cell: see attach.h for the sequence. */
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"
#include "cell_seccomp.h"
#include "log.h"
#include "spawn.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static char *const default_env[] = {
    /* One string.  NOLINTNEXTLINE(bugprone-suspicious-missing-comma) */
    "PATH=" DEFAULT_PATH, "TERM=linux", "HOME=/root", "container=cellar", NULL,
};

/* What the child needs, prepared by cellmgr before the clone. */
struct attach_child {
	const struct attach_request *rq;
	char *const *envp;
	bool join_user; /* the cell has a user namespace of its own */
	int errpipe;	/* write end */
};

/* execvpe() without its /bin/sh fallback for ENOEXEC: argv[0] as a path,
 * or looked up on envp's PATH.  Returns only on failure, a negative errno. */
static int exec_on_path(char *const argv[], char *const envp[])
{
	const char *file = argv[0], *path = DEFAULT_PATH, *p, *end;
	char buf[PATH_MAX];
	bool denied = false;
	size_t flen = strlen(file);

	if (!flen)
		return -ENOENT;
	if (strchr(file, '/')) {
		execve(file, argv, envp);
		return neg_errno();
	}
	for (size_t i = 0; envp[i]; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			path = envp[i] + 5;
	for (p = path;; p = end + 1) {
		size_t dlen;

		end = strchrnul(p, ':');
		dlen = (size_t)(end - p);
		if (dlen + flen + 2 <= sizeof(buf)) {
			/* An empty element is the working directory. */
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)(dlen ? dlen : 1),
				 dlen ? p : ".", file);
			execve(buf, argv, envp);
			switch (errno) {
			case EACCES: denied = true; break;
			case ENOENT:
			case ENOTDIR:
			case ESTALE:
			case ENODEV:
			case ETIMEDOUT: break;
			default: return neg_errno();
			}
		}
		if (!*end)
			break;
	}
	return denied ? -EACCES : -ENOENT;
}

/* stdin, stdout and stderr from rq->fds; every other fd of cellmgr's closes
 * on exec. */
static int take_fds(const struct attach_child *a, struct child_error *e)
{
	int tmp[3];

	for (int i = 0; i < 3; i++) {
		/* Above 2 first: the three may be any of 0-2 in any order. */
		tmp[i] = fcntl(a->rq->fds[i], F_DUPFD_CLOEXEC, 3);
		if (tmp[i] < 0)
			return child_error_set(e, neg_errno(), "take fd %d", a->rq->fds[i]);
	}
	for (int i = 0; i < 3; i++)
		if (dup2(tmp[i], i) < 0)
			return child_error_set(e, neg_errno(), "dup2 fd %d", a->rq->fds[i]);
	/* cellmgr opens everything close-on-exec; this makes sure of it. */
	syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
	return 0;
}

static int child_setup(const struct attach_child *a, struct child_error *e)
{
	const struct cell_config *cfg = a->rq->cfg;
	int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;
	int r;

	/* Between joining the cell's user namespace and exec, the cell's root
	 * holds capabilities over this process: not dumpable, it cannot
	 * ptrace it or open its /proc files (cellmgr's memory and fds).  exec
	 * makes it dumpable again, with nothing of cellmgr left. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return child_error_set(e, neg_errno(), "make the command not dumpable");
	if ((r = take_fds(a, e)) < 0)
		return r;
	/* Out of cellmgr's session (and away from its terminal, if any). */
	if (setsid() < 0)
		return child_error_set(e, neg_errno(), "setsid");
	/* All at once (Linux 5.8): the kernel joins the user namespace
	 * first and checks the others with the credentials it gives.  The
	 * pid namespace and the cgroup were given at birth. */
	if (a->join_user)
		flags |= CLONE_NEWUSER;
	if (setns(a->rq->cell_pidfd, flags) < 0)
		return child_error_set(e, neg_errno(), "join the cell's namespaces");
	/* setns() put root and cwd at the root of the cell's mount
	 * namespace, which its pivot_root made the cell's "/". */
	if (chdir("/") < 0)
		return child_error_set(e, neg_errno(), "chdir /");
	if (setgroups(0, NULL) < 0)
		return child_error_set(e, neg_errno(), "setgroups");
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return child_error_set(e, neg_errno(), "become root of the cell");
	return confine_process(cfg, a->rq->seccomp, e);
}

static __attribute__((noreturn)) void child_main(struct attach_child *a)
{
	struct child_error e = {0};
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;
	int r;

	/* cellmgr blocks the signals it reads through its signalfd and
	 * ignores SIGPIPE: the command starts clean. */
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* The error pipe must survive the dup2()s onto 0-2. */
	a->errpipe = fcntl(a->errpipe, F_DUPFD_CLOEXEC, 3);
	if (a->errpipe < 0)
		_exit(127);
	r = child_setup(a, &e);
	if (r == 0) {
		r = exec_on_path(a->rq->argv, a->envp);
		child_error_set(&e, r, "exec %s", a->rq->argv[0]);
	}
	if (write(a->errpipe, &e, sizeof(e)) < 0) {
		/* cellmgr sees a failure without a reason. */
	}
	_exit(127);
}

/* Whether the cell's user namespace is not cellmgr's (a cell with
 * userns = no shares it, and setns() into one's own fails). */
static int cell_has_own_userns(pid_t pid)
{
	char path[64];
	struct stat own, cell;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (stat("/proc/self/ns/user", &own) < 0 || stat(path, &cell) < 0)
		return neg_errno();
	return own.st_dev != cell.st_dev || own.st_ino != cell.st_ino;
}

/* "0::PATH" of /proc/PID/cgroup, read from inside the cell's cgroup
 * namespace, so that PATH is relative to the cell's cgroup. */
static int read_init_cgroup(const struct attach_request *rq, char *out, size_t len)
{
	char path[64], buf[4096];
	int own, fd, r = 0;
	ssize_t n;

	own = open("/proc/self/ns/cgroup", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return neg_errno();
	if (setns(rq->cell_pidfd, CLONE_NEWCGROUP) < 0) {
		r = neg_errno();
		close(own);
		return r;
	}
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)rq->cell_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		r = neg_errno();
	if (fd >= 0)
		close(fd);
	if (setns(own, CLONE_NEWCGROUP) < 0) {
		/* Only cellmgr's view of /proc/PID/cgroup changes. */
		log_errno(neg_errno(), "return to cellmgr's cgroup namespace");
	}
	close(own);
	if (r < 0)
		return r;
	buf[n] = '\0';
	for (char *rest = buf, *line; (line = strsep(&rest, "\n"));) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		if ((size_t)snprintf(out, len, "%s", line + 3) >= len)
			return -ENAMETOOLONG;
		return 0;
	}
	return -ENOENT;
}

/* The cgroup for the command (attach.h): the cell's init's, below
 * rq->cgroup_fd.  Returns an fd to close, rq->cgroup_fd itself (*owned
 * false), or -1 without cgroups. */
static int command_cgroup(const struct attach_request *rq, bool *owned)
{
	struct open_how how = {
	    .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
	    .resolve =
		RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	char rel[PATH_MAX] = "";
	int fd, r;

	*owned = false;
	if (rq->cgroup_fd < 0)
		return -1;
	r = read_init_cgroup(rq, rel, sizeof(rel));
	/* "/" is the cell's cgroup itself; "/.." would be outside it. */
	if (r < 0 || rel[0] != '/' || strcmp(rel, "/") == 0 || strstr(rel, "/.."))
		return rq->cgroup_fd;
	fd = (int)syscall(SYS_openat2, rq->cgroup_fd, rel + 1, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd =
		    openat(rq->cgroup_fd, rel + 1, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return rq->cgroup_fd;
	*owned = true;
	return fd;
}

/* clone3 into the cell's pid namespace and cgroup.  Only the child's
 * pid namespace changes: cellmgr's pid_for_children goes into the cell for
 * this one call and comes back. */
static pid_t clone_into_cell(const struct attach_request *rq, int cgroup, int *pidfd,
			     struct child_error *e)
{
	struct clone_args ca;
	int own, saved;
	pid_t pid;

	own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return child_error_set(e, neg_errno(), "open cellmgr's pid namespace");
	if (setns(rq->cell_pidfd, CLONE_NEWPID) < 0) {
		saved = neg_errno();
		close(own);
		return child_error_set(e, saved, "enter the cell's pid namespace");
	}
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_PIDFD;
	ca.pidfd = (uint64_t)(uintptr_t)pidfd;
	ca.exit_signal = SIGCHLD;
	if (cgroup >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cgroup;
	}
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		return 0;
	saved = pid < 0 ? neg_errno() : 0;
	if (setns(own, CLONE_NEWPID) < 0) {
		/* Never seen; if it happened, every cell started later would be
		 * born inside this one.  Better to die: init restarts cellmgr
		 * and the running cells stay. */
		log_errno(neg_errno(), "return to cellmgr's pid namespace");
		abort();
	}
	close(own);
	if (pid < 0)
		return child_error_set(e, saved, "clone into the cell");
	return pid;
}

/* Waits for end of file on the error pipe (the exec happened) or for a
 * child_error.  Returns 0, 1 on a timeout, or the child's error. */
static int wait_setup(int fd, struct child_error *e)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, ATTACH_SETUP_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return 1;
	if (r < 0)
		return child_error_set(e, neg_errno(), "wait for the command's setup");
	do
		n = read(fd, e, sizeof(*e));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(*e) || e->err >= 0) {
		child_error_set(e, n < 0 ? neg_errno() : -EPROTO,
				"read the command's setup report");
		return e->err;
	}
	e->step[sizeof(e->step) - 1] = '\0';
	return e->err;
}

int attach_spawn(const struct attach_request *rq, int *pidfd, char *err, size_t errlen)
{
	struct attach_child a = {.rq = rq, .envp = rq->envp ? rq->envp : default_env};
	struct child_error e = {0};
	int pipefd[2] = {-1, -1}, cgroup, fd = -1, r;
	bool cgroup_owned;
	pid_t pid;

	*pidfd = -1;
	if (err && errlen)
		err[0] = '\0';
	if (!rq->argv || !rq->argv[0] || !rq->fds) {
		r = child_error_set(&e, -EINVAL, "no command");
		goto fail;
	}
	r = cell_has_own_userns(rq->cell_pid);
	if (r < 0) {
		child_error_set(&e, r, "read the cell's user namespace");
		goto fail;
	}
	a.join_user = r;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		r = child_error_set(&e, neg_errno(), "pipe");
		goto fail;
	}
	a.errpipe = pipefd[1];
	cgroup = command_cgroup(rq, &cgroup_owned);
	/* The /proc reads above were of the cell's init only while it lives:
	 * a dead one's pid may have been reused. */
	if (syscall(SYS_pidfd_send_signal, rq->cell_pidfd, 0, NULL, 0) < 0) {
		r = child_error_set(&e, neg_errno(), "the cell's init");
		if (cgroup_owned)
			close(cgroup);
		goto fail;
	}
	pid = clone_into_cell(rq, cgroup, &fd, &e);
	if (pid == 0)
		child_main(&a);
	if (cgroup_owned)
		close(cgroup);
	if (pid < 0) {
		r = pid;
		goto fail;
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	r = wait_setup(pipefd[0], &e);
	if (r == 1) {
		log_warn(
		    "cell %s: exec %s: its setup did not finish within %d ms; taken as started",
		    rq->cfg->name, rq->argv[0], ATTACH_SETUP_TIMEOUT_MS);
		r = 0;
	}
	if (r < 0) {
		/* It exits 127 right after its report; make sure, and reap. */
		syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, (id_t)fd, &(siginfo_t){0}, WEXITED);
		close(fd);
		goto fail;
	}
	close(pipefd[0]);
	*pidfd = fd;
	return 0;

fail:
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", e.step, strerror(-e.err));
	for (int i = 0; i < 2; i++)
		if (pipefd[i] >= 0)
			close(pipefd[i]);
	return r;
}
