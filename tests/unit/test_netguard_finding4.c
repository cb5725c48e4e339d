// SPDX-License-Identifier: MIT
/* Finding 4 of issue 13, as attacks on the cell's anti-spoofing program
 * (mgr/net/netguard.c): what hid behind a Fragment header or a next header its
 * walk did not know, and what came from :: or 0.0.0.0 for another cell's
 * address; and the cell's own traffic that must still pass.  Run through
 * BPF_PROG_TEST_RUN where this test may load the program (root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/pkt_cls.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "netguard.h"
#include "netguard_frames.h"

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
