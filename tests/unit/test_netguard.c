// SPDX-License-Identifier: MIT
/* The cell's anti-spoofing program (mgr/netguard.c): its size and jumps for
 * the largest cell, and, where the kernel lets this test load it (root),
 * its verdicts on crafted frames through BPF_PROG_TEST_RUN: the kernel's
 * verifier and interpreter or JIT, not a model of them.  The integration
 * test tests/integration/net shows the same filter on real veths. */
#include <setjmp.h>
#include <stdarg.h>
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

static void test_size_and_jumps(void **state)
{
	struct bpf_insn p[NETGUARD_INSNS_MAX];
	struct cell_net n;
	char a[64];
	int len;

	(void)state;
	/* The most a cell has: 'net' and NET_ADDRS_MAX more, both families. */
	memset(&n, 0, sizeof(n));
	n.mode = CELL_NET_BRIDGE;
	cidr(&n.addr, "10.0.0.2", 24);
	for (unsigned i = 0; i < NET_ADDRS_MAX; i++) {
		snprintf(a, sizeof(a), i % 2 ? "10.0.%u.2" : "fd00:%u::2", i + 1);
		cidr(&n.more[i], a, i % 2 ? 24 : 64);
	}
	n.n_more = NET_ADDRS_MAX;
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

static void arp(struct frame *f, const unsigned char *src, const unsigned char *sha,
		const char *spa)
{
	static const unsigned char head[8] = {0, 1, 8, 0, 6, 4, 0, 2}; /* Ethernet, IPv4, reply */
	static const unsigned char zero[6];

	ether(f, src, 0x0806);
	put(f, head, sizeof(head));
	put(f, sha, 6);
	put_addr(f, AF_INET, spa);
	put(f, zero, 6);
	put_addr(f, AF_INET, "10.0.0.1");
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
	arp(&f, mac, mac, "0.0.0.0");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_size_and_jumps),
	    cmocka_unit_test(test_verdicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
