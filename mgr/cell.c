// SPDX-License-Identifier: MIT
/* A cell's lifecycle: start, setup result, console output, stop, exit. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "adopt.h"
#include "devmux.h"
#include "input.h"
#include "rootfs.h"
#include "log.h"
#include "notify.h"
#include "shim.h"
#include "mgr.h"
#include "spawn.h"
#include "subid.h"
#include "update.h"

const char *cell_state_name(enum cell_state s)
{
	switch (s) {
	case CELL_STOPPED: return "stopped";
	case CELL_STARTING: return "starting";
	case CELL_RUNNING: return "running";
	case CELL_READY: return "ready";
	case CELL_STOPPING: return "stopping";
	case CELL_EXITED: return "exited";
	case CELL_FAILED: return "failed";
	}
	return "unknown";
}

bool cell_is_active(const struct cell *c)
{
	return c->state == CELL_STARTING || c->state == CELL_RUNNING || c->state == CELL_READY ||
	       c->state == CELL_STOPPING;
}

struct cell *cell_new(const struct cell_config *cfg)
{
	struct cell *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cfg = *cfg;
	c->pidfd = c->errpipe = c->pty_master = c->pty_slave = c->notify = c->shim_pidfd = -1;
	restart_state_init(&c->restart);
	consolelog_init(&c->console_file);
	return c;
}

void cell_free(struct cell *c)
{
	consolelog_close(&c->console_file);
	free(c->next_cfg);
	free(c);
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static void cell_ended(struct mgr *m, struct cell *c, enum exit_kind kind);
static int cell_watch(struct mgr *m, struct cell *c);

/* The start failed before the cell's init ran: say why, then let the
 * restart policy decide (a broken image must not be retried in a loop). */
__attribute__((format(printf, 3, 4))) static int cell_fail(struct mgr *m, struct cell *c,
							   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	log_error("cell %s: %s", c->cfg.name, c->reason);
	cell_ended(m, c, EXIT_SETUP_FAILED);
	return -ECANCELED;
}

/* A host user whose /etc/subuid or /etc/subgid entry shares an id with the
 * cell's range could newuidmap into it, own its files, signal and ptrace
 * its processes: such a range is refused (subid.h), a new one unrecorded. */
static int cell_check_subids(struct mgr *m, struct cell *c, uint32_t base, bool is_new)
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
			return cell_fail(m, c, "user id range: cannot read %s to check it: %s",
					 files[i], strerror(-r));
		return cell_fail(m, c,
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
static int cell_id_base(struct mgr *m, struct cell *c, uint32_t *base)
{
	bool is_new = false;
	int r;

	if (!m->idmap_usable)
		return cell_fail(m, c, "no user id range: %s/%s could not be read", m->data_dir,
				 IDMAP_FILE_NAME);
	r = idmap_get(&m->idmap, c->cfg.name, base, &is_new);
	if (r == -ENOSPC)
		return cell_fail(m, c, "no free user id range: all %u ranges are recorded in %s/%s",
				 m->idmap.ranges, m->data_dir, IDMAP_FILE_NAME);
	if (r < 0)
		return cell_fail(m, c, "user id range: %s", strerror(-r));
	if ((r = cell_check_subids(m, c, *base, is_new)) < 0)
		return r;
	if (is_new) {
		r = idmap_save(&m->idmap, m->data_dir);
		if (r < 0)
			return cell_fail(m, c, "save id ranges to %s/%s: %s", m->data_dir,
					 IDMAP_FILE_NAME, strerror(-r));
		log_info("cell %s: host ids %u-%u", c->cfg.name, *base,
			 *base + IDMAP_RANGE_SIZE - 1);
	}
	return 0;
}

int cell_start(struct mgr *m, struct cell *c)
{
	struct spawn_params sp = {
	    .cfg = &c->cfg,
	    .state_dir = m->state_dir,
	    .cgroup_fd = -1,
	};
	char exit_file[PATH_MAX], err[160], cgroup_dir[PATH_MAX];
	struct dev_bind devs[CELL_DEV_BINDS_MAX];
	unsigned n_vt, n_input = 0;
	struct devprog own;
	struct spawned s;
	uid_t root_uid = 0;
	int r, ack;

	c->reason[0] = '\0';
	c->restart_at_ms = 0;
	c->setup_failed = false;
	c->end_code = c->end_status = 0;
	c->stop_requested = false;
	if (c->next_cfg) {
		c->cfg = *c->next_cfg;
		free(c->next_cfg);
		c->next_cfg = NULL;
	}
	if (c->console_file.fd < 0)
		consolelog_open(&c->console_file, m->state_dir, c->cfg.name,
				CONSOLELOG_CAP_DEFAULT);
	if (!m->have_seccomp)
		return cell_fail(m, c, "no seccomp filter: refusing to start it unconfined");
	sp.seccomp = mgr_seccomp_for(m, &c->cfg);
	if (c->cfg.io_uring)
		log_info("cell %s: io_uring = yes: io_uring allowed (docs/security.md)",
			 c->cfg.name);
	if (c->cfg.userns) {
		if ((r = cell_id_base(m, c, &sp.id_base)) < 0)
			return r;
		root_uid = sp.id_base;
	} else {
		log_warn("cell %s: userns = no: the cell's root is the host's root", c->cfg.name);
	}
	/* Its VT as its /dev/tty1 (vt.h); a display cell gets its own device
	 * program: the defaults and its VT (c 4:N). */
	if (vt_cell_devs(m, c, root_uid, root_uid, devs, &sp.n_devs, err, sizeof(err)) < 0)
		return cell_fail(m, c, "vt: %s", err);
	/* Its copies of the input devices as its /dev/input/eventK (input.h). */
	n_vt = sp.n_devs;
	if (input_cell_devs(m, c, devs + n_vt, &n_input, CELL_DEV_BINDS_MAX - n_vt) < 0)
		return cell_fail(m, c, "input devices");
	sp.n_devs += n_input;
	sp.devs = devs;
	devprog_init(&own);
	if (sp.n_devs && m->cgroups.available &&
	    (devprog_add_defaults(&own) < 0 || vt_cell_devprog(m, c, &own) < 0 ||
	     (n_input && devprog_add(&own, 'c', 13, DEVPROG_ANY, "rw") < 0) ||
	     devprog_load(&own, c->cfg.name) < 0))
		return cell_fail(m, c, "device program: cannot build it");
	r = cgroup_cell_create(&m->cgroups, &c->cfg, root_uid, root_uid,
			       own.fd >= 0	    ? &own
			       : m->devices.fd >= 0 ? &m->devices
						    : NULL,
			       &sp.cgroup_fd);
	devprog_free(&own);
	if (r < 0)
		return cell_fail(m, c, "cgroup: %s", strerror(-r));
	if (sp.cgroup_fd >= 0 &&
	    (size_t)snprintf(cgroup_dir, sizeof(cgroup_dir), "%s/%s", m->cgroups.path,
			     c->cfg.name) < sizeof(cgroup_dir))
		sp.cgroup_path = cgroup_dir;
	/* The image of its current slot (an update's), else the cell list's. */
	update_start_image(m, c, &sp.image, &sp.verity);
	adopt_path(m, c, "exit", exit_file, sizeof(exit_file));
	r = shim_spawn(&sp, m->shim_exe, exit_file, &s, &c->shim_pid, &c->shim_pidfd, &ack);
	if (sp.cgroup_fd >= 0)
		close(sp.cgroup_fd);
	if (r < 0) {
		snprintf(c->reason, sizeof(c->reason), "%s", s.reason);
		cgroup_cell_remove(&m->cgroups, c->cfg.name);
		console_status(m, false, "cell %s: %s", c->cfg.name, c->reason);
		cell_ended(m, c, EXIT_SETUP_FAILED);
		return r;
	}
	c->pid = s.pid;
	c->pidfd = s.pidfd;
	c->errpipe = s.errpipe;
	c->pty_master = s.pty_master;
	c->pty_slave = s.pty_slave;
	c->notify = s.notify;
	c->status[0] = '\0';
	c->state = CELL_STARTING;
	c->started_ms = now_ms();
	c->shim_is_child = true;
	if ((r = mgr_watch(m, c->errpipe, &c->w_errpipe, WATCH_CELL_ERRPIPE, c)) < 0 ||
	    (r = cell_watch(m, c)) < 0) {
		/* The cell runs but cannot be supervised: end it now. */
		log_errno(r, "cell %s: watch", c->cfg.name);
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
	}
	adopt_save(m, c);
	shim_confirm(ack);
	return 0;
}

/* What a running cell brings to the event loop. */
static int cell_watch(struct mgr *m, struct cell *c)
{
	int r;

	if ((r = mgr_watch(m, c->shim_pidfd, &c->w_pidfd, WATCH_CELL_PIDFD, c)) < 0 ||
	    (r = mgr_watch(m, c->pty_master, &c->w_pty, WATCH_CELL_PTY, c)) < 0 ||
	    (r = mgr_watch(m, c->notify, &c->w_notify, WATCH_CELL_NOTIFY, c)) < 0)
		return r;
	return 0;
}

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

bool cell_adopt(struct mgr *m, struct cell *c)
{
	if (!adopt_cell(m, c))
		return false;
	vt_assign(m, c);
	if (c->console_file.fd < 0)
		consolelog_open(&c->console_file, m->state_dir, c->cfg.name,
				CONSOLELOG_CAP_DEFAULT);
	preload_console(c);
	if (cell_watch(m, c) < 0) {
		log_error("cell %s: cannot watch it: stopping it", c->cfg.name);
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
	}
	update_on_adopt(m, c);
	return true;
}

/* The child reports a setup failure, or end of file once its exec worked. */
void cell_on_errpipe(struct mgr *m, struct cell *c)
{
	struct child_error e;
	ssize_t n;

	/* Read already (cell_on_exit), with its event still in this batch. */
	if (c->errpipe < 0)
		return;
	do
		n = read(c->errpipe, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	mgr_unwatch(m, c->errpipe);
	close_fd(&c->errpipe);
	if (n == 0) {
		if (c->state == CELL_STARTING)
			c->state = CELL_RUNNING;
		log_info("cell %s started (pid %d)", c->cfg.name, (int)c->pid);
		console_status(m, true, "cell %s started", c->cfg.name);
		return;
	}
	c->setup_failed = true;
	if (n == (ssize_t)sizeof(e)) {
		e.step[sizeof(e.step) - 1] = '\0';
		snprintf(c->reason, sizeof(c->reason), "%s: %s", e.step, strerror(-e.err));
	} else {
		snprintf(c->reason, sizeof(c->reason), "setup failed without a report");
	}
	log_error("cell %s: %s", c->cfg.name, c->reason);
	console_status(m, false, "cell %s: %s", c->cfg.name, c->reason);
	/* The child exits now; its pidfd brings the rest (cell_on_exit). */
}

/* sd_notify from the cell's init: READY=1 makes it ready. */
void cell_on_notify(struct mgr *m, struct cell *c)
{
	struct notify_msg msg;
	int r;

	if (c->notify < 0) /* the cell ended earlier in this batch of events */
		return;
	while ((r = notify_read(c->notify, c->pid, &msg)) != -EAGAIN) {
		if (r < 0)
			continue; /* dropped: not from the cell's init, or malformed */
		if (msg.flags & NOTIFY_STATUS)
			snprintf(c->status, sizeof(c->status), "%s", msg.status);
		/* STARTING too: the exec report and READY=1 may come in one
		 * batch of events, READY=1 first. */
		if ((msg.flags & NOTIFY_READY) &&
		    (c->state == CELL_RUNNING || c->state == CELL_STARTING)) {
			c->state = CELL_READY;
			log_info("cell %s is ready", c->cfg.name);
			update_on_ready(m, c);
		}
	}
}

void cell_on_console(struct mgr *m, struct cell *c)
{
	char buf[4096];
	ssize_t n;

	/* Drain what is there; the fd is non-blocking. */
	while ((n = read(c->pty_master, buf, sizeof(buf))) > 0) {
		ring_write(&c->console_log, buf, (size_t)n);
		consolelog_write(&c->console_file, buf, (size_t)n);
		console_output(m, c, buf, (size_t)n);
		ctl_on_console_output(m, c, buf, (size_t)n);
	}
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

/* The last console lines, on one line, for a log message. */
static void console_tail(const struct cell *c, char *out, size_t len)
{
	char raw[512];
	size_t n = ring_tail_lines(&c->console_log, 3, raw, sizeof(raw) - 1), o = 0;

	for (size_t i = 0; i < n && o + 4 < len; i++) {
		unsigned char ch = (unsigned char)raw[i];

		if (ch == '\n') {
			if (o > 0 && out[o - 1] != '|') {
				out[o++] = ' ';
				out[o++] = '|';
				out[o++] = ' ';
			}
		} else if (ch >= 0x20 && ch != 0x7f) {
			out[o++] = (char)ch;
		}
	}
	while (o >= 3 && out[o - 1] == ' ' && out[o - 2] == '|')
		o -= 3; /* no separator after the last line */
	out[o] = '\0';
}

/* The cell's init is gone (or never ran): apply the restart policy. */
static void cell_ended(struct mgr *m, struct cell *c, enum exit_kind kind)
{
	struct restart_decision d;
	char tail[400];
	uint64_t now = now_ms();

	input_cell_gone(m, c);
	c->state = CELL_EXITED;
	if (c->removed || m->stopping_all) {
		c->state = CELL_STOPPED;
		return;
	}
	/* An update on trial that ended: rolled back and started again. */
	if (update_on_end(m, c, kind))
		return;
	if (c->start_after_stop) {
		c->start_after_stop = false;
		cell_start(m, c);
		return;
	}
	d = restart_decide(&c->cfg.restart, &c->restart, kind, c->started_ms, now);
	switch (d.action) {
	case RD_RESTART:
		c->restart_at_ms = d.at_ms > now ? d.at_ms : now;
		c->restarts++;
		log_info("cell %s: restarting in %llu ms (%s)", c->cfg.name,
			 (unsigned long long)(c->restart_at_ms - now), d.why);
		break;
	case RD_STAY_STOPPED:
		c->state = CELL_STOPPED;
		log_info("cell %s stays stopped (%s)", c->cfg.name, d.why);
		break;
	case RD_STAY_EXITED: log_info("cell %s stays down (%s)", c->cfg.name, d.why); break;
	case RD_FAILED: {
		char last[sizeof(c->reason)];

		c->state = CELL_FAILED;
		console_tail(c, tail, sizeof(tail));
		snprintf(last, sizeof(last), "%s", c->reason);
		snprintf(c->reason, sizeof(c->reason), "%s (last: %.100s)", d.why, last);
		log_error("cell %s: %s; last console lines: %s", c->cfg.name, c->reason,
			  *tail ? tail : "(none)");
		console_status(m, false, "cell %s: %s", c->cfg.name, c->reason);
		break;
	}
	}
}

void cell_on_exit(struct mgr *m, struct cell *c)
{
	enum exit_kind kind;
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (c->shim_is_child) {
		/* The shim ends the way the cell's init did (mgr/shim.h). */
		if (waitid(P_PIDFD, (id_t)c->shim_pidfd, &si, WEXITED | WNOHANG) < 0 ||
		    si.si_pid == 0)
			return;
	} else {
		/* Adopted: the shim is not ours to reap; it left a record.  Its
		 * pidfd turns readable once it has exited. */
		struct pollfd pfd = {.fd = c->shim_pidfd, .events = POLLIN};
		char exit_file[PATH_MAX];
		int code, status;

		if (poll(&pfd, 1, 0) != 1)
			return;
		adopt_path(m, c, "exit", exit_file, sizeof(exit_file));
		if (shim_read_exit(exit_file, &code, &status) < 0) {
			code = CLD_KILLED;
			status = SIGKILL;
		}
		si.si_code = code;
		si.si_status = status;
	}
	c->end_code = si.si_code;
	c->end_status = si.si_status;
	/* The setup report (or the end of file of an exec) may still wait
	 * in the pipe, behind this event: read it first. */
	if (c->errpipe >= 0) {
		struct pollfd pfd = {.fd = c->errpipe, .events = POLLIN};

		if (poll(&pfd, 1, 0) == 1)
			cell_on_errpipe(m, c);
	}
	/* Output written just before the end is still in the pty. */
	cell_on_console(m, c);
	if (c->setup_failed) {
		kind = EXIT_SETUP_FAILED;
	} else {
		describe_exit(c, &si);
		kind = exit_classify(si.si_code, si.si_status, c->stop_requested);
		log_info("cell %s %s", c->cfg.name, c->reason);
	}
	if (c->errpipe >= 0)
		mgr_unwatch(m, c->errpipe);
	mgr_unwatch(m, c->shim_pidfd);
	mgr_unwatch(m, c->pty_master);
	mgr_unwatch(m, c->notify);
	close_fd(&c->shim_pidfd);
	close_fd(&c->notify);
	close_fd(&c->errpipe);
	close_fd(&c->pidfd);
	close_fd(&c->pty_master);
	close_fd(&c->pty_slave);
	c->pid = 0;
	adopt_forget(m, c);
	cgroup_cell_remove(&m->cgroups, c->cfg.name);
	cell_ended(m, c, kind);
	devmux_cell_gone(m, c);
}

void cell_stop(struct mgr *m, struct cell *c)
{
	c->stop_requested = true;
	c->restart_at_ms = 0;
	if (!cell_is_active(c)) {
		if (c->state == CELL_EXITED)
			c->state = CELL_STOPPED; /* a restart was due: no more */
		return;
	}
	if (c->state == CELL_STOPPING)
		return;
	c->state = CELL_STOPPING;
	c->stop_deadline_ms = now_ms() + c->cfg.stop_timeout_ms;
	log_info("cell %s: stopping with %s (timeout %u ms)", c->cfg.name,
		 signal_name(c->cfg.stop_signal), c->cfg.stop_timeout_ms);
	if (syscall(SYS_pidfd_send_signal, c->pidfd, c->cfg.stop_signal, NULL, 0) < 0)
		log_errno(neg_errno(), "cell %s: send %s", c->cfg.name,
			  signal_name(c->cfg.stop_signal));
	(void)m;
}

int cell_check_deadlines(struct mgr *m, uint64_t now)
{
	int next = -1;
	size_t i;

	/* Updates on trial whose window has passed (update.h). */
	for (i = 0; i < m->n_cells; i++) {
		int left = update_check_deadline(m, m->cells[i], now);

		if (left >= 0 && (next < 0 || left < next))
			next = left;
	}

	for (i = 0; i < m->n_cells; i++) {
		struct cell *c = m->cells[i];
		uint64_t left;

		if (c->restart_at_ms) {
			if (c->restart_at_ms <= now) {
				c->restart_at_ms = 0;
				cell_start(m, c);
			} else {
				left = c->restart_at_ms - now;
				if (next < 0 || left < (uint64_t)next)
					next = (int)(left > 60000 ? 60000 : left);
			}
			continue;
		}
		if (c->state != CELL_STOPPING || c->pidfd < 0)
			continue;
		if (c->stop_deadline_ms <= now) {
			log_warn("cell %s did not stop within %u ms: killing it", c->cfg.name,
				 c->cfg.stop_timeout_ms);
			/* cgroup.kill takes every process of the cell at once;
			 * without it, SIGKILL of the pid namespace's init ends
			 * the whole namespace. */
			if (cgroup_cell_kill(&m->cgroups, c->cfg.name) < 0)
				syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
			c->stop_deadline_ms = UINT64_MAX;
			continue;
		}
		if (c->stop_deadline_ms == UINT64_MAX)
			continue;
		left = c->stop_deadline_ms - now;
		if (next < 0 || left < (uint64_t)next)
			next = (int)(left > 60000 ? 60000 : left);
	}
	return next;
}
