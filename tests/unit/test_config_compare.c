// SPDX-License-Identifier: MIT
/*
 * What a reload changes for a cell (mgr/config/config_compare.c): the
 * same section further down the file (a comment added above it) is no
 * change, networked cell included; a live key is a change in place; any
 * other key restarts the cell.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_compare.h"

#define HOST "[host]\nbridge = br0 10.0.0.1/24\n"
#define WORK_NET                                                                                   \
	"[cell work]\nimage = /w\nnet = bridge br0 10.0.0.2/24 gw 10.0.0.1\n"                      \
	"net_address = fd00::2/64\nnet_gateway = fd00::1\nnet_ifname = lan0\n"
/* The cell, with its MTU, memory limit and stop timeout, then extra. */
#define WORK(mtu, memory, stop, extra)                                                             \
	WORK_NET "net_mtu = " mtu "\nmemory = " memory "\nstop_timeout = " stop "\n" extra
#define BASE HOST WORK("1400", "64M", "5s", "")

static void report(void *ctx, const char *msg)
{
	print_error("%s\n", msg);
	(*(unsigned *)ctx)++;
}

static enum config_change change(const char *a, const char *b)
{
	struct config ca, cb;
	unsigned errors = 0;
	enum config_change r;

	config_parse(&ca, "a.conf", a, strlen(a), report, &errors);
	config_parse(&cb, "b.conf", b, strlen(b), report, &errors);
	assert_int_equal(errors, 0);
	assert_int_equal(ca.n_cells, 1);
	assert_int_equal(cb.n_cells, 1);
	r = config_cell_change(&ca.cells[0], &cb.cells[0]);
	config_free(&ca);
	config_free(&cb);
	return r;
}

static void shifted_section_is_no_change(void **state)
{
	assert_int_equal(change(BASE, BASE), CONFIG_CHANGE_NONE);
	assert_int_equal(
	    change(BASE, "# a comment\n\n" HOST "# another\n\n" WORK("1400", "64M", "5s", "")),
	    CONFIG_CHANGE_NONE);
}

static void live_keys_change_in_place(void **state)
{
	assert_int_equal(
	    change(BASE, "\n" HOST WORK("1400", "64M", "10s", "stop_signal = SIGINT\n")),
	    CONFIG_CHANGE_LIVE);
	assert_int_equal(change(BASE, HOST WORK("1400", "128M", "5s", "pids = 100\n")),
			 CONFIG_CHANGE_LIVE);
	assert_int_equal(change(BASE, HOST WORK("1400", "64M", "5s", "restart = never\n")),
			 CONFIG_CHANGE_LIVE);
}

static void other_keys_restart(void **state)
{
	assert_int_equal(change(BASE, HOST WORK("1400", "64M", "5s", "hostname = other\n")),
			 CONFIG_CHANGE_RESTART);
	assert_int_equal(change(BASE, HOST WORK("1300", "64M", "5s", "")), CONFIG_CHANGE_RESTART);
	assert_int_equal(change(BASE, HOST WORK("1400", "128M", "5s", "userns = no\n")),
			 CONFIG_CHANGE_RESTART);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shifted_section_is_no_change),
	    cmocka_unit_test(live_keys_change_in_place),
	    cmocka_unit_test(other_keys_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
