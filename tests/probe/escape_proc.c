/* Reaching a process outside the cell (--other-pid, as the host numbers
 * it) through the interfaces report mode does not try: a pidfd, and
 * process_vm_readv; and kill from a nested user namespace.  Inside a pid
 * namespace the number may name one of the cell's own processes: a
 * success says which (comm=X), the harness compares it with its target. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "escape.h"

static void comm_of(pid_t pid, char *buf, size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if (text_read_file(path, buf, size) < 0)
		snprintf(buf, size, "?");
	text_normalize(buf);
}

static void escape_pidfd(const struct probe *p, const void *arg, struct outcome *o)
{
	char comm[64];
	int fd;

	if (!p->opt.other_pid) {
		outcome_skipped(o, "no-other-pid");
		return;
	}
	fd = (int)syscall(SYS_pidfd_open, p->opt.other_pid, 0);
	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	/* signal 0: checks the permission, delivers nothing */
	if (syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) < 0) {
		outcome_blocked(o, errno);
	} else {
		comm_of(p->opt.other_pid, comm, sizeof(comm));
		outcome_ok(o, "comm=%s", comm);
	}
	close(fd);
}

static void escape_vm_read(const struct probe *p, const void *arg, struct outcome *o)
{
	char buf[16], comm[64];
	struct iovec local = {.iov_base = buf, .iov_len = sizeof(buf)};
	struct iovec remote = {.iov_base = (void *)0x400000, .iov_len = sizeof(buf)};

	if (!p->opt.other_pid) {
		outcome_skipped(o, "no-other-pid");
		return;
	}
	if (process_vm_readv(p->opt.other_pid, &local, 1, &remote, 1, 0) < 0 && errno != EFAULT) {
		outcome_blocked(o, errno);
		return;
	}
	/* EFAULT: the permission check passed, the address was just wrong */
	comm_of(p->opt.other_pid, comm, sizeof(comm));
	outcome_ok(o, "comm=%s", comm);
}

static void escape_userns_kill(const struct probe *p, const void *arg, struct outcome *o)
{
	char comm[64];

	if (!p->opt.other_pid) {
		outcome_skipped(o, "no-other-pid");
		return;
	}
	if (unshare(CLONE_NEWUSER) < 0) {
		outcome_skipped(o, "no-userns");
		return;
	}
	if (kill(p->opt.other_pid, 0) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	comm_of(p->opt.other_pid, comm, sizeof(comm));
	outcome_ok(o, "comm=%s", comm);
}

void escapes_proc(struct probe *p)
{
	attack_run(p, "pidfd_other", escape_pidfd, NULL);
	attack_run(p, "vm_read_other", escape_vm_read, NULL);
	attack_run(p, "userns_kill_other", escape_userns_kill, NULL);
}
