// SPDX-License-Identifier: MIT
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fileutil.h"
#include "log.h"
#include "netguard.h"
#include "rtnl.h"

int net_loopback_up(char *err, size_t errlen)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int index = (int)if_nametoindex("lo");

	if (index == 0)
		return neg_errno();
	nlh = link_msg(buf, RTM_NEWLINK, 0, index);
	ifm = mnl_nlmsg_get_payload(nlh);
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return rtnl_request(nlh, err, errlen);
}

/* ---- links by name --------------------------------------------------- */

/* "STEP: extack" into step. */
static int fail(int r, char *step, size_t steplen, const char *what, const char *msg)
{
	snprintf(step, steplen, "%s%s%s", what, *msg ? ": " : "", msg);
	return r;
}

/* ---- the host's bridge ----------------------------------------------- */

/* The bridge's MAC, stable, derived from its name.  Left to itself, a
 * bridge takes the lowest MAC of its ports, and that changes whenever a
 * cell's veth with a lower random MAC joins: the cells that cached the old
 * one then lose the board for seconds (frames to a port's MAC that is not
 * the bridge's are dropped as "other host").  A MAC that was set stays. */
static int bridge_pin_mac(struct mnl_socket *nl, const char *name, int index, char *err,
			  size_t errlen)
{
	char buf[NL_BUF_SIZE], path[64], type[8] = "";
	unsigned char mac[6];
	struct nlmsghdr *nlh;

	snprintf(path, sizeof(path), "/sys/class/net/%s/addr_assign_type", name);
	if (read_text_file(path, type, sizeof(type)) > 0 && type[0] == '3')
		return 0; /* NET_ADDR_SET: chosen by the board */
	net_cell_mac(name, mac);
	mac[1] = 0xcb; /* 02:cb:...: not a cell's 02:ce:... */
	nlh = link_msg(buf, RTM_NEWLINK, 0, index);
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(mac), mac);
	return rtnl_talk(nl, nlh, NULL, NULL, err, errlen);
}

int net_bridge_ensure(const struct host_config *h, char *step, size_t steplen)
{
	const char *name = h->bridge;
	char buf[NL_BUF_SIZE], msg[200], what[80];
	struct mnl_socket *nl = rtnl_open(-1);
	struct nlmsghdr *nlh;
	struct nlattr *info;
	int index, r;

	if (!nl)
		return fail(neg_errno(), step, steplen, "rtnetlink socket", "");
	nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	r = rtnl_talk(nl, nlh, NULL, NULL, msg, sizeof(msg));
	if (r == -EEXIST)
		r = 0; /* kept from an earlier run, or made by the board */
	snprintf(what, sizeof(what), "create bridge %s", name);
	if (r < 0)
		goto out;
	snprintf(what, sizeof(what), "bring bridge %s up", name);
	if ((r = link_up(nl, name, msg, sizeof(msg))) < 0)
		goto out;
	snprintf(what, sizeof(what), "find bridge %s", name);
	if ((r = index = link_index(nl, name, msg, sizeof(msg))) < 0)
		goto out;
	snprintf(what, sizeof(what), "set a stable MAC on bridge %s", name);
	if ((r = bridge_pin_mac(nl, name, index, msg, sizeof(msg))) < 0)
		goto out;
	/* A missing link (an unplugged USB gadget) is left out: the cells
	 * still have the bridge, the host and each other. */
	for (unsigned i = 0; i < h->n_bridge_ports; i++) {
		const char *port = h->bridge_ports[i];

		if ((r = link_up_master(nl, port, index, msg, sizeof(msg))) < 0)
			log_errno(r, "network: enslave %s to bridge %s%s%s: left out", port, name,
				  *msg ? ": " : "", msg);
		else
			log_info("network: %s is a port of bridge %s", port, name);
	}
	for (unsigned i = 0; i < h->n_bridge_addrs; i++) {
		snprintf(what, sizeof(what), "set the address of bridge %s", name);
		if ((r = addr_add(nl, index, &h->bridge_addrs[i], msg, sizeof(msg))) < 0)
			goto out;
	}
out:
	mnl_socket_close(nl);
	return r < 0 ? fail(r, step, steplen, what, msg) : 0;
}

/* ---- a cell's veth --------------------------------------------------- */

void net_host_ifname(const char *cell, char out[NET_IFNAME_MAX + 1])
{
	snprintf(out, NET_IFNAME_MAX + 1, NET_HOST_PREFIX "%.13s", cell);
}

void net_cell_mac(const char *cell, unsigned char mac[6])
{
	uint32_t h = 2166136261u; /* FNV-1a: stable across builds and hosts */

	for (const char *s = cell; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	mac[0] = 0x02; /* locally administered, unicast */
	mac[1] = 0xce;
	mac[2] = (unsigned char)(h >> 24);
	mac[3] = (unsigned char)(h >> 16);
	mac[4] = (unsigned char)(h >> 8);
	mac[5] = (unsigned char)h;
}

/* The cell's interface: net_ifname, or eth0. */
static const char *cell_ifname(const struct cell_net *n)
{
	return n->ifname[0] ? n->ifname : NET_CELL_IFNAME;
}

static int veth_create(struct mnl_socket *nl, const char *host, int master,
		       const struct cell_config *cfg, int netns, char *err, size_t errlen)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *pifm;
	unsigned char mac[6];

	mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
	if (master > 0) /* routed: no bridge */
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	if (cfg->net.mtu) /* both ends alike, or the larger one drops frames */
		mnl_attr_put_u32(nlh, IFLA_MTU, cfg->net.mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow an ifinfomsg of its own. */
	pifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifm));
	pifm->ifi_family = AF_UNSPEC;
	net_cell_mac(cfg->name, mac);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, cell_ifname(&cfg->net));
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(mac), mac);
	if (cfg->net.mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, cfg->net.mtu);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return rtnl_talk(nl, nlh, NULL, NULL, err, errlen);
}

/* The host side of a routed cell's link: the same link-local address on
 * every c-NAME, the cell's gateway (169.254.1.1, fe80::1). */
static const unsigned char routed_gw4[4] = {169, 254, 1, 1};
static const unsigned char routed_gw6[16] = {0xfe, 0x80, [15] = 1};

static int macvlan_create(struct mnl_socket *nl, int parent, const struct cell_config *cfg,
			  int netns, char *err, size_t errlen)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *info, *data;
	unsigned char mac[6];

	/* Asked for in cellmgr's namespace, on its parent there, and made
	 * in the cell's (IFLA_NET_NS_FD): it never exists on the host. */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, cell_ifname(&cfg->net));
	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)parent);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns);
	if (cfg->net.mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, cfg->net.mtu);
	/* passthru takes over the parent's MAC; the others get the cell's. */
	if (cfg->net.macvlan_mode != CELL_MACVLAN_PASSTHRU) {
		net_cell_mac(cfg->name, mac);
		mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(mac), mac);
	}
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, (uint32_t)cfg->net.macvlan_mode);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return rtnl_talk(nl, nlh, NULL, NULL, err, errlen);
}

/* The cell's i-th address: 0 the one 'net' names, then net_address's. */
static const struct net_cidr *cell_addr(const struct cell_net *n, unsigned i)
{
	return i == 0 ? &n->addr : &n->more[i - 1];
}

static bool has_family(const struct cell_net *n, int family)
{
	for (unsigned i = 0; i <= n->n_more; i++)
		if (cell_addr(n, i)->family == family)
			return true;
	return false;
}

static const char *addr_text(char out[INET6_ADDRSTRLEN], const struct net_cidr *a)
{
	if (!inet_ntop(a->family, a->addr, out, INET6_ADDRSTRLEN))
		snprintf(out, INET6_ADDRSTRLEN, "?");
	return out;
}

static int macvlan_side(struct mnl_socket *nl, const struct cell_config *cfg, int netns, char *what,
			size_t whatlen, char *err, size_t errlen)
{
	const struct cell_net *n = &cfg->net;
	unsigned mtu = 0;
	int parent, r;

	snprintf(what, whatlen, "parent interface '%s' not found", n->parent);
	if ((r = parent = link_lookup(nl, n->parent, &mtu, err, errlen)) < 0) {
		err[0] = '\0'; /* "not found" says it */
		return r;
	}
	snprintf(what, whatlen, "create macvlan %s (%s) on %s in the cell", cell_ifname(n),
		 net_macvlan_mode_name(n->macvlan_mode), n->parent);
	if (n->mtu > mtu) { /* the kernel says EINVAL, and nothing more */
		snprintf(err, errlen, "net_mtu %u is above %s's MTU %u", n->mtu, n->parent, mtu);
		return -EINVAL;
	}
	r = macvlan_create(nl, parent, cfg, netns, err, errlen);
	if (r == -EINVAL && !err[0] && n->macvlan_mode == CELL_MACVLAN_PASSTHRU)
		snprintf(err, errlen, "a passthru macvlan must be %s's only one", n->parent);
	else if (r == -EINVAL && !err[0])
		snprintf(err, errlen, "%s may have a passthru macvlan already", n->parent);
	return r;
}

/* Routed: on c-NAME the cell's gateway of each family it uses, and a host
 * route to each of the cell's addresses. */
static int routed_side(struct mnl_socket *nl, const struct cell_net *n, const char *host,
		       char *what, size_t whatlen, char *err, size_t errlen)
{
	char a[INET6_ADDRSTRLEN];
	int index, r;

	snprintf(what, whatlen, "find %s", host);
	if ((r = index = link_index(nl, host, err, errlen)) < 0)
		return r;
	for (int family = AF_INET; family; family = family == AF_INET ? AF_INET6 : 0) {
		struct net_cidr gw = {.family = family};

		if (!has_family(n, family))
			continue;
		memcpy(gw.addr, family == AF_INET ? routed_gw4 : routed_gw6,
		       family == AF_INET ? 4 : 16);
		gw.prefix = family == AF_INET ? 32 : 64;
		snprintf(what, whatlen, "set the %s gateway address of %s",
			 family == AF_INET ? "IPv4" : "IPv6", host);
		if ((r = addr_add(nl, index, &gw, err, errlen)) < 0)
			return r;
	}
	for (unsigned i = 0; i <= n->n_more; i++) {
		const struct net_cidr *to = cell_addr(n, i);

		snprintf(what, whatlen, "add the host route to %s via %s", addr_text(a, to), host);
		if ((r = route_add(nl, to->family, to->addr, to->prefix, NULL, index, RT_SCOPE_LINK,
				   err, errlen)) < 0)
			return r;
	}
	return 0;
}

/* The host side: for bridge and routed a veth pair c-NAME / the cell's
 * interface, for macvlan a macvlan on its parent; the latter ends up in
 * the cell. */
static int host_side(struct mnl_socket *nl, const struct cell_config *cfg, int netns, char *what,
		     size_t whatlen, char *err, size_t errlen)
{
	const struct cell_net *n = &cfg->net;
	char host[NET_IFNAME_MAX + 1];
	int master = 0, index, r;

	if (n->mode == CELL_NET_MACVLAN)
		return macvlan_side(nl, cfg, netns, what, whatlen, err, errlen);
	net_host_ifname(cfg->name, host);
	if (n->mode == CELL_NET_BRIDGE) {
		snprintf(what, whatlen, "bridge %s", n->bridge);
		if ((r = master = link_index(nl, n->bridge, err, errlen)) < 0)
			return r;
	}
	/* A c-NAME left by an earlier run of this cell (cellmgr crashed, or
	 * its old namespace is still being torn down): the cell is not
	 * running, so that veth is stale. */
	snprintf(what, whatlen, "delete stale %s", host);
	r = link_delete(nl, host, err, errlen);
	if (r < 0 && r != -ENODEV)
		return r;
	if (n->mode == CELL_NET_BRIDGE)
		snprintf(what, whatlen, "create veth %s on bridge %s, peer %s in the cell", host,
			 n->bridge, cell_ifname(n));
	else
		snprintf(what, whatlen, "create veth %s, peer %s in the cell", host,
			 cell_ifname(n));
	if ((r = veth_create(nl, host, master, cfg, netns, err, errlen)) < 0)
		return r;
	/* The filter before c-NAME is up: no frame of the cell passes
	 * unchecked (the cell's end is down, and the cell not yet running). */
	if (!n->unfiltered) {
		unsigned char mac[6];

		net_cell_mac(cfg->name, mac);
		snprintf(what, whatlen, "find %s", host);
		if ((r = index = link_index(nl, host, err, errlen)) < 0 ||
		    (r = netguard_attach(nl, index, host, n, mac, what, whatlen, err, errlen)) < 0)
			return r;
	} else {
		log_info("cell %s: network filter off (net_filter = no): it may send as any "
			 "address and MAC",
			 cfg->name);
	}
	snprintf(what, whatlen, "bring %s up", host);
	if ((r = link_up(nl, host, err, errlen)) < 0 || n->mode != CELL_NET_ROUTED)
		return r;
	return routed_side(nl, n, host, what, whatlen, err, errlen);
}

/* Inside the cell: its interface up, its addresses, its default routes. */
static int cell_side(struct mnl_socket *cnl, const struct cell_net *n, char *what, size_t whatlen,
		     char *err, size_t errlen)
{
	const char *ifn = cell_ifname(n);
	char a[INET6_ADDRSTRLEN];
	int index, r;

	snprintf(what, whatlen, "bring %s up in the cell", ifn);
	if ((r = link_up(cnl, ifn, err, errlen)) < 0)
		return r;
	snprintf(what, whatlen, "find %s in the cell", ifn);
	if ((r = index = link_index(cnl, ifn, err, errlen)) < 0)
		return r;
	for (unsigned i = 0; i <= n->n_more; i++) {
		snprintf(what, whatlen, "add address %s to %s in the cell",
			 addr_text(a, cell_addr(n, i)), ifn);
		if ((r = addr_add(cnl, index, cell_addr(n, i), err, errlen)) < 0)
			return r;
	}
	if (n->mode == CELL_NET_ROUTED) {
		/* IPv4: the gateway is on the link; IPv6's fe80::/64 is anyway. */
		if (has_family(n, AF_INET)) {
			snprintf(what, whatlen, "add the route to 169.254.1.1 in the cell");
			if ((r = route_add(cnl, AF_INET, routed_gw4, 32, NULL, index, RT_SCOPE_LINK,
					   err, errlen)) < 0)
				return r;
			snprintf(what, whatlen,
				 "add the default route via 169.254.1.1 in the cell");
			if ((r = route_add(cnl, AF_INET, NULL, 0, routed_gw4, index,
					   RT_SCOPE_UNIVERSE, err, errlen)) < 0)
				return r;
		}
		if (has_family(n, AF_INET6)) {
			snprintf(what, whatlen, "add the default route via fe80::1 in the cell");
			if ((r = route_add(cnl, AF_INET6, NULL, 0, routed_gw6, index,
					   RT_SCOPE_UNIVERSE, err, errlen)) < 0)
				return r;
		}
		return 0;
	}
	for (unsigned i = 0; i < 1 + n->n_gateways; i++) {
		const struct net_cidr *gw = i == 0 ? &n->gw : &n->gateways[i - 1];

		if (!gw->family)
			continue;
		snprintf(what, whatlen, "add the default route via %s in the cell",
			 addr_text(a, gw));
		if ((r = route_default(cnl, index, gw, err, errlen)) < 0)
			return r;
	}
	return 0;
}

static const char *const mode_names[] = {
    [CELL_NET_NONE] = "none",
    [CELL_NET_BRIDGE] = "bridge",
    [CELL_NET_ROUTED] = "routed",
    [CELL_NET_MACVLAN] = "macvlan",
};

int net_cell_setup(const struct cell_config *cfg, int netns, char *step, size_t steplen)
{
	const struct cell_net *n = &cfg->net;
	char msg[200], what[120];
	struct mnl_socket *nl, *cnl = NULL;
	struct timespec t0, t1;
	int r;

	if (n->mode == CELL_NET_NONE)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	nl = rtnl_open(-1);
	if (!nl)
		return fail(neg_errno(), step, steplen, "rtnetlink socket", "");
	if ((r = host_side(nl, cfg, netns, what, sizeof(what), msg, sizeof(msg))) < 0)
		goto out;
	/* Inside the cell: a socket in its namespace. */
	snprintf(what, sizeof(what), "rtnetlink socket in the cell");
	msg[0] = '\0';
	cnl = rtnl_open(netns);
	if (!cnl) {
		r = neg_errno();
		goto out;
	}
	r = cell_side(cnl, n, what, sizeof(what), msg, sizeof(msg));
out:
	if (cnl)
		mnl_socket_close(cnl);
	mnl_socket_close(nl);
	if (r < 0)
		return fail(r, step, steplen, what, msg);
	/* What the network adds to a start (tests/bench/bench-net reads it). */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_msg(LOG_LVL_DEBUG, "cell %s: network (%s) set up in %ld us", cfg->name,
		mode_names[n->mode],
		(long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000));
	return 0;
}

/* ---- IP forwarding ----------------------------------------------------- */

int net_forwarding(const struct config *cfg)
{
	bool v4 = false, v6 = false;
	int r = 0, e;

	for (size_t i = 0; i < cfg->n_cells; i++) {
		const struct cell_net *n = &cfg->cells[i].net;

		if (n->mode != CELL_NET_BRIDGE && n->mode != CELL_NET_ROUTED)
			continue;
		v4 |= n->addr.family == AF_INET;
		v6 |= n->addr.family == AF_INET6;
	}
	if (!v4 && !v6)
		return 0;
	if (!cfg->host.forward) {
		log_info("IP forwarding left as it is ([host] forward = no): routed and bridged "
			 "cells reach the host, not beyond it nor each other through it");
		return 0;
	}
	if (v4) {
		if ((e = write_file_at(AT_FDCWD, "/proc/sys/net/ipv4/ip_forward", "1")) < 0)
			r = log_errno(e, "IP forwarding: set net.ipv4.ip_forward = 1");
		else
			log_info("IP forwarding: net.ipv4.ip_forward = 1 ([host] forward = yes)");
	}
	if (v6) {
		if ((e = write_file_at(AT_FDCWD, "/proc/sys/net/ipv6/conf/all/forwarding", "1")) <
		    0)
			r = log_errno(e, "IP forwarding: set net.ipv6.conf.all.forwarding = 1");
		else
			log_info("IP forwarding: net.ipv6.conf.all.forwarding = 1 ([host] forward "
				 "= yes)");
	}
	return r;
}

/* ---- stale veths ------------------------------------------------------ */

struct stale_list {
	char (*names)[NET_IFNAME_MAX + 1];
	size_t n, alloc;
};

static int stale_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stale_list *l = data;
	const struct nlattr *attr, *linkinfo = NULL;
	const char *name = NULL, *kind = NULL;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg))
	{
		if (mnl_attr_get_type(attr) == IFLA_IFNAME &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			name = mnl_attr_get_str(attr);
		else if (mnl_attr_get_type(attr) == IFLA_LINKINFO)
			linkinfo = attr;
	}
	if (!name || strncmp(name, NET_HOST_PREFIX, strlen(NET_HOST_PREFIX)) != 0 || !linkinfo ||
	    strlen(name) > NET_IFNAME_MAX)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(attr, linkinfo)
	{
		if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			kind = mnl_attr_get_str(attr);
	}
	if (!kind || strcmp(kind, "veth") != 0)
		return MNL_CB_OK;
	if (l->n == l->alloc) {
		size_t na = l->alloc ? 2 * l->alloc : 16;
		void *p = realloc(l->names, na * sizeof(*l->names));

		if (!p)
			return MNL_CB_ERROR;
		l->names = p;
		l->alloc = na;
	}
	strcpy(l->names[l->n++], name);
	return MNL_CB_OK;
}

int net_cleanup_stale(bool (*running)(void *ctx, const char *cell), void *ctx)
{
	char buf[NL_BUF_SIZE], msg[200];
	struct stale_list l = {0};
	struct mnl_socket *nl = rtnl_open(-1);
	struct nlmsghdr *nlh;
	int r, deleted = 0;

	if (!nl)
		return log_errno(neg_errno(), "stale veths: rtnetlink socket");
	nlh = link_msg(buf, RTM_GETLINK, NLM_F_DUMP, 0);
	r = rtnl_talk(nl, nlh, stale_cb, &l, msg, sizeof(msg));
	if (r < 0) {
		log_error("stale veths: list links: %s%s%s", strerror(-r), *msg ? ": " : "", msg);
		goto out;
	}
	for (size_t i = 0; i < l.n; i++) {
		const char *cell = l.names[i] + strlen(NET_HOST_PREFIX);

		if (running(ctx, cell))
			continue;
		r = link_delete(nl, l.names[i], msg, sizeof(msg));
		if (r < 0 && r != -ENODEV) {
			log_error("delete stale veth %s: %s%s%s", l.names[i], strerror(-r),
				  *msg ? ": " : "", msg);
			continue;
		}
		log_info("deleted stale veth %s", l.names[i]);
		deleted++;
	}
	r = deleted;
out:
	free(l.names);
	mnl_socket_close(nl);
	return r;
}
