// SPDX-License-Identifier: MIT
/*
 * `exec` on the control socket (docs/control.md): the command's life as
 * the event loop sees it, never waiting on it.
 *
 *   start      mgr_exec(): its cgroup, the clone; watch the setup socket
 *              and the pidfd
 *   setup      reports until end of file on the setup socket: the exec
 *              happened ("ok" + the pty master or the pipes' ends to the
 *              client) or failed ("error: exec ps: ...")
 *   running    until its pidfd is readable; a client hangup kills it
 *   ended      reaped; cgroup.kill on its cgroup ends all it left behind;
 *              once cgroup.events says "populated 0" (or after
 *              CTL_EXEC_END_GRACE_MS) the client gets "status N" and the
 *              cgroup is removed
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "fdpass.h"
#include "log.h"
#include "mgr.h"
#include "ops.h"

#define EXEC_ERR_MAX 512

static void on_end_timeout(struct loop_timer *t, void *data);
static void on_setup(struct loop_fd *w, uint32_t events, void *data);
static void on_command_end(struct loop_fd *w, uint32_t events, void *data);
static void on_cgroup(struct loop_fd *w, uint32_t events, void *data);

void ctl_exec_init(struct mgr *m, struct ctl_exec *x)
{
	loop_timer_disarm(&m->loop, &x->t_end);
	memset(x, 0, sizeof(*x));
	x->pidfd = x->setup_fd = x->cgroup_fd = x->events_fd = -1;
	for (int i = 0; i < 3; i++)
		x->client_fds[i] = -1;
	loop_fd_init(&x->w_pid);
	loop_fd_init(&x->w_setup);
	loop_fd_init(&x->w_events);
	loop_timer_init(&x->t_end, on_end_timeout, m);
}

/* Closes fd, out of the loop first when w watches it. */
static void close_fd(struct mgr *m, int *fd, struct loop_fd *w)
{
	if (*fd < 0)
		return;
	if (w)
		loop_remove_fd(&m->loop, w);
	close(*fd);
	*fd = -1;
}

static void send_text(struct ctl_client *cl, const char *text)
{
	if (cl->fd >= 0)
		send(cl->fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void reply_error(struct mgr *m, struct ctl_client *cl, const char *why)
{
	char text[EXEC_ERR_MAX + 16];

	snprintf(text, sizeof(text), "error: %s\n", why);
	send_text(cl, text);
	ctl_client_close(m, cl);
}

/* "ok\n" and the client's ends: the pty master, or stdin's write end,
 * stdout's and stderr's read ends.  They are the client's now. */
static int reply_ok(struct ctl_client *cl)
{
	struct ctl_exec *x = &cl->exec;
	unsigned n = x->pty ? 1 : 3;
	int r;

	r = fdpass_send(cl->fd, "ok\n", 3, x->client_fds, n, MSG_DONTWAIT);
	fdpass_close(x->client_fds, 3);
	return r;
}

/* Kills the command and everything in its cgroup; no waiting. */
static void kill_all(struct mgr *m, struct ctl_exec *x)
{
	if (x->pidfd >= 0 && !x->ended)
		syscall(SYS_pidfd_send_signal, x->pidfd, SIGKILL, NULL, 0);
	if (x->cgroup_fd >= 0)
		cgroup_exec_kill(&m->cgroups, x->cgroup_fd, x->cgroup);
}

static void forget(struct mgr *m, struct ctl_exec *x)
{
	close_fd(m, &x->pidfd, &x->w_pid);
	close_fd(m, &x->setup_fd, &x->w_setup);
	close_fd(m, &x->events_fd, &x->w_events);
	for (int i = 0; i < 3; i++)
		close_fd(m, &x->client_fds[i], NULL);
	if (x->cgroup_fd >= 0) {
		close_fd(m, &x->cgroup_fd, NULL);
		cgroup_exec_remove(&m->cgroups, x->cgroup);
	}
	ctl_exec_init(m, x);
}

static void send_status(struct mgr *m, struct ctl_client *cl)
{
	struct ctl_exec *x = &cl->exec;
	char text[64];
	int n;

	if (cl->fd < 0)
		return;
	n = ctl_exec_result_format(text, sizeof(text), x->signaled, x->code);
	if (n > 0)
		send(cl->fd, text, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	ctl_client_close(m, cl);
}

/* Once the command has ended: kill its cgroup, and when that is empty,
 * tell the client and remove it. */
static void advance(struct mgr *m, struct ctl_client *cl)
{
	struct ctl_exec *x = &cl->exec;
	int populated = 0;

	if (!x->active || x->setup_fd >= 0 || !x->ended)
		return;
	if (x->cgroup_fd >= 0 && !x->killed) {
		x->killed = true;
		cgroup_exec_kill(&m->cgroups, x->cgroup_fd, x->cgroup);
		loop_timer_in(&m->loop, &x->t_end, CTL_EXEC_END_GRACE_MS);
		x->events_fd = openat(x->cgroup_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
		if (x->events_fd >= 0 &&
		    loop_add_fd(&m->loop, &x->w_events, x->events_fd, EPOLLPRI, on_cgroup, m) < 0)
			close_fd(m, &x->events_fd, NULL);
	}
	/* Read after the watch: a change in between still wakes the loop. */
	if (x->events_fd >= 0)
		populated = cgroup_populated(x->events_fd);
	if (populated > 0) {
		/* on_end_timeout() sends the status at the deadline. */
		return;
	}
	send_status(m, cl);
	forget(m, x);
}

void ctl_exec_start(struct mgr *m, struct ctl_client *cl, const struct ctl_request *req,
		    struct cell *c)
{
	struct ctl_exec *x = &cl->exec;
	struct exec_spawn s = {
	    .io = req->pty ? ATTACH_PTY : ATTACH_PIPES,
	    .rows = (unsigned short)req->rows,
	    .cols = (unsigned short)req->cols,
	    .argv = (char *const *)req->argv,
	    .n = (unsigned)(cl - m->ctl_clients),
	};
	char err[EXEC_ERR_MAX] = "";
	int r;

	ctl_exec_init(m, x);
	r = mgr_exec(m, c, &s, err, sizeof(err));
	if (r < 0) {
		if (!err[0])
			snprintf(err, sizeof(err), "exec in cell %s: %s", c->cfg.name,
				 strerror(-r));
		reply_error(m, cl, err);
		return;
	}
	x->active = true;
	x->pty = req->pty;
	x->pidfd = s.started.pidfd;
	x->setup_fd = s.started.setup_fd;
	memcpy(x->client_fds, s.started.client_fds, sizeof(x->client_fds));
	x->cgroup_fd = s.cgroup_fd;
	snprintf(x->cgroup, sizeof(x->cgroup), "%s", s.cgroup);
	snprintf(x->cell, sizeof(x->cell), "%s", c->cfg.name);
	cl->mode = CTL_CLIENT_EXEC;
	if (loop_add_fd(&m->loop, &x->w_pid, x->pidfd, EPOLLIN, on_command_end, m) < 0 ||
	    loop_add_fd(&m->loop, &x->w_setup, x->setup_fd, EPOLLIN, on_setup, m) < 0) {
		/* Unsupervised, it must not run.  epoll_ctl fails only out of
		 * memory; the child is fresh, SIGKILLed, in a cgroup the cell
		 * cannot freeze, so this wait is short. */
		siginfo_t si;

		kill_all(m, x);
		waitid(P_PIDFD, (id_t)x->pidfd, &si, WEXITED);
		forget(m, x);
		reply_error(m, cl, "exec: cannot watch the command");
	}
}

static void on_setup(struct loop_fd *w, uint32_t events, void *data)
{
	struct mgr *m = data;
	struct ctl_exec *x = container_of(w, struct ctl_exec, w_setup);
	struct ctl_client *cl = container_of(x, struct ctl_client, exec);
	struct child_error e = {0};
	char why[EXEC_ERR_MAX];
	int master = x->client_fds[0], r;

	if (x->setup_fd < 0)
		return;
	if (!x->pty)
		master = -1;
	r = attach_read_setup(x->setup_fd, &master, &e);
	if (x->pty)
		x->client_fds[0] = master;
	else if (master >= 0)
		close(master); /* never sent for pipes */
	if (r == 1)
		return;
	close_fd(m, &x->setup_fd, &x->w_setup);
	if (r == 0 && x->pty && x->client_fds[0] < 0) {
		r = -EPIPE;
		child_error_set(&e, r, "the command ended before its pty was ready");
	}
	if (r < 0) {
		snprintf(why, sizeof(why), "%s: %s", e.step, strerror(-e.err));
		reply_error(m, cl, why);
	} else if (cl->fd >= 0 && reply_ok(cl) < 0) {
		/* The client is gone: as on a hangup. */
		kill_all(m, x);
		ctl_client_close(m, cl);
	}
	advance(m, cl);
}

static void on_command_end(struct loop_fd *w, uint32_t events, void *data)
{
	struct mgr *m = data;
	struct ctl_exec *x = container_of(w, struct ctl_exec, w_pid);
	struct ctl_client *cl = container_of(x, struct ctl_client, exec);
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (x->pidfd < 0 || waitid(P_PIDFD, (id_t)x->pidfd, &si, WEXITED | WNOHANG) < 0 ||
	    si.si_pid == 0)
		return;
	close_fd(m, &x->pidfd, &x->w_pid);
	x->ended = true;
	x->signaled = si.si_code != CLD_EXITED;
	x->code = si.si_status;
	advance(m, cl);
}

static void on_cgroup(struct loop_fd *w, uint32_t events, void *data)
{
	struct ctl_exec *x = container_of(w, struct ctl_exec, w_events);

	advance(data, container_of(x, struct ctl_client, exec));
}

void ctl_exec_hangup(struct mgr *m, struct ctl_client *cl)
{
	struct ctl_exec *x = &cl->exec;

	if (!x->active)
		return;
	kill_all(m, x);
	for (int i = 0; i < 3; i++)
		close_fd(m, &x->client_fds[i], NULL);
}

static void on_end_timeout(struct loop_timer *t, void *data)
{
	struct mgr *m = data;
	struct ctl_exec *x = container_of(t, struct ctl_exec, t_end);
	struct ctl_client *cl = container_of(x, struct ctl_client, exec);

	if (!x->active || !x->killed)
		return;
	log_warn("cell %s: exec: %s/%s still has processes %d ms after cgroup.kill; the "
		 "client gets the status now, the cgroup goes once empty",
		 x->cell, m->cgroups.path, x->cgroup, CTL_EXEC_END_GRACE_MS);
	send_status(m, cl);
}

void ctl_exec_abandon(struct mgr *m, struct ctl_client *cl)
{
	struct ctl_exec *x = &cl->exec;

	if (!x->active)
		return;
	kill_all(m, x);
	/* rmdir fails while the killed processes exit: the next cellmgr's
	 * cgroup_exec_sweep() removes what is left. */
	forget(m, x);
}
