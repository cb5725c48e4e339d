// SPDX-License-Identifier: MIT
/* Starting a cell: see spawn.h for the sequence. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "confine.h"
#include "fdpass.h"
#include "fileutil.h"
#include "image.h"
#include "log.h"
#include "net.h"
#include "notify.h"
#include "rootfs.h"
#include "verity.h"
#include "cell_seccomp.h"

#define ID_RANGE 65536u

/* What the child needs; prepared by the parent before the clone. */
struct child_args {
	const struct spawn_params *sp;
	int slave;
	int errpipe;
	int sync;
};

/* One byte from the parent: 'm' (the id maps are written), then 'g' (the
 * root is built: go) with the root's directory fd (rootfd not NULL). */
static int wait_parent(int sock, char want, int *rootfd)
{
	unsigned n;
	ssize_t r;
	char byte;

	r = fdpass_recv(sock, &byte, 1, rootfd, rootfd ? 1 : 0, &n, 0);
	if (r < 0)
		return (int)r;
	if (r != 1 || byte != want || (rootfd && n != 1)) {
		if (rootfd)
			fdpass_close(rootfd, n);
		return r != 1 || byte != want ? -ECANCELED : -EPROTO;
	}
	return 0;
}

static int child_setup(const struct child_args *a, struct child_error *e)
{
	const struct cell_config *cfg = a->sp->cfg;
	const struct apifs_helper h = {cfg->hostname, a->sp->cgroup_fd >= 0, a->sync};
	int rootfd = -1, r;
	pid_t apifs;

	r = wait_parent(a->sync, 'm', NULL);
	if (r < 0)
		return child_error_set(e, r, "wait for cellmgr");
	/* In its new user namespace the child is nobody until it takes the
	 * cell's root, now that the maps exist; files it creates would
	 * otherwise fail with EOVERFLOW. */
	if (cfg->userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
		return child_error_set(e, neg_errno(), "become root of the user namespace");
	if (setgroups(0, NULL) < 0)
		return child_error_set(e, neg_errno(), "setgroups");
	if ((apifs = apifs_helper_start(&h, e)) < 0)
		return apifs;
	r = wait_parent(a->sync, 'g', &rootfd);
	if (r < 0)
		return child_error_set(e, r, "wait for cellmgr");
	close(a->sync);
	/* The console pty becomes the stdin, stdout and stderr of the cell's
	 * init, but not its controlling tty: like the kernel's /dev/console
	 * for a real init, so that the getty or shell the init starts on it
	 * can take it as theirs (job control, Ctrl-C). */
	if (setsid() < 0)
		return child_error_set(e, neg_errno(), "setsid");
	if (dup2(a->slave, 0) < 0 || dup2(a->slave, 1) < 0 || dup2(a->slave, 2) < 0)
		return child_error_set(e, neg_errno(), "dup2 console");
	r = rootfs_enter(rootfd, e);
	close(rootfd);
	if (r < 0)
		return r;
	if ((r = confine_process(cfg, a->sp->seccomp, e)) < 0)
		return r;
	/* The helper has long sent all, but its exit tears its copy of the
	 * mount namespace down, which waits for an RCU grace period: reaped
	 * last, the cell's init starts with no child. */
	return apifs_helper_reap(apifs, e);
}

static __attribute__((noreturn)) void child_main(const struct child_args *a)
{
	const struct cell_config *cfg = a->sp->cfg;
	struct child_error e = {0};
	static const char *const base_env[] = {"container=" ROOTFS_CONTAINER_MANAGER,
					       "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
					       "TERM=linux",
					       "HOME=/",
					       NOTIFY_SOCKET_ENV,
					       NULL};
	char *argv[CELL_INIT_WORDS_MAX + 2];
	char *envp[sizeof(base_env) / sizeof(base_env[0]) + CELL_INIT_WORDS_MAX];
	sigset_t none;

	/* cellmgr blocks the signals it takes through signalfd: the cell's
	 * init must start with a clean mask. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Ignored signals stay ignored across exec: cellmgr ignores SIGPIPE. */
	signal(SIGPIPE, SIG_DFL);

	/* 'init = PATH ARG...', 'init_env = NAME=VALUE ...' (config_init.c) */
	cell_init_argv(cfg, argv);
	cell_init_envp(cfg, base_env, envp, sizeof(envp) / sizeof(envp[0]));
	if (child_setup(a, &e) == 0) {
		execve(cfg->init, argv, envp);
		child_error_set(&e, neg_errno(), "exec %s", cfg->init);
	}
	if (write(a->errpipe, &e, sizeof(e)) < 0) {
		/* The parent sees a failure without a reason. */
	}
	_exit(127);
}

static int open_console_pty(int *master, int *slave, char *path, size_t len)
{
	int m, s, r;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (m < 0)
		return neg_errno();
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, path, len) != 0) {
		r = neg_errno();
		close(m);
		return r;
	}
	s = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0) {
		r = neg_errno();
		close(m);
		return r;
	}
	*master = m;
	*slave = s;
	return 0;
}

static pid_t clone_cell(const struct spawn_params *sp, int *pidfd)
{
	struct clone_args ca;

	memset(&ca, 0, sizeof(ca));
	/* No CLONE_NEWNS: the child starts in the caller's mount namespace,
	 * where its root is built, and copies it at the end (rootfs_enter). */
	ca.flags = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP |
		   CLONE_PIDFD;
	if (sp->cfg->userns)
		ca.flags |= CLONE_NEWUSER;
	if (sp->cgroup_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)sp->cgroup_fd;
	}
	ca.pidfd = (uint64_t)(uintptr_t)pidfd;
	ca.exit_signal = SIGCHLD;
	/* Without CLONE_VM, clone3 returns twice like fork(). */
	return (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
}

/* The child's /proc/PID/name. */
static int write_proc(pid_t pid, const char *name, const char *text)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	return write_file_at(AT_FDCWD, path, text);
}

static int open_ns(pid_t pid, const char *ns)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? neg_errno() : fd;
}

/* The cell's rlimits, set on its init from the host side.  Raising a hard
 * limit above cellmgr's takes CAP_SYS_RESOURCE in the initial user
 * namespace, which a user-namespaced child never has (systemd in a cell
 * wants RLIMIT_NOFILE 1024:524288, as it has on a board of its own, and
 * dbus-daemon raises its soft limit to 65536).  The child sets the same
 * values again (confine.c), which is then no raise. */
static int set_rlimits(const struct cell_config *cfg, pid_t pid, struct child_error *e)
{
	for (unsigned i = 0; i < cfg->n_rlimits; i++) {
		const struct cell_rlimit *l = &cfg->rlimits[i];
		struct rlimit rl = {.rlim_cur = l->soft, .rlim_max = l->hard};

		if (prlimit(pid, l->resource, &rl, NULL) < 0)
			return child_error_set(e, neg_errno(), "setrlimit %d", l->resource);
	}
	return 0;
}

/* The root: built in the mount namespace this process made for the cell
 * while the child makes the API file systems (on another CPU, where there
 * is one), then with them.  Returns the root's fd. */
static int build_root(const struct spawn_params *sp, int sync, struct rootfs_plan *plan,
		      struct child_error *e)
{
	struct rootfs_fds t = {-1, -1};
	int fds[APIFS_N], r;

	for (int i = 0; i < APIFS_N; i++)
		fds[i] = -1;
	if ((r = rootfs_build(plan, &t, e)) == 0 && (r = rootfs_run_host(plan, t.root, e)) == 0 &&
	    (r = apifs_receive(sync, fds, e)) == 0)
		r = apifs_attach(plan, &t, fds, e);
	if (r == 0)
		r = apifs_receive_names(sync, e);
	for (int i = 0; i < APIFS_N; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (t.dev >= 0)
		close(t.dev);
	if (r < 0 && t.root >= 0)
		close(t.root);
	(void)sp;
	return r < 0 ? r : t.root;
}

/* Parent side between clone and "go": the maps, the network, then the
 * root.  Returns the root's directory fd. */
static int prepare_child(const struct spawn_params *sp, pid_t pid, int sync,
			 struct rootfs_plan *plan, struct child_error *e)
{
	char map[64];
	int r;

	plan->userns_fd = -1;
	if ((r = set_rlimits(sp->cfg, pid, e)) < 0)
		return r;
	if (sp->cfg->userns) {
		snprintf(map, sizeof(map), "0 %u %u\n", sp->id_base, ID_RANGE);
		/* setgroups stays allowed: a full OS needs it (login, su). */
		if ((r = write_proc(pid, "uid_map", map)) < 0 ||
		    (r = write_proc(pid, "gid_map", map)) < 0)
			return child_error_set(e, r, "write the id maps (0 -> %u, %u ids)",
					       sp->id_base, ID_RANGE);
		plan->userns_fd = open_ns(pid, "user");
		if (plan->userns_fd < 0)
			return child_error_set(e, plan->userns_fd, "open its user namespace");
	}
	if (send(sync, "m", 1, MSG_NOSIGNAL) != 1) {
		r = child_error_set(e, neg_errno(), "wake the child");
		goto out;
	}
	if (sp->cfg->net.mode != CELL_NET_NONE) {
		char step[200];
		int netns = open_ns(pid, "net");

		if (netns < 0) {
			r = child_error_set(e, netns, "open its network namespace");
			goto out;
		}
		r = net_cell_setup(sp->cfg, netns, step, sizeof(step));
		close(netns);
		if (r < 0) {
			child_error_set(e, r, "network: %s", step);
			goto out;
		}
	}
	r = build_root(sp, sync, plan, e);
out:
	if (plan->userns_fd >= 0)
		close(plan->userns_fd);
	return r;
}

/* Reads the child's own error, if it wrote one before it died. */
static void child_reason(int errpipe, struct child_error *e)
{
	struct child_error ce;

	if (fcntl(errpipe, F_SETFL, O_NONBLOCK) == 0 &&
	    read(errpipe, &ce, sizeof(ce)) == sizeof(ce))
		*e = ce;
}

/* What a start holds until the child runs, or until it failed. */
struct start_state {
	char workdir[PATH_MAX], cellsdir[PATH_MAX], console[64], loopdev[64];
	char notify_path[PATH_MAX + 8];
	struct rootfs_plan plan;
	struct verity_dev verity;
	int pipefd[2], sync[2];
	int loop, master, slave, pidfd, notify;
};

static void start_state_close(struct start_state *st)
{
	for (int i = 0; i < 2; i++) {
		if (st->pipefd[i] >= 0)
			close(st->pipefd[i]);
		if (st->sync[i] >= 0)
			close(st->sync[i]);
	}
	if (st->master >= 0) {
		close(st->master);
		close(st->slave);
	}
	verity_release(&st->verity);
	if (st->loop >= 0)
		close(st->loop);
	if (st->notify >= 0)
		close(st->notify);
}

/* The image: probed, its working directory made, attached to a loop
 * device and, when verified, to its dm-verity device. */
static int prepare_image(const struct spawn_params *sp, const char *image, struct start_state *st,
			 struct child_error *e)
{
	const struct cell_config *cfg = sp->cfg;
	int r;

	r = image_probe(image, &st->plan.kind);
	if (r < 0)
		return child_error_set(e, r, "image %s", image);
	if (sp->verity && st->plan.kind == IMAGE_DIR)
		return child_error_set(e, -EINVAL,
				       "verity: image %s is a directory, not an image file", image);
	snprintf(st->cellsdir, sizeof(st->cellsdir), "%s/cells", sp->state_dir);
	if ((size_t)snprintf(st->workdir, sizeof(st->workdir), "%s/%s", st->cellsdir, cfg->name) >=
	    sizeof(st->workdir))
		return child_error_set(e, -ENAMETOOLONG, "state directory %s", st->cellsdir);
	if ((mkdir(st->cellsdir, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(st->workdir, 0700) < 0 && errno != EEXIST))
		return child_error_set(e, neg_errno(), "mkdir %s", st->workdir);
	st->plan.workdir = st->workdir;
	st->plan.image = image;
	st->plan.root_uid = cfg->userns ? sp->id_base : 0;
	st->plan.root_gid = cfg->userns ? sp->id_base : 0;
	if (st->plan.kind != IMAGE_DIR) {
		st->loop = loop_attach(image, st->loopdev, sizeof(st->loopdev));
		if (st->loop < 0)
			return child_error_set(e, st->loop, "attach %s to a loop device", image);
		st->plan.loopdev = st->loopdev;
	}
	/* A verified image is mounted through its dm-verity device. */
	if (sp->verity) {
		if ((r = verity_open(&st->verity, st->loop, cfg->name, image, sp->verity, e)) < 0)
			return r;
		st->plan.loopdev = st->verity.path;
	}
	return 0;
}

/* The cell's console pty, the setup error pipe, the sync socket and the
 * sd_notify socket. */
static int prepare_io(struct start_state *st, struct child_args *a, struct child_error *e)
{
	int r = open_console_pty(&st->master, &st->slave, st->console, sizeof(st->console));

	if (r < 0)
		return child_error_set(e, r, "console pty");
	/* The cell's root must be able to open its console again (a getty
	 * does): hand the pty to it; on the host it stays a root-only device. */
	if (fchown(st->slave, st->plan.root_uid, st->plan.root_gid) < 0)
		return child_error_set(e, neg_errno(), "chown %s", st->console);
	st->plan.console = st->console;
	a->slave = st->slave;
	if (pipe2(st->pipefd, O_CLOEXEC) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, st->sync) < 0)
		return child_error_set(e, neg_errno(), "pipe");
	a->errpipe = st->pipefd[1];
	a->sync = st->sync[1];
	snprintf(st->notify_path, sizeof(st->notify_path), "%s.notify", st->workdir);
	st->plan.notify_path = st->notify_path;
	r = notify_open(st->notify_path, &st->notify);
	if (r < 0)
		return child_error_set(e, r, "notify socket %s", st->notify_path);
	return 0;
}

/* The child is cloned and waits: its root is built and handed over
 * ("g" and the root's fd), or it is killed and reaped. */
static int hand_over(const struct spawn_params *sp, struct start_state *st, pid_t pid,
		     struct child_error *e)
{
	int r;

	close(st->pipefd[1]);
	st->pipefd[1] = -1;
	close(st->sync[1]);
	st->sync[1] = -1;
	r = prepare_child(sp, pid, st->sync[0], &st->plan, e);
	if (r == -ECANCELED)
		child_reason(st->pipefd[0], e); /* the child died: it may say why */
	/* The loop device now belongs to the mount made from it (autoclear),
	 * and so does the verity device (deferred remove). */
	if (st->loop >= 0)
		close(st->loop);
	st->loop = -1;
	verity_release(&st->verity);
	if (r >= 0) {
		int root = r;

		r = fdpass_send(st->sync[0], "g", 1, &root, 1, 0);
		close(root);
		if (r < 0)
			child_error_set(e, r, "hand the root to the cell");
	}
	close(st->sync[0]);
	st->sync[0] = -1;
	if (r < 0) {
		siginfo_t si;

		/* The child waits for "go": it dies at once and is reaped here. */
		syscall(SYS_pidfd_send_signal, st->pidfd, SIGKILL, NULL, 0);
		waitid(P_PIDFD, (id_t)st->pidfd, &si, WEXITED);
		close(st->pidfd);
		st->pidfd = -1;
		return e->err;
	}
	return 0;
}

int spawn_cell(const struct spawn_params *sp, struct spawned *out)
{
	const struct cell_config *cfg = sp->cfg;
	struct start_state st = {
	    .plan = {.persist = cfg->persist, .devs = sp->devs, .n_devs = sp->n_devs},
	    .verity = {.name = ""},
	    .pipefd = {-1, -1},
	    .sync = {-1, -1},
	    .loop = -1,
	    .master = -1,
	    .slave = -1,
	    .pidfd = -1,
	    .notify = -1,
	};
	struct child_args a = {.sp = sp};
	struct child_error e = {0};
	int r;
	pid_t pid;

	out->reason[0] = '\0';
	if ((r = prepare_image(sp, sp->image ? sp->image : cfg->image, &st, &e)) < 0 ||
	    (r = prepare_io(&st, &a, &e)) < 0)
		goto fail;
	/* A mount namespace of the host's user namespace to build the cell's
	 * root in: this process (the shim-to-be) stays in it for the cell's
	 * life, and the child copies it (rootfs.h). */
	if (unshare(CLONE_NEWNS) < 0) {
		r = child_error_set(&e, neg_errno(), "a mount namespace for the cell");
		goto fail;
	}
	pid = clone_cell(sp, &st.pidfd);
	if (pid < 0) {
		r = child_error_set(&e, neg_errno(), "clone");
		goto fail;
	}
	if (pid == 0)
		child_main(&a);
	if ((r = hand_over(sp, &st, pid, &e)) < 0)
		goto fail;
	out->pid = pid;
	out->pidfd = st.pidfd;
	out->errpipe = st.pipefd[0];
	out->pty_master = st.master;
	out->pty_slave = st.slave;
	out->notify = st.notify;
	return 0;

fail:
	snprintf(out->reason, sizeof(out->reason), "%s: %s", e.step, strerror(-e.err));
	log_error("cell %s: %s", cfg->name, out->reason);
	start_state_close(&st);
	return r;
}
