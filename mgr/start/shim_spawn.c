// SPDX-License-Identifier: MIT
/* Starting a cell under its shim: see shim.h. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
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
						  const char *cgroup_dir)
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
static __attribute__((noreturn)) void
shim_to_be(const struct spawn_params *sp, const char *shim_exe, const char *exit_file, int sock)
{
	int fds[REPORT_FDS] = {-1, -1, -1, -1, -1};
	struct shim_report rep;
	struct spawned s;

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
	become_shim(&s, sock, shim_exe, exit_file, sp->cgroup_path);
}

int shim_spawn(const struct spawn_params *sp, const char *shim_exe, const char *exit_file,
	       struct spawned *out, pid_t *shim_pid, int *shim_pidfd, int *ack)
{
	struct clone_args ca;
	struct shim_report rep;
	int sv[2], fds[REPORT_FDS] = {-1, -1, -1, -1, -1}, pidfd = -1, r;
	pid_t pid;

	unlink(exit_file);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		r = neg_errno();
		snprintf(out->reason, sizeof(out->reason), "shim: socketpair: %s", strerror(-r));
		return r;
	}
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_PIDFD;
	ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
	ca.exit_signal = SIGCHLD;
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		r = neg_errno();
		snprintf(out->reason, sizeof(out->reason), "shim: clone3: %s", strerror(-r));
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	if (pid == 0) {
		close(sv[0]);
		shim_to_be(sp, shim_exe, exit_file, sv[1]);
	}
	close(sv[1]);
	*ack = -1;
	r = recv_report(sv[0], &rep, fds, REPORT_FDS);
	if (r == 0 && rep.r < 0) {
		snprintf(out->reason, sizeof(out->reason), "%s", rep.reason);
		r = rep.r;
	} else if (r < 0) {
		snprintf(out->reason, sizeof(out->reason), "shim: %s", strerror(-r));
	}
	if (r < 0) {
		close(sv[0]);
		/* The shim-to-be exits (or is killed) and is reaped here. */
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, (id_t)pidfd, NULL, WEXITED);
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
