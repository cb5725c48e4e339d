// SPDX-License-Identifier: MIT
/* The audio class of the seat: cards, nodes and the front (audio.h). */
#include "audio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cell.h"
#include "config.h"
#include "devprog.h"
#include "fileutil.h"
#include "log.h"
#include "rootfs.h"
#include "seat.h"

#define NODE_MODE 0600
#define TIMER_DIR "/dev/cellar"

static bool card_taken(const struct audio *a, int n)
{
	if (n == a->out_dev.card || n == a->in_dev.card)
		return true; /* the board's (a loopback card standing in for it) */
	for (unsigned i = 0; i < AUDIO_CELLS_MAX; i++)
		if (a->cells[i].c && (int)a->cells[i].card == n)
			return true;
	return false;
}

/* ---- the cell's nodes ------------------------------------------------ */

static int node_take(struct audio_node *nd, const char *path, uid_t uid, gid_t gid, bool fresh)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return neg_errno();
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	if (strlen(path) >= sizeof(nd->path))
		return -ENAMETOOLONG;
	if (fresh) {
		memcpy(nd->path, path, strlen(path) + 1);
		nd->rdev = st.st_rdev;
		nd->uid = st.st_uid;
		nd->gid = st.st_gid;
		nd->mode = st.st_mode & 07777;
	}
	if (chown(path, uid, gid) < 0 || chmod(path, NODE_MODE) < 0)
		return neg_errno();
	return 0;
}

/* The cell's own /dev/snd/timer (ALSA's dmix needs one): a node of the
 * host's timer device made for it, since the host's is shared by all. */
static int timer_make(struct audio_cell *s, uid_t uid, gid_t gid)
{
	struct audio_node *nd = &s->nodes[AUDIO_NODE_TIMER];
	struct stat st, have;

	if (stat("/dev/snd/timer", &st) < 0 || !S_ISCHR(st.st_mode))
		return -ENOENT;
	if (mkdir(TIMER_DIR, 0755) < 0 && errno != EEXIST)
		return neg_errno();
	snprintf(nd->path, sizeof(nd->path), TIMER_DIR "/timerC%u", s->card);
	nd->rdev = st.st_rdev;
	if (lstat(nd->path, &have) == 0 && (!S_ISCHR(have.st_mode) || have.st_rdev != st.st_rdev))
		unlink(nd->path);
	if (mknod(nd->path, S_IFCHR | NODE_MODE, st.st_rdev) < 0 && errno != EEXIST)
		return neg_errno();
	if (chown(nd->path, uid, gid) < 0 || chmod(nd->path, NODE_MODE) < 0)
		return neg_errno();
	return 0;
}

static void nodes_give_back(struct audio_cell *s)
{
	for (unsigned k = 0; k < AUDIO_NODES; k++) {
		struct audio_node *nd = &s->nodes[k];

		if (!nd->path[0])
			continue;
		if (k == AUDIO_NODE_TIMER)
			unlink(nd->path);
		else if (chown(nd->path, nd->uid, nd->gid) < 0 || chmod(nd->path, nd->mode) < 0)
			log_errno(neg_errno(), "audio: give %s back to %u:%u", nd->path,
				  (unsigned)nd->uid, (unsigned)nd->gid);
		nd->path[0] = '\0';
	}
}

static int bind_one(struct seat_bind *b, const char *host, const char *cell)
{
	if (b->n >= b->max) {
		snprintf(b->err, b->errlen, "devices audio: too many device nodes");
		return -ENOSPC;
	}
	snprintf(b->devs[b->n].host, sizeof(b->devs[b->n].host), "%s", host);
	snprintf(b->devs[b->n].cell, sizeof(b->devs[b->n].cell), "%s", cell);
	b->n++;
	return 0;
}

/* The nodes into the cell's /dev/snd, the rest of the host out of reach
 * (its device program allows exactly these).  Twice: as its card 0, the
 * card ALSA's default device is; and under the card's own number K, which
 * the kernel reports (the card's info, a PCM's) and alsa-lib then opens by
 * (dmix: its timer of card K, controlCK). */
static void node_name(char *out, size_t len, unsigned k, unsigned card)
{
	switch (k) {
	case AUDIO_NODE_CONTROL: snprintf(out, len, "snd/controlC%u", card); break;
	case AUDIO_NODE_PLAY: snprintf(out, len, "snd/pcmC%uD0p", card); break;
	case AUDIO_NODE_CAPTURE: snprintf(out, len, "snd/pcmC%uD0c", card); break;
	default: snprintf(out, len, "snd/timer"); break;
	}
}

static int nodes_bind(struct audio_cell *s, struct seat_bind *b, bool fresh)
{
	char host[AUDIO_NODE_TIMER][48], cell[40];
	int r;

	for (unsigned k = 0; k < AUDIO_NODE_TIMER; k++) {
		node_name(cell, sizeof(cell), k, s->card);
		snprintf(host[k], sizeof(host[k]), "/dev/%s", cell);
	}
	for (unsigned k = 0; k < AUDIO_NODE_TIMER; k++)
		if ((r = node_take(&s->nodes[k], host[k], b->root_uid, b->root_gid, fresh)) < 0) {
			snprintf(b->err, b->errlen, "devices audio: hand %s to the cell: %s",
				 host[k], strerror(-r));
			return r;
		}
	if ((r = timer_make(s, b->root_uid, b->root_gid)) < 0) {
		log_errno(r, "audio: cell %s: no /dev/snd/timer for it (ALSA's dmix needs one)",
			  s->c->cfg.name);
		s->nodes[AUDIO_NODE_TIMER].path[0] = '\0';
	}
	for (unsigned k = 0; k < AUDIO_NODES; k++) {
		const struct audio_node *nd = &s->nodes[k];

		if (!nd->path[0])
			continue;
		node_name(cell, sizeof(cell), k, 0);
		if ((r = bind_one(b, nd->path, cell)) < 0)
			return r;
		node_name(cell, sizeof(cell), k, s->card);
		if (k != AUDIO_NODE_TIMER && s->card && (r = bind_one(b, nd->path, cell)) < 0)
			return r;
		if (b->prog && devprog_add(b->prog, 'c', (int)major(nd->rdev), (int)minor(nd->rdev),
					   "rw") < 0) {
			snprintf(b->err, b->errlen,
				 "devices audio: device program: cannot add c %u:%u",
				 major(nd->rdev), minor(nd->rdev));
			return -ENOMEM;
		}
	}
	return 0;
}

/* An adopted cell's nodes are its own since its start; how they were
 * before is not known any more: root's alone when it leaves the list. */
static void nodes_adopt(struct audio_cell *s)
{
	char cell[40];

	for (unsigned k = 0; k < AUDIO_NODES; k++) {
		struct audio_node *nd = &s->nodes[k];
		struct stat st;

		node_name(cell, sizeof(cell), k, s->card);
		if (k == AUDIO_NODE_TIMER)
			snprintf(nd->path, sizeof(nd->path), TIMER_DIR "/timerC%u", s->card);
		else
			snprintf(nd->path, sizeof(nd->path), "/dev/%s", cell);
		if (stat(nd->path, &st) < 0) {
			nd->path[0] = '\0';
			continue;
		}
		nd->rdev = st.st_rdev;
		nd->uid = 0;
		nd->gid = 0;
		nd->mode = NODE_MODE;
	}
}

/* ---- slots ----------------------------------------------------------- */

static struct audio_cell *find(struct audio *a, const struct cell *c)
{
	for (unsigned i = 0; i < AUDIO_CELLS_MAX; i++)
		if (a->cells[i].c == c)
			return &a->cells[i];
	return NULL;
}

static void slot_free(struct audio *a, struct audio_cell *s)
{
	if (a->front == s)
		a->front = NULL;
	audio_cables_close(a, s);
	nodes_give_back(s);
	pcm_ring_free(&s->ring);
	s->c = NULL;
}

/* A loopback card for c: card >= 0 that one (an adopted cell's), else
 * the first no one has. */
static struct audio_cell *slot_take(struct audio *a, struct cell *c, int card, char *err,
				    size_t errlen)
{
	struct audio_cell *s = find(a, NULL);
	unsigned loopbacks = 0;

	for (int n = 0; card < 0 && n < AUDIO_CARDS_MAX; n++)
		if (audio_card_exists(n) && audio_card_is_loopback(n) && ++loopbacks &&
		    !card_taken(a, n))
			card = n;
	if (card < 0) {
		snprintf(err, errlen,
			 loopbacks
			     ? "devices audio: no loopback card left for it (%u snd_aloop cards, "
			       "each another cell's or the board's; init loads one per audio cell)"
			     : "devices audio: no loopback card on this board (snd_aloop is not "
			       "loaded: init loads it for the cells with audio)",
			 loopbacks);
		return NULL;
	}
	if (!s) {
		snprintf(err, errlen, "devices audio: more than %d cells with audio",
			 AUDIO_CELLS_MAX);
		return NULL;
	}
	*s = (struct audio_cell){.a = a, .c = c, .card = (unsigned)card};
	s->out.fd = s->mic.fd = -1;
	loop_fd_init(&s->w_out);
	if (pcm_ring_init(&s->ring, AUDIO_RING_PERIODS * a->cfg.period, AUDIO_CHANNELS) < 0) {
		snprintf(err, errlen, "devices audio: out of memory");
		s->c = NULL;
		return NULL;
	}
	return s;
}

/* ---- the class ------------------------------------------------------- */

static bool has_audio(const struct cell *c)
{
	return c->cfg.devices & CELL_DEV_AUDIO;
}

static bool audio_present(void *priv)
{
	struct audio *a = priv;

	return a->spk.fd >= 0;
}

/* bind: its card (the one it had, else a free one), the nodes as its
 * card 0, and cellmgr's ends of the cables set up before it starts. */
static int audio_bind(void *priv, struct cell *c, struct seat_bind *b)
{
	struct audio *a = priv;
	struct audio_cell *s = find(a, c);
	bool fresh = !s;
	int r;

	if (!has_audio(c)) {
		if (s) /* a reload took audio from it */
			slot_free(a, s);
		return 0;
	}
	if (fresh && !(s = slot_take(a, c, -1, b->err, b->errlen)))
		return -ENODEV;
	if (!fresh)
		audio_cables_close(a, s); /* a restart: nothing of its last run */
	if ((r = nodes_bind(s, b, fresh)) < 0 ||
	    (r = audio_cables_open(a, s, b->err, b->errlen)) < 0) {
		slot_free(a, s);
		return r;
	}
	log_info("audio: cell %s: loopback card %u is its card 0", c->cfg.name, s->card);
	audio_board_open(a);
	return 0;
}

/* running: an adopted cell (cellmgr restarted) has its card still: the
 * loopback card whose control node its root owns. */
static void audio_running(void *priv, struct cell *c)
{
	struct audio *a = priv;
	struct audio_cell *s;
	char err[160];

	if (!has_audio(c) || find(a, c) || !c->root_uid)
		return;
	for (int n = 0; n < AUDIO_CARDS_MAX; n++) {
		char path[48];
		struct stat st;

		snprintf(path, sizeof(path), "/dev/snd/controlC%d", n);
		if (!audio_card_is_loopback(n) || card_taken(a, n) || stat(path, &st) < 0 ||
		    st.st_uid != c->root_uid)
			continue;
		if (!(s = slot_take(a, c, n, err, sizeof(err)))) {
			log_error("audio: cell %s: %s", c->cfg.name, err);
			return;
		}
		nodes_adopt(s);
		if (audio_cables_open(a, s, err, sizeof(err)) < 0) {
			log_error("audio: cell %s: %s", c->cfg.name, err);
			slot_free(a, s);
			return;
		}
		if (seat_front(a->seat) == c)
			a->front = s;
		log_info("audio: cell %s: adopted with its loopback card %d", c->cfg.name, n);
		audio_board_open(a);
		return;
	}
}

static int audio_back(void *priv, struct cell *c)
{
	struct audio *a = priv;
	struct audio_cell *s = find(a, c);

	if (s && a->front == s)
		audio_path_back(a, s);
	return 0;
}

static int audio_front(void *priv, struct cell *c)
{
	struct audio *a = priv;

	a->front = find(a, c);
	if (a->front)
		audio_board_fill(a); /* its sound now, not at the next wakeup */
	return 0;
}

/* release: its run ended; the card stays its own (its next run gets it
 * again), cellmgr's ends stay set up, what they held goes. */
static void audio_release(void *priv, struct cell *c)
{
	struct audio *a = priv;
	struct audio_cell *s = find(a, c);

	if (s)
		pcm_ring_clear(&s->ring);
}

static void audio_gone(void *priv, struct cell *c)
{
	struct audio *a = priv;
	struct audio_cell *s = find(a, c);

	if (s)
		slot_free(a, s);
}

const struct seat_class audio_class = {
    .name = "audio",
    .present = audio_present,
    .bind = audio_bind,
    .running = audio_running,
    .back = audio_back,
    .front = audio_front,
    .release = audio_release,
    .gone = audio_gone,
};

static void on_retry(struct loop_timer *t, void *data)
{
	(void)t;
	audio_board_open(data);
}

int audio_init(struct audio *a, struct loop *loop, struct seat *seat, const struct host_config *h)
{
	*a = (struct audio){.loop = loop, .seat = seat};
	a->spk.fd = a->micin.fd = -1;
	a->out_dev.card = a->in_dev.card = -1;
	loop_fd_init(&a->w_spk);
	loop_fd_init(&a->w_mic);
	loop_timer_init(&a->t_retry, on_retry, a);
	snprintf(a->card_spec, sizeof(a->card_spec), "%s", h->audio_card);
	snprintf(a->capture_spec, sizeof(a->capture_spec), "%s", h->audio_capture);
	a->volume = h->audio_volume;
	a->cfg = (struct pcm_config){
	    .rate = h->audio_rate,
	    .channels = AUDIO_CHANNELS,
	    /* Moved in steps of half a period: what the path adds (the
	     * board's queue of two steps and the ring) stays near one
	     * period. */
	    .period = h->audio_rate * h->audio_period_ms / 2000,
	};
	a->mix = calloc((size_t)a->cfg.period * AUDIO_CHANNELS, sizeof(int16_t));
	a->tmp = calloc((size_t)a->cfg.period * AUDIO_CHANNELS, sizeof(int16_t));
	if (!a->mix || !a->tmp)
		return -ENOMEM;
	/* The board's cards as they are now: a loopback card standing in for
	 * it is then never given to a cell. */
	audio_card_resolve(a->card_spec, &a->out_dev);
	if (strcmp(a->capture_spec, "none") != 0)
		audio_card_resolve(a->capture_spec[0] ? a->capture_spec : a->card_spec, &a->in_dev);
	return 0;
}

void audio_fini(struct audio *a)
{
	if (!a->loop)
		return; /* never set up (cellmgr gave up before its seat) */
	for (unsigned i = 0; i < AUDIO_CELLS_MAX; i++)
		if (a->cells[i].c)
			slot_free(a, &a->cells[i]);
	audio_board_close(a);
	loop_timer_disarm(a->loop, &a->t_retry);
	free(a->mix);
	free(a->tmp);
	a->mix = a->tmp = NULL;
}

bool audio_describe(const struct audio *a, const struct cell *c, char *out, size_t len)
{
	for (unsigned i = 0; i < AUDIO_CELLS_MAX; i++) {
		const struct audio_cell *s = &a->cells[i];

		if (s->c != c)
			continue;
		unsigned rate = a->cfg.rate ? a->cfg.rate : 1;
		uint64_t avg_us = a->lat_n ? a->lat_sum * 1000000 / a->lat_n / rate : 0;
		uint64_t max_us = (uint64_t)a->lat_max * 1000000 / rate;
		const char *heard = a->front == s ? "heard (front)"
				    : c->cfg.audio_background == AUDIO_BG_MIX
					? "heard at half (mix)"
					: "muted (background)";

		snprintf(
		    out, len,
		    "loopback card %u, %s, xruns %lu, dropped %lu frames; the path adds %u.%u ms "
		    "(max %u.%u)",
		    s->card, heard, s->out.xruns + s->mic.xruns, s->dropped,
		    (unsigned)(avg_us / 1000), (unsigned)(avg_us % 1000 / 100),
		    (unsigned)(max_us / 1000), (unsigned)(max_us % 1000 / 100));
		return true;
	}
	return false;
}
