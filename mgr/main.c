// SPDX-License-Identifier: MIT
/* cellmgr: reads the cell list, starts and supervises the cells. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "record.h"
#include "cell_run.h"
#include "ctl_proto.h"
#include "input.h"
#include "log.h"
#include "mgr.h"
#include "net.h"
#include "once.h"
#include "ops.h"
#include "statelock.h"
#include "update.h"
#include "verity.h"

#define DEFAULT_CONFIG "/etc/cellar/cells.conf"
#define DEFAULT_STATE_DIR "/run/cellar"

static void usage(FILE *f)
{
	fprintf(f, "usage: cellmgr [--config FILE] [--state-dir DIR] [--socket PATH] [--board]\n"
		   "       cellmgr [--config FILE] [--state-dir DIR] --once NAME\n"
		   "  --config FILE     the cell list (default " DEFAULT_CONFIG ")\n"
		   "  --state-dir DIR   run-time state (default " DEFAULT_STATE_DIR ")\n"
		   "  --socket PATH     control socket (default <state-dir>/ctl.sock)\n"
		   "  --data-dir DIR    persistent state such as id ranges (default: the\n"
		   "                    cell list's [host] data_dir, /var/lib/cellar)\n"
		   "  --board           run as the board's manager under cellar's init:\n"
		   "                    attach the console, handle the power key\n"
		   "  --once NAME       start that cell alone in the foreground, its console\n"
		   "                    on stdout, never restarted; exit with its init's\n"
		   "                    status (128+N if killed by signal N, 125 if it could\n"
		   "                    not be started). No control socket; its state goes\n"
		   "                    to a private directory under the state directory\n"
		   "  --version         cellmgr's version\n");
}

static int parse_args(struct mgr *m, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"state-dir", required_argument, NULL, 's'},
	    {"socket", required_argument, NULL, 'S'},
	    {"data-dir", required_argument, NULL, 'd'},
	    {"board", no_argument, NULL, 'b'},
	    {"once", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	m->config_path = DEFAULT_CONFIG;
	m->state_dir = DEFAULT_STATE_DIR;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': m->config_path = optarg; break;
		case 's': m->state_dir = optarg; break;
		case 'S': m->socket_path = optarg; break;
		case 'd': m->data_dir = optarg; break;
		case 'b': m->board = true; break;
		case 'o': m->once_name = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 'V': puts("cellmgr " CELLAR_VERSION); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "cellmgr: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -EINVAL;
	}
	if (m->once_name && (m->board || m->socket_path)) {
		fprintf(stderr, "cellmgr: --once runs without %s\n",
			m->board ? "the board (--board)" : "a control socket (--socket)");
		return -EINVAL;
	}
	return 0;
}

static void report_config(void *ctx, const char *msg)
{
	(void)ctx;
	log_error("%s", msg);
}

static void report_idmap(void *ctx, const char *msg)
{
	(void)ctx;
	log_error("%s", msg);
}

/* cellar-shim lives next to cellmgr (build/mgr/, /sbin/). */
static const char *find_shim(void)
{
	static char path[PATH_MAX];
	char *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", path, sizeof(path) - 16);
	if (n <= 0)
		return NULL;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash)
		return NULL;
	strcpy(slash + 1, "cellar-shim");
	if (access(path, X_OK) < 0) {
		log_warn("no %s: each cell's shim stays a copy of cellmgr", path);
		return NULL;
	}
	return path;
}

/* What every cell start uses, prepared once per configuration. */
static void setup_isolation(struct mgr *m)
{
	int r;

	m->shim_exe = find_shim();
	verity_sweep(); /* devices a dead shim-to-be left (verity.h) */

	if (!m->data_dir)
		m->data_dir = m->cfg.host.data_dir;
	r = idmap_init(&m->idmap, m->cfg.host.idmap_base, m->cfg.host.idmap_ranges);
	if (r == 0)
		r = idmap_load(&m->idmap, m->data_dir, report_idmap, NULL);
	/* A file that exists but cannot be read may hold ranges in use: then
	 * no range is given out, and user-namespaced cells fail to start. */
	m->idmap_usable = r >= 0;
	if (r < 0)
		log_errno(r, "id ranges in %s/%s: user-namespaced cells will not start",
			  m->data_dir, IDMAP_FILE_NAME);
	/* compiled at build time */
	seccomp_prog_cell(&m->seccomp, false);
	seccomp_prog_cell(&m->seccomp_io_uring, true);
	cgroup_root_init_for(&m->cgroups, "/sys/fs/cgroup", m->state_dir);
	devprog_init(&m->devices);
	if (m->cgroups.available &&
	    (devprog_add_defaults(&m->devices) < 0 || devprog_load(&m->devices, "cells") < 0))
		log_warn("cells start without a device program");
}

/* ---- what a cell's lifecycle means for the rest (cell.h) ------------- */

static void ev_output(void *ctx, struct cell *c, const char *buf, size_t len)
{
	struct mgr *m = ctx;

	console_output(&m->console, c, buf, len);
	ctl_on_console_output(m, c, buf, len);
	if (m->once == c)
		once_output(buf, len);
}

static void ev_started(void *ctx, struct cell *c)
{
	struct mgr *m = ctx;

	console_status(&m->console, true, "cell %s started", c->cfg.name);
}

static void ev_ready(void *ctx, struct cell *c)
{
	update_on_ready(ctx, c);
}

static bool ev_ending(void *ctx, struct cell *c, enum exit_kind kind)
{
	return update_on_end(ctx, c, kind);
}

static void ev_ended(void *ctx, struct cell *c, bool back_soon)
{
	struct mgr *m = ctx;

	seat_cell_ended(&m->seat, c, back_soon);
}

static void ev_failed(void *ctx, struct cell *c)
{
	struct mgr *m = ctx;

	console_status(&m->console, false, "cell %s: %s", c->cfg.name, c->reason);
}

static void ev_removed(void *ctx, struct cell *c)
{
	struct mgr *m = ctx;

	seat_cell_gone(&m->seat, c);
	ctl_forget_cell(m, c);
	record_mark_stopped(m->state_dir, c, false);
}

static const struct cell_events cell_events = {
    .output = ev_output,
    .started = ev_started,
    .ready = ev_ready,
    .ending = ev_ending,
    .ended = ev_ended,
    .failed = ev_failed,
    .removed = ev_removed,
};

static void on_signal(struct loop_fd *w, uint32_t events, void *data);

/* The state directory: made, made absolute, locked for this cellmgr's
 * life (statelock.h); the control socket's path in it. */
static int take_state_dir(struct mgr *m)
{
	static char state_buf[PATH_MAX], socket_buf[PATH_MAX];
	pid_t holder;

	if (mkdir(m->state_dir, 0700) < 0 && errno != EEXIST)
		return log_errno(neg_errno(), "state directory %s", m->state_dir);
	/* Absolute: the paths are used from other working directories (a
	 * cell's shim-to-be, cellmgr back from a shim's mount namespace for
	 * a hot-plugged device) and written into records and messages. */
	if (!realpath(m->state_dir, state_buf))
		return log_errno(neg_errno(), "state directory %s", m->state_dir);
	m->state_dir = state_buf;
	/* --once runs one cell beside whatever runs there (once.h), and
	 * takes no lock. */
	m->lock_fd = m->once_name ? -ENOLCK : statelock_take(m->state_dir, &holder);
	if (m->lock_fd == -EBUSY) {
		if (holder > 0)
			log_error("state directory %s is in use by cellmgr pid %d: one cellmgr per "
				  "state directory (--state-dir)",
				  m->state_dir, (int)holder);
		else
			log_error("state directory %s is in use by another cellmgr", m->state_dir);
		return -EBUSY;
	}
	if (m->lock_fd < 0 && !m->once_name)
		return log_errno(m->lock_fd, "lock %s/lock", m->state_dir);
	if (!m->socket_path) {
		if ((size_t)snprintf(socket_buf, sizeof(socket_buf), "%s/ctl.sock", m->state_dir) >=
		    sizeof(socket_buf))
			return log_errno(-ENAMETOOLONG, "state directory %s", m->state_dir);
		m->socket_path = socket_buf;
	}
	return 0;
}

static int setup(struct mgr *m)
{
	sigset_t mask;
	size_t i;
	int r;

	if ((r = loop_init(&m->loop)) < 0)
		return r;
	m->env = (struct cell_env){
	    .loop = &m->loop,
	    .drv = &cell_run_driver,
	    .drv_ctx = m,
	    .ev = &cell_events,
	    .ev_ctx = m,
	};
	seat_init(&m->seat, &m->loop, &m->cells);
	vt_init(&m->vt, &m->loop, &m->cells, &m->seat);
	console_init(&m->console, &m->loop, &m->cells, &m->seat, m->board);
	loop_fd_init(&m->w_ctl);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	m->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (m->sigfd < 0)
		return log_errno(neg_errno(), "signalfd");
	if ((r = loop_add_fd(&m->loop, &m->w_sig, m->sigfd, EPOLLIN, on_signal, m)) < 0)
		return r;
	if ((r = take_state_dir(m)) < 0)
		return r;
	m->own_mntns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (m->own_mntns < 0)
		return log_errno(neg_errno(), "open /proc/self/ns/mnt");

	r = config_load(&m->cfg, m->config_path, report_config, NULL);
	if (r == -ENOMEM)
		return log_errno(r, "%s", m->config_path);
	/* An unreadable or empty list still leaves cellmgr up and reachable. */
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers. */
	m->cells.v = calloc(m->cfg.n_cells + 1, sizeof(*m->cells.v));
	if (!m->cells.v)
		return log_errno(-ENOMEM, "cells");
	for (i = 0; i < m->cfg.n_cells; i++) {
		struct cell *c = cell_new(&m->cfg.cells[i], &m->env);

		if (!c)
			return log_errno(-ENOMEM, "cells");
		c->index = (unsigned)i + 1;
		m->cells.v[m->cells.n++] = c;
	}
	if (m->cfg.n_errors)
		log_warn("%s: %u error(s); %zu cell(s) usable", m->config_path, m->cfg.n_errors,
			 m->cells.n);
	setup_isolation(m);
	m->ctl_fd = -1;
	if (m->once_name)
		return 0; /* one cell, no one to serve */
	ctl_listen(m);
	admin_open(m);
	return 0;
}

/*
 * A cell list in which no cell is usable (missing, empty, or every cell
 * dropped for an error).  On a host shell, cellmgr says so in its last line
 * and exits 1: idling with nothing to run would hide the typo.  Under
 * cellar's init (--board) it stays up: init would only restart it into the
 * same list, while staying keeps the power key, the admin console and
 * `cellctl reload` to fix the list (docs/control.md).  Returns true when
 * cellmgr must exit.
 */
static bool nothing_to_run(const struct mgr *m)
{
	char errors[64] = "";

	if (m->cells.n)
		return false;
	if (m->cfg.n_errors)
		snprintf(errors, sizeof(errors), " (%u error%s above)", m->cfg.n_errors,
			 m->cfg.n_errors == 1 ? "" : "s");
	if (m->board) {
		log_error("%s: no usable cell%s: staying up for reload and the admin console",
			  m->config_path, errors);
		return false;
	}
	log_error("%s: no usable cell%s: nothing to run, exiting", m->config_path, errors);
	return true;
}

static void stop_all(struct mgr *m)
{
	size_t i;

	if (!m->stopping_all)
		log_info("stopping all cells");
	m->stopping_all = true;
	m->env.shutting_down = true;
	m->seat.shutting_down = true;
	for (i = 0; i < m->cells.n; i++)
		cell_stop(m->cells.v[i]);
}

static void on_signal(struct loop_fd *w, uint32_t events, void *data)
{
	struct mgr *m = data;
	struct signalfd_siginfo si;

	while (read(m->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT: stop_all(m); break;
		case SIGCHLD:
			/* Cells are reaped through their pidfds; anything else
			 * that was ours (there should be nothing) is reaped here. */
			for (size_t i = 0; i < m->cells.n; i++)
				cell_run_check_end(m, m->cells.v[i]);
			break;
		default: break;
		}
	}
}

/* For net_cleanup_stale(): whether the cell named name runs (adopted or
 * just started). */
static bool cell_running(void *ctx, const char *name)
{
	const struct mgr *m = ctx;

	for (size_t i = 0; i < m->cells.n; i++)
		if (strcmp(m->cells.v[i]->cfg.name, name) == 0 && cell_is_active(m->cells.v[i]))
			return true;
	return false;
}

/* What the process holds is released: its devices, its cgroup, its
 * sockets and files.  Its memory is not freed block by block: it goes
 * with the process in one piece, where each free of a large block would
 * be an munmap, a TLB flush on every CPU the shim-to-be ran on. */
static void teardown(struct mgr *m)
{
	if (!m->once_name) { /* --once opens neither */
		admin_close(m);
		ctl_close(m);
	}
	gpu_fini(&m->gpu);
	audio_fini(&m->audio);
	input_fini(m->input);
	m->input = NULL;
	console_detach(&m->console);
	vt_close(&m->vt);
	seat_fini(&m->seat);
	devprog_free(&m->devices);
	cgroup_root_fini(&m->cgroups);
	for (size_t i = 0; i < m->cells.n; i++)
		consolelog_close(&m->cells.v[i]->console_file);
	loop_fini(&m->loop);
}

/* Board mode: the seat's classes, in the order a switch brings them to
 * the front: the screen first (its VT), then the keys (once the VT is
 * active: the kernel's keyboard handler feeds the active VT), the serial
 * console last (its replay takes the UART a while; keys should not wait
 * for it). */
static void seat_setup(struct mgr *m)
{
	/* Sound first: its back is the last step away from the old front and
	 * its front the first to the new, so the sound changes hands at one
	 * moment whatever the other classes wait for (a compositor's
	 * acknowledgement). */
	if (audio_init(&m->audio, &m->loop, &m->seat, &m->cfg.host) < 0)
		log_error("audio: out of memory: no sound for the cells");
	else
		seat_add_class(&m->seat, &audio_class, &m->audio);
	seat_add_class(&m->seat, &vt_class, &m->vt);
	if (m->board) {
		console_attach(&m->console);
		m->input =
		    input_init(&m->loop, &m->cells, &m->seat, &m->vt, m->state_dir, m->own_mntns);
		vt_open(&m->vt);
	}
	/* A compositor's seat is enabled once its screen is (the VT), and
	 * let go before its keys are (reverse order on the way back). */
	gpu_init(&m->gpu, &m->loop, &m->seat, m->input, m->state_dir, m->own_mntns);
	m->seat.state_dir = m->state_dir; /* where it records the front */
	seat_add_class(&m->seat, &gpu_class, &m->gpu);
	if (m->input)
		seat_add_class(&m->seat, &input_class, m->input);
	seat_add_class(&m->seat, &console_class, &m->console);
}

/* Takes over the cells a cellmgr before left running, starts the others.
 * The front is the list's `foreground`, or, when this cellmgr takes the
 * cells over, the cell the one before had in front (<state>/front). */
static void start_cells(struct mgr *m)
{
	const struct cell_config *front = config_foreground(&m->cfg);
	char was[CELL_NAME_MAX + 1];
	struct cell *kept = NULL;

	record_front_read(m->state_dir, was, sizeof(was));
	for (size_t i = 0; i < m->cells.n; i++) {
		struct cell *c = m->cells.v[i];

		if (front && strcmp(front->name, c->cfg.name) == 0)
			seat_set_front(&m->seat, c);
		if (cell_run_adopt(m, c)) {
			/* killed while it stopped the cell: finish the stop */
			if (record_stopped_by_user(m->state_dir, c))
				cell_stop(c);
			else if (strcmp(was, c->cfg.name) == 0)
				kept = c;
		} else if (record_stopped_by_user(m->state_dir, c)) {
			c->stop_requested = true;
			log_info("cell %s: stopped by request before this cellmgr: not started",
				 c->cfg.name);
			/* its cgroup, if a killed cellmgr left it behind */
			cgroup_cell_remove(&m->cgroups, c->cfg.name);
		} else {
			cell_start(c);
		}
	}
	if (kept && kept != seat_front(&m->seat)) {
		log_info("front: cell %s, where the cellmgr before left it", kept->cfg.name);
		seat_set_front(&m->seat, kept);
	}
}

int main(int argc, char **argv)
{
	static struct mgr m;
	int status;

	if (parse_args(&m, argc, argv) < 0)
		return 2;
	if (geteuid() != 0) {
		log_error("must run as root");
		return 1;
	}
	if (setup(&m) < 0)
		return m.once_name ? ONCE_EXIT_ERROR : 1;
	if (m.once_name) {
		status = once_run(&m);
		teardown(&m);
		return status;
	}
	if (nothing_to_run(&m)) {
		teardown(&m);
		return 1;
	}
	seat_setup(&m);
	mgr_host_network(&m);
	start_cells(&m);
	/* After the adoptions: a c-NAME of a cell that runs now is its own. */
	net_cleanup_stale(cell_running, &m);
	if (seat_front(&m.seat)) {
		char err[128];

		if (seat_switch(&m.seat, seat_front(&m.seat), err, sizeof(err)) < 0)
			log_info("foreground: %s", err);
	}
	mgr_run(&m);
	teardown(&m);
	return 0;
}
