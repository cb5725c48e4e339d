// SPDX-License-Identifier: MIT
/* One ALSA PCM stream through the kernel's ioctls (pcm.h). */
#include "pcm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pcmparams.h"

#define FRAME_SAMPLE_BYTES 2 /* S16_LE */

int pcm_open(struct pcm *p, unsigned card, unsigned device, bool capture)
{
	char path[64];

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "/dev/snd/pcmC%uD%u%c", card, device, capture ? 'c' : 'p');
	p->fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (p->fd < 0)
		return -errno;
	p->capture = capture;
	return 0;
}

/* Pins one parameter after another, each checked with HW_REFINE, so that
 * the error names the first the device refuses. */
static int refine(struct pcm *p, struct snd_pcm_hw_params *hw, const char *what, char *err,
		  size_t errlen)
{
	if (ioctl(p->fd, SNDRV_PCM_IOCTL_HW_REFINE, hw) == 0)
		return 0;
	snprintf(err, errlen, "%s refused by the device: %s", what, strerror(errno));
	return -errno;
}

static int set_hw(struct pcm *p, const struct pcm_config *cfg, char *err, size_t errlen)
{
	struct snd_pcm_hw_params hw;
	int r;

	pcm_hw_any(&hw);
	pcm_hw_set_mask(&hw, SNDRV_PCM_HW_PARAM_ACCESS, SNDRV_PCM_ACCESS_RW_INTERLEAVED);
	if ((r = refine(p, &hw, "interleaved access", err, errlen)) < 0)
		return r;
	pcm_hw_set_mask(&hw, SNDRV_PCM_HW_PARAM_FORMAT, SNDRV_PCM_FORMAT_S16_LE);
	if ((r = refine(p, &hw, "format S16_LE", err, errlen)) < 0)
		return r;
	pcm_hw_set_int(&hw, SNDRV_PCM_HW_PARAM_CHANNELS, cfg->channels);
	if ((r = refine(p, &hw, "the channel count", err, errlen)) < 0)
		return r;
	pcm_hw_set_int(&hw, SNDRV_PCM_HW_PARAM_RATE, cfg->rate);
	if ((r = refine(p, &hw, "the rate", err, errlen)) < 0)
		return r;
	pcm_hw_set_int(&hw, SNDRV_PCM_HW_PARAM_PERIOD_SIZE, cfg->period);
	if ((r = refine(p, &hw, "the period size", err, errlen)) < 0)
		return r;
	pcm_hw_set_int(&hw, SNDRV_PCM_HW_PARAM_PERIODS, cfg->periods);
	if ((r = refine(p, &hw, "the number of periods", err, errlen)) < 0)
		return r;
	if (ioctl(p->fd, SNDRV_PCM_IOCTL_HW_PARAMS, &hw) < 0) {
		snprintf(err, errlen, "hw_params: %s", strerror(errno));
		return -errno;
	}
	p->cfg.rate = pcm_hw_get_int(&hw, SNDRV_PCM_HW_PARAM_RATE);
	p->cfg.channels = pcm_hw_get_int(&hw, SNDRV_PCM_HW_PARAM_CHANNELS);
	p->cfg.period = pcm_hw_get_int(&hw, SNDRV_PCM_HW_PARAM_PERIOD_SIZE);
	p->cfg.periods = pcm_hw_get_int(&hw, SNDRV_PCM_HW_PARAM_PERIODS);
	p->frame_bytes = p->cfg.channels * FRAME_SAMPLE_BYTES;
	return 0;
}

/* Wakes the loop once a period can move; starts a playback stream when
 * one period is queued (a capture stream is started by hand); stops on
 * an xrun, which pcm_read/pcm_write recover from. */
static int set_sw(struct pcm *p, char *err, size_t errlen)
{
	struct snd_pcm_sw_params sw;
	snd_pcm_uframes_t buffer = (snd_pcm_uframes_t)p->cfg.period * p->cfg.periods;

	memset(&sw, 0, sizeof(sw));
	sw.tstamp_mode = SNDRV_PCM_TSTAMP_NONE;
	sw.period_step = 1;
	sw.avail_min = p->cfg.period;
	sw.start_threshold = p->capture ? 1 : p->cfg.period;
	sw.stop_threshold = buffer;
	sw.boundary = buffer;
	while (sw.boundary * 2 <= (snd_pcm_uframes_t)-1 / 2 - buffer)
		sw.boundary *= 2;
	sw.proto = SNDRV_PCM_VERSION;
	if (ioctl(p->fd, SNDRV_PCM_IOCTL_SW_PARAMS, &sw) < 0) {
		snprintf(err, errlen, "sw_params: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static int prepare(struct pcm *p)
{
	if (ioctl(p->fd, SNDRV_PCM_IOCTL_PREPARE) < 0)
		return -errno;
	if (p->capture && ioctl(p->fd, SNDRV_PCM_IOCTL_START) < 0)
		return -errno;
	return 0;
}

int pcm_setup(struct pcm *p, const struct pcm_config *cfg, char *err, size_t errlen)
{
	int r;

	if ((r = set_hw(p, cfg, err, errlen)) < 0 || (r = set_sw(p, err, errlen)) < 0)
		return r;
	if ((r = prepare(p)) < 0)
		snprintf(err, errlen, "prepare: %s", strerror(-r));
	return r;
}

static ssize_t xfer(struct pcm *p, void *buf, unsigned frames, unsigned long request)
{
	struct snd_xferi x = {.buf = buf, .frames = frames};
	int r;

	if (ioctl(p->fd, request, &x) == 0)
		return (ssize_t)x.result;
	if (errno != EPIPE && errno != ESTRPIPE)
		return -errno;
	p->xruns++;
	r = prepare(p);
	return r < 0 ? r : 0;
}

ssize_t pcm_read(struct pcm *p, void *buf, unsigned frames)
{
	return xfer(p, buf, frames, SNDRV_PCM_IOCTL_READI_FRAMES);
}

ssize_t pcm_write(struct pcm *p, const void *buf, unsigned frames)
{
	return xfer(p, (void *)buf, frames, SNDRV_PCM_IOCTL_WRITEI_FRAMES);
}

long pcm_delay(struct pcm *p)
{
	snd_pcm_sframes_t d;

	if (ioctl(p->fd, SNDRV_PCM_IOCTL_DELAY, &d) < 0)
		return -errno;
	return (long)d;
}

int pcm_reset(struct pcm *p)
{
	if (p->fd < 0)
		return -EBADF;
	if (ioctl(p->fd, SNDRV_PCM_IOCTL_DROP) < 0)
		return -errno;
	return prepare(p);
}

void pcm_close(struct pcm *p)
{
	if (p->fd >= 0) {
		ioctl(p->fd, SNDRV_PCM_IOCTL_DROP);
		close(p->fd);
	}
	p->fd = -1;
}
