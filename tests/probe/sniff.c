// SPDX-License-Identifier: MIT
/*
 * sniff: a packet-socket reader that runs inside a cell, for the network
 * isolation test (tests/integration/net).  A program of its own beside
 * probe, static like it.
 *
 *   sniff SECONDS
 *
 * Opens an AF_PACKET socket for every protocol on every interface of the
 * cell's network namespace, puts each interface in promiscuous mode (as
 * an attacker would), and for SECONDS prints one line per ICMP or ICMPv6
 * packet it sees:
 *
 *   icmp SRC DST TYPE
 *
 * then "frames=N" (all frames seen) and "sniff=done".  Setup failures are
 * printed as "sniff=error:STEP:errno-name" and exit 1.  The harness judges.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *step)
{
	printf("sniff=error:%s:%s\n", step, strerror(errno));
	return 1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* One line for an ICMP (IPv4, protocol 1) or ICMPv6 (next header 58, no
 * extension headers) packet; nothing for the rest. */
static void show(const unsigned char *f, size_t n)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	unsigned type;

	if (n < 14)
		return;
	type = (unsigned)f[12] << 8 | f[13];
	f += 14;
	n -= 14;
	if (type == ETHERTYPE_IP && n >= 20 && f[9] == 1) {
		size_t ihl = (size_t)(f[0] & 0xf) * 4;

		if (n <= ihl)
			return;
		inet_ntop(AF_INET, f + 12, src, sizeof(src));
		inet_ntop(AF_INET, f + 16, dst, sizeof(dst));
		printf("icmp %s %s %u\n", src, dst, f[ihl]);
	} else if (type == ETHERTYPE_IPV6 && n > 40 && f[6] == 58) {
		inet_ntop(AF_INET6, f + 8, src, sizeof(src));
		inet_ntop(AF_INET6, f + 24, dst, sizeof(dst));
		printf("icmp %s %s %u\n", src, dst, f[40]);
	}
}

int main(int argc, char **argv)
{
	unsigned char frame[65536];
	struct if_nameindex *ifs;
	long seconds, end, frames = 0;
	int fd;

	if (argc != 2 || (seconds = strtol(argv[1], NULL, 10)) <= 0 || seconds > 600) {
		fprintf(stderr, "usage: sniff SECONDS\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		return fail("socket");
	ifs = if_nameindex();
	if (!ifs)
		return fail("if_nameindex");
	for (struct if_nameindex *i = ifs; i->if_index; i++) {
		struct packet_mreq mr = {.mr_ifindex = (int)i->if_index,
					 .mr_type = PACKET_MR_PROMISC};

		if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0)
			return fail("promisc");
		printf("promisc=%s\n", i->if_name);
	}
	if_freenameindex(ifs);
	printf("sniff=ready\n");
	end = now_ms() + seconds * 1000L;
	for (long left; (left = end - now_ms()) > 0;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = recv(fd, frame, sizeof(frame), MSG_DONTWAIT);
		if (n <= 0)
			continue;
		frames++;
		show(frame, (size_t)n);
	}
	printf("frames=%ld\nsniff=done\n", frames);
	return 0;
}
