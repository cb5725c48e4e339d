// SPDX-License-Identifier: MIT
/* Unit tests for the network keys of the cell list beside 'net'
 * (net_address, net_gateway, net_mtu, net_ifname: mgr/config/config_net.c) and
 * their checks against each other and the other cells.  'net' itself is
 * covered in test_config_net_mode.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "config_harness.h"

static const struct cell_net *net_of(const char *name)
{
	return &cell(name)->net;
}

static void assert_addr(const struct net_cidr *a, const char *text, unsigned prefix)
{
	unsigned char want[16] = {0};
	int family = strchr(text, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(family, text, want), 1);
	assert_int_equal(a->family, family);
	assert_memory_equal(a->addr, want, family == AF_INET ? 4 : 16);
	assert_int_equal(a->prefix, prefix);
}

/* ---- good values ------------------------------------------------------ */

static void test_good(void **state)
{
	const struct cell_net *n;

	(void)state;
	/* The net_ keys may come before 'net'; blanks and tabs separate. */
	parse("[host]\nbridge = br0 10.0.0.1/24\n"
	      "[cell a]\nimage = /a\n"
	      "net_address = 10.0.1.2/24\tfd00::2/64  fd00::3\n"
	      "net_mtu = 9000\n"
	      "net_ifname = uplink.7\n"
	      "net_gateway = fd00::1\n"
	      "net = bridge br0 10.0.0.2/24 gw 10.0.0.1\n"
	      "[cell b]\nimage = /b\nnet = bridge br0 10.0.0.3/24\n"
	      "net_gateway = 10.0.0.1 fd00::1\nnet_address = fd00::4/64\n"
	      "[cell c]\nimage = /c\nnet = bridge br0 10.0.0.4/24\nnet_mtu = 68\n"
	      "[cell r]\nimage = /r\nnet = routed fd01::2\nnet_address = 10.1.0.2 10.1.0.3/32\n"
	      "net_mtu = 65535\n");
	expect_messages(NULL);
	n = net_of("a");
	assert_int_equal(n->mode, CELL_NET_BRIDGE);
	assert_addr(&n->addr, "10.0.0.2", 24);
	assert_int_equal(n->n_more, 3);
	assert_addr(&n->more[0], "10.0.1.2", 24);
	assert_addr(&n->more[1], "fd00::2", 64);
	assert_addr(&n->more[2], "fd00::3", 128); /* a single host */
	assert_int_equal(n->more_line, 5);
	assert_int_equal(n->mtu, 9000);
	assert_int_equal(n->mtu_line, 6);
	assert_string_equal(n->ifname, "uplink.7");
	assert_int_equal(n->ifname_line, 7);
	assert_addr(&n->gw, "10.0.0.1", 32);
	assert_int_equal(n->n_gateways, 1);
	assert_addr(&n->gateways[0], "fd00::1", 128);
	assert_int_equal(n->line, 9);
	n = net_of("b");
	assert_int_equal(n->n_more, 1);
	assert_int_equal(n->gw.family, 0);
	assert_int_equal(n->n_gateways, 2);
	assert_addr(&n->gateways[0], "10.0.0.1", 32);
	assert_addr(&n->gateways[1], "fd00::1", 128);
	assert_int_equal(n->mtu, 0);
	assert_string_equal(n->ifname, "");
	assert_int_equal(n->ifname_line, 0);
	assert_int_equal(net_of("c")->mtu, 68); /* IPv4 only: 68 is enough */
	n = net_of("r");
	assert_int_equal(n->mode, CELL_NET_ROUTED);
	assert_addr(&n->addr, "fd01::2", 128);
	assert_int_equal(n->n_more, 2);
	assert_addr(&n->more[1], "10.1.0.3", 32);
	assert_int_equal(n->mtu, 65535);

	/* Eight addresses are allowed. */
	parse("[cell m]\nimage = /m\nnet = macvlan eth0 bridge 10.2.0.1/24\n"
	      "net_address = 10.2.0.2/24 10.2.0.3/24 10.2.0.4/24 10.2.0.5/24 10.2.0.6/24 "
	      "10.2.0.7/24 10.2.0.8/24 fd02::8/64\n");
	expect_messages(NULL);
	assert_int_equal(net_of("m")->n_more, 8);
	assert_addr(&net_of("m")->more[7], "fd02::8", 64);
}

/* ---- bad values: the message names file, line, cell and key ------------- */

static void test_bad_values(void **state)
{
	static const struct {
		const char *key, *value, *hint;
	} bad[] = {
	    {"net_address", "",
	     "(expected one or more addresses ADDR/PREFIX, IPv4 or IPv6, "
	     "separated by blanks)"},
	    {"net_address", "10.0.1.2/24 10.0.1.256/24",
	     "(bad address '10.0.1.256/24': expected ADDR/PREFIX or a single ADDR, IPv4 such as "
	     "10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"net_address", "10.0.1.2/33",
	     "(bad address '10.0.1.2/33': expected ADDR/PREFIX or a single ADDR, IPv4 such as "
	     "10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"net_address", "fd00::2/129",
	     "(bad address 'fd00::2/129': expected ADDR/PREFIX or a single ADDR, IPv4 such as "
	     "10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"net_address", "fd00::2/-1",
	     "(bad address 'fd00::2/-1': expected ADDR/PREFIX or a single ADDR, IPv4 such as "
	     "10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"net_address", "10.0.1.2/24,10.0.1.3/24",
	     "(bad address '10.0.1.2/24,10.0.1.3/24': expected ADDR/PREFIX or a single ADDR, "
	     "IPv4 such as 10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"net_address", "10.0.1.2/24 fd00::2/64 10.0.1.2/16",
	     "(address '10.0.1.2/16' given twice)"},
	    {"net_address",
	     "1.0.0.1 1.0.0.2 1.0.0.3 1.0.0.4 1.0.0.5 1.0.0.6 1.0.0.7 1.0.0.8 1.0.0.9",
	     "(at most 8 addresses)"},
	    {"net_address", "224.0.0.5/24",
	     "(address '224.0.0.5/24' is unspecified, loopback or multicast)"},
	    {"net_address", "::1", "(address '::1' is unspecified, loopback or multicast)"},
	    {"net_address", "0.0.0.0/0",
	     "(address '0.0.0.0/0' is unspecified, loopback or "
	     "multicast)"},
	    {"net_address", "127.0.0.2/8",
	     "(address '127.0.0.2/8' is unspecified, loopback or "
	     "multicast)"},
	    {"net_gateway", "",
	     "(expected one or two gateway addresses: at most one IPv4 and one "
	     "IPv6)"},
	    {"net_gateway", "10.0.0.1 fd00::1 10.0.0.9",
	     "(expected one or two gateway addresses: at most one IPv4 and one IPv6)"},
	    {"net_gateway", "10.0.0.1 10.0.0.9",
	     "(two IPv4 gateways: expected at most one IPv4 and one IPv6)"},
	    {"net_gateway", "fd00::1/64",
	     "(bad gateway 'fd00::1/64': expected an IPv4 or IPv6 "
	     "address)"},
	    {"net_gateway", "gateway", "(bad gateway 'gateway': expected an IPv4 or IPv6 address)"},
	    {"net_gateway", "ff02::1", "(gateway 'ff02::1' is unspecified, loopback or multicast)"},
	    {"net_mtu", "67", "(expected a number from 68 to 65535)"},
	    {"net_mtu", "65536", "(expected a number from 68 to 65535)"},
	    {"net_mtu", "1500 bytes", "(expected a number from 68 to 65535)"},
	    {"net_mtu", "-1", "(expected a number from 68 to 65535)"},
	    {"net_mtu", "", "(expected a number from 68 to 65535)"},
	    {"net_ifname", "wan-interface-01",
	     "(interface name 'wan-interface-01' is longer than 15 characters)"},
	    {"net_ifname", "eth 0",
	     "(bad interface name 'eth 0': expected 1-15 characters of "
	     "a-z, A-Z, 0-9, '-', '_' and '.')"},
	    {"net_ifname", "eth%d",
	     "(bad interface name 'eth%d': expected 1-15 characters of "
	     "a-z, A-Z, 0-9, '-', '_' and '.')"},
	    {"net_ifname", "..",
	     "(bad interface name '..': expected 1-15 characters of a-z, A-Z, "
	     "0-9, '-', '_' and '.')"},
	    {"net_ifname", "",
	     "(bad interface name '': expected 1-15 characters of a-z, A-Z, "
	     "0-9, '-', '_' and '.')"},
	    {"net_ifname", "lo", "(lo is the cell's loopback: expected another interface name)"},
	    /* 'net' checks its addresses the same way now. */
	    {"net", "bridge br0 0.0.0.0/24",
	     "(address '0.0.0.0/24' is unspecified, loopback or "
	     "multicast)"},
	    {"net", "routed ff02::2",
	     "(address 'ff02::2' is unspecified, loopback or "
	     "multicast)"},
	    {"net", "bridge br0 10.0.0.2/24 gw 255.255.255.255",
	     "(gateway '255.255.255.255' is unspecified, loopback or multicast)"},
	};
	char text[768], want[768];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "cells.conf:6: cell work: bad value for '%s': '%s' %s",
			 bad[i].key, bad[i].value, bad[i].hint);
		snprintf(text, sizeof(text),
			 "[host]\nbridge = br0 10.0.0.1/24\n[cell work]\nimage = /w\n"
			 "%s\n%s = %s\n"
			 "[cell ok]\nimage = /ok\nnet = bridge br0 10.0.0.9/24\nnet_mtu = 1400\n",
			 strcmp(bad[i].key, "net") == 0 ? "# net below"
							: "net = bridge br0 10.0.0.2/24",
			 bad[i].key, bad[i].value);
		parse(text);
		expect_messages(want, NULL);
		expect_cells("ok", NULL);
	}
}

/* net_filter: yes by default, no for a router, only where c-NAME is. */
static void test_net_filter(void **state)
{
	(void)state;
	parse("[host]\nbridge = br0 10.0.0.1/24\n"
	      "[cell a]\nimage = /a\nnet = bridge br0 10.0.0.2/24\n"
	      "[cell gw]\nimage = /g\nnet_filter = no\nnet = bridge br0 10.0.0.3/24\n"
	      "[cell r]\nimage = /r\nnet = routed 10.1.0.2\nnet_filter = Yes\n"
	      "[cell r2]\nimage = /r\nnet = routed 10.1.0.3\nnet_filter = off\n");
	expect_messages(NULL);
	assert_false(net_of("a")->unfiltered);
	assert_int_equal(net_of("a")->filter_line, 0);
	assert_true(net_of("gw")->unfiltered);
	assert_int_equal(net_of("gw")->filter_line, 8);
	assert_false(net_of("r")->unfiltered);
	assert_true(net_of("r2")->unfiltered);

	parse("[cell a]\nimage = /a\nnet = bridge br0 10.0.0.2/24\nnet_filter = maybe\n"
	      "[cell ok]\nimage = /ok\n");
	expect_messages("cells.conf:4: cell a: bad value for 'net_filter': 'maybe' "
			"(expected yes or no)",
			NULL);
	expect_cells("ok", NULL);
	parse("[cell a]\nimage = /a\nnet_filter = no\n[cell ok]\nimage = /ok\n");
	expect_messages("cells.conf:3: cell a: 'net_filter' needs a network: 'net' is none", NULL);
	expect_cells("ok", NULL);
	parse("[cell a]\nimage = /a\nnet = macvlan eth0 bridge 10.2.0.1/24\nnet_filter = yes\n"
	      "[cell ok]\nimage = /ok\n");
	expect_messages("cells.conf:4: cell a: 'net_filter' is for bridge and routed cells: a "
			"macvlan's frames do not pass the host end it filters",
			NULL);
	expect_cells("ok", NULL);
}

/* ---- the keys against each other, once the file is read ----------------- */

static void test_cross_checks(void **state)
{
	static const struct {
		const char *lines; /* from line 5 on */
		unsigned line;	   /* of the message */
		const char *msg;
	} bad[] = {
	    {"net_mtu = 1400\n", 5, "'net_mtu' needs a network: 'net' is none"},
	    {"net = none\nnet_ifname = wan0\nnet_address = 10.0.0.5/24\n", 6,
	     "'net_ifname' needs a network: 'net' is none"},
	    {"net_gateway = 10.0.0.1\nnet = none\n", 5,
	     "'net_gateway' needs a network: 'net' is none"},
	    {"net = routed 10.1.0.2\nnet_address = fd01::2/64\n", 6,
	     "'net_address' fd01::2/64: a routed cell's addresses are single hosts (ADDR, "
	     "ADDR/32 or ADDR/128)"},
	    {"net = routed 10.1.0.2\nnet_gateway = 10.1.0.1\n", 6,
	     "'net_gateway' is not for a routed cell: its gateways are 169.254.1.1 and fe80::1"},
	    {"net_address = 10.0.0.7/16 10.0.0.2/16\nnet = bridge br0 10.0.0.2/24\n", 5,
	     "'net_address' 10.0.0.2 is also its 'net' address (line 6)"},
	    {"net = bridge br0 10.0.0.2/24\nnet_gateway = fd00::1\n", 6,
	     "'net_gateway' fd00::1: the cell has no IPv6 address"},
	    {"net = macvlan eth0 vepa fd00::2/64 gw fd00::1\nnet_address = 10.9.0.2/24\n"
	     "net_gateway = 10.9.0.1 fd00::ff\n",
	     7, "'net_gateway' fd00::ff: 'net' sets the IPv6 gateway already (line 5)"},
	    {"net = bridge br0 10.0.0.2/24\nnet_address = fd00::2/64\nnet_mtu = 1279\n", 7,
	     "'net_mtu' 1279 is below 1280, IPv6's minimum, and the cell has the IPv6 address "
	     "fd00::2/64"},
	    {"net_mtu = 576\nnet = routed fd01::9\n", 5,
	     "'net_mtu' 576 is below 1280, IPv6's minimum, and the cell has the IPv6 address "
	     "fd01::9/128"},
	    {"net = bridge br0 10.0.0.2/24\nnet_address = 10.0.0.1/24\n", 6,
	     "'net_address' 10.0.0.1 is the bridge br0's own"},
	};
	char text[768], want[768];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "cells.conf:%u: cell work: %s", bad[i].line,
			 bad[i].msg);
		snprintf(text, sizeof(text),
			 "[host]\nbridge = br0 10.0.0.1/24\n[cell work]\nimage = /w\n%s"
			 "[cell ok]\nimage = /ok\nnet = bridge br0 10.0.0.9/24\nnet_mtu = 1400\n",
			 bad[i].lines);
		parse(text);
		expect_messages(want, NULL);
		expect_cells("ok", NULL);
	}
	/* 1280 is enough for IPv6. */
	parse("[cell a]\nimage = /a\nnet = routed fd01::9\nnet_mtu = 1280\n");
	expect_messages(NULL);
}

/* An address clash between cells, extra addresses included: the later
 * cell is dropped, at the line of the key that holds its address, and
 * the message says at which line the earlier cell has it. */
static void test_clashes(void **state)
{
	(void)state;
	parse("[host]\nbridge = br0 10.0.0.1/24\n"
	      "[cell a]\nimage = /a\nnet = bridge br0 10.0.0.2/24\n"	      /* 3-5 */
	      "net_address = 10.0.1.2/24 fd00::2/64\n"			      /* 6 */
	      "[cell b]\nimage = /b\nnet = routed fd00::2\n"		      /* 7-9: a's extra */
	      "[cell c]\nimage = /c\nnet = routed 10.0.0.3\n"		      /* 10-12 */
	      "net_address = 10.0.0.4 10.0.1.2\n"			      /* 13: a's extra */
	      "[cell d]\nimage = /d\nnet = routed 10.0.0.5\n"		      /* 14-16 */
	      "net_address = 10.0.0.6\n"				      /* 17 */
	      "[cell e]\nimage = /e\nnet = bridge br0 10.0.0.7/24\n"	      /* 18-20 */
	      "net_address = 10.0.0.6/24\n"				      /* 21: d's extra */
	      "[cell f]\nimage = /f\nnet = bridge br0 10.0.0.6/24\n"	      /* 22-24: d's extra */
	      "[cell g]\nimage = /g\nnet = macvlan eth0 bridge 10.0.0.2/24\n" /* 25-27 */
	      "net_address = fd00::2/64\n" /* 28: another address space, fine */
	      "[cell h]\nimage = /h\nnet = macvlan eth0 private 10.5.0.2/24\n" /* 29-31 */
	      "net_address = fd00::2/64\n" /* 32: g's extra on the same parent */
	      "[cell i]\nimage = /i\nnet = macvlan eth1 private fd00::2/64\n"); /* 33-35 */
	expect_messages("cells.conf:9: cell b: 'net' address is also cell a's (line 6)",
			"cells.conf:13: cell c: 'net_address' 10.0.1.2 is also cell a's (line 6)",
			"cells.conf:21: cell e: 'net_address' 10.0.0.6 is also cell d's (line 17)",
			"cells.conf:24: cell f: 'net' address is also cell d's (line 17)",
			"cells.conf:32: cell h: 'net_address' fd00::2 is also cell g's (line 28)",
			NULL);
	expect_cells("a", "d", "g", "i", NULL);

	/* A dropped cell's addresses are free again; a duplicate key drops
	 * its cell, as for any key. */
	parse("[cell a]\nimage = /a\nnet = routed 10.0.0.2\nnet_address = 10.0.0.3\n"
	      "net_address = 10.0.0.4\n"
	      "[cell b]\nimage = /b\nnet = routed 10.0.0.3\n");
	expect_messages("cells.conf:5: cell a: duplicate key 'net_address' (first set at line 4)",
			NULL);
	expect_cells("b", NULL);
}

/* [host] bridge with several addresses: all of them are the bridge's. */
static void test_bridge_addrs(void **state)
{
	(void)state;
	parse("[host]\n"
	      "bridge = br0 10.0.0.1/24 fd00::1/64\n"
	      "[cell a]\nimage = /a\nnet = bridge br0 fd00::1/64\n"
	      "[cell b]\nimage = /b\nnet = bridge br0 10.0.0.2/24\n");
	expect_messages("cells.conf:5: cell a: 'net' address is the bridge br0's own", NULL);
	expect_cells("b", NULL);
	assert_int_equal(cfg.host.n_bridge_addrs, 2);
	assert_int_equal(cfg.host.bridge_addrs[1].family, AF_INET6);
	assert_int_equal(cfg.host.bridge_addrs[1].prefix, 64);

	parse("[host]\nbridge = br0 10.0.0.1/24 10.0.0.1/16\n");
	expect_messages("cells.conf:2: host: bad value for 'bridge': 'br0 10.0.0.1/24 "
			"10.0.0.1/16' (address '10.0.0.1/16' given twice)",
			NULL);
	parse("[host]\nbridge = br0 10.0.0.1/24 10.0.1.1/24 10.0.2.1/24 10.0.3.1/24 "
	      "10.0.4.1/24\n");
	expect_messages("cells.conf:2: host: bad value for 'bridge': 'br0 10.0.0.1/24 10.0.1.1/24 "
			"10.0.2.1/24 10.0.3.1/24 10.0.4.1/24' (at most 4 addresses)",
			NULL);
}

/* [host] bridge_port: the board's links enslaved to the bridge. */
static void test_bridge_port(void **state)
{
	(void)state;
	parse("[host]\n"
	      "bridge = br0 10.0.0.1/24\n"
	      "bridge_port = eth1 eth2\n");
	expect_messages(NULL);
	assert_int_equal(cfg.host.n_bridge_ports, 2);
	assert_string_equal(cfg.host.bridge_ports[0], "eth1");
	assert_string_equal(cfg.host.bridge_ports[1], "eth2");

	/* Without a bridge: reported when [host] ends, at the key's line. */
	parse("[host]\n"
	      "bridge_port = eth1\n"
	      "hostname = b\n");
	expect_messages("cells.conf:2: host: 'bridge_port' needs a bridge: 'bridge = NAME "
			"ADDR/PREFIX' in [host]",
			NULL);
	assert_int_equal(cfg.host.n_bridge_ports, 0);

	parse("[host]\n"
	      "bridge = br0 10.0.0.1/24\n"
	      "bridge_port = eth1 eth1\n");
	expect_messages("cells.conf:3: host: bad value for 'bridge_port': 'eth1 eth1' (interface "
			"'eth1' named twice)",
			NULL);
	assert_int_equal(cfg.host.n_bridge_ports, 0);

	parse("[host]\n"
	      "bridge = br0 10.0.0.1/24\n"
	      "bridge_port = c-work\n");
	expect_messages("cells.conf:3: host: bad value for 'bridge_port': 'c-work' (interface "
			"'c-work': the c- names are the cells' veths, not links)",
			NULL);

	parse("[host]\n"
	      "bridge = br0 10.0.0.1/24\n"
	      "bridge_port = a b c d e\n");
	expect_messages("cells.conf:3: host: bad value for 'bridge_port': 'a b c d e' (expected 1 "
			"to 4 host interface names separated by blanks, such as eth1)",
			NULL);

	parse("[host]\n"
	      "bridge = br0 10.0.0.1/24\n"
	      "bridge_port = averyveryverylongname\n");
	expect_messages("cells.conf:3: host: bad value for 'bridge_port': 'averyveryverylongname' "
			"(interface name 'averyveryverylongname' is longer than 15 characters)",
			NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_good, teardown),
	    cmocka_unit_test_teardown(test_bad_values, teardown),
	    cmocka_unit_test_teardown(test_cross_checks, teardown),
	    cmocka_unit_test_teardown(test_clashes, teardown),
	    cmocka_unit_test_teardown(test_bridge_port, teardown),
	    cmocka_unit_test_teardown(test_bridge_addrs, teardown),
	    cmocka_unit_test_teardown(test_net_filter, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
