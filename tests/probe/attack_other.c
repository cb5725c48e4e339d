/* Separation of processes and files: a process and a path of the host or
 * of another cell, given on the command line as the host sees them.  A pid
 * number may name a different process inside the cell's pid namespace, so a
 * success also says which command it reached. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"

static void other_comm(pid_t pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if (text_read_file(path, buf, size) <= 0)
		snprintf(buf, size, "?");
	buf[strcspn(buf, "\n")] = '\0';
}

static void attack_kill(const struct probe *p, const void *arg, struct outcome *o)
{
	char comm[32];

	/* signal 0: the permission and existence check, nothing delivered */
	if (kill(p->opt.other_pid, 0) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	other_comm(p->opt.other_pid, comm, sizeof(comm));
	outcome_ok(o, "comm=%s", comm);
}

static void attack_ptrace(const struct probe *p, const void *arg, struct outcome *o)
{
	char comm[32];

	/* SEIZE does not stop the tracee; our exit detaches it */
	if (ptrace(PTRACE_SEIZE, p->opt.other_pid, NULL, NULL) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	other_comm(p->opt.other_pid, comm, sizeof(comm));
	outcome_ok(o, "comm=%s", comm);
}

static void attack_proc_read(const struct probe *p, const void *arg, struct outcome *o)
{
	char path[64], buf[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/%s", (long)p->opt.other_pid, (const char *)arg);
	n = text_read_file(path, buf, sizeof(buf));
	if (n < 0)
		outcome_blocked(o, (int)-n);
	else
		outcome_ok(o, "read=%zdB", n);
}

static void attack_proc_root(const struct probe *p, const void *arg, struct outcome *o)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%ld/root", (long)p->opt.other_pid);
	if (stat(path, &st) < 0)
		outcome_blocked(o, errno);
	else if (st.st_dev == p->root_st.st_dev && st.st_ino == p->root_st.st_ino)
		outcome_blocked_why(o, "SAME_ROOT");
	else
		outcome_ok(o, "other-root");
}

static void attack_setns(const struct probe *p, const void *arg, struct outcome *o)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/ns/%s", (long)p->opt.other_pid, (const char *)arg);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	if (setns(fd, 0) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "joined"); /* only this child joined */
	close(fd);
}

static void attack_other_path(const struct probe *p, const void *arg, struct outcome *o)
{
	char buf[48];
	ssize_t n = text_read_file(p->opt.other_path, buf, sizeof(buf));

	if (n < 0) {
		outcome_blocked(o, (int)-n);
		return;
	}
	text_normalize(buf);
	outcome_ok(o, "read=%zdB:%s", n, buf);
}

static void attack_skip_pid(const struct probe *p, const void *arg, struct outcome *o)
{
	outcome_skipped(o, "no-other-pid");
}

void attacks_other(struct probe *p)
{
	int have_pid = p->opt.other_pid > 0;
	attack_fn skip = attack_skip_pid;

	attack_run(p, "kill_other", have_pid ? attack_kill : skip, NULL);
	attack_run(p, "ptrace_other", have_pid ? attack_ptrace : skip, NULL);
	attack_run(p, "proc_other_environ", have_pid ? attack_proc_read : skip, "environ");
	attack_run(p, "proc_other_root", have_pid ? attack_proc_root : skip, NULL);
	attack_run(p, "setns_other_mnt", have_pid ? attack_setns : skip, "mnt");
	attack_run(p, "setns_other_net", have_pid ? attack_setns : skip, "net");
	if (p->opt.other_path)
		attack_run(p, "other_path", attack_other_path, NULL);
	else
		report_set(p->report, "attack.other_path", "skipped:no-other-path");
}
