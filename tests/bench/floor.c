// SPDX-License-Identifier: MIT
/*
 * floor ROOT CMD [ARG...]: the kernel's part of starting a container and
 * nothing else, as the floor of tests/bench/bench-start.
 *
 * clone3 with new user, pid, mount, uts, ipc, net and cgroup namespaces;
 * the parent writes the id maps (0 -> 100000, 65536 ids, as a cell gets);
 * the child becomes root of its namespace, makes ROOT a mount point,
 * mounts proc, pivot_root()s into it, detaches the old root and execs
 * CMD.  The parent exits with CMD's status (128+N if killed by signal N).
 * No seccomp, no cgroup, no /dev, no console: what every contender must
 * do at least.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ID_BASE 100000u
#define ID_COUNT 65536u

static int fail(const char *what)
{
	perror(what);
	return 125;
}

static int child(int sync, const char *root, char **argv)
{
	char go;

	if (read(sync, &go, 1) != 1)
		return fail("floor: wait for the id maps");
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return fail("floor: become root of the user namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail("floor: make / private");
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return fail("floor: bind the root");
	if (chdir(root) < 0)
		return fail("floor: chdir to the root");
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return fail("floor: mount proc");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail("floor: pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return fail("floor: detach the old root");
	if (chdir("/") < 0)
		return fail("floor: chdir /");
	execv(argv[0], argv);
	return fail("floor: exec");
}

static int write_map(pid_t pid, const char *file)
{
	char path[64], map[64];
	int fd, n, ok;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	n = snprintf(map, sizeof(map), "0 %u %u\n", ID_BASE, ID_COUNT);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = write(fd, map, (size_t)n) == n;
	close(fd);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct clone_args ca;
	int sync[2], status;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: floor ROOT CMD [ARG...]\n");
		return 2;
	}
	if (pipe2(sync, O_CLOEXEC) < 0)
		return fail("floor: pipe");
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
		   CLONE_NEWNET | CLONE_NEWCGROUP;
	ca.exit_signal = SIGCHLD;
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		return fail("floor: clone3");
	if (pid == 0) {
		close(sync[1]);
		_exit(child(sync[0], argv[1], argv + 2));
	}
	close(sync[0]);
	if (write_map(pid, "uid_map") < 0 || write_map(pid, "gid_map") < 0) {
		perror("floor: id maps");
		kill(pid, SIGKILL);
	} else if (write(sync[1], "g", 1) != 1) {
		perror("floor: go");
	}
	close(sync[1]);
	if (waitpid(pid, &status, 0) < 0)
		return fail("floor: waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
