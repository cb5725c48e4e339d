// SPDX-License-Identifier: MIT
/* Starting a cell under its shim: see shim.h. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"
#include "log.h"

/* What the shim-to-be tells cellmgr once the cell is spawned. */
struct shim_report {
	int r;
	pid_t pid;
	char reason[256];
};

/* The fds it hands over: the console pty (master, slave), the notify
 * socket, the setup-error pipe and the cell's pidfd. */
#define REPORT_FDS 5

static int recv_report(int sock, struct shim_report *rep, int *fds, unsigned nfds)
{
	unsigned got;
	ssize_t n;

	n = fdpass_recv(sock, rep, sizeof(*rep), fds, nfds, &got, 0);
	if (n != (ssize_t)sizeof(*rep) || (rep->r >= 0 && got != nfds)) {
		fdpass_close(fds, got);
		return n < 0 ? (int)n : -EPROTO;
	}
	if (rep->r < 0) /* a failure's report brings no fds */
		fdpass_close(fds, got);
	return 0;
}

/* In the forked shim-to-be: the fds it keeps go to 3, 4, 5 (and the
 * go-ahead's socket to 6), every other fd is closed, and it becomes
 * cellar-shim (or runs the same code in place if that cannot be
 * executed). */
static __attribute__((noreturn)) void become_shim(const struct spawned *s, int ack,
						  const char *shim_exe, const char *exit_file,
						  const char *cgroup_dir, bool shared_vm)
{
	int keep[4] = {s->pty_master, s->pty_slave, s->notify, ack};
	unsigned nkeep = ack >= 0 ? 4 : 3;
	char pid[16];
	int high[4];

	/* Move them out of the way first: the targets may be taken. */
	for (unsigned i = 0; i < nkeep; i++)
		high[i] = fcntl(keep[i], F_DUPFD, 100);
	for (unsigned i = 0; i < nkeep; i++)
		dup2(high[i], SHIM_FD_PTY_MASTER + (int)i); /* dup2 clears close-on-exec */
	syscall(SYS_close_range, SHIM_FD_PTY_MASTER + nkeep, ~0U, 0);
	snprintf(pid, sizeof(pid), "%d", (int)s->pid);
	if (shim_exe) {
		char *const argv[] = {"cellar-shim", pid, (char *)exit_file, (char *)cgroup_dir,
				      NULL};
		char *envp[4] = {NULL};

#ifdef __SANITIZE_ADDRESS__
		/* A sanitizer build (tests/sanitize/run) keeps the sanitizers'
		 * options, so that the shim's reports land where cellmgr's do. */
		size_t n = 0;

		for (char **e = environ; *e && n < 3; e++)
			if (!strncmp(*e, "ASAN_OPTIONS=", 13) ||
			    !strncmp(*e, "UBSAN_OPTIONS=", 14) || !strncmp(*e, "LSAN_OPTIONS=", 13))
				envp[n++] = *e;
#endif
		execve(shim_exe, argv, envp);
		if (shared_vm) {
			/* cellmgr is stopped until this exec (shim_spawn): the
			 * shim cannot run here; the cell goes with it. */
			log_errno(neg_errno(), "exec %s: the cell is killed", shim_exe);
			kill(s->pid, SIGKILL);
			_exit(127);
		}
	}
	shim_run(s->pid, ack >= 0 ? SHIM_FD_ACK : -1, exit_file, cgroup_dir);
}

void shim_confirm(int ack)
{
	if (ack < 0)
		return;
	send(ack, "", 1, MSG_NOSIGNAL);
	close(ack);
}

/* The shim-to-be (the child of shim_spawn): spawns the cell, reports,
 * then becomes the shim, which waits for cellmgr's record (shim_run). */
struct shim_to_be_args {
	const struct spawn_params *sp;
	const char *shim_exe, *exit_file;
	int sock, other; /* its end of the socket pair; cellmgr's end */
	bool shared_vm;
};

static __attribute__((noreturn)) int shim_to_be(void *arg)
{
	const struct shim_to_be_args *ta = arg;
	const struct spawn_params *sp = ta->sp;
	int fds[REPORT_FDS] = {-1, -1, -1, -1, -1}, sock = ta->sock;
	struct shim_report rep;
	struct spawned s;

	close(ta->other);
	memset(&rep, 0, sizeof(rep));
	rep.r = spawn_cell(sp, &s);
	if (rep.r < 0) {
		snprintf(rep.reason, sizeof(rep.reason), "%s", s.reason);
		fdpass_send(sock, &rep, sizeof(rep), NULL, 0, 0);
		_exit(0);
	}
	rep.pid = s.pid;
	fds[0] = s.pty_master;
	fds[1] = s.pty_slave;
	fds[2] = s.notify;
	fds[3] = s.errpipe;
	/* Its pidfd, not its pid: an init that exits at once is reaped by
	 * this shim before cellmgr could pidfd_open() the pid. */
	fds[4] = s.pidfd;
	if (fdpass_send(sock, &rep, sizeof(rep), fds, REPORT_FDS, 0) < 0) {
		/* cellmgr is gone: nobody would supervise the cell. */
		kill(s.pid, SIGKILL);
		close(sock);
		sock = -1;
	}
	close(s.errpipe);
	close(s.pidfd);
	/* The exec of cellar-shim goes on while cellmgr records the cell;
	 * the shim waits for its go-ahead on sock before anything else. */
	become_shim(&s, sock, ta->shim_exe, ta->exit_file, sp->cgroup_path, ta->shared_vm);
}

/* The shim-to-be's stack, made at the first start and kept (a start uses
 * some 52 KiB of it). */
#define SHIM_STACK_SIZE (256u * 1024u)

static __attribute__((unused)) char *shim_stack_top(void)
{
	static char *top;
	char *p;

	if (top)
		return top;
	p = mmap(NULL, SHIM_STACK_SIZE + 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	mprotect(p, 4096, PROT_NONE); /* a guard page below */
	top = p + SHIM_STACK_SIZE + 4096;
	return top;
}

/* The shim-to-be shares cellmgr's memory until it execs cellar-shim
 * (CLONE_VM | CLONE_VFORK, as posix_spawn does), on a stack of its own: no
 * copy of cellmgr's page tables and no copy-on-write fault in either,
 * which on a virtual machine cost more than the rest of a start's process
 * creation.  cellmgr is stopped meanwhile, as it waited for the report
 * before.  Without a cellar-shim to exec (the shim would run on in
 * cellmgr's memory), a copy; under AddressSanitizer, a copy on the same
 * stack, as fork() makes (a second stack confuses its checks). */
static pid_t start_shim_to_be(struct shim_to_be_args *ta, int *pidfd)
{
#ifdef __SANITIZE_ADDRESS__
	struct clone_args ca = {
	    .flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)pidfd, .exit_signal = SIGCHLD};
	/* Without CLONE_VM, clone3 returns twice like fork(). */
	pid_t pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));

	if (pid == 0)
		shim_to_be(ta);
	return pid;
#else
	char *stack = shim_stack_top();
	int flags = CLONE_PIDFD | SIGCHLD;

	if (!stack) {
		errno = ENOMEM;
		return -1;
	}
	ta->shared_vm = ta->shim_exe != NULL;
	if (ta->shared_vm)
		flags |= CLONE_VM | CLONE_VFORK;
	return clone(shim_to_be, stack, flags, ta, pidfd, NULL, NULL);
#endif
}

int shim_spawn(const struct spawn_params *sp, const char *shim_exe, const char *exit_file,
	       struct spawned *out, pid_t *shim_pid, int *shim_pidfd, int *ack)
{
	struct shim_to_be_args ta = {sp, shim_exe, exit_file, -1, -1, false};
	struct shim_report rep;
	int sv[2], fds[REPORT_FDS] = {-1, -1, -1, -1, -1}, pidfd = -1, r;
	pid_t pid;

	unlink(exit_file);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		r = neg_errno();
		snprintf(out->reason, sizeof(out->reason), "shim: socketpair: %s", strerror(-r));
		return r;
	}
	ta.sock = sv[1];
	ta.other = sv[0];
	pid = start_shim_to_be(&ta, &pidfd);
	if (pid < 0) {
		r = neg_errno();
		snprintf(out->reason, sizeof(out->reason), "shim: clone: %s", strerror(-r));
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	close(sv[1]);
	/* valgrind's copy of a clone() as a fork() returns no pidfd */
	if (pidfd < 0 && (pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0) {
		r = neg_errno();
		snprintf(out->reason, sizeof(out->reason), "shim: pidfd_open: %s", strerror(-r));
		close(sv[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return r;
	}
	*ack = -1;
	r = recv_report(sv[0], &rep, fds, REPORT_FDS);
	if (r == 0 && rep.r < 0) {
		snprintf(out->reason, sizeof(out->reason), "%s", rep.reason);
		r = rep.r;
	} else if (r < 0) {
		snprintf(out->reason, sizeof(out->reason), "shim: %s", strerror(-r));
	}
	if (r < 0) {
		siginfo_t si;

		close(sv[0]);
		/* The shim-to-be exits (or is killed) and is reaped here. */
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED);
		close(pidfd);
		return r;
	}
	out->pid = rep.pid;
	out->pty_master = fds[0];
	out->pty_slave = fds[1];
	out->notify = fds[2];
	out->errpipe = fds[3];
	out->pidfd = fds[4];
	fcntl(out->pty_master, F_SETFL, O_NONBLOCK);
	*shim_pid = pid;
	*shim_pidfd = pidfd;
	*ack = sv[0];
	return 0;
}
