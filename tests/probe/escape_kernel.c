/* The kernel's global state beyond report mode's attacks: the kernel log,
 * process accounting, the keyrings of the cell's host uid, rlimits beyond
 * the hard limit, a fresh cgroup2 mount to leave the cell's cgroup, and
 * privileged calls from a nested user namespace. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"

#define SYSLOG_ACTION_READ_ALL 3
#define KEYCTL_GET_KEYRING_ID 0
#define KEY_SPEC_USER_KEYRING (-4)

static void escape_syslog(const struct probe *p, const void *arg, struct outcome *o)
{
	char buf[64];

	if (syscall(SYS_syslog, SYSLOG_ACTION_READ_ALL, buf, (int)sizeof(buf)) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "read");
}

static void escape_acct(const struct probe *p, const void *arg, struct outcome *o)
{
	/* NULL turns accounting off: the capability check comes first */
	if (syscall(SYS_acct, NULL) < 0)
		outcome_reached(o, errno);
	else
		outcome_ok(o, "permission-only");
}

static void escape_user_keyring(const struct probe *p, const void *arg, struct outcome *o)
{
	long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0);

	if (id < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "id=%ld", id);
}

static void escape_rlimit_raise(const struct probe *p, const void *arg, struct outcome *o)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0) {
		outcome_skipped(o, errno_name(errno));
		return;
	}
	r.rlim_max += 1;
	if (setrlimit(RLIMIT_NOFILE, &r) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "hard=%lu", (unsigned long)r.rlim_max);
}

static int cgroup_line(char *buf, size_t size)
{
	char text[1024], *s;

	if (text_read_file("/proc/self/cgroup", text, sizeof(text)) < 0)
		return -errno;
	s = strstr(text, "0::");
	if (!s)
		return -ENOENT;
	snprintf(buf, size, "%s", s + 3);
	text_normalize(buf);
	return 0;
}

/* A cgroup2 mounted fresh shows the cell's cgroup namespace: writing the
 * top's cgroup.procs must not take the process above its own cgroup (the
 * kernel would show that as a path starting with "/.."). */
static void escape_cgroup_fresh(const struct probe *p, const void *arg, struct outcome *o)
{
	char dir[128], path[192], after[256], pid[24];
	int fd, len;

	if (escape_scratch(dir, sizeof(dir), "cg") < 0 || mount_private_ns() < 0) {
		outcome_skipped(o, "no-private-ns");
		return;
	}
	if (mount("none", dir, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (write(fd, pid, (size_t)len) != len)
		outcome_blocked(o, errno);
	else if (cgroup_line(after, sizeof(after)) == 0 && strncmp(after, "/..", 3) == 0)
		outcome_ok(o, "moved-to=%s", after);
	else
		outcome_blocked_why(o, "OWN_TREE");
	close(fd);
	umount2(dir, MNT_DETACH);
}

static void escape_userns_sysctl(const struct probe *p, const void *arg, struct outcome *o)
{
	int fd;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
		outcome_skipped(o, "no-userns");
		return;
	}
	fd = open("/proc/sys/kernel/panic", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, "opened-for-write");
	close(fd);
}

static void escape_userns_settime(const struct probe *p, const void *arg, struct outcome *o)
{
	struct timespec now;

	if (unshare(CLONE_NEWUSER) < 0) {
		outcome_skipped(o, "no-userns");
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	if (clock_settime(CLOCK_REALTIME, &now) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "set-to-now");
}

void escapes_kernel(struct probe *p)
{
	attack_run(p, "syslog_read", escape_syslog, NULL);
	attack_run(p, "acct", escape_acct, NULL);
	attack_run(p, "keyctl_user_keyring", escape_user_keyring, NULL);
	attack_run(p, "rlimit_raise_nofile", escape_rlimit_raise, NULL);
	attack_run(p, "cgroup_fresh_top", escape_cgroup_fresh, NULL);
	attack_run(p, "userns_sysctl", escape_userns_sysctl, NULL);
	attack_run(p, "userns_settime", escape_userns_settime, NULL);
}
