// SPDX-License-Identifier: MIT
/*
 * cellar's PCM layer (mgr/seat/pcm.c) against the kernel's loopback card
 * (snd-aloop), for tests/qemu-audio/run:
 *
 *   pcmloop tone CARD FREQ MS [RATE [DEVICE]]  plays a sine on pcmC<CARD>D<DEVICE>p
 *   pcmloop listen CARD MS [DEVICE]            reads pcmC<CARD>D<DEVICE>c (default
 *                                              device 1: what D0p plays)
 *   pcmloop stdin                              the same of raw 48000 Hz S16_LE
 *                                              stereo frames on stdin (arecord's)
 *   pcmloop ctl CARD                           what /dev/snd/controlC<CARD> is
 *   pcmloop timer CARD                         what the ALSA timer device tells of
 *                                              card CARD's playback (its PCM timer)
 *
 * listen prints, per 100 ms block, "block N t=MS: 440=P 660=P 880=P 1000=P
 * rms=R" (Goertzel power of each tone, normalised to a full-scale sine =
 * 1.0; t the CLOCK_BOOTTIME ms at its end, as /proc/uptime counts), then
 * "listen: mostly F" (the tone of most blocks, or "silence").  tone
 * prints "tone: ok" or "tone: error WHAT".  48000 Hz, 2 channels, 480-frame
 * periods (10 ms) unless RATE says otherwise; PCMLOOP_PERIODS periods (4).
 * ctl prints the card's id, driver and mixer name and its controls.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sound/asound.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "pcm.h"

#define CH 2
#define PERIOD 480
#define BLOCK 4800 /* 100 ms at 48000 */

static double goertzel(const short *s, unsigned n, double freq, unsigned rate)
{
	double w = 2 * M_PI * freq / rate, c = 2 * cos(w), s1 = 0, s2 = 0;

	for (unsigned i = 0; i < n; i++) {
		double s0 = s[i * CH] / 32768.0 + c * s1 - s2;

		s2 = s1;
		s1 = s0;
	}
	/* A full-scale sine of n samples gives (n/2)^2. */
	return (s1 * s1 + s2 * s2 - c * s1 * s2) / ((n / 2.0) * (n / 2.0));
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long boot_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned periods(void)
{
	const char *e = getenv("PCMLOOP_PERIODS");

	return e ? (unsigned)atoi(e) : 4;
}

static const double freqs[] = {440, 660, 880, 1000};
#define NFREQ (sizeof(freqs) / sizeof(freqs[0]))

static int tone(unsigned card, double freq, long ms, unsigned rate, unsigned device)
{
	struct pcm p;
	struct pcm_config cfg = {rate, CH, PERIOD, periods()};
	char err[160] = "";
	short buf[PERIOD * CH];
	unsigned long t = 0;
	long end;
	int r;

	if ((r = pcm_open(&p, card, device, false)) < 0 ||
	    (r = pcm_setup(&p, &cfg, err, sizeof(err))) < 0) {
		printf("tone: error %s\n", err[0] ? err : strerror(-r));
		return 1;
	}
	printf("tone: ok\n");
	fflush(stdout);
	for (end = now_ms() + ms; now_ms() < end;) {
		struct pollfd pf = {.fd = p.fd, .events = POLLOUT};
		ssize_t n;

		for (unsigned i = 0; i < PERIOD; i++, t++) {
			short v = (short)(16000 * sin(2 * M_PI * freq * (double)t / rate));

			buf[i * CH] = buf[i * CH + 1] = v;
		}
		poll(&pf, 1, 100);
		n = pcm_write(&p, buf, PERIOD);
		if (n < 0 && n != -EAGAIN) {
			printf("tone: write %s\n", strerror((int)-n));
			return 1;
		}
		if (n <= 0)
			t -= PERIOD; /* not taken: the same period again */
	}
	pcm_close(&p);
	return 0;
}

/* The tone that stands out in a block, or -1 (silence) or -2 (noise). */
static int classify(const double *pw, double sum)
{
	for (unsigned k = 0; k < NFREQ; k++) {
		bool top = pw[k] > 0.01;

		for (unsigned j = 0; j < NFREQ && top; j++)
			if (j != k && pw[j] * 10 > pw[k])
				top = false;
		if (top)
			return (int)k;
	}
	return sum == 0 ? -1 : -2;
}

struct tally {
	unsigned blocks, quiet, n[NFREQ];
};

/* One 100 ms block: its line, and counted. */
static void judge(struct tally *t, const short *block)
{
	double pw[NFREQ], sum = 0;
	int k;

	for (unsigned i = 0; i < BLOCK; i++)
		sum += (double)block[i * CH] * block[i * CH];
	for (unsigned i = 0; i < NFREQ; i++)
		pw[i] = goertzel(block, BLOCK, freqs[i], 48000);
	printf("block %u t=%ld: 440=%.3f 660=%.3f 880=%.3f 1000=%.3f rms=%.1f\n", t->blocks,
	       boot_ms(), pw[0], pw[1], pw[2], pw[3], sqrt(sum / BLOCK));
	k = classify(pw, sum);
	if (k >= 0)
		t->n[k]++;
	else if (k == -1)
		t->quiet++;
	t->blocks++;
}

static void verdict(const struct tally *t, unsigned long xruns)
{
	printf("listen: %u blocks, %u of 440, %u of 880, %u of 1000, %u silent, %lu xruns\n",
	       t->blocks, t->n[0], t->n[2], t->n[3], t->quiet, xruns);
	printf("listen: mostly %s\n", t->n[0] * 2 > t->blocks	 ? "440"
				      : t->n[2] * 2 > t->blocks	 ? "880"
				      : t->n[3] * 2 > t->blocks	 ? "1000"
				      : t->quiet * 2 > t->blocks ? "silence"
								 : "noise");
}

static int listen_to(unsigned card, long ms, unsigned device)
{
	struct pcm p;
	struct pcm_config cfg = {48000, CH, PERIOD, periods()};
	char err[160] = "";
	static short block[BLOCK * CH];
	struct tally t = {0};
	unsigned have = 0;
	long end;
	int r;

	if ((r = pcm_open(&p, card, device, true)) < 0 ||
	    (r = pcm_setup(&p, &cfg, err, sizeof(err))) < 0) {
		printf("listen: error %s\n", err[0] ? err : strerror(-r));
		return 1;
	}
	printf("listen: ok\n");
	fflush(stdout);
	for (end = now_ms() + ms; now_ms() < end;) {
		struct pollfd pf = {.fd = p.fd, .events = POLLIN};
		ssize_t got;

		poll(&pf, 1, 100);
		got = pcm_read(&p, block + have * CH, BLOCK - have);
		if (got < 0 && got != -EAGAIN) {
			printf("listen: read %s\n", strerror((int)-got));
			return 1;
		}
		have += got > 0 ? (unsigned)got : 0;
		if (have < BLOCK)
			continue;
		judge(&t, block);
		have = 0;
	}
	verdict(&t, p.xruns);
	pcm_close(&p);
	return 0;
}

/* The same from raw frames on stdin (48000 Hz S16_LE stereo): what
 * Debian's arecord records through the cell's ALSA. */
static int listen_stdin(void)
{
	static short block[BLOCK * CH];
	struct tally t = {0};
	size_t have = 0;
	ssize_t got;

	printf("listen: ok\n");
	while ((got = read(0, (char *)block + have, sizeof(block) - have)) > 0) {
		have += (size_t)got;
		if (have < sizeof(block))
			continue;
		judge(&t, block);
		have = 0;
	}
	verdict(&t, 0);
	return 0;
}

/* What a cell's control device is, and what it may change. */
static int ctl(unsigned card)
{
	struct snd_ctl_card_info info = {0};
	struct snd_ctl_elem_list list = {0};
	struct snd_ctl_elem_id ids[64];
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/snd/controlC%u", card);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("ctl: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (ioctl(fd, SNDRV_CTL_IOCTL_CARD_INFO, &info) < 0) {
		printf("ctl: card info: %s\n", strerror(errno));
		return 1;
	}
	printf("ctl: card %d id %s driver %s mixer '%s'\n", info.card, (char *)info.id,
	       (char *)info.driver, (char *)info.mixername);
	list.space = 64;
	list.pids = ids;
	if (ioctl(fd, SNDRV_CTL_IOCTL_ELEM_LIST, &list) < 0) {
		printf("ctl: list: %s\n", strerror(errno));
		return 1;
	}
	for (unsigned i = 0; i < list.used; i++)
		printf("ctl: control %u '%s'\n", ids[i].numid, (char *)ids[i].name);
	printf("ctl: %u controls\n", list.count);
	close(fd);
	return 0;
}

/* The timer device is one for all cards: select another card's PCM timer
 * (device 0, playback) and count its ticks for a second. */
static int timer(unsigned card)
{
	struct snd_timer_select sel = {0};
	struct snd_timer_params par = {0};
	struct snd_timer_read tr[16];
	unsigned ticks = 0;
	long end;
	int fd = open("/dev/snd/timer", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		printf("timer: open /dev/snd/timer: %s\n", strerror(errno));
		return 1;
	}
	sel.id.dev_class = SNDRV_TIMER_CLASS_PCM;
	sel.id.dev_sclass = SNDRV_TIMER_SCLASS_NONE;
	sel.id.card = (int)card;
	sel.id.device = 0;
	sel.id.subdevice = 0;
	if (ioctl(fd, SNDRV_TIMER_IOCTL_SELECT, &sel) < 0) {
		printf("timer: select card %u's PCM timer: %s\n", card, strerror(errno));
		return 0;
	}
	par.ticks = 1;
	par.queue_size = 16;
	if (ioctl(fd, SNDRV_TIMER_IOCTL_PARAMS, &par) < 0)
		printf("timer: card %u's PCM timer selected, params: %s\n", card, strerror(errno));
	if (ioctl(fd, SNDRV_TIMER_IOCTL_START) < 0)
		printf("timer: card %u's PCM timer selected, start: %s\n", card, strerror(errno));
	for (end = now_ms() + 1000; now_ms() < end;) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		ssize_t n;

		poll(&pf, 1, 100);
		n = read(fd, tr, sizeof(tr));
		for (ssize_t i = 0; n > 0 && i < n / (ssize_t)sizeof(tr[0]); i++)
			ticks += tr[i].ticks;
	}
	printf("timer: card %u's PCM timer: %u periods in 1 s\n", card, ticks);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 5 && !strcmp(argv[1], "tone"))
		return tone((unsigned)atoi(argv[2]), atof(argv[3]), atol(argv[4]),
			    argc > 5 ? (unsigned)atoi(argv[5]) : 48000,
			    argc > 6 ? (unsigned)atoi(argv[6]) : 0);
	if (argc >= 4 && !strcmp(argv[1], "listen"))
		return listen_to((unsigned)atoi(argv[2]), atol(argv[3]),
				 argc > 4 ? (unsigned)atoi(argv[4]) : 1);
	if (argc == 2 && !strcmp(argv[1], "stdin"))
		return listen_stdin();
	if (argc == 3 && !strcmp(argv[1], "ctl"))
		return ctl((unsigned)atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "timer"))
		return timer((unsigned)atoi(argv[2]));
	fprintf(stderr, "usage: pcmloop tone CARD FREQ MS [RATE [DEVICE]] | listen CARD MS "
			"[DEVICE] | stdin | ctl CARD | timer CARD\n");
	return 2;
}
