// SPDX-License-Identifier: MIT
/*
 * The control socket (docs/control.md): requests decoded by ctl_proto.c,
 * answered with the operations of ops.h.  Nothing here blocks: every
 * socket is non-blocking, a client that has not sent its request within
 * CTL_REQUEST_TIMEOUT_MS is dropped, and a log follower that does not
 * keep up is dropped rather than buffered for.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "fdpass.h"
#include "log.h"
#include "mgr.h"
#include "ops.h"
#include "update.h"

/* What a follower may have queued in the kernel before it is dropped. */
#define FOLLOW_SNDBUF (256 * 1024)
#define ERR_MAX 512
#define RELOAD_ERRORS_MAX 16384

static void on_connection(struct loop_fd *w, uint32_t events, void *data);
static void on_request(struct loop_fd *w, uint32_t events, void *data);
static void on_request_timeout(struct loop_timer *t, void *data);

/* A free slot: no fd in the loop, no timer armed. */
static void slot_init(struct mgr *m, struct ctl_client *cl)
{
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
	loop_fd_init(&cl->w);
	loop_timer_init(&cl->t_request, on_request_timeout, m);
	ctl_exec_init(m, &cl->exec);
}

int ctl_listen(struct mgr *m)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, r;

	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++)
		slot_init(m, &m->ctl_clients[i]);
	/* Commands a killed cellmgr's clients had started lost them. */
	cgroup_exec_sweep(&m->cgroups);
	if (strlen(m->socket_path) >= sizeof(sa.sun_path))
		return log_errno(-ENAMETOOLONG, "control socket %s", m->socket_path);
	strcpy(sa.sun_path, m->socket_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return log_errno(neg_errno(), "control socket");
	/* A socket left by a previous cellmgr is ours to replace. */
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0600) < 0 ||
	    listen(fd, CTL_CLIENTS_MAX) < 0) {
		r = log_errno(neg_errno(), "control socket %s", m->socket_path);
		close(fd);
		return r;
	}
	r = loop_add_fd(&m->loop, &m->w_ctl, fd, EPOLLIN, on_connection, m);
	if (r < 0) {
		close(fd);
		return r;
	}
	m->ctl_fd = fd;
	return 0;
}

void ctl_close(struct mgr *m)
{
	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++) {
		struct ctl_client *cl = &m->ctl_clients[i];

		ctl_client_close(m, cl);
		ctl_exec_abandon(m, cl);
	}
	if (m->ctl_fd >= 0) {
		loop_remove_fd(&m->loop, &m->w_ctl);
		close(m->ctl_fd);
		m->ctl_fd = -1;
		unlink(m->socket_path);
	}
}

static void send_text(int fd, const char *text)
{
	send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Turns a connection away with a reason.  A request already queued is
 * read first: closing a unix socket with unread data makes the peer's
 * next recv fail with ECONNRESET before it sees the reason. */
static void refuse(int fd, const char *text)
{
	char drop[64];

	send_text(fd, text);
	for (int i = 0; i < 4 && recv(fd, drop, sizeof(drop), MSG_DONTWAIT) > 0; i++)
		;
	close(fd);
}

/* True when the client's request is already queued on its socket: it is
 * read in this round of the loop, so it is not idle. */
static bool request_queued(int fd)
{
	int n = 0;

	return ioctl(fd, FIONREAD, &n) == 0 && n > 0;
}

/* Every slot taken: the connection that has waited longest without sending
 * its request makes room (it had its chance; a flood of silent clients
 * would otherwise lock every legitimate one out for CTL_REQUEST_TIMEOUT_MS
 * at a time).  One whose request has arrived but is not read yet is never
 * the one.  Log followers and exec keep theirs.  Returns the freed slot
 * or NULL. */
static struct ctl_client *evict_idle(struct mgr *m)
{
	struct ctl_client *oldest = NULL;

	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++) {
		struct ctl_client *cl = &m->ctl_clients[i];

		if (cl->fd >= 0 && cl->mode == CTL_CLIENT_REQUEST && !cl->exec.active &&
		    !request_queued(cl->fd) &&
		    (!oldest || cl->t_request.at_ms < oldest->t_request.at_ms))
			oldest = cl;
	}
	if (oldest) {
		send_text(oldest->fd, CTL_BUSY_REPLY);
		ctl_client_close(m, oldest);
	}
	return oldest;
}

static void on_connection(struct loop_fd *w, uint32_t events, void *data)
{
	struct mgr *m = data;
	struct ctl_client *cl = NULL;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd;

	fd = accept4(m->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	/* Only root of cellmgr's own user namespace controls cellar: the
	 * kernel maps the peer's uid into ours, so a cell's root (a
	 * mapped, non-zero uid here) is refused too. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != 0) {
		refuse(fd, "error: permission denied\n");
		return;
	}
	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++)
		if (m->ctl_clients[i].fd < 0 && !m->ctl_clients[i].exec.active) {
			cl = &m->ctl_clients[i];
			break;
		}
	if (!cl)
		cl = evict_idle(m);
	if (!cl) {
		refuse(fd, CTL_BUSY_REPLY);
		return;
	}
	slot_init(m, cl);
	if (loop_add_fd(&m->loop, &cl->w, fd, EPOLLIN, on_request, m) < 0) {
		close(fd);
		return;
	}
	cl->fd = fd;
	cl->mode = CTL_CLIENT_REQUEST;
	loop_timer_in(&m->loop, &cl->t_request, CTL_REQUEST_TIMEOUT_MS);
}

/* The reply being built; one at a time, as the event loop is. */
struct reply {
	char buf[CTL_REPLY_MAX];
	struct ctl_buf b;
};

static void reply_reset(struct reply *rp)
{
	rp->b = (struct ctl_buf){.buf = rp->buf, .cap = sizeof(rp->buf)};
}

static void reply_error(struct reply *rp, const char *text)
{
	reply_reset(rp);
	ctl_buf_printf(&rp->b, "error: %s\n", text);
}

/* start, stop, restart, switch: "ok\n" or the operation's message. */
static void simple_op(struct mgr *m, const struct ctl_request *req, struct cell *c,
		      struct reply *rp)
{
	char err[ERR_MAX] = "";
	int r;

	switch (req->cmd) {
	case CTL_CMD_START: r = mgr_start(m, c, err, sizeof(err)); break;
	case CTL_CMD_STOP: r = mgr_stop(m, c, err, sizeof(err)); break;
	case CTL_CMD_RESTART: r = mgr_restart(m, c, err, sizeof(err)); break;
	case CTL_CMD_SWITCH: r = mgr_switch(m, c, err, sizeof(err)); break;
	default: r = -ENOSYS; break;
	}
	if (r < 0 && !err[0])
		snprintf(err, sizeof(err), "%s %s: %s", ctl_cmd_name(req->cmd), c->cfg.name,
			 strerror(-r));
	if (r < 0)
		reply_error(rp, err);
	else if (err[0]) /* a note: what it did */
		ctl_buf_printf(&rp->b, "ok\n%s\n", err);
	else
		ctl_buf_printf(&rp->b, "ok\n");
}

/* Every line of errors becomes one "error: " line of the reply. */
static void reload(struct mgr *m, const struct ctl_request *req, struct reply *rp)
{
	static char errors[RELOAD_ERRORS_MAX];
	const char *line, *end;
	int r;

	errors[0] = '\0';
	r = mgr_reload(m, req->allow_empty, errors, sizeof(errors));
	if (r >= 0) {
		ctl_buf_printf(&rp->b, "ok\n");
		return;
	}
	if (!errors[0])
		snprintf(errors, sizeof(errors), "reload %s: %s", m->config_path, strerror(-r));
	for (line = errors; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (end > line)
			ctl_buf_printf(&rp->b, "error: %.*s\n", (int)(end - line), line);
	}
}

static void log_reply(struct cell *c, struct reply *rp)
{
	struct ctl_buf *b = &rp->b;

	ctl_buf_printf(b, "ok\n");
	b->len += ring_tail_lines(&c->console_log, UINT_MAX, b->buf + b->len, b->cap - b->len);
}

/* Sends the reply; for a follower or a command, keeps the connection. */
static void finish(struct mgr *m, struct ctl_client *cl, struct reply *rp, bool keep)
{
	if (rp->b.truncated)
		reply_error(rp, "reply too long");
	if (send(cl->fd, rp->b.buf, rp->b.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 || !keep)
		ctl_client_close(m, cl);
}

/*
 * Decodes a request and answers it when the answer is all there is: the
 * reply is then in rp and true is returned.  exec and log follow need the
 * connection (held_ok): false is returned, with req and *cp set and, for
 * log follow, the ring's content in rp.  Without held_ok (another front
 * end, ctl_run) they are refused.
 */
static bool answer(struct mgr *m, const char *msg, size_t len, unsigned n_fds, bool held_ok,
		   struct ctl_request *req, struct cell **cp, struct reply *rp)
{
	const char *why;
	struct cell *c = NULL;
	char text[ERR_MAX], held[32];

	if (ctl_request_decode(msg, len, req, &why) < 0) {
		reply_error(rp, why);
		return true;
	}
	if (!held_ok && ctl_request_held(req, held, sizeof(held))) {
		snprintf(text, sizeof(text), "%s needs a control socket connection", held);
		reply_error(rp, text);
		return true;
	}
	/* The client's own descriptors never go into a cell (cellmgr makes
	 * the command's pty or pipes); a client from before that sends its
	 * stdin, stdout and stderr. */
	if (req->cmd == CTL_CMD_EXEC && n_fds) {
		reply_error(rp, "exec: a request carries no file descriptors (the command gets "
				"a pty or pipes of cellmgr's, relayed by the client)");
		return true;
	}
	if (req->name && !(c = mgr_find_cell(m, req->name))) {
		ctl_no_cell_text(m, req->name, text, sizeof(text));
		reply_error(rp, text);
		return true;
	}
	*cp = c;
	switch (req->cmd) {
	case CTL_CMD_LIST:
		ctl_buf_printf(&rp->b, "ok\n");
		if (req->json)
			ctl_list_json(m, &rp->b);
		else
			ctl_list_text(m, &rp->b);
		break;
	case CTL_CMD_STATUS:
		ctl_buf_printf(&rp->b, "ok\n");
		if (req->json)
			ctl_status_json(m, c, &rp->b);
		else
			ctl_status_text(m, c, &rp->b);
		break;
	case CTL_CMD_START:
	case CTL_CMD_STOP:
	case CTL_CMD_RESTART:
	case CTL_CMD_SWITCH: simple_op(m, req, c, rp); break;
	case CTL_CMD_RELOAD: reload(m, req, rp); break;
	case CTL_CMD_UPDATE: update_ctl(m, req, c, &rp->b); break;
	case CTL_CMD_LOG: log_reply(c, rp); return !req->follow;
	case CTL_CMD_EXEC:
	case CTL_CMD_CONSOLE: return false;
	}
	return true;
}

static void handle(struct mgr *m, struct ctl_client *cl, const char *msg, size_t len,
		   unsigned n_fds, struct reply *rp)
{
	static struct ctl_request req;
	struct cell *c = NULL;
	int sndbuf = FOLLOW_SNDBUF;

	if (answer(m, msg, len, n_fds, true, &req, &c, rp)) {
		finish(m, cl, rp, false);
		return;
	}
	if (req.cmd == CTL_CMD_EXEC) {
		ctl_exec_start(m, cl, &req, c);
		return;
	}
	if (req.cmd == CTL_CMD_CONSOLE) {
		reply_reset(rp);
		ctl_console_start(m, cl, &req, c, &rp->b);
		finish(m, cl, rp, true);
		return;
	}
	/* log follow */
	setsockopt(cl->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	cl->mode = CTL_CLIENT_FOLLOW;
	cl->follow = c;
	finish(m, cl, rp, true);
}

/* A follower or an exec client is not expected to send anything more:
 * what it sends is read and dropped; its hangup ends it. */
static void on_open_connection(struct mgr *m, struct ctl_client *cl)
{
	char buf[256];
	ssize_t n;

	if (ctl_console_input(m, cl))
		return;
	n = recv(cl->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)))
		return;
	/* Like lxc-attach: a command whose client hangs up is killed, and
	 * all it started with it. */
	if (cl->mode == CTL_CLIENT_EXEC)
		ctl_exec_hangup(m, cl);
	ctl_client_close(m, cl);
}

/* One request and one reply at a time, as the event loop runs: the socket
 * and ctl_run share them. */
static struct reply reply;
static char request[CTL_REQUEST_MAX + 1];

static void on_request(struct loop_fd *w, uint32_t events, void *data)
{
	struct mgr *m = data;
	struct ctl_client *cl = container_of(w, struct ctl_client, w);
	int fds[CTL_EXEC_FDS] = {-1, -1, -1};
	unsigned n_fds;
	ssize_t n;

	if (cl->fd < 0)
		return;
	if (cl->mode != CTL_CLIENT_REQUEST) {
		on_open_connection(m, cl);
		return;
	}
	n = fdpass_recv(cl->fd, request, sizeof(request), fds, CTL_EXEC_FDS, &n_fds,
			MSG_DONTWAIT | MSG_TRUNC);
	if (n == -EAGAIN)
		return;
	if (n <= 0 && n != -EMSGSIZE) {
		ctl_client_close(m, cl);
		return;
	}
	reply_reset(&reply);
	if (n == -EMSGSIZE) {
		reply_error(&reply, "too many file descriptors");
		finish(m, cl, &reply, false);
	} else if ((size_t)n > CTL_REQUEST_MAX)
		handle(m, cl, request, (size_t)CTL_REQUEST_MAX + 1, n_fds, &reply);
	else
		handle(m, cl, request, (size_t)n, n_fds, &reply);
	fdpass_close(fds, n_fds);
}

const char *ctl_run(struct mgr *m, unsigned n, const char *const fields[], size_t *len)
{
	static struct ctl_request req;
	struct cell *c = NULL;
	ssize_t k;

	reply_reset(&reply);
	k = ctl_request_encode(request, sizeof(request), n, fields);
	if (k == -EMSGSIZE)
		reply_error(&reply, "request too long (at most 8192 bytes, 256 fields)");
	else if (k < 0)
		reply_error(&reply, "missing command");
	else
		answer(m, request, (size_t)k, 0, false, &req, &c, &reply);
	if (reply.b.truncated)
		reply_error(&reply, "reply too long");
	*len = reply.b.len;
	return reply.b.buf;
}

/* A client that sent no request in time is dropped. */
static void on_request_timeout(struct loop_timer *t, void *data)
{
	struct ctl_client *cl = container_of(t, struct ctl_client, t_request);

	if (cl->fd < 0 || cl->mode != CTL_CLIENT_REQUEST)
		return;
	send_text(cl->fd, "error: no request in time\n");
	ctl_client_close(data, cl);
}

void ctl_on_console_output(struct mgr *m, struct cell *c, const char *buf, size_t len)
{
	for (size_t i = 0; i < CTL_CLIENTS_MAX && len > 0; i++) {
		struct ctl_client *cl = &m->ctl_clients[i];

		if (cl->fd < 0 || cl->follow != c ||
		    (cl->mode != CTL_CLIENT_FOLLOW && cl->mode != CTL_CLIENT_CONSOLE))
			continue;
		/* One message per chunk; a full queue means it does not read. */
		if (send(cl->fd, buf, len < CTL_REPLY_MAX ? len : CTL_REPLY_MAX,
			 MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			log_info("cell %s: a %s fell behind: dropped", c->cfg.name,
				 cl->mode == CTL_CLIENT_CONSOLE ? "console client"
								: "log follower");
			ctl_client_close(m, cl);
		}
	}
}

void ctl_forget_cell(struct mgr *m, struct cell *c)
{
	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++) {
		struct ctl_client *cl = &m->ctl_clients[i];

		if (cl->fd >= 0 && cl->follow == c &&
		    (cl->mode == CTL_CLIENT_FOLLOW || cl->mode == CTL_CLIENT_CONSOLE))
			ctl_client_close(m, cl);
	}
}
