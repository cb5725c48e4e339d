// SPDX-License-Identifier: MIT
/* Unit tests for the cell list's 'net' key itself: none, bridge, routed,
 * macvlan, and [host] bridge and forward.  The keys beside it are
 * test_config_net.c's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <sys/socket.h>

#include "config.h"
#include "config_harness.h"

/* net = none | bridge BRIDGE ADDR/PREFIX [gw GATEWAY]; [host] bridge. */
static void test_net(void **state)
{
	static const char *const usage =
	    "(expected none, bridge BRIDGE ADDR/PREFIX [gw GATEWAY], routed ADDR, or macvlan "
	    "PARENT MODE ADDR/PREFIX [gw GATEWAY])";
	static const struct {
		const char *value;
		const char *hint; /* NULL: usage */
	} bad[] = {
	    {"bridge", NULL},
	    {"bridge br0", NULL},
	    {"bridged br0 10.0.0.2/24", NULL},
	    {"bridge br0 10.0.0.2/24 via 10.0.0.1", NULL},
	    {"bridge br0 10.0.0.2/24 gw", NULL},
	    {"none none", NULL},
	    {"bridge br0 10.0.0.2", "(bad address '10.0.0.2': expected ADDR/PREFIX, IPv4 such as "
				    "10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"bridge br0 10.0.0.256/24", "(bad address '10.0.0.256/24': expected ADDR/PREFIX, "
					 "IPv4 such as 10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"bridge br0 10.0.0.2/33", "(bad address '10.0.0.2/33': expected ADDR/PREFIX, IPv4 "
				       "such as 10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"bridge br0 fd00::2/129", "(bad address 'fd00::2/129': expected ADDR/PREFIX, IPv4 "
				       "such as 10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"bridge br0 10.0.0.2/", "(bad address '10.0.0.2/': expected ADDR/PREFIX, IPv4 such "
				     "as 10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"bridge br0 10.0.0.2/24 gw 10.0.0.1/24",
	     "(bad gateway '10.0.0.1/24': expected an IPv4 or IPv6 address)"},
	    {"bridge br0 10.0.0.2/24 gw fd00::1",
	     "(gateway 'fd00::1' is not of the same family as '10.0.0.2/24')"},
	    {"bridge averyveryverylongbr 10.0.0.2/24",
	     "(bridge name 'averyveryverylongbr' is longer than 15 characters)"},
	    {"bridge br/0 10.0.0.2/24", "(bad bridge name 'br/0': expected 1-15 characters of "
					"a-z, A-Z, 0-9, '-', '_' and '.')"},
	};
	char text[512], want[512];
	const struct cell_config *c;

	(void)state;
	parse("[host]\nbridge = cellbr0 10.0.0.1/24\n"
	      "[cell a]\nimage = /a\nnet = bridge cellbr0 10.0.0.2/24 gw 10.0.0.1\n"
	      "[cell b]\nimage = /b\nnet =  bridge\tcellbr0  fd00::2/64 gw fd00::1 \n"
	      "[cell c]\nimage = /c\nnet = none\n"
	      "[cell d]\nimage = /d\n"
	      "[cell thirteen-char]\nimage = /e\nnet = bridge cellbr0 10.0.0.3/24\n");
	expect_messages(NULL);
	assert_string_equal(cfg.host.bridge, "cellbr0");
	assert_int_equal(cfg.host.bridge_addrs[0].family, AF_INET);
	assert_int_equal(cfg.host.bridge_addrs[0].prefix, 24);
	assert_memory_equal(cfg.host.bridge_addrs[0].addr, "\x0a\x00\x00\x01", 4);
	assert_int_equal(cfg.host.n_bridge_addrs, 1);
	c = cell("a");
	assert_int_equal(c->net.mode, CELL_NET_BRIDGE);
	assert_string_equal(c->net.bridge, "cellbr0");
	assert_int_equal(c->net.addr.family, AF_INET);
	assert_int_equal(c->net.addr.prefix, 24);
	assert_memory_equal(c->net.addr.addr, "\x0a\x00\x00\x02", 4);
	assert_int_equal(c->net.gw.family, AF_INET);
	assert_memory_equal(c->net.gw.addr, "\x0a\x00\x00\x01", 4);
	assert_int_equal(c->net.line, 5);
	c = cell("b");
	assert_int_equal(c->net.addr.family, AF_INET6);
	assert_int_equal(c->net.addr.prefix, 64);
	assert_int_equal(c->net.gw.family, AF_INET6);
	assert_int_equal(c->net.gw.prefix, 128);
	assert_int_equal(cell("c")->net.mode, CELL_NET_NONE);
	assert_int_equal(cell("d")->net.mode, CELL_NET_NONE);
	assert_int_equal(cell("thirteen-char")->net.addr.family, AF_INET);
	assert_int_equal(cell("thirteen-char")->net.gw.family, 0);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want),
			 "cells.conf:5: cell work: bad value for 'net': '%s' %s", bad[i].value,
			 bad[i].hint ? bad[i].hint : usage);
		snprintf(text, sizeof(text),
			 "[host]\nbridge = br0 10.0.0.1/24\n[cell work]\nimage = /w\nnet = %s\n"
			 "[cell ok]\nimage = /ok\nnet = bridge br0 10.0.0.9/24\n",
			 bad[i].value);
		parse(text);
		expect_messages(want, NULL);
		expect_cells("ok", NULL);
	}

	/* c-NAME must fit IFNAMSIZ: a bridged cell's name has 13 characters at most. */
	parse("[host]\nbridge = br0 10.0.0.1/24\n"
	      "[cell fourteen-chars]\nimage = /w\nnet = bridge br0 10.0.0.2/24\n"
	      "[cell fifteen-chars-x]\nimage = /w\nnet = none\n");
	expect_messages("cells.conf:5: cell fourteen-chars: bad value for 'net': 'bridge br0 "
			"10.0.0.2/24' (the cell's name is too long for a bridged cell: its host "
			"interface c-NAME must fit in 15 characters, so at most 13)",
			NULL);
	expect_cells("fifteen-chars-x", NULL);

	/* A bridge [host] does not define (checked once the file is read, so
	 * [host] may come last); an address taken by the bridge or a cell. */
	parse("[cell a]\nimage = /a\nnet = bridge br1 10.0.0.2/24\n"
	      "[cell b]\nimage = /b\nnet = bridge br0 10.0.0.2/24\n"
	      "[cell c]\nimage = /c\nnet = bridge br0 10.0.0.2/24\n"
	      "[cell d]\nimage = /d\nnet = bridge br0 10.0.0.1/16\n"
	      "[cell e]\nimage = /e\nnet = bridge br0 10.0.0.2/16\n"
	      "[host]\nbridge = br0 10.0.0.1/24\n");
	expect_messages("cells.conf:3: cell a: 'net' names bridge 'br1', which [host] does not "
			"define (expected 'bridge = br1 ADDR/PREFIX' there)",
			"cells.conf:9: cell c: 'net' address is also cell b's (line 6)",
			"cells.conf:12: cell d: 'net' address is the bridge br0's own",
			"cells.conf:15: cell e: 'net' address is also cell b's (line 6)", NULL);
	expect_cells("b", NULL);

	/* No [host] bridge at all; a bad [host] bridge is dropped, its cells too. */
	parse("[cell a]\nimage = /a\nnet = bridge br0 10.0.0.2/24\n");
	expect_messages("cells.conf:3: cell a: 'net' names bridge 'br0', which [host] does not "
			"define (expected 'bridge = br0 ADDR/PREFIX' there)",
			NULL);
	expect_cells(NULL);
	parse("[host]\nbridge = br0\n[cell a]\nimage = /a\nnet = bridge br0 10.0.0.2/24\n");
	expect_messages("cells.conf:2: host: bad value for 'bridge': 'br0' (expected NAME "
			"ADDR/PREFIX [ADDR/PREFIX...], such as cellbr0 10.0.0.1/24)",
			"cells.conf:5: cell a: 'net' names bridge 'br0', which [host] does not "
			"define (expected 'bridge = br0 ADDR/PREFIX' there)",
			NULL);
	assert_string_equal(cfg.host.bridge, "");
	parse("[host]\nbridge = br0 10.1.2.3\n");
	expect_messages("cells.conf:2: host: bad value for 'bridge': 'br0 10.1.2.3' (bad "
			"address '10.1.2.3': expected ADDR/PREFIX, IPv4 such as 10.0.0.2/24 or "
			"IPv6 such as fd00::2/64)",
			NULL);
	parse("[host]\nbridge = a-bridge-too-long 10.1.2.3/8\n");
	expect_messages("cells.conf:2: host: bad value for 'bridge': 'a-bridge-too-long "
			"10.1.2.3/8' (bridge name 'a-bridge-too-long' is longer than 15 "
			"characters)",
			NULL);
}

/* net = routed ADDR and net = macvlan PARENT MODE ADDR/PREFIX [gw GATEWAY];
 * [host] forward. */
static void test_net_modes(void **state)
{
	static const char *const usage =
	    "(expected none, bridge BRIDGE ADDR/PREFIX [gw GATEWAY], routed ADDR, or macvlan "
	    "PARENT MODE ADDR/PREFIX [gw GATEWAY])";
	static const struct {
		const char *value;
		const char *hint; /* NULL: usage */
	} bad[] = {
	    {"routed", NULL},
	    {"routed 10.0.0.2 gw 10.0.0.1", NULL},
	    {"macvlan eth0 bridge", NULL},
	    {"macvlan eth0 bridge 10.0.0.2/24 via 10.0.0.1", NULL},
	    {"macvlan eth0 bridge 10.0.0.2/24 gw", NULL},
	    {"routed 10.0.0.2/24", "(a routed cell has a single address: expected ADDR, ADDR/32 "
				   "or ADDR/128, not '10.0.0.2/24')"},
	    {"routed fd00::2/64", "(a routed cell has a single address: expected ADDR, ADDR/32 or "
				  "ADDR/128, not 'fd00::2/64')"},
	    {"routed 10.0.0.256", "(bad address '10.0.0.256': expected ADDR/PREFIX, IPv4 such as "
				  "10.0.0.2/24 or IPv6 such as fd00::2/64)"},
	    {"macvlan eth0 bridged 10.0.0.2/24",
	     "(bad macvlan mode 'bridged': expected private, vepa, bridge or passthru)"},
	    {"macvlan averyveryverylongif private 10.0.0.2/24",
	     "(parent interface name 'averyveryverylongif' is longer than 15 characters)"},
	    {"macvlan e/0 vepa 10.0.0.2/24", "(bad parent interface name 'e/0': expected 1-15 "
					     "characters of a-z, A-Z, 0-9, '-', '_' and '.')"},
	    {"macvlan eth0 passthru 10.0.0.2", "(bad address '10.0.0.2': expected ADDR/PREFIX, "
					       "IPv4 such as 10.0.0.2/24 or IPv6 such as "
					       "fd00::2/64)"},
	    {"macvlan eth0 bridge 10.0.0.2/24 gw fd00::1",
	     "(gateway 'fd00::1' is not of the same family as '10.0.0.2/24')"},
	    {"macvlan eth0 bridge 10.0.0.2/24 gw x",
	     "(bad gateway 'x': expected an IPv4 or IPv6 address)"},
	};
	char text[512], want[512];
	const struct cell_config *c;

	(void)state;
	parse("[host]\nforward = yes\n"
	      "[cell r4]\nimage = /a\nnet = routed 10.1.0.2\n"
	      "[cell r6]\nimage = /a\nnet = routed fd01::2/128\n"
	      "[cell mp]\nimage = /a\nnet = macvlan eth0 private 10.2.0.2/24\n"
	      "[cell mv]\nimage = /a\nnet = macvlan eth0 vepa 10.2.0.3/24 gw 10.2.0.1\n"
	      "[cell mb]\nimage = /a\nnet = macvlan  eth1\tbridge 10.2.0.2/24\n"
	      "[cell mt]\nimage = /a\nnet = macvlan eth2 passthru fd02::2/64 gw fd02::1\n"
	      "[cell fifteen-chars-x]\nimage = /a\nnet = macvlan eth0 bridge 10.2.0.9/24\n");
	expect_messages(NULL);
	assert_true(cfg.host.forward);
	c = cell("r4");
	assert_int_equal(c->net.mode, CELL_NET_ROUTED);
	assert_int_equal(c->net.addr.family, AF_INET);
	assert_int_equal(c->net.addr.prefix, 32);
	assert_memory_equal(c->net.addr.addr, "\x0a\x01\x00\x02", 4);
	assert_int_equal(c->net.gw.family, 0);
	c = cell("r6");
	assert_int_equal(c->net.mode, CELL_NET_ROUTED);
	assert_int_equal(c->net.addr.family, AF_INET6);
	assert_int_equal(c->net.addr.prefix, 128);
	c = cell("mp");
	assert_int_equal(c->net.mode, CELL_NET_MACVLAN);
	assert_string_equal(c->net.parent, "eth0");
	assert_int_equal(c->net.macvlan_mode, CELL_MACVLAN_PRIVATE);
	assert_int_equal(c->net.addr.prefix, 24);
	assert_int_equal(c->net.gw.family, 0);
	c = cell("mv");
	assert_int_equal(c->net.macvlan_mode, CELL_MACVLAN_VEPA);
	assert_int_equal(c->net.gw.family, AF_INET);
	assert_memory_equal(c->net.gw.addr, "\x0a\x02\x00\x01", 4);
	/* The same address on another parent is another network. */
	c = cell("mb");
	assert_int_equal(c->net.macvlan_mode, CELL_MACVLAN_BRIDGE);
	assert_string_equal(c->net.parent, "eth1");
	c = cell("mt");
	assert_int_equal(c->net.macvlan_mode, CELL_MACVLAN_PASSTHRU);
	assert_int_equal(c->net.gw.family, AF_INET6);
	/* No c-NAME for a macvlan: its name may be longer than 13. */
	assert_int_equal(cell("fifteen-chars-x")->net.mode, CELL_NET_MACVLAN);
	assert_string_equal(net_macvlan_mode_name(CELL_MACVLAN_PASSTHRU), "passthru");

	parse("[cell a]\nimage = /a\n");
	expect_messages(NULL);
	assert_false(cfg.host.forward);
	parse("[host]\nforward = maybe\n");
	expect_messages("cells.conf:2: host: bad value for 'forward': 'maybe' (expected yes or no)",
			NULL);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want),
			 "cells.conf:3: cell work: bad value for 'net': '%s' %s", bad[i].value,
			 bad[i].hint ? bad[i].hint : usage);
		snprintf(text, sizeof(text),
			 "[cell work]\nimage = /w\nnet = %s\n"
			 "[cell ok]\nimage = /ok\nnet = routed 10.0.0.9\n",
			 bad[i].value);
		parse(text);
		expect_messages(want, NULL);
		expect_cells("ok", NULL);
	}

	parse("[cell fourteen-chars]\nimage = /w\nnet = routed 10.0.0.2\n");
	expect_messages("cells.conf:3: cell fourteen-chars: bad value for 'net': 'routed "
			"10.0.0.2' (the cell's name is too long for a routed cell: its host "
			"interface c-NAME must fit in 15 characters, so at most 13)",
			NULL);

	/* Clashes: routed with bridged or routed (both through the host) and
	 * with the bridge's own address; macvlans on the same parent. */
	parse("[host]\nbridge = br0 10.0.0.1/24\n"
	      "[cell a]\nimage = /a\nnet = bridge br0 10.0.0.2/24\n"
	      "[cell b]\nimage = /b\nnet = routed 10.0.0.2\n"
	      "[cell c]\nimage = /c\nnet = routed 10.0.0.1/32\n"
	      "[cell d]\nimage = /d\nnet = macvlan eth0 bridge 10.0.0.2/24\n"
	      "[cell e]\nimage = /e\nnet = macvlan eth0 private 10.0.0.2/16\n"
	      "[cell f]\nimage = /f\nnet = macvlan eth1 private 10.0.0.2/16\n");
	expect_messages("cells.conf:8: cell b: 'net' address is also cell a's (line 5)",
			"cells.conf:11: cell c: 'net' address is the bridge br0's own",
			"cells.conf:17: cell e: 'net' address is also cell d's (line 14)", NULL);
	expect_cells("a", "d", "f", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_net, teardown),
	    cmocka_unit_test_teardown(test_net_modes, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
