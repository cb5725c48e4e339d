// SPDX-License-Identifier: MIT
/*
 * cellmgr's life under init: start it, log how it ended, start it again
 * after a back-off (1 s, doubling up to 30 s; back to 1 s once a run lasted
 * 60 s), and reap every other process that ends up as init's child.
 * Policy lives in cellmgr; init only keeps it running, so a cellmgr crash
 * or upgrade costs a restart, never the board (the cells keep running and
 * the new cellmgr adopts them from /run/cellar).
 */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 30
#define STABLE_MS 60000 /* a run this long resets the back-off */

void cellmgr_init(struct cellmgr *mgr, const char *config)
{
	mgr->config = config;
	mgr->pid = 0;
	mgr->started_ms = 0;
	mgr->restart_at_ms = 0; /* now */
	mgr->backoff_s = BACKOFF_MIN_S;
	mgr->stopping = false;
}

static void schedule_restart(struct cellmgr *mgr, int64_t now_ms)
{
	log_info("restarting cellmgr in %u s", mgr->backoff_s);
	mgr->restart_at_ms = now_ms + (int64_t)mgr->backoff_s * 1000;
	mgr->backoff_s = mgr->backoff_s * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : mgr->backoff_s * 2;
}

/* The child: a session of its own, the console on 0-2, a clean
 * environment, no blocked signals.  Only _exit() here, never return. */
static _Noreturn void cellmgr_exec(const sigset_t *none, const char *config)
{
	char *argv[] = {INIT_CELLMGR, "--board", NULL, NULL, NULL};
	static char *const envp[] = {"PATH=/sbin:/bin:/usr/sbin:/usr/bin", "TERM=linux", NULL};
	int fd;

	if (config) {
		argv[2] = "--config";
		argv[3] = (char *)config;
	}
	sigprocmask(SIG_SETMASK, none, NULL);
	setsid();
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		for (int i = 0; i < 3; i++)
			if (fd != i)
				dup2(fd, i);
		if (fd > 2)
			close(fd);
	}
	execve(argv[0], argv, envp);
	log_errno(-errno, "exec " INIT_CELLMGR);
	_exit(127);
}

/* cellar.config=, if it can be read now; else cellmgr's default file, so
 * that a missing data disk still leaves the board its built-in cells. */
static const char *cellmgr_config(const struct cellmgr *mgr)
{
	if (!mgr->config)
		return NULL;
	if (access(mgr->config, R_OK) == 0)
		return mgr->config;
	log_errno(-errno, "cellar.config=%s", mgr->config);
	log_info("cellmgr gets its default cell list " INIT_CONFIG " instead");
	return NULL;
}

static void cellmgr_start(struct cellmgr *mgr, int64_t now_ms)
{
	const char *config = cellmgr_config(mgr);
	sigset_t none;
	pid_t pid;

	sigemptyset(&none);
	mgr->restart_at_ms = -1;
	pid = fork();
	if (pid == 0)
		cellmgr_exec(&none, config);
	if (pid < 0) {
		log_errno(-errno, "fork for cellmgr");
		schedule_restart(mgr, now_ms);
		return;
	}
	mgr->pid = pid;
	mgr->started_ms = now_ms;
	if (config)
		log_info("started cellmgr (pid %d) with --config %s", (int)pid, config);
	else
		log_info("started cellmgr (pid %d)", (int)pid);
}

void cellmgr_tick(struct cellmgr *mgr, int64_t now_ms)
{
	if (mgr->pid == 0 && !mgr->stopping && mgr->restart_at_ms >= 0 &&
	    now_ms >= mgr->restart_at_ms)
		cellmgr_start(mgr, now_ms);
}

static void cellmgr_exited(struct cellmgr *mgr, int status)
{
	int64_t now_ms = monotonic_ms(), up_ms = now_ms - mgr->started_ms;

	if (WIFSIGNALED(status))
		log_info("cellmgr (pid %d) killed by signal %d (%s) after %lld s", (int)mgr->pid,
			 WTERMSIG(status), strsignal(WTERMSIG(status)), (long long)(up_ms / 1000));
	else
		log_info("cellmgr (pid %d) exited with status %d after %lld s", (int)mgr->pid,
			 WEXITSTATUS(status), (long long)(up_ms / 1000));
	mgr->pid = 0;
	if (mgr->stopping)
		return;
	if (up_ms >= STABLE_MS)
		mgr->backoff_s = BACKOFF_MIN_S;
	schedule_restart(mgr, now_ms);
}

/* Every child but cellmgr is reaped unreported: an orphan, or a module
 * loader that child_run() gave up on (it logged that, with the pid). */
bool children_reap(struct cellmgr *mgr)
{
	for (;;) {
		int status;
		/* __WALL: also children that asked for no SIGCHLD (clone()
		 * with another exit signal), or they would stay zombies. */
		pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);

		if (pid > 0 && pid == mgr->pid)
			cellmgr_exited(mgr, status);
		else if (pid == 0)
			return true; /* children left, none of them done */
		else if (pid < 0 && errno != EINTR)
			return false; /* ECHILD: no children at all */
	}
}
