// SPDX-License-Identifier: MIT
/*
 * Checks mgr/start/cgroup.c (with mgr/start/cgroup_tree.c), mgr/start/devprog.c and
 * mgr/start/seccomp.c against a real cgroup v2 hierarchy: run by
 * tests/qemu-cgroup/run as the guest's init script, with cgroup2 mounted on
 * /sys/fs/cgroup and devtmpfs on /dev.
 * Prints "ok - NAME" / "not ok - NAME: why", then
 * "qemu-cgroup: N passed, N failed"; exits 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "devprog.h"
#include "cell_seccomp.h"

#define CELL "t1"
#define CELLDIR "/sys/fs/cgroup/cellar/" CELL
#define OWNER 100000
#define CELL_CGROUPS 8 /* its cgroups key: cgroup.max.descendants */

static int passed, failed;

__attribute__((format(printf, 2, 3))) static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf(ok ? "ok - " : "not ok - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	ok ? passed++ : failed++;
}

static void slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	buf[n < 0 ? 0 : n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	if (fd >= 0)
		close(fd);
}

static long keyed(const char *path, const char *key)
{
	char buf[4096], *p;

	slurp(path, buf, sizeof(buf));
	for (p = buf; (p = strstr(p, key)); p++)
		if ((p == buf || p[-1] == '\n') && p[strlen(key)] == ' ')
			return strtol(p + strlen(key) + 1, NULL, 10);
	return -1;
}

static int try_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int try_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		r = -errno;
	close(fd);
	return r;
}

static const char *en(int r)
{
	return r == 0 ? "success" : strerror(-r);
}

/* Runs in the cell's cgroup (and cgroup namespace).  Results go to the
 * shared page; the parent reports them. */
struct results {
	char cgroup_self[128];
	int dev_null, dev_mem, dev_ttyS0, mem_node, loop_node, ptmx, pts, tty;
	int mknod_mem, mknod_null, mknod_whiteout;
	int oom_status;
	int forks, fork_err;
};

static void cell_child(struct results *res)
{
	pid_t kids[64];
	int status;

	slurp("/proc/self/cgroup", res->cgroup_self, sizeof(res->cgroup_self));
	res->dev_null = try_open("/dev/null");
	res->dev_mem = try_open("/dev/mem");
	res->tty = try_open("/dev/tty");
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	res->ptmx = m < 0 ? -errno : 0;
	if (m >= 0) {
		res->pts = unlockpt(m) < 0 ? -errno : try_open(ptsname(m));
		close(m);
	}
	res->dev_ttyS0 = try_open("/dev/ttyS0");
	res->mem_node = try_open("/tmp/cg/mem11");  /* c 1:1 made outside the cgroup */
	res->loop_node = try_open("/tmp/cg/loop0"); /* b 7:0 */
	res->mknod_mem = mknod("/tmp/cg/mem11b", S_IFCHR | 0600, makedev(1, 1)) < 0 ? -errno : 0;
	res->mknod_null = mknod("/tmp/cg/nullb", S_IFCHR | 0600, makedev(1, 3)) < 0 ? -errno : 0;
	res->mknod_whiteout = mknod("/tmp/cg/wh", S_IFCHR | 0600, makedev(0, 0)) < 0 ? -errno : 0;

	/* 64 MiB touched against memory.max = 32 MiB. */
	pid_t pid = fork();
	if (pid == 0) {
		size_t size = 64u << 20;
		char *p =
		    mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		for (size_t i = 0; i < size; i += 4096)
			p[i] = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	res->oom_status = status;

	/* 50 forks against pids.max = 20. */
	for (res->forks = 0; res->forks < 50; res->forks++) {
		pid = fork();
		if (pid < 0) {
			res->fork_err = errno;
			break;
		}
		if (pid == 0) {
			pause();
			_exit(0);
		}
		kids[res->forks] = pid;
	}
	for (int i = 0; i < res->forks; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	/* Stay until cgroup.kill ends us. */
	pid = fork();
	if (pid == 0)
		pause();
	pause();
	_exit(0);
}

static void wait_unpopulated(const char *dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	for (int i = 0; i < 500 && keyed(path, "populated") != 0; i++)
		usleep(10000);
}

static bool owned_by(const char *path, uid_t uid)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_uid == uid;
}

static pid_t clone_into(int cgroup_fd)
{
	struct clone_args ca;

	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_INTO_CGROUP | CLONE_NEWCGROUP;
	ca.cgroup = (uint64_t)cgroup_fd;
	ca.exit_signal = SIGCHLD;
	return (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
}

/* As the cell's root (uid OWNER on the host, no capabilities), started in
 * the cell's cgroup: what the delegation allows and what it does not. */
static void check_delegation(int cgroup_fd)
{
	int pipefd[2], res[8];
	pid_t pid;

	if (pipe(pipefd) < 0)
		return;
	pid = clone_into(cgroup_fd);
	if (pid == 0) {
		char me[16];

		if (setresgid(OWNER, OWNER, OWNER) < 0 || setresuid(OWNER, OWNER, OWNER) < 0)
			_exit(1);
		snprintf(me, sizeof(me), "%d", getpid());
		res[0] = mkdir(CELLDIR "/sub", 0755) < 0 ? -errno : 0;
		res[1] = try_write(CELLDIR "/sub/cgroup.procs", "0");
		res[2] = try_write(CELLDIR "/memory.max", "max");
		res[3] = try_write("/sys/fs/cgroup/cellar/cgroup.procs", me);
		/* Disabling works while processes are in it (enabling would
		 * meet the no-internal-process rule, EBUSY, not a permission). */
		res[4] = try_write(CELLDIR "/cgroup.subtree_control", "-pids");
		/* Finding 8: more cgroups than cgroup.max.descendants (sub is
		 * the first), and raising the limit. */
		res[6] = 0;
		for (res[5] = 1; res[5] < 100; res[5]++) {
			char path[64];

			snprintf(path, sizeof(path), CELLDIR "/bomb%d", res[5]);
			if (mkdir(path, 0755) < 0) {
				res[6] = -errno;
				break;
			}
		}
		res[7] = try_write(CELLDIR "/cgroup.max.descendants", "max");
		if (write(pipefd[1], res, sizeof(res)) < 0)
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], res, sizeof(res)) != sizeof(res)) {
		check(false, "delegation: child reported nothing");
		return;
	}
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
	check(res[0] == 0, "delegation: cell root mkdirs a sub-cgroup (%s)", en(res[0]));
	check(res[1] == 0, "delegation: cell root moves itself into it (%s)", en(res[1]));
	check(res[2] == -EACCES, "delegation: cell root cannot write memory.max (%s)", en(res[2]));
	check(res[3] == -EACCES, "delegation: cell root cannot move to cellar/ (%s)", en(res[3]));
	check(res[4] == 0, "delegation: cell root writes its cgroup.subtree_control (%s)",
	      en(res[4]));
	check(res[5] == CELL_CGROUPS && res[6] == -EAGAIN,
	      "cgroup.max.descendants %d: the cell root makes %d cgroups, then %s", CELL_CGROUPS,
	      res[5], en(res[6]));
	check(res[7] == -EACCES, "delegation: cell root cannot raise cgroup.max.descendants (%s)",
	      en(res[7]));
}

static void check_seccomp(void)
{
	struct seccomp_prog prog;
	struct io_uring_params params;
	int pipefd[2], res[5];
	pid_t pid;

	if (seccomp_prog_build(&prog, NULL) < 0) {
		check(false, "seccomp: build");
		return;
	}
	if (pipe(pipefd) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		/* Root in a user namespace of its own, no no_new_privs. */
		res[0] = unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0 ? -errno : 0;
		res[1] = seccomp_prog_install(&prog);
		int s = socket(AF_VSOCK, SOCK_STREAM, 0);
		res[2] = s < 0 ? -errno : 0;
		res[3] = syscall(SYS_keyctl, 0, -3, 0) < 0 ? -errno : 0;
		memset(&params, 0, sizeof(params));
		res[4] = syscall(SYS_io_uring_setup, 1, &params) < 0 ? -errno : 0;
		if (write(pipefd[1], res, sizeof(res)) < 0)
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], res, sizeof(res)) != sizeof(res))
		res[1] = -EIO;
	close(pipefd[0]);
	waitpid(pid, NULL, 0);
	seccomp_prog_free(&prog);
	check(res[0] == 0 && res[1] == 0,
	      "seccomp: installed in a user namespace without no_new_privs (%s)", en(res[1]));
	check(res[2] == -EAFNOSUPPORT, "seccomp: socket(AF_VSOCK) fails (%s)", en(res[2]));
	check(res[3] == -EPERM, "seccomp: keyctl fails (%s)", en(res[3]));
	check(res[4] == -ENOSYS, "seccomp: io_uring_setup fails with ENOSYS (%s)", en(res[4]));
}

int main(void)
{
	struct cgroup_root root;
	struct cell_config cfg;
	struct devprog dp;
	struct results *res;
	char buf[256];
	int fd, r, status;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	r = cgroup_root_init(&root, "/sys/fs/cgroup");
	check(r == 0 && root.available, "cgroup_root_init: available (%s)", en(r));
	check(root.controllers == (CGROUP_CPU | CGROUP_IO | CGROUP_MEMORY | CGROUP_PIDS),
	      "cellar/ has cpu io memory pids (mask %#x)", root.controllers);
	if (!root.available)
		goto out;

	devprog_init(&dp);
	r = devprog_add_defaults(&dp);
	check(r == 0, "devprog_add_defaults (%s)", en(r));
	r = devprog_add(&dp, 'x', 1, 1, "r");
	check(r == -EINVAL, "devprog_add rejects type x (%s)", en(r));
	fd = devprog_load(&dp, "test");
	check(fd >= 0, "devprog_load (%s)", en(fd < 0 ? fd : 0));

	/* A leftover from a "previous run", with a sub-cgroup: replaced. */
	mkdir(CELLDIR, 0755);
	mkdir(CELLDIR "/old", 0755);
	mkdir(CELLDIR "/old/deeper", 0755);

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.name, sizeof(cfg.name), CELL);
	cfg.memory_max = 32u << 20;
	cfg.pids_max = 20;
	cfg.cpu_weight = 50;
	cfg.io_weight = 50;
	cfg.cgroups_max = CELL_CGROUPS;
	r = cgroup_cell_create(&root, &cfg, OWNER, OWNER, &dp, &fd);
	check(r == 0 && fd >= 0, "cgroup_cell_create over an empty leftover (%s)", en(r));
	if (r < 0)
		goto out;
	check(access(CELLDIR "/old", F_OK) < 0, "the leftover's sub-cgroups are gone");
	slurp(CELLDIR "/memory.max", buf, sizeof(buf));
	check(!strcmp(buf, "33554432"), "memory.max = %s", buf);
	slurp(CELLDIR "/pids.max", buf, sizeof(buf));
	check(!strcmp(buf, "20"), "pids.max = %s", buf);
	slurp(CELLDIR "/cpu.weight", buf, sizeof(buf));
	check(!strcmp(buf, "50"), "cpu.weight = %s", buf);
	slurp(CELLDIR "/io.weight", buf, sizeof(buf));
	check(!strcmp(buf, "default 50"), "io.weight = %s", buf);
	slurp(CELLDIR "/cgroup.max.depth", buf, sizeof(buf));
	check(!strcmp(buf, "32"), "cgroup.max.depth = %s", buf);
	slurp(CELLDIR "/cgroup.max.descendants", buf, sizeof(buf));
	check(atoi(buf) == CELL_CGROUPS, "cgroup.max.descendants = %s", buf);
	check(owned_by(CELLDIR, OWNER) && owned_by(CELLDIR "/cgroup.procs", OWNER) &&
		  owned_by(CELLDIR "/cgroup.threads", OWNER) &&
		  owned_by(CELLDIR "/cgroup.subtree_control", OWNER),
	      "directory, cgroup.procs, .threads, .subtree_control owned by %d", OWNER);
	check(owned_by(CELLDIR "/memory.max", 0) && owned_by(CELLDIR "/pids.max", 0) &&
		  owned_by(CELLDIR "/cgroup.max.depth", 0) &&
		  owned_by(CELLDIR "/cgroup.max.descendants", 0),
	      "limit files stay root's");

	/* Nodes made outside the cgroup, opened from inside. */
	mkdir("/tmp/cg", 0755);
	mknod("/tmp/cg/mem11", S_IFCHR | 0600, makedev(1, 1));
	mknod("/tmp/cg/loop0", S_IFBLK | 0600, makedev(7, 0));

	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset(res, 0, sizeof(*res));
	res->forks = -1;
	pid = clone_into(fd);
	if (pid == 0)
		cell_child(res);
	check(pid > 0, "clone3(CLONE_INTO_CGROUP | CLONE_NEWCGROUP) (%s)",
	      en(pid < 0 ? -errno : 0));
	if (pid < 0)
		goto out;
	for (int i = 0; i < 3000 && res->forks < 0; i++)
		usleep(10000);
	usleep(200000); /* let it fork its last sleeper */

	check(!strcmp(res->cgroup_self, "0::/"), "the cell sees its cgroup as / (%s)",
	      res->cgroup_self);
	check(res->dev_null == 0, "open /dev/null (%s)", en(res->dev_null));
	check(res->dev_mem == -EPERM, "open /dev/mem denied (%s)", en(res->dev_mem));
	check(res->ptmx == 0 && res->pts == 0, "open /dev/ptmx (%s) and its pts slave (%s)",
	      en(res->ptmx), en(res->pts));
	check(res->tty != -EPERM, "open /dev/tty not denied by the program (%s)", en(res->tty));
	check(res->dev_ttyS0 == -EPERM, "open /dev/ttyS0 denied (%s)", en(res->dev_ttyS0));
	check(res->mem_node == -EPERM, "open a c 1:1 node made outside denied (%s)",
	      en(res->mem_node));
	check(res->loop_node == -EPERM, "open a b 7:0 node made outside denied (%s)",
	      en(res->loop_node));
	check(res->mknod_mem == -EPERM, "mknod c 1:1 denied (%s)", en(res->mknod_mem));
	check(res->mknod_null == 0, "mknod c 1:3 allowed (%s)", en(res->mknod_null));
	check(res->mknod_whiteout == 0, "mknod c 0:0 (overlay whiteout) allowed (%s)",
	      en(res->mknod_whiteout));
	check(WIFSIGNALED(res->oom_status) && WTERMSIG(res->oom_status) == SIGKILL,
	      "64 MiB in a 32 MiB cgroup: SIGKILLed (status %#x)", res->oom_status);
	long ooms = keyed(CELLDIR "/memory.events", "oom_kill");
	check(ooms >= 1, "memory.events oom_kill = %ld", ooms);
	check(res->forks < 20 && res->fork_err == EAGAIN, "50 forks: %d succeed, then %s",
	      res->forks, strerror(res->fork_err));
	long pmax = keyed(CELLDIR "/pids.events", "max");
	check(pmax >= 1, "pids.events max = %ld", pmax);

	r = cgroup_cell_remove(&root, CELL);
	check(r == -EBUSY, "cgroup_cell_remove while populated: EBUSY (%s)", en(r));

	int fd2 = -1;
	r = cgroup_cell_create(&root, &cfg, OWNER, OWNER, &dp, &fd2);
	check(r == -EBUSY && fd2 < 0, "cgroup_cell_create over a populated leftover: EBUSY (%s)",
	      en(r));

	check_delegation(fd);

	r = cgroup_cell_kill(&root, CELL);
	check(r == 0, "cgroup_cell_kill (%s)", en(r));
	waitpid(pid, &status, 0);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "the cell's first process was SIGKILLed (status %#x)", status);
	wait_unpopulated(CELLDIR);
	close(fd);
	r = cgroup_cell_remove(&root, CELL);
	check(r == 0 && access(CELLDIR, F_OK) < 0, "cgroup_cell_remove, sub-cgroup included (%s)",
	      en(r));
	r = cgroup_cell_remove(&root, CELL);
	check(r == 0, "cgroup_cell_remove of a missing cgroup (%s)", en(r));

	check_seccomp();
	devprog_free(&dp);
	cgroup_root_fini(&root);
out:
	printf("qemu-cgroup: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
