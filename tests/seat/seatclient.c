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
 * (libseat_disable_seat), or not with --no-ack.  With a DRM card among the
 * paths it also says, whenever that changes, whether its file of the card
 * is master (a master-only ioctl, SETCRTC turning the first CRTC off,
 * works: "drm master: yes|no"), and on disable it tries to take master
 * back itself ("set master: ok|error ERRNO-NAME"), as a hostile
 * compositor would.  With --lease, once its file is master it makes an
 * empty DRM lease of it as wlroots does ("lease: ok, N crtcs"), and in the
 * background tries SET_MASTER and SETCRTC on the lessee too ("lease set
 * master: ...", "lease setcrtc: ...").
 */
#define _GNU_SOURCE 1 /* strerrorname_np */
#include <errno.h>
#include <libseat.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* From the kernel's include/uapi/drm (no libdrm in the cell). */
struct card_res {
	uint64_t fb_id_ptr, crtc_id_ptr, connector_id_ptr, encoder_id_ptr;
	uint32_t count_fbs, count_crtcs, count_connectors, count_encoders;
	uint32_t min_width, max_width, min_height, max_height;
};
struct crtc {
	uint64_t set_connectors_ptr;
	uint32_t count_connectors, crtc_id, fb_id, x, y, gamma_size, mode_valid;
	unsigned char mode[68];
};
struct create_lease {
	uint64_t object_ids;
	uint32_t object_count, flags, lessee_id, fd;
};
#define SET_MASTER _IO('d', 0x1e)
#define CREATE_LEASE _IOWR('d', 0xC6, struct create_lease)
#define GETRESOURCES _IOWR('d', 0xA0, struct card_res)
#define SETCRTC _IOWR('d', 0xA2, struct crtc)

static int card = -1, last_master = -1, lessee = -1;
static bool steal;	/* disabled: take master back once it is gone */
static bool want_lease; /* --lease */

/* An empty lease of the card, as wlroots' reopen_drm_node() makes one. */
static void make_lease(void)
{
	struct create_lease l = {.flags = 02000000 /* O_CLOEXEC */};
	uint32_t ids[8];
	struct card_res res = {.crtc_id_ptr = (uint64_t)(uintptr_t)ids, .count_crtcs = 8};

	if (ioctl(card, CREATE_LEASE, &l) < 0) {
		printf("lease: error %s\n", strerrorname_np(errno));
		return;
	}
	lessee = (int)l.fd;
	if (ioctl(lessee, GETRESOURCES, &res) < 0)
		printf("lease: ok, resources error %s\n", strerrorname_np(errno));
	else
		printf("lease: ok, %u crtcs\n", res.count_crtcs);
}

/* In the background: the lessee is no way back to the screen. */
static void try_lessee(void)
{
	uint32_t ids[8];
	struct card_res res = {.crtc_id_ptr = (uint64_t)(uintptr_t)ids, .count_crtcs = 8};
	struct crtc c = {0};

	printf("lease set master: %s\n",
	       ioctl(lessee, SET_MASTER, 0) == 0 ? "ok" : strerrorname_np(errno));
	/* a CRTC of the card, by its id from the cell's own file */
	if (ioctl(card, GETRESOURCES, &res) == 0 && res.count_crtcs) {
		c.crtc_id = ids[0];
		printf("lease setcrtc: %s\n",
		       ioctl(lessee, SETCRTC, &c) == 0 ? "ok" : strerrorname_np(errno));
	}
}

/* Whether the card's file is master now: SETCRTC is master-only. */
static int is_master(void)
{
	uint32_t ids[8];
	struct card_res res = {.crtc_id_ptr = (uint64_t)(uintptr_t)ids, .count_crtcs = 8};
	struct crtc c = {0};

	if (ioctl(card, GETRESOURCES, &res) < 0 || res.count_crtcs == 0)
		return -1;
	c.crtc_id = ids[0];
	return ioctl(card, SETCRTC, &c) == 0 ? 1 : 0;
}

static void report_master(void)
{
	int m = card >= 0 ? is_master() : -1;

	if (m >= 0 && m != last_master)
		printf("drm master: %s\n", m ? "yes" : "no");
	last_master = m;
}

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
		if (!strncmp(paths[i], "/dev/dri/card", 13)) {
			card = fd;
			fds[i] = 0; /* not an input device: no revoke to watch */
		}
	}
	fflush(stdout);
}

static void on_disable(struct libseat *seat, void *data)
{
	(void)data;
	printf("disabled\n");
	steal = card >= 0;
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
		else if (!strcmp(argv[i], "--lease"))
			want_lease = true;
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

		if (poll(&p, 1, 200) < 0 && errno != EINTR)
			return 1;
		if (libseat_dispatch(seat, 0) < 0) {
			printf("dispatch: error %s\n", strerrorname_np(errno));
			return 1;
		}
		report_master();
		if (want_lease && lessee < 0 && last_master == 1)
			make_lease();
		if (steal && last_master == 0) {
			if (lessee >= 0)
				try_lessee();
			steal = false;
			if (ioctl(card, SET_MASTER, 0) == 0)
				printf("set master: ok\n");
			else
				printf("set master: error %s\n", strerrorname_np(errno));
			last_master = -1; /* and say where that left it */
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
