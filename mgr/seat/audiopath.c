// SPDX-License-Identifier: MIT
/* The audio path: cables, the board's card, the mix (audio.h). */
#include "audio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "cell.h"
#include "config.h"
#include "log.h"

/* Reads or writes at most this many periods per wakeup: the loop's
 * other sources are never kept waiting by a stream. */
#define BURST 8

void audio_log_xruns(const char *what, const char *name, unsigned long xruns, unsigned long *told)
{
	if (!xruns || xruns < *told)
		return;
	log_warn("audio: %s%s: %lu xrun(s) so far", what, name, xruns);
	*told = xruns * 10; /* the next at 10, 100, 1000... */
}

/* ---- a cell's cables ------------------------------------------------- */

/* What the cell played: into its ring. */
static void on_out(struct loop_fd *src, uint32_t events, void *data)
{
	struct audio_cell *s = data;
	struct audio *a = s->a;
	unsigned dropped;

	(void)events; /* an xrun shows as EPOLLERR: the read recovers it */
	for (int i = 0; i < BURST; i++) {
		ssize_t n = pcm_read(&s->out, a->tmp, a->cfg.period);

		if (n == -EAGAIN)
			return;
		if (n < 0) {
			log_errno((int)n, "audio: cell %s: read its card's sound: no more of it",
				  s->c->cfg.name);
			loop_remove_fd(a->loop, src);
			return;
		}
		if (n == 0) { /* an xrun, recovered: named only now */
			char what[64];

			snprintf(what, sizeof(what), "cell %s", s->c->cfg.name);
			audio_log_xruns(what, "'s playback", s->out.xruns, &s->xruns_told);
			continue;
		}
		dropped = pcm_ring_push(&s->ring, a->tmp, (unsigned)n);
		if (s == a->front || s->c->cfg.audio_background == AUDIO_BG_MIX)
			s->dropped += dropped; /* a muted cell's are dropped by design */
	}
}

static int cable_open(struct audio *a, struct audio_cell *s, struct pcm *p, bool capture, char *err,
		      size_t errlen)
{
	struct pcm_config cc = a->cfg;
	char why[128];
	int r;

	cc.periods = AUDIO_CELL_PERIODS;
	if ((r = pcm_open(p, s->card, 1, capture)) < 0) {
		snprintf(err, errlen, "devices audio: open /dev/snd/pcmC%uD1%c: %s", s->card,
			 capture ? 'c' : 'p', strerror(-r));
		return r;
	}
	if ((r = pcm_setup(p, &cc, why, sizeof(why))) < 0) {
		snprintf(err, errlen, "devices audio: card %u, cellmgr's end of its %s: %s",
			 s->card, capture ? "playback" : "capture", why);
		pcm_close(p);
	}
	return r;
}

/* cellmgr's ends, device 1, in the board's format: the cell's side is
 * pinned to it from now on. */
int audio_cables_open(struct audio *a, struct audio_cell *s, char *err, size_t errlen)
{
	int r;

	if ((r = cable_open(a, s, &s->out, true, err, errlen)) < 0)
		return r;
	if ((r = cable_open(a, s, &s->mic, false, err, errlen)) < 0) {
		pcm_close(&s->out);
		return r;
	}
	if ((r = loop_add_fd(a->loop, &s->w_out, s->out.fd, EPOLLIN, on_out, s)) < 0) {
		snprintf(err, errlen, "devices audio: poll card %u: %s", s->card, strerror(-r));
		audio_cables_close(a, s);
	}
	return r;
}

void audio_cables_close(struct audio *a, struct audio_cell *s)
{
	loop_remove_fd(a->loop, &s->w_out);
	pcm_close(&s->out);
	pcm_close(&s->mic);
	pcm_ring_clear(&s->ring);
}

/* ---- the board's card ------------------------------------------------ */

/* One period: the front cell's frames, mix cells' at half, silence for
 * what none of them has. */
static void compose(struct audio *a)
{
	size_t samples = (size_t)a->cfg.period * AUDIO_CHANNELS;

	memset(a->mix, 0, samples * sizeof(int16_t));
	for (unsigned i = 0; i < AUDIO_CELLS_MAX; i++) {
		struct audio_cell *s = &a->cells[i];
		unsigned got;

		if (!s->c || (s != a->front && s->c->cfg.audio_background != AUDIO_BG_MIX))
			continue; /* a muted cell's ring keeps only its newest frames */
		got = pcm_ring_pop(&s->ring, a->tmp, a->cfg.period);
		pcm_mix(a->mix, a->tmp, (size_t)got * AUDIO_CHANNELS, s == a->front ? 0 : 1);
	}
}

static void board_lost(struct audio *a, int err, const char *what)
{
	log_errno(err, "audio: board card %d (%s) %s: closed, tried again every %d s",
		  a->out_dev.card, a->out_dev.id, what, AUDIO_RETRY_MS / 1000);
	audio_board_close(a);
	a->out_dev.card = a->in_dev.card = -1; /* found again: it may come back elsewhere */
	loop_timer_in(a->loop, &a->t_retry, AUDIO_RETRY_MS);
}

static void count_latency(struct audio *a)
{
	long d = pcm_delay(&a->spk);
	unsigned q;

	if (d < 0)
		return;
	q = (unsigned)d + (a->front ? a->front->ring.len : 0);
	a->lat_sum += q;
	a->lat_n++;
	if (q > a->lat_max)
		a->lat_max = q;
}

void audio_board_fill(struct audio *a)
{
	if (a->spk.fd < 0)
		return;
	for (int i = 0; i < BURST; i++) {
		ssize_t n;

		if (!a->mix_pending) {
			compose(a);
			a->mix_pending = true;
			a->mix_off = 0;
		}
		n = pcm_write(&a->spk, a->mix + (size_t)a->mix_off * AUDIO_CHANNELS,
			      a->cfg.period - a->mix_off);
		if (n == -EAGAIN)
			return;
		if (n < 0) {
			board_lost(a, (int)n, "playback");
			return;
		}
		if (n == 0) {
			audio_log_xruns("the board's ", "playback", a->spk.xruns,
					&a->spk_xruns_told);
			continue;
		}
		a->mix_off += (unsigned)n;
		if (a->mix_off >= a->cfg.period) {
			a->mix_pending = false;
			count_latency(a);
		}
	}
}

static void on_spk(struct loop_fd *src, uint32_t events, void *data)
{
	(void)src;
	(void)events;
	audio_board_fill(data);
}

/* What the microphone hears: to the front cell's cable only. */
static void on_mic(struct loop_fd *src, uint32_t events, void *data)
{
	struct audio *a = data;

	(void)events;
	for (int i = 0; i < BURST; i++) {
		ssize_t n = pcm_read(&a->micin, a->tmp, a->cfg.period);
		struct audio_cell *s = a->front;

		if (n == -EAGAIN)
			return;
		if (n < 0) {
			log_errno((int)n,
				  "audio: board card %d (%s) capture: no microphone from now",
				  a->in_dev.card, a->in_dev.id);
			loop_remove_fd(a->loop, src);
			pcm_close(&a->micin);
			return;
		}
		if (n == 0) {
			audio_log_xruns("the board's ", "capture", a->micin.xruns,
					&a->mic_xruns_told);
			continue;
		}
		if (s && s->mic.fd >= 0 && pcm_write(&s->mic, a->tmp, (unsigned)n) == 0)
			audio_log_xruns("cell ", s->c->cfg.name, s->mic.xruns, &s->xruns_told);
	}
}

static int board_stream(struct audio *a, struct pcm *p, const struct audio_dev *d, bool capture,
			unsigned periods)
{
	struct pcm_config cc = a->cfg;
	char why[128];
	int r;

	cc.periods = periods;
	if ((r = pcm_open(p, (unsigned)d->card, d->device, capture)) < 0)
		return log_errno(r, "audio: board card %d (%s): open /dev/snd/pcmC%dD%u%c", d->card,
				 d->id, d->card, d->device, capture ? 'c' : 'p');
	if ((r = pcm_setup(p, &cc, why, sizeof(why))) < 0) {
		log_error("audio: board card %d (%s) device %u %s at %u Hz, %u frames a period: %s",
			  d->card, d->id, d->device, capture ? "capture" : "playback", cc.rate,
			  cc.period, why);
		pcm_close(p);
	}
	return r;
}

static void mic_open(struct audio *a)
{
	char why[256];

	if (!strcmp(a->capture_spec, "none"))
		return;
	if (audio_resolve_board(a, true, why, sizeof(why)) < 0) {
		log_error("audio: %s: no microphone for the cells", why);
		return;
	}
	if (board_stream(a, &a->micin, &a->in_dev, true, AUDIO_MIC_PERIODS) < 0)
		return;
	if (a->volume >= 0)
		audio_mixer_set(&a->in_dev, true, a->volume);
	if (loop_add_fd(a->loop, &a->w_mic, a->micin.fd, EPOLLIN, on_mic, a) < 0)
		pcm_close(&a->micin);
	else
		log_info("audio: board card %d (%s) device %u: the microphone", a->in_dev.card,
			 a->in_dev.id, a->in_dev.device);
}

void audio_board_open(struct audio *a)
{
	char why[256];

	if (a->spk.fd >= 0 || a->board_refused)
		return;
	if (audio_resolve_board(a, false, why, sizeof(why)) < 0) {
		if (!a->told_missing)
			log_error("audio: %s: the cells' sound goes nowhere until it comes (looked "
				  "for again every %d s)",
				  why, AUDIO_RETRY_MS / 1000);
		a->told_missing = true;
		loop_timer_in(a->loop, &a->t_retry, AUDIO_RETRY_MS);
		return;
	}
	loop_timer_disarm(a->loop, &a->t_retry);
	if (board_stream(a, &a->spk, &a->out_dev, false, AUDIO_BOARD_PERIODS) < 0) {
		a->board_refused = true; /* said why; the cells run on, unheard */
		return;
	}
	if (loop_add_fd(a->loop, &a->w_spk, a->spk.fd, EPOLLOUT, on_spk, a) < 0) {
		pcm_close(&a->spk);
		return;
	}
	log_info("audio: board card %d (%s) device %u: playback at %u Hz, %u frames a period, %u "
		 "periods",
		 a->out_dev.card, a->out_dev.id, a->out_dev.device, a->spk.cfg.rate,
		 a->spk.cfg.period, a->spk.cfg.periods);
	if (a->volume >= 0)
		audio_mixer_set(&a->out_dev, false, a->volume);
	mic_open(a);
	audio_board_fill(a);
}

void audio_board_close(struct audio *a)
{
	loop_remove_fd(a->loop, &a->w_spk);
	loop_remove_fd(a->loop, &a->w_mic);
	pcm_close(&a->spk);
	pcm_close(&a->micin);
	a->mix_pending = false;
}

void audio_path_back(struct audio *a, struct audio_cell *s)
{
	int r;

	a->front = NULL;
	if (a->spk.fd >= 0) {
		a->mix_pending = false;
		if ((r = pcm_reset(&a->spk)) < 0)
			board_lost(a, r, "playback");
	}
	if (s->mic.fd >= 0 && (r = pcm_reset(&s->mic)) < 0)
		log_errno(r, "audio: cell %s: stop its microphone", s->c->cfg.name);
}
