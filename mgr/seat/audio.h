/* SPDX-License-Identifier: MIT */
/*
 * Sound that follows the front (devices = ... audio), a device class of
 * the seat (seat.h).  ALSA has no revoke: a PCM a cell opened stays
 * open.  So no cell ever opens the board's card: cellmgr alone holds it
 * (playback and capture, [host] audio_card, audio_capture), and each
 * audio cell gets a card of its own, a kernel loopback card (snd-aloop,
 * loaded by init with one card per audio cell).  The cell sees it as its
 * card 0 (/dev/snd/controlC0, pcmC0D0p, pcmC0D0c, and a /dev/snd/timer
 * of its own for ALSA's dmix); cellmgr holds the other end of both
 * cables (device 1), opened in the board's format before the cell starts,
 * which pins the cell's raw stream to it (its ALSA converts).
 *
 * The path (audiopath.c), all on cellmgr's loop, non-blocking:
 * - what a cell plays is read from its cable as it comes into a small
 *   bounded ring (pcmring.h);
 * - each time the board's playback has room for a period, one period is
 *   made: the front cell's frames, plus those of background cells with
 *   audio_background = mix at half level; the others' are dropped;
 * - what the board's microphone captures goes to the front cell's cable
 *   only; a background cell's capture is silence (its cable is not fed);
 * - back: the board's queued periods are dropped, and so is what the old
 *   front's cable still held of the microphone: nothing of the old
 *   front is heard after the switch, and it hears nothing after it.
 */
#ifndef CELLAR_AUDIO_H
#define CELLAR_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "loop.h"
#include "pcm.h"
#include "pcmring.h"

struct cell;
struct host_config;
struct seat;
struct seat_class;

#define AUDIO_CELLS_MAX 8
#define AUDIO_CARDS_MAX 32    /* ALSA's SNDRV_CARDS */
#define AUDIO_CHANNELS 2      /* the board's and every cable's */
#define AUDIO_CELL_PERIODS 8  /* a cell's cable buffer (its raw stream's too) */
#define AUDIO_BOARD_PERIODS 2 /* the board's playback queue */
#define AUDIO_MIC_PERIODS 4   /* the board's capture buffer */
#define AUDIO_RING_PERIODS 2  /* what cellmgr holds of a cell's sound */
#define AUDIO_RETRY_MS 2000   /* a board card not there (yet) */

/* A host node handed to a cell, and how it was before. */
struct audio_node {
	char path[48];
	dev_t rdev;
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

enum { AUDIO_NODE_CONTROL, AUDIO_NODE_PLAY, AUDIO_NODE_CAPTURE, AUDIO_NODE_TIMER, AUDIO_NODES };

struct audio_cell {
	struct audio *a;
	struct cell *c; /* NULL: a free slot */
	unsigned card;	/* its loopback card's number on the host */
	struct audio_node nodes[AUDIO_NODES];
	struct pcm out; /* device 1 capture: what the cell plays */
	struct pcm mic; /* device 1 playback: what the cell records */
	struct loop_fd w_out;
	struct pcm_ring ring;
	unsigned long dropped; /* frames lost to a full ring */
	unsigned long xruns_told;
};

struct audio_dev {
	int card; /* -1: none (not found, or no microphone) */
	unsigned device;
	char id[32];
};

struct audio {
	struct loop *loop;
	struct seat *seat;
	char card_spec[32], capture_spec[32]; /* [host] audio_card, audio_capture */
	int volume;			      /* [host] audio_volume; -1: keep */
	struct pcm_config cfg;		      /* rate, channels, period */
	struct audio_dev out_dev, in_dev;
	struct pcm spk, micin; /* the board's card; fd -1 when closed */
	struct loop_fd w_spk, w_mic;
	struct loop_timer t_retry;
	bool told_missing;  /* the board's card is not there: logged */
	bool board_refused; /* ... it is, and refused the format: logged, not retried */
	struct audio_cell cells[AUDIO_CELLS_MAX];
	struct audio_cell *front; /* whose sound is on the board; NULL: none */
	int16_t *mix, *tmp;	  /* a period each */
	unsigned mix_off;	  /* frames of mix written already */
	bool mix_pending;	  /* mix holds a period not all written */
	unsigned long spk_xruns_told, mic_xruns_told;
	/* What the path adds: at each period written, the frames queued
	 * between a cell's cable and the speaker (the front's ring and the
	 * board's queue). */
	uint64_t lat_sum, lat_n;
	unsigned lat_max;
};

extern const struct seat_class audio_class;

/* Reads the [host] keys.  Nothing is opened before a cell with audio
 * binds.  Returns 0 or -ENOMEM. */
int audio_init(struct audio *a, struct loop *loop, struct seat *seat, const struct host_config *h);
void audio_fini(struct audio *a);

/* One line for cellctl status: its card and what is heard of it.  False
 * when the cell has no card. */
bool audio_describe(const struct audio *a, const struct cell *c, char *out, size_t len);

/* audiocard.c: the host's cards (card N of /sys/class/sound). */
bool audio_card_exists(int n);
void audio_card_id(int n, char *id, size_t len);
bool audio_card_is_loopback(int n); /* a card of snd_aloop */
/* A [host] audio_card / audio_capture value ("" = the first card that is
 * not a loopback card) to a card here.  0, or -ENODEV (not there, yet). */
int audio_card_resolve(const char *spec, struct audio_dev *d);
/* [host] audio_volume: every playback (capture) switch of the board's
 * card d on, every volume at pct % of its range.  The number of controls
 * set, or a negative errno (logged). */
int audio_mixer_set(const struct audio_dev *d, bool capture, int pct);
/* Finds the board's card for playback, or with
 * capture for the microphone ([host] audio_card, audio_capture).  0, or
 * -ENODEV with why filled. */
int audio_resolve_board(struct audio *a, bool capture, char *why, size_t len);

/* audiopath.c, for audio.c. */
int audio_cables_open(struct audio *a, struct audio_cell *s, char *err, size_t errlen);
void audio_cables_close(struct audio *a, struct audio_cell *s);
void audio_board_open(struct audio *a);
void audio_board_close(struct audio *a);
void audio_board_fill(struct audio *a);
/* The board's queue and the cell's microphone dropped: s leaves the front. */
void audio_path_back(struct audio *a, struct audio_cell *s);
void audio_log_xruns(const char *what, const char *name, unsigned long xruns, unsigned long *told);

#endif
