/* probe input: read (or write) evdev events inside a cell (README.md).
 *
 *   probe input DEVICE [--count N] [--timeout-ms MS] [--write CODE[,CODE...]]
 *
 * Reads DEVICE (/dev/input/eventK) until N events other than EV_SYN and
 * EV_MSC (scan codes) have
 * arrived or MS milliseconds have passed, printing one line per event:
 *
 *   input.open=ok | error:ENAME
 *   input.name=NAME
 *   input.event=TYPE CODE VALUE       (decimal, in arrival order)
 *   input.count=N
 *   input.end=count | timeout | error:ENAME
 *
 * --write CODES: first writes, for each key code, a press, a SYN_REPORT, a
 * release and a SYN_REPORT into DEVICE (what a cell could try to inject
 * through its own copy), printing input.write=ok|error:ENAME; then reads
 * as above (--count 0: do not read).
 *
 * Exit status: 0 when it ran (whatever it saw), 2 for a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

int input_main(int argc, char **argv); /* main.c: `probe input ...` */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int usage(void)
{
	fprintf(stderr, "usage: probe input DEVICE [--count N] [--timeout-ms MS] "
			"[--write CODE[,CODE...]]\n");
	return 2;
}

static int write_keys(int fd, const char *list)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct input_event ev[4];
		long code = strtol(tok, NULL, 0);

		memset(ev, 0, sizeof(ev));
		ev[0].type = EV_KEY, ev[0].code = (unsigned short)code, ev[0].value = 1;
		ev[1].type = EV_SYN, ev[1].code = SYN_REPORT;
		ev[2].type = EV_KEY, ev[2].code = (unsigned short)code, ev[2].value = 0;
		ev[3].type = EV_SYN, ev[3].code = SYN_REPORT;
		if (write(fd, ev, sizeof(ev)) != (ssize_t)sizeof(ev))
			return -errno;
	}
	return 0;
}

int input_main(int argc, char **argv)
{
	const char *dev = NULL, *keys = NULL;
	long count = 1, timeout = 1000, deadline, seen = 0;
	char name[128] = "?";
	const char *end = "timeout";
	int i, fd, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc)
			timeout = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--write") == 0 && i + 1 < argc)
			keys = argv[++i];
		else if (argv[i][0] != '-' && !dev)
			dev = argv[i];
		else
			return usage();
	}
	if (!dev || count < 0 || timeout < 0)
		return usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open(dev, (keys ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		printf("input.open=error:%s\ninput.count=0\ninput.end=error:%s\n",
		       errno_name(errno), errno_name(errno));
		return 0;
	}
	printf("input.open=ok\n");
	if (ioctl(fd, EVIOCGNAME(sizeof(name) - 1), name) >= 0)
		printf("input.name=%s\n", name);
	if (keys) {
		r = write_keys(fd, keys);
		printf("input.write=%s%s\n", r ? "error:" : "ok", r ? errno_name(-r) : "");
	}
	deadline = now_ms() + timeout;
	while (seen < count) {
		struct input_event ev[32];
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			break;
		r = poll(&pfd, 1, (int)left);
		if (r <= 0)
			continue;
		n = read(fd, ev, sizeof(ev));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			end = errno_name(errno);
			printf("input.count=%ld\ninput.end=error:%s\n", seen, end);
			close(fd);
			return 0;
		}
		for (size_t k = 0; k < (size_t)n / sizeof(ev[0]); k++) {
			if (ev[k].type == EV_SYN || ev[k].type == EV_MSC)
				continue; /* frames and scan codes: not counted */
			printf("input.event=%u %u %d\n", ev[k].type, ev[k].code, ev[k].value);
			seen++;
		}
	}
	if (seen >= count)
		end = "count";
	printf("input.count=%ld\ninput.end=%s\n", seen, end);
	close(fd);
	return 0;
}
