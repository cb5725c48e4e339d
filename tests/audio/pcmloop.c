// SPDX-License-Identifier: MIT
/*
 * cellar's PCM layer (mgr/seat/pcm.c) against the kernel's loopback card
 * (snd-aloop), for tests/qemu-audio/run:
 *
 *   pcmloop tone CARD FREQ MS [RATE]   plays a sine on pcmC<CARD>D0p
 *   pcmloop listen CARD MS             reads pcmC<CARD>D1c (what D0p plays)
 *
 * listen prints, per 100 ms block, "block N: 440=P 880=P rms=R" (Goertzel
 * power of each tone, normalised to a full-scale sine = 1.0), then
 * "listen: mostly F" (the tone of most blocks, or "silence").  tone
 * prints "tone: ok" or "tone: error WHAT".  48000 Hz, 2 channels, 480-frame
 * periods (10 ms) unless RATE says otherwise.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static int tone(unsigned card, double freq, long ms, unsigned rate)
{
	struct pcm p;
	struct pcm_config cfg = {rate, CH, PERIOD, 4};
	char err[160] = "";
	short buf[PERIOD * CH];
	unsigned long t = 0;
	long end;
	int r;

	if ((r = pcm_open(&p, card, 0, false)) < 0 ||
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

static int listen_to(unsigned card, long ms)
{
	struct pcm p;
	struct pcm_config cfg = {48000, CH, PERIOD, 4};
	char err[160] = "";
	static short block[BLOCK * CH];
	unsigned have = 0, blocks = 0, n440 = 0, n880 = 0, quiet = 0;
	long end;
	int r;

	if ((r = pcm_open(&p, card, 1, true)) < 0 ||
	    (r = pcm_setup(&p, &cfg, err, sizeof(err))) < 0) {
		printf("listen: error %s\n", err[0] ? err : strerror(-r));
		return 1;
	}
	printf("listen: ok\n");
	fflush(stdout);
	for (end = now_ms() + ms; now_ms() < end;) {
		struct pollfd pf = {.fd = p.fd, .events = POLLIN};
		ssize_t n;

		poll(&pf, 1, 100);
		n = pcm_read(&p, block + have * CH, BLOCK - have);
		if (n < 0 && n != -EAGAIN) {
			printf("listen: read %s\n", strerror((int)-n));
			return 1;
		}
		have += n > 0 ? (unsigned)n : 0;
		if (have < BLOCK)
			continue;
		{
			double a = goertzel(block, BLOCK, 440, 48000),
			       b = goertzel(block, BLOCK, 880, 48000), sum = 0;

			for (unsigned i = 0; i < BLOCK; i++)
				sum += (double)block[i * CH] * block[i * CH];
			printf("block %u: 440=%.3f 880=%.3f rms=%.1f\n", blocks, a, b,
			       sqrt(sum / BLOCK));
			if (a > 0.05 && a > 10 * b)
				n440++;
			else if (b > 0.05 && b > 10 * a)
				n880++;
			else if (sum == 0)
				quiet++;
		}
		blocks++;
		have = 0;
	}
	printf("listen: %u blocks, %u of 440, %u of 880, %u silent, %lu xruns\n", blocks, n440,
	       n880, quiet, p.xruns);
	printf("listen: mostly %s\n", n440 * 2 > blocks	   ? "440"
				      : n880 * 2 > blocks  ? "880"
				      : quiet * 2 > blocks ? "silence"
							   : "noise");
	pcm_close(&p);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 5 && !strcmp(argv[1], "tone"))
		return tone((unsigned)atoi(argv[2]), atof(argv[3]), atol(argv[4]),
			    argc > 5 ? (unsigned)atoi(argv[5]) : 48000);
	if (argc == 4 && !strcmp(argv[1], "listen"))
		return listen_to((unsigned)atoi(argv[2]), atol(argv[3]));
	fprintf(stderr, "usage: pcmloop tone CARD FREQ MS [RATE] | listen CARD MS\n");
	return 2;
}
