// SPDX-License-Identifier: MIT
/*
 * A compositor's view of the seat, for tests/integration/seat: Debian's
 * own libseat (seatd backend) opens the seat cellmgr serves on the cell's
 * /run/seatd.sock, and this prints what it hears, one line each, until
 * it is killed:
 *   seat opened: NAME      enabled      disabled      acked
 *   open PATH: ok          open PATH: error ERRNO-NAME
 *   revoked PATH           (a read of an opened device fails with ENODEV)
 * On enable it opens each PATH of --open; on disable it acknowledges
 * (libseat_disable_seat), or not with --no-ack.
 */
#define _GNU_SOURCE 1 /* strerrorname_np */
#include <errno.h>
#include <libseat.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool ack = true;
static const char *paths[8];
static int n_paths, fds[8];

static void on_enable(struct libseat *seat, void *data)
{
	(void)data;
	printf("enabled\n");
	for (int i = 0; i < n_paths; i++) {
		int fd = -1, id = libseat_open_device(seat, paths[i], &fd);

		if (id < 0) {
			printf("open %s: error %s\n", paths[i], strerrorname_np(errno));
			continue;
		}
		fds[i] = fd;
		printf("open %s: ok\n", paths[i]);
	}
	fflush(stdout);
}

static void on_disable(struct libseat *seat, void *data)
{
	(void)data;
	printf("disabled\n");
	if (ack) {
		libseat_disable_seat(seat);
		printf("acked\n");
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct libseat_seat_listener listener = {.enable_seat = on_enable,
						 .disable_seat = on_disable};
	struct libseat *seat;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-ack"))
			ack = false;
		else if (!strcmp(argv[i], "--open") && i + 1 < argc && n_paths < 8)
			paths[n_paths++] = argv[++i];
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	seat = libseat_open_seat(&listener, NULL);
	if (!seat) {
		printf("open seat: error %s\n", strerrorname_np(errno));
		return 1;
	}
	printf("seat opened: %s\n", libseat_seat_name(seat));
	for (;;) {
		struct pollfd p = {.fd = libseat_get_fd(seat), .events = POLLIN};

		if (poll(&p, 1, 500) < 0 && errno != EINTR)
			return 1;
		if (libseat_dispatch(seat, 0) < 0) {
			printf("dispatch: error %s\n", strerrorname_np(errno));
			return 1;
		}
		for (int i = 0; i < n_paths; i++) {
			char buf[64];

			if (fds[i] > 0 && read(fds[i], buf, sizeof(buf)) < 0 && errno == ENODEV) {
				printf("revoked %s\n", paths[i]);
				fds[i] = 0;
			}
		}
	}
}
