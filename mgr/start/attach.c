// SPDX-License-Identifier: MIT
/* Running a command inside a running cell: see attach.h for the sequence. */
#include "attach.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"
#include "fdpass.h"
#include "fileutil.h"
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
	int errpipe;	/* the setup socket's child end */
	int fds[3];	/* ATTACH_PIPES: the command's ends */
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

/* The pipes' ends onto 0-2 (ATTACH_PIPES). */
static int take_fds(const int fds[3], struct child_error *e)
{
	int tmp[3];

	for (int i = 0; i < 3; i++) {
		/* Above 2 first: the three may be any of 0-2 in any order. */
		tmp[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
		if (tmp[i] < 0)
			return child_error_set(e, neg_errno(), "take fd %d", fds[i]);
	}
	for (int i = 0; i < 3; i++)
		if (dup2(tmp[i], i) < 0)
			return child_error_set(e, neg_errno(), "dup2 fd %d", fds[i]);
	return 0;
}

/* The cell chose what its /dev/ptmx is (a FIFO, a FUSE file, a symlink to
 * anything it can reach).  Only the pty multiplexer itself passes: a
 * character device 5:2 opened at all is the kernel's ptmx driver (the
 * cell's filesystems but its /dev are nodev, and a FUSE file cannot
 * pretend to be a device: the kernel fixes an inode's type at lookup). */
static int check_ptmx(int fd, struct child_error *e)
{
	struct stat st;
	unsigned n;

	if (fstat(fd, &st) < 0)
		return child_error_set(e, neg_errno(), "stat the cell's /dev/ptmx");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(5, 2) || ioctl(fd, TIOCGPTN, &n) < 0)
		return child_error_set(e, -ENOTTY,
				       "the cell's /dev/ptmx is not the pty multiplexer");
	return 0;
}

/* ATTACH_PTY: a new pty of the cell's own devpts (so that the command's
 * terminal is /dev/pts/N inside the cell, as ttyname() expects).  Its
 * master goes to cellmgr (which hands it to the client), its slave
 * becomes fds 0-2 and the command's controlling terminal. */
static int take_pty(const struct attach_child *a, struct child_error *e)
{
	struct winsize ws = {.ws_row = a->rq->rows, .ws_col = a->rq->cols};
	struct child_error report = {.err = 0, .step = "pty"};
	int master, slave, unlock = 0, r;

	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return child_error_set(e, neg_errno(), "open the cell's /dev/ptmx");
	if ((r = check_ptmx(master, e)) < 0)
		return r;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return child_error_set(e, neg_errno(), "unlock the new pty");
	if (ws.ws_row && ws.ws_col && ioctl(master, TIOCSWINSZ, &ws) < 0)
		return child_error_set(e, neg_errno(), "set the new pty's size");
	/* By the master, not by a path in the cell's /dev/pts (Linux 4.13). */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return child_error_set(e, neg_errno(), "open the new pty's slave");
	if ((r = fdpass_send(a->errpipe, &report, sizeof(report), &master, 1, 0)) < 0)
		return child_error_set(e, r, "send the pty to cellmgr");
	close(master);
	/* setsid() made this a session leader without a terminal. */
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return child_error_set(e, neg_errno(), "make the pty the controlling terminal");
	for (int i = 0; i < 3; i++)
		if (dup2(slave, i) < 0)
			return child_error_set(e, neg_errno(), "dup2 the pty to fd %d", i);
	if (slave > 2)
		close(slave);
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
	if (a->rq->io == ATTACH_PIPES && (r = take_fds(a->fds, e)) < 0)
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
	/* As the cell's root, in the cell's mount namespace: its /dev/ptmx. */
	if (a->rq->io == ATTACH_PTY && (r = take_pty(a, e)) < 0)
		return r;
	/* cellmgr opens everything close-on-exec; this makes sure of it. */
	syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
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
	int own, r = 0;
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
	n = read_text_file(path, buf, sizeof(buf));
	if (n < 0)
		r = (int)n;
	if (setns(own, CLONE_NEWCGROUP) < 0) /* every later cgroup path would be the cell's */
		log_fatal(neg_errno(), "return to cellmgr's cgroup namespace");
	close(own);
	if (r < 0)
		return r;
	for (char *rest = buf, *line; (line = strsep(&rest, "\n"));) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		if ((size_t)snprintf(out, len, "%s", line + 3) >= len)
			return -ENAMETOOLONG;
		return 0;
	}
	return -ENOENT;
}

/* Whether the "KEY VALUE" lines of text have "key 1". */
static bool has_flag(char *text, const char *key)
{
	size_t klen = strlen(key);

	for (char *rest = text, *line; (line = strsep(&rest, "\n"));)
		if (strncmp(line, key, klen) == 0 && strcmp(line + klen, " 1") == 0)
			return true;
	return false;
}

/*
 * Whether the cell's init is frozen, or being frozen: its cgroup's
 * cgroup.events says "frozen 1" (its own freeze or an ancestor's inside
 * the cell) or its cgroup.freeze says 1.  The cell can do that to its own
 * init (its cgroup subtree is delegated).  A command would run (it has its
 * own cgroup) but hang on its first exchange with the cell's services, so
 * exec refuses, as docker exec refuses a paused container.  Writes the
 * init's cgroup, as the cell sees it, into where.
 */
static bool init_frozen(const struct attach_request *rq, char *where, size_t len)
{
	struct open_how how = {
	    .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
	    .resolve =
		RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	char rel[PATH_MAX] = "", events[512], freeze[8];
	bool frozen;
	int fd;

	if (rq->cell_cgroup_fd < 0 || read_init_cgroup(rq, rel, sizeof(rel)) < 0)
		return false;
	/* "/.." would be outside the cell's cgroup. */
	if (rel[0] != '/' || strstr(rel, "/.."))
		return false;
	if (strcmp(rel, "/") == 0)
		fd = fcntl(rq->cell_cgroup_fd, F_DUPFD_CLOEXEC, 3);
	else
		fd = (int)syscall(SYS_openat2, rq->cell_cgroup_fd, rel + 1, &how, sizeof(how));
	if (fd < 0)
		return false;
	read_text_file_at(fd, "cgroup.events", events, sizeof(events));
	read_text_file_at(fd, "cgroup.freeze", freeze, sizeof(freeze));
	close(fd);
	frozen = has_flag(events, "frozen") || freeze[0] == '1';
	snprintf(where, len, "%s", rel);
	return frozen;
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
	if (setns(own, CLONE_NEWPID) < 0) /* every later cell would be born in this one */
		log_fatal(neg_errno(), "return to cellmgr's pid namespace");
	close(own);
	if (pid < 0)
		return child_error_set(e, saved, "clone into the cell");
	return pid;
}

static void close_all(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* ATTACH_PIPES: the command's stdin, stdout and stderr.  The command's ends
 * go into a->fds, the client's into out->client_fds. */
static int make_pipes(struct attach_child *a, struct attach_started *out, struct child_error *e)
{
	for (int i = 0; i < 3; i++) {
		int p[2];

		if (pipe2(p, O_CLOEXEC) < 0)
			return child_error_set(e, neg_errno(), "pipe");
		/* stdin: the command reads; stdout, stderr: it writes. */
		a->fds[i] = p[i == 0 ? 0 : 1];
		out->client_fds[i] = p[i == 0 ? 1 : 0];
	}
	return 0;
}

int attach_spawn(const struct attach_request *rq, struct attach_started *out, char *err,
		 size_t errlen)
{
	struct attach_child a = {
	    .rq = rq, .envp = rq->envp ? rq->envp : default_env, .fds = {-1, -1, -1}};
	struct child_error e = {0};
	int sp[2] = {-1, -1}, fd = -1, r;
	char where[PATH_MAX];
	pid_t pid;

	*out = (struct attach_started){.pidfd = -1, .setup_fd = -1, .client_fds = {-1, -1, -1}};
	if (err && errlen)
		err[0] = '\0';
	if (!rq->argv || !rq->argv[0]) {
		r = child_error_set(&e, -EINVAL, "no command");
		goto fail;
	}
	if (init_frozen(rq, where, sizeof(where))) {
		r = -EBUSY;
		if (err && errlen)
			snprintf(err, errlen,
				 "the cell's init is frozen (its cgroup %s in the cell): thaw it "
				 "first",
				 where);
		goto fail_quiet;
	}
	r = cell_has_own_userns(rq->cell_pid);
	if (r < 0) {
		child_error_set(&e, r, "read the cell's user namespace");
		goto fail;
	}
	a.join_user = r;
	/* Non-blocking: the loop must never wait on it (the child sends at
	 * most two small messages). */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sp) < 0) {
		r = child_error_set(&e, neg_errno(), "socketpair");
		goto fail;
	}
	a.errpipe = sp[1];
	if (rq->io == ATTACH_PIPES && (r = make_pipes(&a, out, &e)) < 0)
		goto fail;
	/* The /proc reads above were of the cell's init only while it lives:
	 * a dead one's pid may have been reused. */
	if (syscall(SYS_pidfd_send_signal, rq->cell_pidfd, 0, NULL, 0) < 0) {
		r = child_error_set(&e, neg_errno(), "the cell's init");
		goto fail;
	}
	pid = clone_into_cell(rq, rq->cgroup_fd, &fd, &e);
	if (pid == 0)
		child_main(&a);
	if (pid < 0) {
		r = pid;
		goto fail;
	}
	close_all(a.fds, 3);
	close(sp[1]);
	out->pidfd = fd;
	out->setup_fd = sp[0];
	return 0;

fail:
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", e.step, strerror(-e.err));
fail_quiet:
	close_all(sp, 2);
	close_all(a.fds, 3);
	close_all(out->client_fds, 3);
	return r;
}

int attach_read_setup(int fd, int *pty_master, struct child_error *e)
{
	struct child_error report;

	for (;;) {
		int got = -1;
		unsigned k;
		ssize_t n;

		n = fdpass_recv(fd, &report, sizeof(report), &got, 1, &k, MSG_DONTWAIT | MSG_TRUNC);
		if (n == -EAGAIN)
			return 1;
		if (n == -EMSGSIZE)
			return child_error_set(e, -EPROTO, "read the command's setup report");
		if (n < 0)
			return child_error_set(e, (int)n, "read the command's setup report");
		if (n == 0)
			return 0;
		if (n != (ssize_t)sizeof(report)) {
			fdpass_close(&got, k);
			return child_error_set(e, -EPROTO, "read the command's setup report");
		}
		if (report.err < 0) {
			fdpass_close(&got, k);
			*e = report;
			e->step[sizeof(e->step) - 1] = '\0';
			return e->err;
		}
		/* The pty's master (take_pty() checked it in the child). */
		if (got >= 0 && *pty_master < 0)
			*pty_master = got;
		else
			fdpass_close(&got, k);
	}
}
