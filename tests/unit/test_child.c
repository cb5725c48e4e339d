// SPDX-License-Identifier: MIT
/* Unit tests for init/child.c: a boot step that crashes, fails or hangs in
 * its child costs that step, not the caller (PID 1), and the log says how
 * it ended.  Real fork()s, under init's conditions: every signal blocked. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "init.h"

/* main.c's, which cannot be linked here (it has init's main()). */
int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int step_crash(const char *arg)
{
	(void)arg;
	abort(); /* a failed assertion in a parser, say */
}

static int step_fail(const char *arg)
{
	return arg[0] - '0';
}

static _Noreturn int step_hang(const char *arg)
{
	(void)arg;
	for (;;)
		pause(); /* every signal blocked: only SIGKILL ends it */
}

/* child_run() with its log (fd 2) captured into log. */
static int run_logged(int (*fn)(const char *), const char *arg, unsigned timeout_s, char *log,
		      size_t size)
{
	int pipefd[2], saved = dup(STDERR_FILENO), r;
	ssize_t n;

	assert_true(saved >= 0);
	assert_int_equal(pipe2(pipefd, O_CLOEXEC | O_NONBLOCK), 0);
	assert_true(dup2(pipefd[1], STDERR_FILENO) >= 0);
	r = child_run("test: step", fn, arg, timeout_s);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(pipefd[1]);
	n = read(pipefd[0], log, size - 1);
	close(pipefd[0]);
	log[n > 0 ? n : 0] = '\0';
	return r;
}

/* Nothing of the child is left over: no zombie for children_reap(). */
static void assert_no_child_left(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void loader_crash_is_contained(void **state)
{
	char log[1024];
	int status = run_logged(step_crash, "", 5, log, sizeof(log));

	(void)state;
	assert_true(status >= 0);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_non_null(strstr(log, "cellar-init: test: step (pid "));
	assert_non_null(strstr(log, ") killed by signal 6 ("));
	assert_no_child_left();
}

static void loader_exit_status_is_logged(void **state)
{
	char log[1024];
	int status = run_logged(step_fail, "1", 5, log, sizeof(log));

	(void)state;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_non_null(strstr(log, ") exited with status 1 after "));
	assert_int_equal(run_logged(step_fail, "0", 5, log, sizeof(log)), 0);
	assert_non_null(strstr(log, ") exited with status 0 after "));
	assert_no_child_left();
}

static void loader_hang_is_killed_at_timeout(void **state)
{
	int64_t t0 = monotonic_ms(), took;
	char log[1024];

	(void)state;
	assert_int_equal(run_logged(step_hang, "", 1, log, sizeof(log)), -ETIMEDOUT);
	took = monotonic_ms() - t0;
	assert_true(took >= 1000 && took < 3000);
	assert_non_null(strstr(log, "still running after 1 s: "));
	assert_non_null(strstr(log, ") killed by signal 9 ("));
	assert_no_child_left();
}

/* The wait is for the step's pid only: another child (an orphan init
 * adopted) that ends meanwhile stays children_reap()'s to reap. */
static void other_children_are_left_to_the_reaper(void **state)
{
	char log[1024];
	int status;
	pid_t other = fork();

	(void)state;
	if (other == 0)
		_exit(3);
	assert_true(other > 0);
	usleep(100 * 1000); /* it has ended: a zombie */
	assert_int_equal(run_logged(step_fail, "0", 5, log, sizeof(log)), 0);
	assert_int_equal(waitpid(other, &status, WNOHANG), other);
	assert_int_equal(WEXITSTATUS(status), 3);
	assert_no_child_left();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(loader_crash_is_contained),
	    cmocka_unit_test(loader_exit_status_is_logged),
	    cmocka_unit_test(loader_hang_is_killed_at_timeout),
	    cmocka_unit_test(other_children_are_left_to_the_reaper),
	};
	sigset_t all;

	/* As init: every signal blocked, taken only where it waits. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
