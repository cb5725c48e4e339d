// SPDX-License-Identifier: MIT
/*
 * A boot step in a child process.  What PID 1 runs itself must neither
 * crash (the kernel panics when PID 1 ends) nor hang (cellmgr would never
 * start); a parser over files a board builder wrote is such a risk.  So
 * child_run() forks, runs the step in the child and waits for that child
 * alone: waitpid() on its pid, so the orphans stay children_reap()'s, and
 * only until a deadline, after which the child is killed and boot goes on.
 * How the child ended is logged either way, as for cellmgr.
 */
#include "init.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* After SIGKILL: a task inside the kernel (a module's init function) dies
 * only when it gets back out, which may be never. */
#define KILL_GRACE_MS 1000

/* Waits for pid until deadline_ms: 1 (status set), 0 (deadline passed) or
 * a negative errno. */
static int wait_until(pid_t pid, int *status, int64_t deadline_ms)
{
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		struct timespec ts;
		int64_t left;

		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return -errno;
		left = deadline_ms - monotonic_ms();
		if (left <= 0)
			return 0;
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		/* SIGCHLD is blocked, as every signal in init: taken here, and
		 * only it; a power signal stays pending for the main loop. */
		sigtimedwait(&chld, NULL, &ts);
	}
}

int child_run(const char *what, int (*fn)(const char *arg), const char *arg, unsigned timeout_s)
{
	int64_t start = monotonic_ms();
	bool killed = false;
	int status = 0, r;
	pid_t pid = fork();

	if (pid < 0)
		return log_errno(-errno, "%s: fork", what);
	if (pid == 0)
		_exit(fn(arg) & 0xff); /* never back into init's own code */

	r = wait_until(pid, &status, start + (int64_t)timeout_s * 1000);
	if (r == 0) {
		/* The line after this one says "killed by signal 9". */
		log_errno(-ETIMEDOUT, "%s (pid %d): still running after %u s", what, (int)pid,
			  timeout_s);
		kill(pid, SIGKILL);
		killed = true;
		r = wait_until(pid, &status, monotonic_ms() + KILL_GRACE_MS);
		if (r == 0) {
			log_info(
			    "%s (pid %d): still there after SIGKILL: left behind, boot goes on",
			    what, (int)pid);
			return -ETIMEDOUT;
		}
	}
	if (r < 0)
		return log_errno(r, "%s (pid %d): waitpid", what, (int)pid);
	if (WIFSIGNALED(status))
		log_info("%s (pid %d) killed by signal %d (%s) after %lld ms", what, (int)pid,
			 WTERMSIG(status), strsignal(WTERMSIG(status)),
			 (long long)(monotonic_ms() - start));
	else
		log_info("%s (pid %d) exited with status %d after %lld ms", what, (int)pid,
			 WEXITSTATUS(status), (long long)(monotonic_ms() - start));
	return killed ? -ETIMEDOUT : status;
}
