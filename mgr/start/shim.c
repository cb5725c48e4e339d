// SPDX-License-Identifier: MIT
/* The cell's shim: see shim.h. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup_tree.h"
#include "fileutil.h"
#include "log.h"

static void write_exit(const char *exit_file, int code, int status)
{
	char line[64];
	int n;

	n = snprintf(line, sizeof(line), "%s %d\n", code == CLD_EXITED ? "exited" : "killed",
		     status);
	/* Run-time state (/run is a tmpfs, gone at power loss anyway): no
	 * fsync; the rename makes the record whole for a reader. */
	replace_file_at(AT_FDCWD, exit_file, line, (size_t)n, false);
}

/* cellmgr's go-ahead: one byte once it has recorded the cell.  End of
 * file means it died before: no later cellmgr would know the cell, which
 * would run on unsupervised, holding its cgroup, veth and persistent
 * layer; it is killed (and its end recorded as always). */
static void wait_confirm(pid_t cell, int ack)
{
	ssize_t n;
	char b;

	if (ack < 0)
		return;
	do
		n = recv(ack, &b, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		kill(cell, SIGKILL);
	close(ack);
}

void shim_run(pid_t cell, int ack, const char *exit_file, const char *cgroup_dir)
{
	struct rlimit no_core = {0, 0};
	sigset_t all;
	siginfo_t si;

	/* Nothing but the cell's end may end the shim. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	prctl(PR_SET_NAME, "cellar-shim", 0, 0, 0);
	wait_confirm(cell, ack);
	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)cell, &si, WEXITED) == 0)
			break;
		if (errno != EINTR) {
			/* Not our child (should not happen): no end to mirror. */
			write_exit(exit_file, CLD_EXITED, 255);
			_exit(255);
		}
	}
	/* The init of a pid namespace is reaped after every other process of
	 * it: the cell's cgroups are empty now.  Removed here, before cellmgr
	 * hears of the end, and so never in cellmgr's loop. */
	if (cgroup_dir)
		cgroup_tree_remove_path(cgroup_dir);
	write_exit(exit_file, si.si_code == CLD_EXITED ? CLD_EXITED : CLD_KILLED, si.si_status);
	if (si.si_code == CLD_EXITED)
		_exit(si.si_status);
	/* Die of the same signal, without a core file, so that whoever waits
	 * for the shim learns exactly how the cell ended. */
	setrlimit(RLIMIT_CORE, &no_core);
	signal(si.si_status, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	kill(getpid(), si.si_status);
	_exit(128 + si.si_status);
}

int shim_read_exit(const char *exit_file, int *code, int *status)
{
	char buf[64], word[16];
	ssize_t n = read_text_file(exit_file, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	/* NOLINTNEXTLINE(cert-err34-c): the line the shim wrote (write_exit). */
	if (sscanf(buf, "%15s %d", word, status) != 2)
		return -EINVAL;
	*code = strcmp(word, "exited") == 0 ? CLD_EXITED : CLD_KILLED;
	return 0;
}

int proc_start_time(pid_t pid, uint64_t *ticks)
{
	char path[64], buf[1024], *p;
	unsigned long long v;
	ssize_t n;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	n = read_text_file(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	/* The command name may hold spaces and parentheses: start after the
	 * last ')'; the state is field 3, the start time field 22. */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	/* NOLINTNEXTLINE(cert-err34-c): the kernel's own number. */
	if (!p || sscanf(p + 1, "%llu", &v) != 1)
		return -EINVAL;
	*ticks = v;
	return 0;
}
