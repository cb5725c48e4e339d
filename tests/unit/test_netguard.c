// SPDX-License-Identifier: MIT
/* The cell's anti-spoofing program (mgr/net/netguard.c): its size and jumps for
 * the largest cell, and, where the kernel lets this test load it (root),
 * its verdicts on crafted frames through BPF_PROG_TEST_RUN: the kernel's
 * verifier and interpreter or JIT, not a model of them.  The integration
 * test tests/integration/net shows the same filter on real veths; the
 * attacks of issue 13's finding 4 are test_netguard_finding4.c's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "netguard.h"
#include "netguard_frames.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_size_and_jumps),
	    cmocka_unit_test(test_verdicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
