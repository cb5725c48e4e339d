/* Every attack runs in its own forked child: a crash, a hang or a changed
 * process state (chroot, setns, unshare, iopl ...) stays in the child.  The
 * child sends its outcome text through a pipe; the parent waits at most
 * timeout_ms, then kills it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

void outcome_blocked(struct outcome *o, int err)
{
	snprintf(o->text, sizeof(o->text), "blocked:%s", errno_name(err));
}

void outcome_blocked_why(struct outcome *o, const char *why)
{
	snprintf(o->text, sizeof(o->text), "blocked:%s", why);
}

void outcome_ok(struct outcome *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(o->text, sizeof(o->text), "SUCCEEDED%s", fmt ? ":" : "");
	if (!fmt || n < 0 || (size_t)n >= sizeof(o->text))
		return;
	va_start(ap, fmt);
	vsnprintf(o->text + n, sizeof(o->text) - (size_t)n, fmt, ap);
	va_end(ap);
}

void outcome_skipped(struct outcome *o, const char *reason)
{
	snprintf(o->text, sizeof(o->text), "skipped:%s", reason);
}

void outcome_reached(struct outcome *o, int err)
{
	if (err == EPERM || err == EACCES || err == ENOSYS || err == EROFS)
		outcome_blocked(o, err);
	else
		outcome_ok(o, "reached-%s", errno_name(err));
}

void outcome_rc(struct outcome *o, int rc)
{
	if (rc < 0)
		outcome_blocked(o, -rc);
	else
		outcome_ok(o, NULL);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void child_main(const struct probe *p, attack_fn fn, const void *arg, int wfd)
{
	struct outcome o;
	size_t len, off = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	strcpy(o.text, "error:no-outcome");
	fn(p, arg, &o);
	len = strlen(o.text);
	while (off < len) {
		ssize_t n = write(wfd, o.text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	_exit(0);
}

/* Reads the child's text until EOF or the deadline; returns 1 on timeout. */
static int collect(int rfd, char *buf, size_t size, long deadline)
{
	size_t len = 0;

	for (;;) {
		long left = deadline - now_ms();
		struct pollfd pfd = {.fd = rfd, .events = POLLIN};
		ssize_t n;

		if (left <= 0)
			return 1;
		if (poll(&pfd, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(rfd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == size - 1)
			break;
	}
	buf[len] = '\0';
	return 0;
}

/* Reaps the child, killing it first if asked; gives up after ~200 ms (a
 * child stuck in the kernel cannot be waited for forever). */
static int reap(pid_t pid, int kill_first)
{
	int status = 0;

	if (kill_first)
		kill(pid, SIGKILL);
	for (int i = 0; i < 200; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		usleep(1000);
	}
	return -1;
}

void attack_run(struct probe *p, const char *name, attack_fn fn, const void *arg)
{
	char key[96];
	char text[OUTCOME_MAX];
	int fds[2];
	pid_t pid;
	int timed_out, status;

	snprintf(key, sizeof(key), "attack.%s", name);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		report_set(p->report, key, "error:pipe:%s", errno_name(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		report_set(p->report, key, "error:fork:%s", errno_name(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		child_main(p, fn, arg, fds[1]);
	}
	close(fds[1]);
	timed_out = collect(fds[0], text, sizeof(text), now_ms() + p->opt.timeout_ms);
	close(fds[0]);
	status = reap(pid, timed_out);
	if (timed_out)
		report_set(p->report, key, "error:timeout");
	else if (status >= 0 && WIFSIGNALED(status) && text[0] == '\0')
		report_set(p->report, key, "error:signal-%d", WTERMSIG(status));
	else if (text[0] == '\0')
		report_set(p->report, key, "error:no-outcome");
	else
		report_set(p->report, key, "%s", text);
}
