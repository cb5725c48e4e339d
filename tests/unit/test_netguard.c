// SPDX-License-Identifier: MIT
/* The cell's anti-spoofing program (mgr/net/netguard.c): its size and jumps for
 * the largest cell, and, where the kernel lets this test load it (root),
 * its verdicts on crafted frames through BPF_PROG_TEST_RUN: the kernel's
 * verifier and interpreter or JIT, not a model of them.  The integration
 * test tests/integration/net shows the same filter on real veths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "netguard.h"

static const unsigned char mac[6] = {0x02, 0xce, 0x11, 0x22, 0x33, 0x44};
static const unsigned char other_mac[6] = {0x02, 0xce, 0x55, 0x66, 0x77, 0x88};

static void cidr(struct net_cidr *c, const char *text, unsigned prefix)
{
	c->family = strchr(text, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(c->family, text, c->addr), 1);
	c->prefix = prefix;
}

/* A bridged cell: 10.0.0.2 ('net'), 192.168.7.9 and fd00::2 (net_address). */
static void small_cell(struct cell_net *n)
{
	memset(n, 0, sizeof(*n));
	n->mode = CELL_NET_BRIDGE;
	cidr(&n->addr, "10.0.0.2", 24);
	cidr(&n->more[0], "192.168.7.9", 24);
	cidr(&n->more[1], "fd00::2", 64);
	n->n_more = 2;
}

/* The most a cell has: 'net' and NET_ADDRS_MAX more; shape 0 both
 * families, 1 all IPv4, 2 all IPv6 (the longest address matches). */
static void largest_cell(struct cell_net *n, int shape)
{
	char a[64];

	memset(n, 0, sizeof(*n));
	n->mode = CELL_NET_BRIDGE;
	cidr(&n->addr, shape == 2 ? "fd00::2" : "10.0.0.2", shape == 2 ? 64 : 24);
	for (unsigned i = 0; i < NET_ADDRS_MAX; i++) {
		bool v4 = shape == 1 || (shape == 0 && i % 2);

		snprintf(a, sizeof(a), v4 ? "10.0.%u.2" : "fd00:%u::2", i + 1);
		cidr(&n->more[i], a, v4 ? 24 : 64);
	}
	n->n_more = NET_ADDRS_MAX;
}

static void test_size_and_jumps(void **state)
{
	struct bpf_insn p[NETGUARD_INSNS_MAX];
	struct cell_net n;
	char msg[200];
	int len, fd;

	(void)state;
	for (int shape = 0; shape < 3; shape++) {
		largest_cell(&n, shape);
		len = netguard_assemble(&n, mac, p);
		assert_true(len > 0);
		assert_true(len < 1000); /* far below 4096 */
		for (int i = 0; i < len; i++) {
			uint8_t cls = BPF_CLASS(p[i].code);

			if ((cls == BPF_JMP || cls == BPF_JMP32) && BPF_OP(p[i].code) != BPF_EXIT) {
				int to = i + 1 + p[i].off;

				assert_true(to > i && to < len); /* forward, inside */
			}
		}
		/* It ends in the two verdicts. */
		assert_int_equal(p[len - 1].code, BPF_JMP | BPF_EXIT);
		assert_int_equal(p[len - 3].code, BPF_JMP | BPF_EXIT);
		/* And the verifier takes it, where this test may load. */
		fd = netguard_load(&n, mac, msg, sizeof(msg));
		if (fd == -EPERM || fd == -EACCES)
			continue;
		if (fd < 0)
			print_error("load shape %d: %s: %s\n", shape, strerror(-fd), msg);
		assert_true(fd >= 0);
		close(fd);
	}
}

/* ---- frames ------------------------------------------------------------ */

struct frame {
	unsigned char b[256];
	size_t len;
};

static void put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void put16(struct frame *f, unsigned v)
{
	unsigned char b[2] = {(unsigned char)(v >> 8), (unsigned char)v};

	put(f, b, 2);
}

static void put_addr(struct frame *f, int family, const char *text)
{
	unsigned char a[16];

	assert_int_equal(inet_pton(family, text, a), 1);
	put(f, a, family == AF_INET ? 4 : 16);
}

static void ether(struct frame *f, const unsigned char *src, unsigned type)
{
	static const unsigned char bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	f->len = 0;
	put(f, bcast, 6);
	put(f, src, 6);
	put16(f, type);
}

static void arp_to(struct frame *f, const unsigned char *src, const unsigned char *sha,
		   const char *spa, const char *tpa)
{
	static const unsigned char head[8] = {0, 1, 8, 0, 6, 4, 0, 2}; /* Ethernet, IPv4, reply */
	static const unsigned char zero[6];

	ether(f, src, 0x0806);
	put(f, head, sizeof(head));
	put(f, sha, 6);
	put_addr(f, AF_INET, spa);
	put(f, zero, 6);
	put_addr(f, AF_INET, tpa);
}

static void arp(struct frame *f, const unsigned char *src, const unsigned char *sha,
		const char *spa)
{
	arp_to(f, src, sha, spa, "10.0.0.1");
}

static void ipv4(struct frame *f, const unsigned char *src, const char *saddr)
{
	static const unsigned char head[12] = {0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0};
	static const unsigned char udp[8] = {0x30, 0x39, 0x30, 0x39, 0, 8, 0, 0};

	ether(f, src, 0x0800);
	put(f, head, sizeof(head));
	put_addr(f, AF_INET, saddr);
	put_addr(f, AF_INET, "10.0.0.1");
	put(f, udp, sizeof(udp));
}

/* IPv6 from saddr: next header next, then payload (n bytes). */
static void ipv6(struct frame *f, const char *saddr, unsigned next, const void *payload, size_t n)
{
	unsigned char head[8] = {
	    0x60, 0, 0, 0, (unsigned char)(n >> 8), (unsigned char)n, (unsigned char)next, 255};

	ether(f, mac, 0x86dd);
	put(f, head, sizeof(head));
	put_addr(f, AF_INET6, saddr);
	put_addr(f, AF_INET6, "ff02::1");
	put(f, payload, n);
}

/* ICMPv6 of type with a 16-byte target (NA, NS, redirect shape). */
static size_t icmp6(unsigned char *p, unsigned type, const char *target)
{
	memset(p, 0, 24);
	p[0] = (unsigned char)type;
	assert_int_equal(inet_pton(AF_INET6, target, p + 8), 1);
	return 24;
}

static int verdict(int fd, const struct frame *f)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = (uint32_t)fd;
	attr.test.data_in = (uint64_t)(uintptr_t)f->b;
	attr.test.data_size_in = (uint32_t)f->len;
	attr.test.repeat = 1;
	if (syscall(SYS_bpf, BPF_PROG_TEST_RUN, &attr, sizeof(attr)) < 0)
		return -errno;
	return (int)attr.test.retval;
}

static void test_verdicts(void **state)
{
	unsigned char p[64], hbh[8 + 24] = {58, 0, 1, 4, 0, 0, 0, 0};
	struct cell_net n;
	struct frame f;
	char msg[200];
	int fd;

	(void)state;
	small_cell(&n);
	fd = netguard_load(&n, mac, msg, sizeof(msg));
	if (fd == -EPERM || fd == -EACCES) {
		skip(); /* not root: the pure part above still ran */
		return;
	}
	if (fd < 0)
		print_error("load: %s: %s\n", strerror(-fd), msg);
	assert_true(fd >= 0);

	/* ARP: the cell's MAC and addresses only, probes from 0.0.0.0. */
	arp(&f, mac, mac, "10.0.0.2");
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	arp(&f, mac, mac, "192.168.7.9"); /* top bit set: a 32-bit compare */
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	arp_to(&f, mac, mac, "0.0.0.0", "10.0.0.2"); /* a probe for its own */
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	arp(&f, mac, mac, "10.0.0.3"); /* another cell's address */
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	arp(&f, mac, other_mac, "10.0.0.2"); /* another sender MAC */
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	arp(&f, other_mac, mac, "10.0.0.2"); /* another Ethernet source */
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	arp(&f, mac, mac, "10.0.0.2");
	f.len = 40; /* cut short: dropped, not passed by a failed load */
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);

	/* IPv4. */
	ipv4(&f, mac, "10.0.0.2");
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	ipv4(&f, mac, "192.168.7.9");
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	ipv4(&f, mac, "10.0.0.3");
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	ipv4(&f, mac, "0.0.0.0");
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	ipv4(&f, other_mac, "10.0.0.2");
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);

	/* IPv6 sources: its own, its EUI-64 link-local, :: (DAD). */
	memset(p, 0, 8); /* UDP */
	ipv6(&f, "fd00::2", 17, p, 8);
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	ipv6(&f, "fe80::ce:11ff:fe22:3344", 17, p, 8);
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	ipv6(&f, "::", 58, p, icmp6(p, 135, "fd00::2"));
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	ipv6(&f, "fd00::3", 17, p, 8);
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	ipv6(&f, "fe80::ce:55ff:fe66:7788", 17, p, 8); /* another cell's link-local */
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);

	/* Neighbour advertisements for its own targets only; no RA, redirect. */
	ipv6(&f, "fd00::2", 58, p, icmp6(p, 136, "fd00::2"));
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	ipv6(&f, "fe80::ce:11ff:fe22:3344", 58, p, icmp6(p, 136, "fe80::ce:11ff:fe22:3344"));
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	ipv6(&f, "fd00::2", 58, p, icmp6(p, 136, "fd00::3"));
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	ipv6(&f, "fd00::2", 58, p, icmp6(p, 136, "::"));
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	ipv6(&f, "fe80::ce:11ff:fe22:3344", 58, p, icmp6(p, 134, "::"));
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	ipv6(&f, "fe80::ce:11ff:fe22:3344", 58, p, icmp6(p, 137, "fd00::3"));
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	ipv6(&f, "fd00::2", 58, p, icmp6(p, 128, "::")); /* echo request */
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	ipv6(&f, "fd00::2", 58, p, 0); /* no ICMPv6 header at all */
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);

	/* Behind a hop-by-hop header: an echo passes, an NA (even its own)
	 * and an RA do not; past two extension headers nothing is read. */
	icmp6(hbh + 8, 128, "::");
	ipv6(&f, "fd00::2", 0, hbh, sizeof(hbh));
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	icmp6(hbh + 8, 136, "fd00::2");
	ipv6(&f, "fd00::2", 0, hbh, sizeof(hbh));
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	icmp6(hbh + 8, 134, "::");
	ipv6(&f, "fe80::ce:11ff:fe22:3344", 0, hbh, sizeof(hbh));
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	{
		unsigned char three[24] = {60, 0, 0, 0, 0,  0, 0, 0, 60, 0, 0, 0,
					   0,  0, 0, 0, 58, 0, 0, 0, 0,	 0, 0, 0};

		ipv6(&f, "fd00::2", 0, three, sizeof(three));
		assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
		three[16] = 17; /* the third is UDP: not an extension header */
		three[8] = 17;
		ipv6(&f, "fd00::2", 0, three, sizeof(three));
		assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	}

	/* Anything else: VLAN tags, LLDP. */
	ether(&f, mac, 0x8100);
	put16(&f, 5);
	put16(&f, 0x0800);
	memset(p, 0, 40);
	put(&f, p, 40);
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	ether(&f, mac, 0x88cc);
	put(&f, p, 40);
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	close(fd);
}

/* ---- finding 4 of issue 13 ----------------------------------------------
 * What hid behind a Fragment header or a next header the walk did not know,
 * and what came from :: or 0.0.0.0 for another cell's address. */

#define OWN_LL "fe80::ce:11ff:fe22:3344"   /* the cell's EUI-64 link-local */
#define OTHER_LL "fe80::ce:55ff:fe66:7788" /* another cell's */

/* The small cell's program; skips the test where it cannot load (not root). */
static int load_small(void)
{
	struct cell_net n;
	char msg[200];
	int fd;

	small_cell(&n);
	fd = netguard_load(&n, mac, msg, sizeof(msg));
	if (fd == -EPERM || fd == -EACCES)
		skip();
	if (fd < 0)
		print_error("load: %s: %s\n", strerror(-fd), msg);
	assert_true(fd >= 0);
	return fd;
}

/* An 8-byte extension header (hop-by-hop, routing, destination options,
 * or any header of that shape) naming next. */
static size_t ext8(unsigned char *p, unsigned next)
{
	memset(p, 0, 8);
	p[0] = (unsigned char)next;
	return 8;
}

/* A Fragment header: offset in 8-octet units, more fragments or not
 * (offset 0 and no more: an atomic fragment, RFC 6946). */
static size_t frag(unsigned char *p, unsigned next, unsigned offset, unsigned more)
{
	memset(p, 0, 8);
	p[0] = (unsigned char)next;
	p[2] = (unsigned char)(offset >> 5);
	p[3] = (unsigned char)(offset << 3 | more);
	p[7] = 1; /* identification */
	return 8;
}

/* Ten bytes of anything: a UDP header and its payload, or a fragment's. */
static size_t data(unsigned char *p)
{
	memset(p, 0, 10);
	return 10;
}

/* The verdict on IPv6 from saddr with the headers in p (n bytes). */
static int v6_verdict(int fd, const char *saddr, unsigned next, const unsigned char *p, size_t n)
{
	struct frame f;

	ipv6(&f, saddr, next, p, n);
	return verdict(fd, &f);
}

/* Finding 4: a router advertisement in an atomic fragment or a first
 * fragment passed as a non-ICMPv6 packet. */
static void test_finding4_ra_behind_fragment(void **state)
{
	unsigned char p[96];
	int fd = load_small();
	size_t n;

	(void)state;
	n = frag(p, 58, 0, 0);
	n += icmp6(p + n, 134, "::");
	assert_int_equal(v6_verdict(fd, OWN_LL, 44, p, n), TC_ACT_SHOT);
	n = frag(p, 58, 0, 1);
	n += icmp6(p + n, 134, "::");
	assert_int_equal(v6_verdict(fd, OWN_LL, 44, p, n), TC_ACT_SHOT);
	close(fd);
}

/* Finding 4: a redirect behind a Fragment header. */
static void test_finding4_redirect_behind_fragment(void **state)
{
	unsigned char p[96];
	int fd = load_small();
	size_t n;

	(void)state;
	n = frag(p, 58, 0, 0);
	n += icmp6(p + n, 137, "fd00::3");
	assert_int_equal(v6_verdict(fd, OWN_LL, 44, p, n), TC_ACT_SHOT);
	close(fd);
}

/* Finding 4: a neighbour advertisement for another cell's address behind a
 * Fragment header; ND is never fragmented, so its own goes too. */
static void test_finding4_na_behind_fragment(void **state)
{
	unsigned char p[96];
	int fd = load_small();
	size_t n;

	(void)state;
	n = frag(p, 58, 0, 0);
	n += icmp6(p + n, 136, "fd00::3");
	assert_int_equal(v6_verdict(fd, "fd00::2", 44, p, n), TC_ACT_SHOT);
	n = frag(p, 58, 0, 0);
	n += icmp6(p + n, 136, OTHER_LL);
	assert_int_equal(v6_verdict(fd, OWN_LL, 44, p, n), TC_ACT_SHOT);
	n = frag(p, 58, 0, 0);
	n += icmp6(p + n, 136, "fd00::2");
	assert_int_equal(v6_verdict(fd, "fd00::2", 44, p, n), TC_ACT_SHOT);
	close(fd);
}

/* Finding 4: the Fragment header behind a hop-by-hop header, ICMPv6 behind
 * an extension header behind the Fragment header, and ICMPv6 fragments
 * that are not the first. */
static void test_finding4_hop_by_hop_and_fragment(void **state)
{
	unsigned char p[96];
	int fd = load_small();
	size_t n;

	(void)state;
	n = ext8(p, 44);
	n += frag(p + n, 58, 0, 0);
	n += icmp6(p + n, 134, "::");
	assert_int_equal(v6_verdict(fd, OWN_LL, 0, p, n), TC_ACT_SHOT);
	n = ext8(p, 44);
	n += frag(p + n, 58, 0, 0);
	n += icmp6(p + n, 136, "fd00::3");
	assert_int_equal(v6_verdict(fd, "fd00::2", 0, p, n), TC_ACT_SHOT);
	n = frag(p, 60, 0, 0);
	n += ext8(p + n, 58);
	n += icmp6(p + n, 134, "::");
	assert_int_equal(v6_verdict(fd, OWN_LL, 44, p, n), TC_ACT_SHOT);
	n = frag(p, 58, 3, 0);
	n += data(p + n);
	assert_int_equal(v6_verdict(fd, "fd00::2", 44, p, n), TC_ACT_SHOT);
	n = frag(p, 58, 0, 1); /* a fragmented echo: any ICMPv6 */
	n += icmp6(p + n, 128, "::");
	assert_int_equal(v6_verdict(fd, "fd00::2", 44, p, n), TC_ACT_SHOT);
	close(fd);
}

/* Finding 4: a next header the walk does not know passed unread; behind
 * it, a router advertisement (authentication, mobility, HIP, shim6,
 * experimental, unassigned numbers; no next header). */
static void test_finding4_unknown_next_header(void **state)
{
	static const unsigned unknown[] = {51, 135, 139, 140, 253, 254, 200, 59};
	unsigned char p[96];
	int fd = load_small();
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		n = ext8(p, 58);
		n += icmp6(p + n, 134, "::");
		assert_int_equal(v6_verdict(fd, OWN_LL, unknown[i], p, n), TC_ACT_SHOT);
		n = ext8(p, unknown[i]); /* behind a hop-by-hop header */
		n += ext8(p + n, 58);
		n += icmp6(p + n, 134, "::");
		assert_int_equal(v6_verdict(fd, OWN_LL, 0, p, n), TC_ACT_SHOT);
	}
	close(fd);
}

/* Finding 4: UDP from :: passed (and anything else from ::). Only DAD
 * and MLD come from :: (RFC 4862, RFC 3590). */
static void test_finding4_udp_from_unspecified(void **state)
{
	unsigned char p[96];
	int fd = load_small();
	size_t n;

	(void)state;
	assert_int_equal(v6_verdict(fd, "::", 17, p, data(p)), TC_ACT_SHOT);
	assert_int_equal(v6_verdict(fd, "::", 6, p, data(p)), TC_ACT_SHOT);
	n = frag(p, 17, 0, 1);
	n += data(p + n);
	assert_int_equal(v6_verdict(fd, "::", 44, p, n), TC_ACT_SHOT);
	n = ext8(p, 17);
	n += data(p + n);
	assert_int_equal(v6_verdict(fd, "::", 0, p, n), TC_ACT_SHOT);
	/* ICMPv6 other than DAD and MLD reports: echo, MLD query, router
	 * solicitation, NA. */
	assert_int_equal(v6_verdict(fd, "::", 58, p, icmp6(p, 128, "::")), TC_ACT_SHOT);
	n = ext8(p, 58);
	n += icmp6(p + n, 130, "::");
	assert_int_equal(v6_verdict(fd, "::", 0, p, n), TC_ACT_SHOT);
	assert_int_equal(v6_verdict(fd, "::", 58, p, icmp6(p, 133, "::")), TC_ACT_SHOT);
	assert_int_equal(v6_verdict(fd, "::", 58, p, icmp6(p, 136, "fd00::2")), TC_ACT_SHOT);
	close(fd);
}

/* Finding 4: a DAD neighbour solicitation (from ::) for another cell's
 * address passed: the cell could answer for it in others' DAD. */
static void test_finding4_dad_for_another_address(void **state)
{
	unsigned char p[96];
	int fd = load_small();
	size_t n;

	(void)state;
	assert_int_equal(v6_verdict(fd, "::", 58, p, icmp6(p, 135, "fd00::3")), TC_ACT_SHOT);
	assert_int_equal(v6_verdict(fd, "::", 58, p, icmp6(p, 135, OTHER_LL)), TC_ACT_SHOT);
	n = ext8(p, 58);
	n += icmp6(p + n, 135, "fd00::3");
	assert_int_equal(v6_verdict(fd, "::", 0, p, n), TC_ACT_SHOT);
	close(fd);
}

/* Finding 4: an ARP probe (sender 0.0.0.0) for another cell's or the
 * board's address passed: ACD (RFC 5227) answers a probe as a conflict. */
static void test_finding4_arp_probe_for_another_address(void **state)
{
	struct frame f;
	int fd = load_small();

	(void)state;
	arp_to(&f, mac, mac, "0.0.0.0", "10.0.0.3");
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	arp_to(&f, mac, mac, "0.0.0.0", "10.0.0.1");
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	arp_to(&f, mac, mac, "0.0.0.0", "0.0.0.0");
	assert_int_equal(verdict(fd, &f), TC_ACT_SHOT);
	close(fd);
}

/* Finding 4, what must still pass: the cell's own DAD and ACD, MLD from ::
 * (v1 and v2), neighbour solicitations from its address, and fragments of
 * TCP and UDP (and the other listed protocols) from its addresses. */
static void test_finding4_own_traffic_passes(void **state)
{
	static const unsigned upper[] = {6, 17, 33, 132, 136, 50, 47, 4, 41};
	static const unsigned mld[] = {131, 132, 143}; /* v1 report, done; v2 report */
	unsigned char p[96];
	struct frame f;
	int fd = load_small();
	size_t n;

	(void)state;
	assert_int_equal(v6_verdict(fd, "::", 58, p, icmp6(p, 135, "fd00::2")), TC_ACT_OK);
	assert_int_equal(v6_verdict(fd, "::", 58, p, icmp6(p, 135, OWN_LL)), TC_ACT_OK);
	for (size_t i = 0; i < sizeof(mld) / sizeof(mld[0]); i++) {
		n = ext8(p, 58); /* MLD: router alert in a hop-by-hop header */
		n += icmp6(p + n, mld[i], "::");
		assert_int_equal(v6_verdict(fd, "::", 0, p, n), TC_ACT_OK);
		assert_int_equal(v6_verdict(fd, OWN_LL, 0, p, n), TC_ACT_OK);
	}
	assert_int_equal(v6_verdict(fd, "fd00::2", 58, p, icmp6(p, 135, "fd00::3")), TC_ACT_OK);
	assert_int_equal(v6_verdict(fd, OWN_LL, 58, p, icmp6(p, 135, OTHER_LL)), TC_ACT_OK);
	arp_to(&f, mac, mac, "0.0.0.0", "10.0.0.2");
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	arp_to(&f, mac, mac, "0.0.0.0", "192.168.7.9");
	assert_int_equal(verdict(fd, &f), TC_ACT_OK);
	for (size_t i = 0; i < sizeof(upper) / sizeof(upper[0]); i++) {
		assert_int_equal(v6_verdict(fd, "fd00::2", upper[i], p, data(p)), TC_ACT_OK);
		n = frag(p, upper[i], 0, 1); /* first fragment */
		n += data(p + n);
		assert_int_equal(v6_verdict(fd, "fd00::2", 44, p, n), TC_ACT_OK);
		n = frag(p, upper[i], 185, 0); /* the last */
		n += data(p + n);
		assert_int_equal(v6_verdict(fd, OWN_LL, 44, p, n), TC_ACT_OK);
		n = ext8(p, 44); /* hop-by-hop, then the Fragment header */
		n += frag(p + n, upper[i], 0, 1);
		n += data(p + n);
		assert_int_equal(v6_verdict(fd, "fd00::2", 0, p, n), TC_ACT_OK);
	}
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_size_and_jumps),
	    cmocka_unit_test(test_verdicts),
	    cmocka_unit_test(test_finding4_ra_behind_fragment),
	    cmocka_unit_test(test_finding4_redirect_behind_fragment),
	    cmocka_unit_test(test_finding4_na_behind_fragment),
	    cmocka_unit_test(test_finding4_hop_by_hop_and_fragment),
	    cmocka_unit_test(test_finding4_unknown_next_header),
	    cmocka_unit_test(test_finding4_udp_from_unspecified),
	    cmocka_unit_test(test_finding4_dad_for_another_address),
	    cmocka_unit_test(test_finding4_arp_probe_for_another_address),
	    cmocka_unit_test(test_finding4_own_traffic_passes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
