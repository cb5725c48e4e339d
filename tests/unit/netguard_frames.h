/* SPDX-License-Identifier: MIT */
/* What the anti-spoofing program's unit tests share (test_netguard*.c): a
 * small bridged cell, crafted Ethernet frames, and the program's verdict on
 * one through BPF_PROG_TEST_RUN.  Static: each test program includes it
 * once; inline: a program may leave one unused. */
#ifndef CELLAR_TEST_NETGUARD_FRAMES_H
#define CELLAR_TEST_NETGUARD_FRAMES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"

static const unsigned char mac[6] = {0x02, 0xce, 0x11, 0x22, 0x33, 0x44};
static const unsigned char other_mac[6] = {0x02, 0xce, 0x55, 0x66, 0x77, 0x88};

static inline void cidr(struct net_cidr *c, const char *text, unsigned prefix)
{
	c->family = strchr(text, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(c->family, text, c->addr), 1);
	c->prefix = prefix;
}

/* A bridged cell: 10.0.0.2 ('net'), 192.168.7.9 and fd00::2 (net_address). */
static inline void small_cell(struct cell_net *n)
{
	memset(n, 0, sizeof(*n));
	n->mode = CELL_NET_BRIDGE;
	cidr(&n->addr, "10.0.0.2", 24);
	cidr(&n->more[0], "192.168.7.9", 24);
	cidr(&n->more[1], "fd00::2", 64);
	n->n_more = 2;
}

/* ---- frames ------------------------------------------------------------ */

struct frame {
	unsigned char b[256];
	size_t len;
};

static inline void put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static inline void put16(struct frame *f, unsigned v)
{
	unsigned char b[2] = {(unsigned char)(v >> 8), (unsigned char)v};

	put(f, b, 2);
}

static inline void put_addr(struct frame *f, int family, const char *text)
{
	unsigned char a[16];

	assert_int_equal(inet_pton(family, text, a), 1);
	put(f, a, family == AF_INET ? 4 : 16);
}

static inline void ether(struct frame *f, const unsigned char *src, unsigned type)
{
	static const unsigned char bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	f->len = 0;
	put(f, bcast, 6);
	put(f, src, 6);
	put16(f, type);
}

static inline void arp_to(struct frame *f, const unsigned char *src, const unsigned char *sha,
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

static inline void arp(struct frame *f, const unsigned char *src, const unsigned char *sha,
		       const char *spa)
{
	arp_to(f, src, sha, spa, "10.0.0.1");
}

static inline void ipv4(struct frame *f, const unsigned char *src, const char *saddr)
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
static inline void ipv6(struct frame *f, const char *saddr, unsigned next, const void *payload,
			size_t n)
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
static inline size_t icmp6(unsigned char *p, unsigned type, const char *target)
{
	memset(p, 0, 24);
	p[0] = (unsigned char)type;
	assert_int_equal(inet_pton(AF_INET6, target, p + 8), 1);
	return 24;
}

static inline int verdict(int fd, const struct frame *f)
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

#endif
