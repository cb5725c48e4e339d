/* SPDX-License-Identifier: MIT */
/*
 * Anti-spoofing on a bridged or routed cell's veth: a tc classifier on the
 * ingress of the host end c-NAME (what the cell sends), so that the cell
 * can only send as itself (docs/security.md, "Networks").  The program is a
 * BPF_PROG_TYPE_SCHED_CLS program assembled by hand per cell from its MAC
 * (net_cell_mac) and its addresses ('net', net_address), loaded with the
 * raw bpf() syscall and attached in direct-action mode under a clsact
 * qdisc, all over rtnetlink (libmnl); no tc binary, no act_* module.
 *
 * What passes, everything else is dropped (TC_ACT_SHOT):
 *   - untagged frames from the cell's MAC (a VLAN tag: dropped);
 *   - ARP for IPv4 over Ethernet, sender MAC the cell's, sender IP one of
 *     its IPv4 addresses, or 0.0.0.0 with one of them as the target IP
 *     (its own probe);
 *   - IPv4 from one of its IPv4 addresses;
 *   - IPv6 from one of its IPv6 addresses or its EUI-64 link-local
 *     address whose header chain (at most two hop-by-hop, routing or
 *     destination options headers, then perhaps a Fragment header) ends in
 *     a listed upper layer (TCP, UDP, DCCP, SCTP, UDP-Lite, ESP, GRE,
 *     IPv4, IPv6) or, not behind a Fragment header, in ICMPv6 other than
 *     router advertisements and redirects (a cell is no router) and
 *     neighbour advertisements other than right behind the IPv6 header
 *     for one of those addresses;
 *   - IPv6 from :: : MLD reports (131, 132, 143) and DAD, a neighbour
 *     solicitation right behind the IPv6 header for one of its addresses.
 * So ICMPv6 in a fragment, behind a third extension header or behind any
 * next header not named here is dropped (issue 13, finding 4).
 */
#ifndef CELLAR_NETGUARD_H
#define CELLAR_NETGUARD_H

#include <libmnl/libmnl.h>
#include <linux/bpf.h>
#include <stddef.h>

#include "config.h"

/* Far above what 9 addresses need (311 instructions, all IPv6), below the
 * 4096 of an unprivileged program. */
#define NETGUARD_INSNS_MAX 1024

/* The program of a cell with the network n and the MAC mac into insns
 * (NETGUARD_INSNS_MAX of them); returns how many, or -ENOSPC. */
int netguard_assemble(const struct cell_net *n, const unsigned char mac[6], struct bpf_insn *insns);

/* That program loaded: its fd, or -errno with the verifier's first line,
 * if it said something, in msg. */
int netguard_load(const struct cell_net *n, const unsigned char mac[6], char *err, size_t errlen);

/* Loads the program and attaches it to the ingress of host (index ifindex
 * in nl's namespace; the cell's c-NAME): a clsact qdisc and a bpf filter in
 * direct-action mode.  On failure returns -errno, the step in what and the
 * kernel's extended-ack text in msg; a kernel without the clsact qdisc or
 * the bpf classifier gets the module it needs named. */
int netguard_attach(struct mnl_socket *nl, int ifindex, const char *host, const struct cell_net *n,
		    const unsigned char mac[6], char *what, size_t whatlen, char *err,
		    size_t errlen);

#endif
