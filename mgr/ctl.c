// SPDX-License-Identifier: MIT
/* The control socket: one request, one reply (mgr/ctl_proto.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "log.h"
#include "mgr.h"

int ctl_listen(struct mgr *m)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(m->socket_path) >= sizeof(sa.sun_path))
		return log_errno(-ENAMETOOLONG, "control socket %s", m->socket_path);
	strcpy(sa.sun_path, m->socket_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return log_errno(neg_errno(), "control socket");
	/* A socket left by a previous cellmgr is ours to replace. */
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0600) < 0 ||
	    listen(fd, 16) < 0) {
		r = log_errno(neg_errno(), "control socket %s", m->socket_path);
		close(fd);
		return r;
	}
	r = mgr_watch(m, fd, &m->w_ctl, WATCH_CTL_LISTEN, NULL);
	if (r < 0) {
		close(fd);
		return r;
	}
	m->ctl_fd = fd;
	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++)
		m->ctl_clients[i].fd = -1;
	return 0;
}

static void client_close(struct mgr *m, struct ctl_client *cl)
{
	mgr_unwatch(m, cl->fd);
	close(cl->fd);
	cl->fd = -1;
}

void ctl_close(struct mgr *m)
{
	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++)
		if (m->ctl_clients[i].fd >= 0)
			client_close(m, &m->ctl_clients[i]);
	if (m->ctl_fd >= 0) {
		mgr_unwatch(m, m->ctl_fd);
		close(m->ctl_fd);
		m->ctl_fd = -1;
		unlink(m->socket_path);
	}
}

void ctl_on_connection(struct mgr *m)
{
	struct ctl_client *cl = NULL;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd;

	fd = accept4(m->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	/* Only root of cellmgr's own user namespace controls cellar. */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != 0) {
		send(fd, "error: permission denied\n", 25, MSG_NOSIGNAL);
		close(fd);
		return;
	}
	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++)
		if (m->ctl_clients[i].fd < 0) {
			cl = &m->ctl_clients[i];
			break;
		}
	if (!cl) {
		send(fd, "error: busy\n", 12, MSG_NOSIGNAL);
		close(fd);
		return;
	}
	cl->fd = fd;
	if (mgr_watch(m, fd, &cl->w, WATCH_CTL_CLIENT, cl) < 0) {
		close(fd);
		cl->fd = -1;
	}
}

struct reply {
	char buf[CTL_REPLY_MAX];
	size_t len;
};

__attribute__((format(printf, 2, 3)))
static void reply_add(struct reply *rp, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (rp->len >= sizeof(rp->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(rp->buf + rp->len, sizeof(rp->buf) - rp->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		rp->len += (size_t)n;
	if (rp->len > sizeof(rp->buf))
		rp->len = sizeof(rp->buf);
}

static struct cell *find_cell(struct mgr *m, const char *name)
{
	for (size_t i = 0; i < m->n_cells; i++)
		if (strcmp(m->cells[i].cfg.name, name) == 0)
			return &m->cells[i];
	return NULL;
}

static void cmd_list(struct mgr *m, struct reply *rp)
{
	reply_add(rp, "ok\n");
	for (size_t i = 0; i < m->n_cells; i++) {
		const struct cell *c = &m->cells[i];

		reply_add(rp, "%s %s %d %s\n", c->cfg.name, cell_state_name(c->state),
			  (int)c->pid, m->console.front == c ? "front" : "-");
	}
}

static void cmd_status(struct mgr *m, const char *name, struct reply *rp)
{
	struct cell *c = find_cell(m, name);

	if (!c) {
		reply_add(rp, "error: no cell '%s'\n", name);
		return;
	}
	reply_add(rp, "ok\nname: %s\nstate: %s\npid: %d\nimage: %s\ninit: %s\n", c->cfg.name,
		  cell_state_name(c->state), (int)c->pid, c->cfg.image, c->cfg.init);
	if (c->reason[0])
		reply_add(rp, "reason: %s\n", c->reason);
}

static void cmd_log(struct mgr *m, const char *name, struct reply *rp)
{
	struct cell *c = find_cell(m, name);
	size_t room;

	if (!c) {
		reply_add(rp, "error: no cell '%s'\n", name);
		return;
	}
	reply_add(rp, "ok\n");
	room = sizeof(rp->buf) - rp->len;
	rp->len += ring_tail_lines(&c->console_log, UINT_MAX, rp->buf + rp->len, room);
}

static void handle(struct mgr *m, char *req, struct reply *rp)
{
	char *save = NULL;
	char *version = strtok_r(req, " \n", &save);
	char *cmd = strtok_r(NULL, " \n", &save);
	char *arg = strtok_r(NULL, " \n", &save);
	char *extra = strtok_r(NULL, " \n", &save);

	if (!version || strcmp(version, CTL_VERSION) != 0) {
		reply_add(rp, "error: unsupported protocol (expected %s)\n", CTL_VERSION);
		return;
	}
	if (!cmd) {
		reply_add(rp, "error: missing command\n");
		return;
	}
	if (strcmp(cmd, "list") == 0 && !arg) {
		cmd_list(m, rp);
	} else if (strcmp(cmd, "status") == 0 && arg && !extra) {
		cmd_status(m, arg, rp);
	} else if (strcmp(cmd, "log") == 0 && arg && !extra) {
		cmd_log(m, arg, rp);
	} else if (strcmp(cmd, "list") == 0 || strcmp(cmd, "status") == 0 ||
		   strcmp(cmd, "log") == 0) {
		reply_add(rp, "error: %s: wrong number of arguments\n", cmd);
	} else {
		reply_add(rp, "error: unknown command '%.64s'\n", cmd);
	}
}

void ctl_on_request(struct mgr *m, struct ctl_client *cl)
{
	static struct reply rp;
	char req[CTL_MSG_MAX + 1];
	ssize_t n;

	n = recv(cl->fd, req, CTL_MSG_MAX + 1, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	rp.len = 0;
	if (n <= 0) {
		client_close(m, cl);
		return;
	}
	if (n > CTL_MSG_MAX)
		reply_add(&rp, "error: request too long (at most %d bytes)\n", CTL_MSG_MAX);
	else if (memchr(req, '\0', (size_t)n))
		reply_add(&rp, "error: NUL byte in request\n");
	else {
		req[n] = '\0';
		handle(m, req, &rp);
	}
	send(cl->fd, rp.buf, rp.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	client_close(m, cl);
}
