/* SPDX-License-Identifier: MIT */
/*
 * One ALSA PCM stream through the kernel's ioctls (no alsa-lib): what
 * the audio class of the seat moves sound with (issue 19).  Interleaved
 * signed 16-bit little-endian frames only: the board's card is set up
 * once in that format, and a cell's loopback card is pinned to it (its
 * own ALSA converts, with the "plug" of its default device).  Every call
 * is non-blocking: cellmgr's loop polls the fd.
 */
#ifndef CELLAR_PCM_H
#define CELLAR_PCM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pcm_config {
	unsigned rate;	   /* frames per second, e.g. 48000 */
	unsigned channels; /* 2 */
	unsigned period;   /* frames per period, e.g. 480 (10 ms) */
	unsigned periods;  /* periods in the buffer, e.g. 4 */
};

struct pcm {
	int fd;
	bool capture;
	unsigned frame_bytes;
	struct pcm_config cfg; /* as the kernel settled it */
	unsigned long xruns;   /* underruns (playback) or overruns (capture) seen */
};

/* Opens /dev/snd/pcmC<card>D<device>p (or c), non-blocking.  Returns 0 or
 * a negative errno. */
int pcm_open(struct pcm *p, unsigned card, unsigned device, bool capture);

/* Sets the stream up in cfg's shape (S16_LE, interleaved) and prepares
 * it; a capture stream is started.  On failure err says which parameter
 * the device refused.  Returns 0 or a negative errno. */
int pcm_setup(struct pcm *p, const struct pcm_config *cfg, char *err, size_t errlen);

/* Moves up to frames frames; returns how many, or -EAGAIN (nothing to
 * move now), or another negative errno.  An xrun (-EPIPE from the
 * kernel) is counted and recovered here, and reported as 0 frames. */
ssize_t pcm_read(struct pcm *p, void *buf, unsigned frames);
ssize_t pcm_write(struct pcm *p, const void *buf, unsigned frames);

/* Frames between the application and the speaker (playback) or the
 * microphone and it (capture), as the driver counts them; a negative
 * errno when the stream does not run. */
long pcm_delay(struct pcm *p);

/* Drops what is queued (a playback stream plays nothing more of it) and
 * prepares the stream again; a capture stream is started again.  Returns
 * 0 or a negative errno. */
int pcm_reset(struct pcm *p);

void pcm_close(struct pcm *p);

#endif
