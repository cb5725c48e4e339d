/* SPDX-License-Identifier: MIT */
/*
 * Cell networking over rtnetlink (libmnl), no helper process: loopback
 * (every cell), and for 'net = bridge|routed|macvlan ...' (docs/config.md)
 * a veth pair per cell (c-NAME on the host, eth0 inside) or a macvlan,
 * made by cellmgr between the clone and "go" (mgr/start/spawn.h).  The cell's
 * end goes away with its network namespace, and a veth's host end with it.
 *
 * On failure the functions below return -errno and write "STEP: TEXT"
 * into step, TEXT being the kernel's extended-ack message, when it gave
 * one; the caller adds strerror.
 */
#ifndef CELLAR_NET_H
#define CELLAR_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* Brings "lo" up in the calling process's network namespace.  On failure
 * returns -errno and puts the kernel's extended-ack text, if any, in msg. */
int net_loopback_up(char *err, size_t errlen);

/* Creates h's bridge in cellmgr's namespace unless it exists, brings it
 * up, enslaves h's bridge_port interfaces (up, too) and gives it its
 * address (replacing the same address of an earlier run). */
int net_bridge_ensure(const struct host_config *h, char *step, size_t steplen);

/* The cell's network from cfg->net, its namespace open as netns: nothing
 * for none; for bridge, the veth pair (a stale c-NAME deleted first),
 * c-NAME enslaved and up, the cell's interface (net_ifname, else eth0)
 * with the cell's MAC, the MTU on both ends (net_mtu), unless net_filter =
 * no the anti-spoofing filter on c-NAME's ingress before it is up
 * (mgr/net/netguard.h; routed too), its addresses
 * ('net' and net_address), up, and a default route per gateway ('net'
 * gw, net_gateway).  For routed, the same pair without a bridge: c-NAME
 * gets 169.254.1.1/32 and/or fe80::1/64 (the families the cell uses) and
 * a host route to each of the cell's addresses; inside, default routes
 * via those gateways.  For macvlan, the interface made on the parent in
 * cellmgr's namespace and moved into the cell's at once (step "parent
 * interface 'X' not found" when there is no such parent).  Logs the time
 * it took (debug). */
int net_cell_setup(const struct cell_config *cfg, int netns, char *step, size_t steplen);

/* With [host] forward = yes, sets IPv4 (IPv6) forwarding in cellmgr's
 * namespace when a routed or bridged cell has an IPv4 (IPv6) address;
 * logs what it did, or that it left forwarding alone. */
int net_forwarding(const struct config *cfg);

/* "c-NAME", and the cell's stable, locally administered MAC. */
void net_host_ifname(const char *cell, char out[NET_IFNAME_MAX + 1]);
void net_cell_mac(const char *cell, unsigned char mac[6]);

/* Deletes every veth c-NAME in cellmgr's namespace whose cell is not
 * running(ctx, NAME): left by a cellmgr that crashed.  Returns how many it
 * deleted or -errno; failures are logged. */
int net_cleanup_stale(bool (*running)(void *ctx, const char *cell), void *ctx);

#endif
