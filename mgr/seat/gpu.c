// SPDX-License-Identifier: MIT
/* A compositor's seat: cellmgr as each gpu cell's seatd (gpu.h). */
#include "gpu.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#include "cell.h"
#include "drm.h"
#include "fdpass.h"
#include "input.h"
#include "log.h"
#include "mountutil.h"
#include "seat.h"

#define SOCKET_NAME "seatd.sock"
#define CARD_PATH "/dev/dri/card0" /* the cell's name of its file of the card */
#define DEV_CARD (-2)		   /* a device entry that is the cell's card */
#define SEAT_NAME "seat0"

void gpu_init(struct gpu *g, struct loop *loop, struct seat *seat, struct input *input,
	      const char *state_dir, int own_mntns)
{
	memset(g, 0, sizeof(*g));
	g->loop = loop;
	g->seat = seat;
	g->input = input;
	g->state_dir = state_dir;
	g->own_mntns = own_mntns;
	g->drm_own = g->drm_master = -1;
	for (unsigned i = 0; i < GPU_CELLS_MAX; i++) {
		g->cells[i].listen_fd = g->cells[i].drm_fd = -1;
		loop_fd_init(&g->cells[i].w_listen);
	}
}

/* The card, at the first gpu cell: cellmgr's own file of it. */
static void open_card(struct gpu *g)
{
	int fd;

	if (g->drm_own >= 0 || g->card[0] == '-')
		return;
	if (drm_find_card(g->card, sizeof(g->card)) < 0) {
		log_warn("gpu: no DRM card (/dev/dri/card*): compositors get no screen");
		snprintf(g->card, sizeof(g->card), "-");
		return;
	}
	fd = drm_open_card(g->card, -1);
	if (fd < 0) {
		log_errno(fd, "gpu: %s: compositors get no screen", g->card);
		snprintf(g->card, sizeof(g->card), "-");
		return;
	}
	g->drm_own = fd;
	log_info("gpu: %s: its master goes to the front cell's compositor", g->card);
}

/* The cell's compositor lets go of the screen: master back to nobody,
 * every CRTC off through cellmgr's own file, so that no frame of the
 * background cell stays on the screen. */
static void screen_back(struct gpu_cell *gc)
{
	struct gpu *g = gc->g;
	int r;

	if (gc->drm_fd < 0)
		return;
	if ((r = drm_drop_master(gc->drm_fd)) < 0 && r != -EINVAL)
		log_errno(r, "gpu: cell %s: drop its DRM master", gc->c->cfg.name);
	if (g->drm_master == gc->drm_fd)
		g->drm_master = -1;
	if (g->drm_own < 0)
		return;
	if ((r = drm_set_master(g->drm_own)) < 0) {
		log_errno(r, "gpu: %s: master for the blank frame", g->card);
		return;
	}
	if ((r = drm_blank(g->drm_own)) < 0)
		log_errno(r, "gpu: %s: blank the screen", g->card);
	drm_drop_master(g->drm_own);
}

static struct gpu_cell *find(struct gpu *g, const struct cell *c)
{
	for (unsigned i = 0; i < GPU_CELLS_MAX; i++)
		if (g->cells[i].c == c)
			return &g->cells[i];
	return NULL;
}

/* ---- a client ---------------------------------------------------------- */

static void send_msg(struct gpu_client *cl, const void *msg, size_t len)
{
	/* A client that does not read its seat loses it: a message is a few
	 * bytes, the socket buffer holds thousands. */
	if (send(cl->fd, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_errno(neg_errno(), "gpu: cell %s: seat client: send", cl->gc->c->cfg.name);
}

static void send_empty(struct gpu_client *cl, uint16_t opcode)
{
	unsigned char msg[SEATD_MSG_MAX];

	send_msg(cl, msg, seatd_encode_empty(msg, opcode));
}

static void send_error(struct gpu_client *cl, int err)
{
	unsigned char msg[SEATD_MSG_MAX];

	send_msg(cl, msg, seatd_encode_error(msg, err));
}

/* What the client opened goes dead for it too (the same open file):
 * EVIOCREVOKE on evdev, as seatd does. */
static void revoke_all(struct gpu_client *cl)
{
	for (unsigned i = 0; i < GPU_DEVICES_MAX; i++) {
		if (cl->dev[i].fd == DEV_CARD) {
			cl->dev[i].fd = -1; /* the card: its master is the cell's */
			continue;
		}
		if (cl->dev[i].fd < 0)
			continue;
		if (ioctl(cl->dev[i].fd, EVIOCREVOKE, NULL) < 0)
			log_errno(neg_errno(), "gpu: cell %s: revoke %s", cl->gc->c->cfg.name,
				  cl->dev[i].path);
		close(cl->dev[i].fd);
		cl->dev[i].fd = -1;
	}
}

static bool has_card(const struct gpu_client *cl)
{
	for (unsigned i = 0; i < GPU_DEVICES_MAX; i++)
		if (cl->dev[i].fd == DEV_CARD)
			return true;
	return false;
}

/* A client goes (it closed its seat, crashed, or its cell ended).  The
 * front cell's compositor that had the screen leaves nothing on it: the
 * screen is blanked at once and the cell's file is master again, for the
 * compositor its init starts next.  The cell keeps the front. */
static void client_close(struct gpu_client *cl)
{
	struct gpu_cell *gc = cl->gc;
	bool screen = cl->fd >= 0 && gc->front && has_card(cl);

	if (cl->fd < 0)
		return;
	revoke_all(cl);
	loop_remove_fd(gc->g->loop, &cl->w);
	close(cl->fd);
	cl->fd = -1;
	cl->opened = cl->enabled = cl->disabling = false;
	for (unsigned i = 0; screen && i < GPU_CLIENTS_MAX; i++)
		if (gc->clients[i].fd >= 0 && has_card(&gc->clients[i]))
			screen = false; /* another of its clients still draws */
	if (!screen || gc->drm_fd < 0)
		return;
	log_info("gpu: cell %s: its compositor left the seat: screen blanked", gc->c->cfg.name);
	screen_back(gc);
	if (drm_set_master(gc->drm_fd) == 0)
		gc->g->drm_master = gc->drm_fd;
}

/* A back step waits for every client told to let go; the last one's
 * acknowledgement (or its going away) ends it. */
static void check_settled(struct gpu_cell *gc)
{
	if (!gc->pending)
		return;
	for (unsigned i = 0; i < GPU_CLIENTS_MAX; i++)
		if (gc->clients[i].fd >= 0 && gc->clients[i].disabling)
			return;
	gc->pending = false;
	screen_back(gc);
	seat_step_done(gc->g->seat, &gpu_class);
}

/* /dev/dri/card0: the cell's own file of the card (drm.h), which the
 * kernel itself keeps from drawing unless it is master. */
static void open_card_device(struct gpu_client *cl)
{
	unsigned char msg[SEATD_MSG_MAX];
	unsigned i;
	int fd = cl->gc->drm_fd;

	for (i = 0; i < GPU_DEVICES_MAX && cl->dev[i].fd != -1; i++)
		;
	if (fd < 0 || i == GPU_DEVICES_MAX) {
		send_error(cl, fd < 0 ? ENODEV : EMFILE);
		return;
	}
	cl->dev[i].fd = DEV_CARD;
	cl->dev[i].id = ++cl->next_id;
	snprintf(cl->dev[i].path, sizeof(cl->dev[i].path), CARD_PATH);
	if (fdpass_send(cl->fd, msg, seatd_encode_device_opened(msg, cl->dev[i].id), &fd, 1,
			MSG_DONTWAIT) < 0)
		cl->dev[i].fd = -1;
}

/* /dev/input/eventN: the cell's own copy named so; nothing else. */
static void open_device(struct gpu_client *cl, const char *path)
{
	unsigned char msg[SEATD_MSG_MAX];
	unsigned n, i;
	char tail;
	int fd;

	if (!cl->enabled) {
		send_error(cl, EPERM);
		return;
	}
	if (!strcmp(path, CARD_PATH)) {
		open_card_device(cl);
		return;
	}
	/* NOLINTNEXTLINE(cert-err34-c): the %c says whether more follows. */
	if (sscanf(path, "/dev/input/event%u%c", &n, &tail) != 1) {
		log_info("gpu: cell %s: refused to open %s (only its input copies)",
			 cl->gc->c->cfg.name, path);
		send_error(cl, path[0] == '/' && !strncmp(path, "/dev/dri/", 9) ? ENODEV : EACCES);
		return;
	}
	for (i = 0; i < GPU_DEVICES_MAX && cl->dev[i].fd != -1; i++)
		;
	fd = i < GPU_DEVICES_MAX
		 ? input_open_copy(cl->gc->g->input, cl->gc->c, path + sizeof("/dev/input/") - 1)
		 : -EMFILE;
	if (fd < 0) {
		send_error(cl, -fd);
		return;
	}
	cl->dev[i].fd = fd;
	cl->dev[i].id = ++cl->next_id;
	snprintf(cl->dev[i].path, sizeof(cl->dev[i].path), "%s", path);
	if (fdpass_send(cl->fd, msg, seatd_encode_device_opened(msg, cl->dev[i].id), &fd, 1,
			MSG_DONTWAIT) < 0) {
		close(fd);
		cl->dev[i].fd = -1;
	}
}

static void close_device(struct gpu_client *cl, int id)
{
	for (unsigned i = 0; i < GPU_DEVICES_MAX; i++)
		if (cl->dev[i].fd != -1 && cl->dev[i].id == id) {
			if (cl->dev[i].fd >= 0)
				close(cl->dev[i].fd);
			cl->dev[i].fd = -1;
			send_empty(cl, SEATD_DEVICE_CLOSED);
			return;
		}
	send_error(cl, EBADF);
}

static void on_message(struct gpu_client *cl, const struct seatd_msg *m)
{
	unsigned char msg[SEATD_MSG_MAX];

	switch (m->opcode) {
	case SEATD_OPEN_SEAT:
		cl->opened = true;
		send_msg(cl, msg, seatd_encode_seat_opened(msg, SEAT_NAME));
		if (cl->gc->front) {
			cl->enabled = true;
			send_empty(cl, SEATD_ENABLE);
		}
		break;
	case SEATD_CLOSE_SEAT:
		revoke_all(cl);
		cl->opened = cl->enabled = cl->disabling = false;
		send_empty(cl, SEATD_SEAT_CLOSED);
		check_settled(cl->gc);
		break;
	case SEATD_OPEN_DEVICE: open_device(cl, m->path); break;
	case SEATD_CLOSE_DEVICE: close_device(cl, m->device_id); break;
	case SEATD_DISABLE_SEAT:
		if (!cl->disabling) {
			send_error(cl, EINVAL);
			break;
		}
		revoke_all(cl);
		cl->disabling = cl->enabled = false;
		check_settled(cl->gc);
		break;
	case SEATD_SWITCH_SESSION:
		/* The host owns the switch (its hotkeys, cellctl switch). */
		send_error(cl, EPERM);
		break;
	case SEATD_PING: send_empty(cl, SEATD_PONG); break;
	default: break;
	}
}

static void on_client(struct loop_fd *w, uint32_t events, void *data)
{
	struct gpu_client *cl = container_of(w, struct gpu_client, w);
	struct gpu_cell *gc = cl->gc;
	struct seatd_msg m;
	ssize_t n, used;

	n = recv(cl->fd, cl->in + cl->in_len, sizeof(cl->in) - cl->in_len, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		client_close(cl);
		check_settled(gc);
		return;
	}
	if (n < 0)
		return;
	cl->in_len += (size_t)n;
	while ((used = seatd_decode(cl->in, cl->in_len, &m)) > 0) {
		on_message(cl, &m);
		if (cl->fd < 0)
			return;
		memmove(cl->in, cl->in + used, cl->in_len - (size_t)used);
		cl->in_len -= (size_t)used;
	}
	if (used < 0) {
		log_warn("gpu: cell %s: a seat client sent a malformed message: dropped",
			 gc->c->cfg.name);
		client_close(cl);
		check_settled(gc);
	}
}

static void on_connection(struct loop_fd *w, uint32_t events, void *data)
{
	struct gpu_cell *gc = container_of(w, struct gpu_cell, w_listen);
	struct gpu_client *cl = NULL;
	int fd = accept4(gc->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	for (unsigned i = 0; i < GPU_CLIENTS_MAX && !cl; i++)
		if (gc->clients[i].fd < 0)
			cl = &gc->clients[i];
	if (!cl) {
		close(fd); /* a flood of clients loses the newest */
		return;
	}
	memset(cl, 0, sizeof(*cl));
	cl->gc = gc;
	cl->fd = -1;
	for (unsigned i = 0; i < GPU_DEVICES_MAX; i++)
		cl->dev[i].fd = -1;
	if (loop_add_fd(gc->g->loop, &cl->w, fd, EPOLLIN, on_client, NULL) < 0) {
		close(fd);
		cl->fd = -1;
		return;
	}
	cl->fd = fd;
}

/* ---- the class --------------------------------------------------------- */

static void cell_close(struct gpu_cell *gc)
{
	for (unsigned i = 0; gc->clients && i < GPU_CLIENTS_MAX; i++)
		client_close(&gc->clients[i]);
	if (gc->listen_fd >= 0) {
		loop_remove_fd(gc->g->loop, &gc->w_listen);
		close(gc->listen_fd);
	}
	gc->listen_fd = -1;
	if (gc->drm_fd >= 0)
		close(gc->drm_fd); /* its master, if it had it, goes with it */
	if (gc->g && gc->g->drm_master == gc->drm_fd)
		gc->g->drm_master = -1;
	gc->drm_fd = -1;
	gc->c = NULL;
	gc->front = gc->pending = false;
}

/* bind: on a board, a gpu cell without a card to show fails alone, saying
 * so (on a plain host the seat is served all the same: its compositor
 * gets ENODEV for the card). */
static int gpu_bind(void *priv, struct cell *c, struct seat_bind *b)
{
	struct gpu *g = priv;

	if (!(c->cfg.devices & CELL_DEV_GPU) || !g->input)
		return 0;
	open_card(g);
	if (g->card[0] == '-') {
		snprintf(b->err, b->errlen,
			 "devices gpu: no DRM card on this board (/dev/dri/card0..7; does [host] "
			 "modules load its driver?)");
		return -ENODEV;
	}
	return 0;
}

/* running: the cell's processes exist (started or adopted): its socket. */
static void gpu_running(void *priv, struct cell *c)
{
	struct gpu *g = priv;
	struct gpu_cell *gc;
	int fd, run;

	if (!(c->cfg.devices & CELL_DEV_GPU))
		return;
	if ((gc = find(g, c)))
		cell_close(gc);
	else if (!(gc = find(g, NULL))) {
		log_error("gpu: cell %s: more than %d cells with gpu: no seat for it", c->cfg.name,
			  GPU_CELLS_MAX);
		return;
	}
	if (!gc->clients && !(gc->clients = calloc(GPU_CLIENTS_MAX, sizeof(*gc->clients)))) {
		log_error("gpu: cell %s: no memory for its seat", c->cfg.name);
		return;
	}
	run = gpu_open_run(g, c);
	fd = run < 0 ? run : gpu_make_socket(run, c);
	if (fd < 0) {
		log_errno(fd, "gpu: cell %s: /run/" SOCKET_NAME, c->cfg.name);
		if (run >= 0)
			close(run);
		return;
	}
	gc->g = g;
	gc->c = c;
	gc->front = seat_front(g->seat) == c;
	open_card(g);
	gc->drm_fd = -1;
	if (g->drm_own >= 0 && (gc->drm_fd = drm_open_card(g->card, g->drm_master)) < 0) {
		log_errno(gc->drm_fd, "gpu: cell %s: open %s: no screen for it", c->cfg.name,
			  g->card);
		gc->drm_fd = -1;
	}
	if (gc->front && gc->drm_fd >= 0 && drm_set_master(gc->drm_fd) == 0)
		g->drm_master = gc->drm_fd;
	for (unsigned i = 0; i < GPU_CLIENTS_MAX; i++) {
		gc->clients[i].fd = -1;
		gc->clients[i].gc = gc;
		loop_fd_init(&gc->clients[i].w);
	}
	if (loop_add_fd(g->loop, &gc->w_listen, fd, EPOLLIN, on_connection, NULL) < 0) {
		close(fd);
		close(run);
		gc->c = NULL;
		return;
	}
	gc->listen_fd = fd;
	log_info("gpu: cell %s: its seat on /run/" SOCKET_NAME, c->cfg.name);
	if ((fd = gpu_udev_open(g, c, run)) < 0)
		log_errno(fd, "gpu: cell %s: its /run/udev (its compositor may find no devices)",
			  c->cfg.name);
	close(run);
}

static int gpu_front(void *priv, struct cell *c)
{
	struct gpu_cell *gc = find(priv, c);

	if (!gc)
		return 0;
	gc->front = true;
	if (gc->drm_fd >= 0) {
		if (drm_set_master(gc->drm_fd) < 0)
			log_errno(neg_errno(), "gpu: cell %s: DRM master", c->cfg.name);
		else
			gc->g->drm_master = gc->drm_fd;
	}
	for (unsigned i = 0; i < GPU_CLIENTS_MAX; i++) {
		struct gpu_client *cl = &gc->clients[i];

		if (cl->fd >= 0 && cl->opened && !cl->enabled) {
			cl->enabled = true;
			cl->disabling = false;
			send_empty(cl, SEATD_ENABLE);
		}
	}
	return 0;
}

static int gpu_back(void *priv, struct cell *c)
{
	struct gpu_cell *gc = find(priv, c);
	bool wait = false;

	if (!gc)
		return 0;
	gc->front = false;
	for (unsigned i = 0; i < GPU_CLIENTS_MAX; i++) {
		struct gpu_client *cl = &gc->clients[i];

		if (cl->fd >= 0 && cl->enabled) {
			cl->disabling = true;
			send_empty(cl, SEATD_DISABLE);
			wait = true;
		}
	}
	gc->pending = wait;
	if (!wait)
		screen_back(gc);
	return wait ? SEAT_PENDING : 0;
}

/* A compositor that did not let go in time: its devices are revoked all
 * the same, and the switch goes on. */
static int gpu_override(void *priv, struct cell *c, unsigned attempt)
{
	struct gpu_cell *gc = find(priv, c);

	if (!gc)
		return 0;
	for (unsigned i = 0; i < GPU_CLIENTS_MAX; i++) {
		struct gpu_client *cl = &gc->clients[i];

		if (cl->fd >= 0 && cl->disabling) {
			log_warn(
			    "gpu: cell %s: its compositor did not let go of the seat within %d "
			    "ms: its devices revoked",
			    c->cfg.name, GPU_GRACE_MS);
			revoke_all(cl);
			cl->disabling = cl->enabled = false;
		}
	}
	gc->pending = false;
	screen_back(gc);
	return 0;
}

static void gpu_release(void *priv, struct cell *c)
{
	struct gpu_cell *gc = find(priv, c);

	if (gc)
		cell_close(gc);
}

static bool gpu_present(void *priv)
{
	for (unsigned i = 0; i < GPU_CELLS_MAX; i++)
		if (((struct gpu *)priv)->cells[i].c)
			return true;
	return false;
}

const struct seat_class gpu_class = {
    .name = "gpu",
    .present = gpu_present,
    .bind = gpu_bind,
    .running = gpu_running,
    .back = gpu_back,
    .front = gpu_front,
    .override = gpu_override,
    .grace_ms = GPU_GRACE_MS,
    .release = gpu_release,
    .gone = gpu_release,
};

void gpu_fini(struct gpu *g)
{
	for (unsigned i = 0; i < GPU_CELLS_MAX; i++) {
		if (g->cells[i].c)
			cell_close(&g->cells[i]);
		free(g->cells[i].clients);
		g->cells[i].clients = NULL;
	}
	if (g->drm_own >= 0)
		close(g->drm_own);
	g->drm_own = -1;
}
