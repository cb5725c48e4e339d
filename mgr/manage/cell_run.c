// SPDX-License-Identifier: MIT
/*
 * The kernel's side of a cell's run (the struct cell_driver of cell.h):
 * its id range, its devices from the seat, its cgroup, the shim and the
 * child; then the fds of a running cell in the event loop (setup report,
 * console, sd_notify, its end) and taking over a cell an earlier cellmgr
 * left running.  What each event means for the lifecycle is cell.c's.
 */
#include "cell_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"
#include "child_error.h"
#include "log.h"
#include "notify.h"
#include "rootfs.h"
#include "seat.h"
#include "shim.h"
#include "spawn.h"
#include "subid.h"
#include "update.h"

/* A host user whose /etc/subuid or /etc/subgid entry shares an id with the
 * cell's range could newuidmap into it, own its files, signal and ptrace
 * its processes: such a range is refused (subid.h), a new one unrecorded. */
static int check_subids(struct mgr *m, struct cell *c, uint32_t base, bool is_new)
{
	static const char *const files[] = {SUBUID_FILE, SUBGID_FILE};
	struct subid_entry hit;
	int r;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		r = subid_check(files[i], base, IDMAP_RANGE_SIZE, &hit);
		if (r == 0)
			continue;
		if (is_new)
			idmap_forget(&m->idmap, c->cfg.name);
		if (r < 0)
			return cell_fail(c, "user id range: cannot read %s to check it: %s",
					 files[i], strerror(-r));
		return cell_fail(c,
				 "host ids %u-%u overlap %s:%u (user %s: %llu-%llu): that user "
				 "could map them with new%smap",
				 base, base + IDMAP_RANGE_SIZE - 1, files[i], hit.line, hit.user,
				 (unsigned long long)hit.start,
				 (unsigned long long)(hit.start + hit.count - 1),
				 i ? "gid" : "uid");
	}
	return 0;
}

/* The cell's id range: its recorded one, or a new one, recorded first;
 * neither may overlap a host user's subordinate ids. */
static int id_base(struct mgr *m, struct cell *c, uint32_t *base)
{
	bool is_new = false;
	int r;

	if (!m->idmap_usable)
		return cell_fail(c, "no user id range: %s/%s could not be read", m->data_dir,
				 IDMAP_FILE_NAME);
	r = idmap_get(&m->idmap, c->cfg.name, base, &is_new);
	if (r == -ENOSPC)
		return cell_fail(c, "no free user id range: all %u ranges are recorded in %s/%s",
				 m->idmap.ranges, m->data_dir, IDMAP_FILE_NAME);
	if (r < 0)
		return cell_fail(c, "user id range: %s", strerror(-r));
	if ((r = check_subids(m, c, *base, is_new)) < 0)
		return r;
	if (is_new) {
		r = idmap_save(&m->idmap, m->data_dir);
		if (r < 0)
			return cell_fail(c, "save id ranges to %s/%s: %s", m->data_dir,
					 IDMAP_FILE_NAME, strerror(-r));
		log_info("cell %s: host ids %u-%u", c->cfg.name, *base,
			 *base + IDMAP_RANGE_SIZE - 1);
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static void on_errpipe(struct loop_fd *w, uint32_t events, void *data);
static void on_pty(struct loop_fd *w, uint32_t events, void *data);
static void on_notify(struct loop_fd *w, uint32_t events, void *data);
static void on_end(struct loop_fd *w, uint32_t events, void *data);

/* What a running cell brings to the event loop. */
static int watch(struct mgr *m, struct cell *c)
{
	int r;

	if ((r = loop_add_fd(&m->loop, &c->w_pidfd, c->shim_pidfd, EPOLLIN, on_end, m)) < 0 ||
	    (r = loop_add_fd(&m->loop, &c->w_pty, c->pty_master, EPOLLIN, on_pty, m)) < 0 ||
	    (r = loop_add_fd(&m->loop, &c->w_notify, c->notify, EPOLLIN, on_notify, m)) < 0)
		return r;
	return 0;
}

/* The devices of the seat's classes (its VT, its input copies) and its
 * cgroup with its device program. */
static int devices_and_cgroup(struct mgr *m, struct cell *c, struct spawn_params *sp,
			      struct dev_bind *devs)
{
	char err[160] = "";
	struct devprog own;
	struct seat_bind b = {
	    .root_uid = c->root_uid,
	    .root_gid = c->root_uid,
	    .devs = devs,
	    .max = CELL_DEV_BINDS_MAX,
	    .prog = &own,
	    .err = err,
	    .errlen = sizeof(err),
	};
	int r;

	devprog_init(&own);
	if (m->cgroups.available && devprog_add_defaults(&own) < 0) {
		devprog_free(&own);
		return cell_fail(c, "device program: cannot build it");
	}
	if (!m->cgroups.available)
		b.prog = NULL;
	if ((r = seat_cell_bind(&m->seat, c, &b)) < 0) {
		devprog_free(&own);
		return cell_fail(c, "%s", err[0] ? err : strerror(-r));
	}
	sp->devs = devs;
	sp->n_devs = b.n;
	/* A cell with devices of its own gets a device program of its own:
	 * the defaults and what the classes added. */
	if (b.n && m->cgroups.available && devprog_load(&own, c->cfg.name) < 0) {
		devprog_free(&own);
		return cell_fail(c, "device program: cannot build it");
	}
	r = cgroup_cell_create(&m->cgroups, &c->cfg, c->root_uid, c->root_uid,
			       own.fd >= 0	    ? &own
			       : m->devices.fd >= 0 ? &m->devices
						    : NULL,
			       &sp->cgroup_fd);
	devprog_free(&own);
	if (r < 0)
		return cell_fail(c, "cgroup: %s", strerror(-r));
	return 0;
}

static int drv_start(void *ctx, struct cell *c)
{
	struct mgr *m = ctx;
	struct spawn_params sp = {
	    .cfg = &c->cfg,
	    .state_dir = m->state_dir,
	    .cgroup_fd = -1,
	    .seccomp = mgr_seccomp_for(m, &c->cfg),
	};
	char exit_file[PATH_MAX], cgroup_dir[PATH_MAX];
	struct dev_bind devs[CELL_DEV_BINDS_MAX];
	struct spawned s;
	int r, ack;

	if (c->console_file.fd < 0)
		consolelog_open(&c->console_file, m->state_dir, c->cfg.name,
				CONSOLELOG_CAP_DEFAULT);
	if (c->cfg.io_uring)
		log_info("cell %s: io_uring = yes: io_uring allowed (docs/security.md)",
			 c->cfg.name);
	c->root_uid = 0;
	if (c->cfg.userns) {
		if ((r = id_base(m, c, &sp.id_base)) < 0)
			return r;
		c->root_uid = sp.id_base;
	} else {
		log_warn("cell %s: userns = no: the cell's root is the host's root", c->cfg.name);
	}
	if ((r = devices_and_cgroup(m, c, &sp, devs)) < 0)
		return r;
	if (sp.cgroup_fd >= 0 &&
	    (size_t)snprintf(cgroup_dir, sizeof(cgroup_dir), "%s/%s", m->cgroups.path,
			     c->cfg.name) < sizeof(cgroup_dir))
		sp.cgroup_path = cgroup_dir;
	/* The image of its current slot (an update's), else the cell list's. */
	update_start_image(m, c, &sp.image, &sp.verity);
	record_path(m->state_dir, c, "exit", exit_file, sizeof(exit_file));
	r = shim_spawn(&sp, m->shim_exe, exit_file, &s, &c->shim_pid, &c->shim_pidfd, &ack);
	if (sp.cgroup_fd >= 0)
		close(sp.cgroup_fd);
	if (r < 0) {
		snprintf(c->reason, sizeof(c->reason), "%s", s.reason);
		cgroup_cell_remove(&m->cgroups, c->cfg.name);
		return r;
	}
	c->pid = s.pid;
	c->pidfd = s.pidfd;
	c->errpipe = s.errpipe;
	c->pty_master = s.pty_master;
	c->pty_slave = s.pty_slave;
	c->notify = s.notify;
	c->shim_is_child = true;
	/* What needs its processes (a compositor's socket): at once, before
	 * its init can have come far. */
	seat_cell_running(&m->seat, c);
	if ((r = loop_add_fd(&m->loop, &c->w_errpipe, c->errpipe, EPOLLIN, on_errpipe, m)) < 0 ||
	    (r = watch(m, c)) < 0) {
		/* The cell runs but cannot be supervised: end it now. */
		log_errno(r, "cell %s: watch", c->cfg.name);
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
	}
	record_save(m->state_dir, c);
	shim_confirm(ack);
	return 0;
}

static int drv_signal(void *ctx, struct cell *c, int sig)
{
	(void)ctx;
	if (c->pidfd < 0) /* its init has ended: its cgroup is being emptied */
		return 0;
	if (syscall(SYS_pidfd_send_signal, c->pidfd, sig, NULL, 0) < 0)
		return log_errno(neg_errno(), "cell %s: send %s", c->cfg.name, signal_name(sig));
	return 0;
}

/* cgroup.kill takes every process of the cell at once; without it,
 * SIGKILL of the pid namespace's init ends the whole namespace. */
static void drv_kill(void *ctx, struct cell *c)
{
	struct mgr *m = ctx;

	if (cgroup_cell_kill(&m->cgroups, c->cfg.name) < 0)
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
}

const struct cell_driver cell_run_driver = {
    .start = drv_start,
    .signal = drv_signal,
    .kill = drv_kill,
};

/* The last output of a cell from before this cellmgr, from its log file. */
static void preload_console(struct cell *c)
{
	char buf[RING_SIZE];
	ssize_t n;
	off_t end;
	int fd;

	if (!c->console_file.path[0])
		return;
	fd = open(c->console_file.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	end = lseek(fd, 0, SEEK_END);
	n = pread(fd, buf, sizeof(buf), end > (off_t)sizeof(buf) ? end - (off_t)sizeof(buf) : 0);
	if (n > 0)
		ring_write(&c->console_log, buf, (size_t)n);
	close(fd);
}

bool cell_run_adopt(struct mgr *m, struct cell *c)
{
	uint32_t base = 0;
	bool is_new = false;

	if (!record_adopt(m->state_dir, c))
		return false;
	cell_adopted(c);
	c->root_uid = 0;
	if (c->cfg.userns && m->idmap_usable &&
	    idmap_get(&m->idmap, c->cfg.name, &base, &is_new) == 0)
		c->root_uid = base;
	vt_assign(&m->vt, c);
	seat_cell_running(&m->seat, c);
	if (c->console_file.fd < 0)
		consolelog_open(&c->console_file, m->state_dir, c->cfg.name,
				CONSOLELOG_CAP_DEFAULT);
	preload_console(c);
	if (watch(m, c) < 0) {
		log_error("cell %s: cannot watch it: stopping it", c->cfg.name);
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
	}
	update_on_adopt(m, c);
	return true;
}

/* The child reports a setup failure, or end of file once its exec worked. */
static void read_errpipe(struct mgr *m, struct cell *c)
{
	struct child_error e;
	ssize_t n;

	do
		n = read(c->errpipe, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	loop_remove_fd(&m->loop, &c->w_errpipe);
	close_fd(&c->errpipe);
	if (n == 0) {
		cell_exec_done(c);
		return;
	}
	if (n == (ssize_t)sizeof(e)) {
		e.step[sizeof(e.step) - 1] = '\0';
		snprintf(c->reason, sizeof(c->reason), "%s: %s", e.step, strerror(-e.err));
	} else {
		snprintf(c->reason, sizeof(c->reason), "setup failed without a report");
	}
	cell_setup_failed(c);
}

static void on_errpipe(struct loop_fd *w, uint32_t events, void *data)
{
	read_errpipe(data, container_of(w, struct cell, w_errpipe));
}

/* sd_notify from the cell's init: READY=1 makes it ready. */
static void on_notify(struct loop_fd *w, uint32_t events, void *data)
{
	struct cell *c = container_of(w, struct cell, w_notify);
	struct notify_msg msg;
	int r;

	while ((r = notify_read(c->notify, c->pid, &msg)) != -EAGAIN) {
		if (r < 0)
			continue; /* dropped: not from the cell's init, or malformed */
		if (msg.flags & NOTIFY_STATUS)
			snprintf(c->status, sizeof(c->status), "%s", msg.status);
		if (msg.flags & NOTIFY_READY)
			cell_notify_ready(c);
	}
}

static void drain_pty(struct cell *c)
{
	char buf[4096];
	ssize_t n;

	/* Drain what is there; the fd is non-blocking. */
	while ((n = read(c->pty_master, buf, sizeof(buf))) > 0)
		cell_output(c, buf, (size_t)n);
}

static void on_pty(struct loop_fd *w, uint32_t events, void *data)
{
	drain_pty(container_of(w, struct cell, w_pty));
}

/* The run is over once the cell's cgroup is empty too: when its init
 * ends the kernel kills the rest of its pid namespace, but those
 * processes leave a moment later, and a start before then would find the
 * cgroup busy.  What is left is killed (cgroup.kill); the end waits for
 * cgroup.events to say "populated 0", at most the stop timeout. */
static void drained(struct mgr *m, struct cell *c)
{
	loop_timer_disarm(&m->loop, &c->t_drain);
	loop_remove_fd(&m->loop, &c->w_drain);
	close_fd(&c->drain_fd);
	cgroup_cell_remove(&m->cgroups, c->cfg.name);
	cell_ended(c, c->drain_kind);
}

static void on_drain(struct loop_fd *w, uint32_t events, void *data)
{
	struct cell *c = container_of(w, struct cell, w_drain);

	if (cgroup_populated(c->drain_fd) != 1)
		drained(data, c);
}

static void on_drain_timeout(struct loop_timer *t, void *data)
{
	struct cell *c = container_of(t, struct cell, t_drain);
	struct mgr *m = data;

	log_warn("cell %s: %s/%s still has processes %u ms after its init ended: ending the "
		 "run without it (the cgroup goes once empty)",
		 c->cfg.name, m->cgroups.path, c->cfg.name, c->cfg.stop_timeout_ms);
	drained(m, c);
}

/* 0 when the end waits for the cgroup, -1 when it is empty already (or
 * cannot be watched). */
static int drain_begin(struct mgr *m, struct cell *c)
{
	char path[CELL_NAME_MAX + 16];

	if (!m->cgroups.available)
		return -1;
	snprintf(path, sizeof(path), "%s/cgroup.events", c->cfg.name);
	c->drain_fd = openat(m->cgroups.fd, path, O_RDONLY | O_CLOEXEC);
	if (c->drain_fd < 0 || cgroup_populated(c->drain_fd) != 1 ||
	    loop_add_fd(&m->loop, &c->w_drain, c->drain_fd, EPOLLPRI, on_drain, m) < 0) {
		close_fd(&c->drain_fd);
		return -1;
	}
	cgroup_cell_kill(&m->cgroups, c->cfg.name);
	/* Read after the watch: an empty cgroup before it would go unseen. */
	if (cgroup_populated(c->drain_fd) != 1) {
		loop_remove_fd(&m->loop, &c->w_drain);
		close_fd(&c->drain_fd);
		return -1;
	}
	loop_timer_init(&c->t_drain, on_drain_timeout, m);
	loop_timer_in(&m->loop, &c->t_drain, c->cfg.stop_timeout_ms);
	return 0;
}

static void describe_exit(struct cell *c, const siginfo_t *si)
{
	const char *why = "";

	if (si->si_code == CLD_EXITED) {
		snprintf(c->reason, sizeof(c->reason), "exited with status %d", si->si_status);
		return;
	}
	/* reboot(2) in a pid namespace ends its init with these signals. */
	if (si->si_status == SIGHUP)
		why = " (reboot)";
	else if (si->si_status == SIGINT)
		why = " (poweroff or halt)";
	snprintf(c->reason, sizeof(c->reason), "killed by signal %s%s", signal_name(si->si_status),
		 why);
}

/* How the shim ended (it ends the way the cell's init did: mgr/start/shim.h);
 * false while it still runs. */
static bool read_end(struct mgr *m, struct cell *c, siginfo_t *si)
{
	memset(si, 0, sizeof(*si));
	if (c->shim_is_child)
		return waitid(P_PIDFD, (id_t)c->shim_pidfd, si, WEXITED | WNOHANG) == 0 &&
		       si->si_pid != 0;
	/* Adopted: the shim is not ours to reap; it left a record.  Its pidfd
	 * turns readable once it has exited. */
	struct pollfd pfd = {.fd = c->shim_pidfd, .events = POLLIN};
	char exit_file[PATH_MAX];
	int code, status;

	if (poll(&pfd, 1, 0) != 1)
		return false;
	record_path(m->state_dir, c, "exit", exit_file, sizeof(exit_file));
	if (shim_read_exit(exit_file, &code, &status) < 0) {
		code = CLD_KILLED;
		status = SIGKILL;
	}
	si->si_code = code;
	si->si_status = status;
	return true;
}

void cell_run_check_end(struct mgr *m, struct cell *c)
{
	enum exit_kind kind;
	siginfo_t si;

	if (c->shim_pidfd < 0 || !read_end(m, c, &si))
		return;
	c->end_code = si.si_code;
	c->end_status = si.si_status;
	/* The setup report (or the end of file of an exec) may still wait
	 * in the pipe, behind this event: read it first. */
	if (c->errpipe >= 0) {
		struct pollfd pfd = {.fd = c->errpipe, .events = POLLIN};

		if (poll(&pfd, 1, 0) == 1)
			read_errpipe(m, c);
	}
	/* Output written just before the end is still in the pty. */
	drain_pty(c);
	if (c->setup_failed) {
		kind = EXIT_SETUP_FAILED;
	} else {
		describe_exit(c, &si);
		kind = exit_classify(si.si_code, si.si_status, c->stop_requested);
		log_info("cell %s %s", c->cfg.name, c->reason);
	}
	loop_remove_fd(&m->loop, &c->w_errpipe);
	loop_remove_fd(&m->loop, &c->w_pidfd);
	loop_remove_fd(&m->loop, &c->w_pty);
	loop_remove_fd(&m->loop, &c->w_notify);
	close_fd(&c->shim_pidfd);
	close_fd(&c->notify);
	close_fd(&c->errpipe);
	close_fd(&c->pidfd);
	close_fd(&c->pty_master);
	close_fd(&c->pty_slave);
	c->pid = 0;
	record_forget(m->state_dir, c);
	c->drain_kind = kind;
	if (drain_begin(m, c) < 0)
		drained(m, c);
}

static void on_end(struct loop_fd *w, uint32_t events, void *data)
{
	cell_run_check_end(data, container_of(w, struct cell, w_pidfd));
}
