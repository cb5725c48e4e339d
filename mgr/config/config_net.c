// SPDX-License-Identifier: MIT
/* The cell list's network keys: [cell] net and its net_ keys, [host]
 * bridge (docs/config.md), and the checks of a cell's network against the
 * others once the whole file is read. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_keys.h"
#include "config_value.h"

static size_t split_words(char *buf, size_t size, const char *value, char **words, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	snprintf(buf, size, "%s", value);
	for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		words[n++] = w;
	}
	return n;
}

static const char *bad_ifname(const char *what, const char *name, char *hint)
{
	char shown[32];

	printable(shown, sizeof(shown), name);
	if (strlen(name) > NET_IFNAME_MAX)
		snprintf(hint, HINT_MAX, "(%s name '%s' is longer than 15 characters)", what,
			 shown);
	else
		snprintf(hint, HINT_MAX,
			 "(bad %s name '%s': expected 1-15 characters of a-z, A-Z, 0-9, '-', '_' "
			 "and '.')",
			 what, shown);
	return hint;
}

static const char *bad_cidr(const char *word, char *hint)
{
	char shown[64];

	printable(shown, sizeof(shown), word);
	snprintf(hint, HINT_MAX,
		 "(bad address '%s': expected ADDR/PREFIX, IPv4 such as 10.0.0.2/24 or IPv6 "
		 "such as fd00::2/64)",
		 shown);
	return hint;
}

/* An address a host can have: not unspecified, loopback or multicast
 * (nor IPv4's limited broadcast). */
static bool addr_usable(const struct net_cidr *a)
{
	static const unsigned char any6[16], lo6[16] = {[15] = 1};
	const unsigned char *b = a->addr;

	if (a->family == AF_INET)
		return !(b[0] == 0 || b[0] == 127 || (b[0] >= 224 && b[0] <= 239) ||
			 memcmp(b, "\xff\xff\xff\xff", 4) == 0);
	return memcmp(b, any6, 16) != 0 && memcmp(b, lo6, 16) != 0 && b[0] != 0xff;
}

static const char *unusable(const char *what, const char *word, char *hint)
{
	char shown[64];

	printable(shown, sizeof(shown), word);
	snprintf(hint, HINT_MAX, "(%s '%s' is unspecified, loopback or multicast)", what, shown);
	return hint;
}

/* "gw GATEWAY" of the same family as addr (word addr_word), into gw. */
static const char *parse_gw(const char *word, const struct net_cidr *addr, const char *addr_word,
			    struct net_cidr *gw, char *hint)
{
	char shown[64];

	printable(shown, sizeof(shown), word);
	if (cidr_parse(word, false, gw) < 0 || strchr(word, '/')) {
		snprintf(hint, HINT_MAX, "(bad gateway '%s': expected an IPv4 or IPv6 address)",
			 shown);
		return hint;
	}
	if (!addr_usable(gw))
		return unusable("gateway", word, hint);
	if (gw->family != addr->family) {
		snprintf(hint, HINT_MAX, "(gateway '%s' is not of the same family as '%s')", shown,
			 addr_word);
		return hint;
	}
	return NULL;
}

static const struct {
	const char *name;
	enum cell_macvlan_mode mode;
} macvlan_modes[] = {
    {"private", CELL_MACVLAN_PRIVATE},
    {"vepa", CELL_MACVLAN_VEPA},
    {"bridge", CELL_MACVLAN_BRIDGE},
    {"passthru", CELL_MACVLAN_PASSTHRU},
};

const char *net_macvlan_mode_name(enum cell_macvlan_mode mode)
{
	for (size_t i = 0; i < sizeof(macvlan_modes) / sizeof(macvlan_modes[0]); i++)
		if (macvlan_modes[i].mode == mode)
			return macvlan_modes[i].name;
	return "?";
}

/* What 'net' sets, leaving what the net_ keys set (before it, maybe). */
static void net_set_mode(struct cell_net *to, const struct cell_net *from)
{
	to->mode = from->mode;
	memcpy(to->bridge, from->bridge, sizeof(to->bridge));
	to->addr = from->addr;
	to->gw = from->gw;
	memcpy(to->parent, from->parent, sizeof(to->parent));
	to->macvlan_mode = from->macvlan_mode;
}

/* net = none | bridge BRIDGE ADDR/PREFIX [gw GATEWAY] | routed ADDR[/32|/128]
 *     | macvlan PARENT MODE ADDR/PREFIX [gw GATEWAY] */
const char *set_net(struct cell_config *c, const char *value, int arg, char *hint)
{
	static const char *usage =
	    "(expected none, bridge BRIDGE ADDR/PREFIX [gw GATEWAY], routed ADDR, or macvlan "
	    "PARENT MODE ADDR/PREFIX [gw GATEWAY])";
	char buf[1100], *w[6], shown[64];
	size_t n = split_words(buf, sizeof(buf), value, w, 6);
	struct cell_net net = {0};
	const char *h;

	if (n == 1 && strcmp(w[0], "none") == 0) {
		net_set_mode(&c->net, &net);
		return NULL;
	}
	if (n == 2 && strcmp(w[0], "routed") == 0) {
		if (cidr_parse(w[1], false, &net.addr) < 0)
			return bad_cidr(w[1], hint);
		if (!addr_usable(&net.addr))
			return unusable("address", w[1], hint);
		if (net.addr.prefix != (net.addr.family == AF_INET ? 32u : 128u)) {
			printable(shown, sizeof(shown), w[1]);
			snprintf(hint, HINT_MAX,
				 "(a routed cell has a single address: expected ADDR, ADDR/32 or "
				 "ADDR/128, not '%s')",
				 shown);
			return hint;
		}
		if (strlen(c->name) > NET_CELL_NAME_MAX)
			return "(the cell's name is too long for a routed cell: its host interface "
			       "c-NAME must fit in 15 characters, so at most 13)";
		net.mode = CELL_NET_ROUTED;
		net_set_mode(&c->net, &net);
		return NULL;
	}
	if ((n == 4 || n == 6) && strcmp(w[0], "macvlan") == 0 &&
	    (n == 4 || strcmp(w[4], "gw") == 0)) {
		size_t i, nm = sizeof(macvlan_modes) / sizeof(macvlan_modes[0]);

		if (!ifname_valid(w[1]))
			return bad_ifname("parent interface", w[1], hint);
		for (i = 0; i < nm && strcmp(w[2], macvlan_modes[i].name) != 0; i++)
			;
		if (i == nm) {
			printable(shown, sizeof(shown), w[2]);
			snprintf(hint, HINT_MAX,
				 "(bad macvlan mode '%s': expected private, vepa, bridge or "
				 "passthru)",
				 shown);
			return hint;
		}
		if (cidr_parse(w[3], true, &net.addr) < 0)
			return bad_cidr(w[3], hint);
		if (!addr_usable(&net.addr))
			return unusable("address", w[3], hint);
		if (n == 6 && (h = parse_gw(w[5], &net.addr, w[3], &net.gw, hint)))
			return h;
		net.mode = CELL_NET_MACVLAN;
		net.macvlan_mode = macvlan_modes[i].mode;
		strcpy(net.parent, w[1]);
		net_set_mode(&c->net, &net);
		return NULL;
	}
	if ((n != 3 && n != 5) || strcmp(w[0], "bridge") != 0 ||
	    (n == 5 && strcmp(w[3], "gw") != 0))
		return usage;
	if (!ifname_valid(w[1]))
		return bad_ifname("bridge", w[1], hint);
	if (cidr_parse(w[2], true, &net.addr) < 0)
		return bad_cidr(w[2], hint);
	if (!addr_usable(&net.addr))
		return unusable("address", w[2], hint);
	if (n == 5 && (h = parse_gw(w[4], &net.addr, w[2], &net.gw, hint)))
		return h;
	_Static_assert(NET_CELL_NAME_MAX == 13, "the hint says 13");
	if (strlen(c->name) > NET_CELL_NAME_MAX)
		return "(the cell's name is too long for a bridged cell: its host interface "
		       "c-NAME must fit in 15 characters, so at most 13)";
	net.mode = CELL_NET_BRIDGE;
	strcpy(net.bridge, w[1]);
	net_set_mode(&c->net, &net);
	return NULL;
}

static bool same_addr(const struct net_cidr *a, const struct net_cidr *b);

/* bridge = NAME ADDR/PREFIX [ADDR/PREFIX...]: up to NET_BRIDGE_ADDRS_MAX
 * addresses of the host on it, IPv4 and IPv6 mixed. */
const char *set_bridge(struct host_config *h, const char *value)
{
	static char hint[HINT_MAX]; /* host setters have no hint buffer */
	char buf[1100], *w[NET_BRIDGE_ADDRS_MAX + 1];
	size_t n = split_words(buf, sizeof(buf), value, w, NET_BRIDGE_ADDRS_MAX + 1);
	struct net_cidr addrs[NET_BRIDGE_ADDRS_MAX];

	if (n < 2)
		return "(expected NAME ADDR/PREFIX [ADDR/PREFIX...], such as cellbr0 10.0.0.1/24)";
	if (n > NET_BRIDGE_ADDRS_MAX + 1)
		return "(at most 4 addresses)";
	if (!ifname_valid(w[0]))
		return bad_ifname("bridge", w[0], hint);
	for (size_t i = 1; i < n; i++) {
		if (cidr_parse(w[i], true, &addrs[i - 1]) < 0)
			return bad_cidr(w[i], hint);
		for (size_t j = 0; j + 1 < i; j++)
			if (same_addr(&addrs[j], &addrs[i - 1])) {
				snprintf(hint, HINT_MAX, "(address '%s' given twice)", w[i]);
				return hint;
			}
	}
	strcpy(h->bridge, w[0]);
	memcpy(h->bridge_addrs, addrs, sizeof(addrs[0]) * (n - 1));
	h->n_bridge_addrs = (unsigned)(n - 1);
	return NULL;
}

/* bridge_port = IFACE ...: host interfaces enslaved to the bridge */
const char *set_bridge_port(struct host_config *h, const char *value)
{
	static char hint[HINT_MAX];
	char buf[1100], *w[NET_BRIDGE_PORTS_MAX + 1];
	size_t n = split_words(buf, sizeof(buf), value, w, NET_BRIDGE_PORTS_MAX);

	if (n == 0 || n > NET_BRIDGE_PORTS_MAX)
		return "(expected 1 to 4 host interface names separated by blanks, such as eth1)";
	for (size_t i = 0; i < n; i++) {
		if (!ifname_valid(w[i]))
			return bad_ifname("interface", w[i], hint);
		if (strncmp(w[i], NET_HOST_PREFIX, strlen(NET_HOST_PREFIX)) == 0) {
			snprintf(hint, HINT_MAX,
				 "(interface '%s': the c- names are the cells' veths, not links)",
				 w[i]);
			return hint;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(w[i], w[j]) == 0) {
				snprintf(hint, HINT_MAX, "(interface '%s' named twice)", w[i]);
				return hint;
			}
	}
	for (size_t i = 0; i < n; i++)
		strcpy(h->bridge_ports[i], w[i]);
	h->n_bridge_ports = (unsigned)n;
	return NULL;
}

/* ---- the net_ keys ---------------------------------------------------- */

static bool same_addr(const struct net_cidr *a, const struct net_cidr *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, 16) == 0;
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* net_address = ADDR[/PREFIX] ...: up to NET_ADDRS_MAX further addresses
 * of either family; a bare address is a single host (/32, /128). */
const char *set_net_address(struct cell_config *c, const char *value, int arg, char *hint)
{
	char buf[1100], *w[NET_ADDRS_MAX + 1], shown[64];
	size_t n = split_words(buf, sizeof(buf), value, w, NET_ADDRS_MAX);
	struct net_cidr more[NET_ADDRS_MAX];

	(void)arg;
	if (n == 0)
		return "(expected one or more addresses ADDR/PREFIX, IPv4 or IPv6, separated by "
		       "blanks)";
	if (n > NET_ADDRS_MAX)
		return "(at most 8 addresses)";
	_Static_assert(NET_ADDRS_MAX == 8, "the hint says 8");
	for (size_t i = 0; i < n; i++) {
		if (cidr_parse(w[i], false, &more[i]) < 0) {
			printable(shown, sizeof(shown), w[i]);
			snprintf(hint, HINT_MAX,
				 "(bad address '%s': expected ADDR/PREFIX or a single ADDR, IPv4 "
				 "such as 10.0.0.2/24 or IPv6 such as fd00::2/64)",
				 shown);
			return hint;
		}
		if (!addr_usable(&more[i]))
			return unusable("address", w[i], hint);
		for (size_t j = 0; j < i; j++) {
			if (same_addr(&more[i], &more[j])) {
				printable(shown, sizeof(shown), w[i]);
				snprintf(hint, HINT_MAX, "(address '%s' given twice)", shown);
				return hint;
			}
		}
	}
	memcpy(c->net.more, more, n * sizeof(more[0]));
	c->net.n_more = (unsigned)n;
	return NULL;
}

/* net_gateway = GATEWAY [GATEWAY]: default routes, one per family. */
const char *set_net_gateway(struct cell_config *c, const char *value, int arg, char *hint)
{
	char buf[1100], *w[2], shown[64];
	size_t n = split_words(buf, sizeof(buf), value, w, 2);
	struct net_cidr gw[2];

	(void)arg;
	if (n == 0 || n > 2)
		return "(expected one or two gateway addresses: at most one IPv4 and one IPv6)";
	for (size_t i = 0; i < n; i++) {
		printable(shown, sizeof(shown), w[i]);
		if (cidr_parse(w[i], false, &gw[i]) < 0 || strchr(w[i], '/')) {
			snprintf(hint, HINT_MAX,
				 "(bad gateway '%s': expected an IPv4 or IPv6 address)", shown);
			return hint;
		}
		if (!addr_usable(&gw[i]))
			return unusable("gateway", w[i], hint);
	}
	if (n == 2 && gw[0].family == gw[1].family) {
		snprintf(hint, HINT_MAX,
			 "(two %s gateways: expected at most one IPv4 and one IPv6)",
			 family_name(gw[0].family));
		return hint;
	}
	memcpy(c->net.gateways, gw, n * sizeof(gw[0]));
	c->net.n_gateways = (unsigned)n;
	return NULL;
}

/* net_mtu = N: the MTU of the cell's interface (and its veth peer). */
const char *set_net_mtu(struct cell_config *c, const char *value, int arg, char *hint)
{
	uint64_t mtu;

	(void)arg;
	(void)hint;
	_Static_assert(NET_MTU_MIN == 68 && NET_MTU_MAX == 65535, "the hint says 68 to 65535");
	if (number_parse(value, NET_MTU_MIN, NET_MTU_MAX, &mtu) < 0)
		return "(expected a number from 68 to 65535)";
	c->net.mtu = (unsigned)mtu;
	return NULL;
}

/* net_ifname = NAME: the cell's interface, eth0 by default. */
const char *set_net_ifname(struct cell_config *c, const char *value, int arg, char *hint)
{
	(void)arg;
	if (!ifname_valid(value))
		return bad_ifname("interface", value, hint);
	if (strcmp(value, "lo") == 0)
		return "(lo is the cell's loopback: expected another interface name)";
	strcpy(c->net.ifname, value);
	return NULL;
}

/* net_filter = yes|no: the anti-spoofing filter on c-NAME (mgr/net/netguard.h),
 * yes by default; no for a cell that forwards others' traffic. */
const char *set_net_filter(struct cell_config *c, const char *value, int arg, char *hint)
{
	int b = parse_bool(value);

	(void)arg;
	(void)hint;
	if (b < 0)
		return "(expected yes or no)";
	c->net.unfiltered = !b;
	return NULL;
}

/* ---- a cell's network against its other keys and the other cells ------- */

/* "10.0.0.2" or, with prefix, "10.0.0.2/24". */
static const char *addr_text(char out[INET6_ADDRSTRLEN + 4], const struct net_cidr *a, bool prefix)
{
	char s[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->addr, s, sizeof(s)))
		snprintf(s, sizeof(s), "?");
	if (prefix)
		snprintf(out, INET6_ADDRSTRLEN + 4, "%s/%u", s, a->prefix);
	else
		snprintf(out, INET6_ADDRSTRLEN + 4, "%s", s);
	return out;
}

/* The cell's i-th address: 0 the one 'net' names, then net_address's. */
static const struct net_cidr *nth_addr(const struct cell_net *n, unsigned i)
{
	return i == 0 ? &n->addr : &n->more[i - 1];
}

static bool has_family(const struct cell_net *n, int family)
{
	for (unsigned i = 0; i <= n->n_more; i++)
		if (nth_addr(n, i)->family == family)
			return true;
	return false;
}

/* Whether a and b are in one address space: both reached through the
 * host (bridged or routed), or both macvlans on one parent. */
static bool same_space(const struct cell_net *a, const struct cell_net *b)
{
	bool a_host = a->mode == CELL_NET_BRIDGE || a->mode == CELL_NET_ROUTED;
	bool b_host = b->mode == CELL_NET_BRIDGE || b->mode == CELL_NET_ROUTED;

	if (a->mode == CELL_NET_NONE || b->mode == CELL_NET_NONE || a_host != b_host)
		return false;
	return a_host || strcmp(a->parent, b->parent) == 0;
}

/* The net_ keys without a network, against each other and 'net'. */
static unsigned check_keys(const struct cell_net *n, char *err, size_t errlen)
{
	const struct {
		const char *key;
		unsigned line;
	} keys[] = {
	    {"net_address", n->more_line},  {"net_gateway", n->gateways_line},
	    {"net_mtu", n->mtu_line},	    {"net_ifname", n->ifname_line},
	    {"net_filter", n->filter_line},
	};
	char a[INET6_ADDRSTRLEN + 4];

	if (n->mode == CELL_NET_NONE) {
		size_t first = 0;

		for (size_t i = 1; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (keys[i].line && (!keys[first].line || keys[i].line < keys[first].line))
				first = i;
		if (!keys[first].line)
			return 0;
		snprintf(err, errlen, "'%s' needs a network: 'net' is none", keys[first].key);
		return keys[first].line;
	}
	if (n->mode == CELL_NET_MACVLAN && n->filter_line) {
		snprintf(err, errlen,
			 "'net_filter' is for bridge and routed cells: a macvlan's frames do not "
			 "pass the host end it filters");
		return n->filter_line;
	}
	for (unsigned i = 0; i < n->n_more; i++) {
		if (n->mode == CELL_NET_ROUTED &&
		    n->more[i].prefix != (n->more[i].family == AF_INET ? 32u : 128u)) {
			snprintf(err, errlen,
				 "'net_address' %s: a routed cell's addresses are single hosts "
				 "(ADDR, ADDR/32 or ADDR/128)",
				 addr_text(a, &n->more[i], true));
			return n->more_line;
		}
		if (same_addr(&n->more[i], &n->addr)) {
			snprintf(err, errlen,
				 "'net_address' %s is also its 'net' address (line %u)",
				 addr_text(a, &n->more[i], false), n->line);
			return n->more_line;
		}
	}
	for (unsigned i = 0; i < n->n_gateways; i++) {
		const struct net_cidr *gw = &n->gateways[i];

		if (n->mode == CELL_NET_ROUTED) {
			snprintf(err, errlen,
				 "'net_gateway' is not for a routed cell: its gateways are "
				 "169.254.1.1 and fe80::1");
			return n->gateways_line;
		}
		if (!has_family(n, gw->family)) {
			snprintf(err, errlen, "'net_gateway' %s: the cell has no %s address",
				 addr_text(a, gw, false), family_name(gw->family));
			return n->gateways_line;
		}
		if (n->gw.family == gw->family) {
			snprintf(err, errlen,
				 "'net_gateway' %s: 'net' sets the %s gateway already (line %u)",
				 addr_text(a, gw, false), family_name(gw->family), n->line);
			return n->gateways_line;
		}
	}
	if (n->mtu && n->mtu < NET_MTU_MIN6) {
		for (unsigned i = 0; i <= n->n_more; i++) {
			if (nth_addr(n, i)->family != AF_INET6)
				continue;
			snprintf(err, errlen,
				 "'net_mtu' %u is below 1280, IPv6's minimum, and the cell has the "
				 "IPv6 address %s",
				 n->mtu, addr_text(a, nth_addr(n, i), true));
			return n->mtu_line;
		}
	}
	return 0;
}

/* Address i of cell c taken by someone else (who: "the bridge br0's own",
 * "also cell b's (line 5)"). */
static unsigned taken(const struct cell_net *n, unsigned i, const char *who, char *err,
		      size_t errlen)
{
	char a[INET6_ADDRSTRLEN + 4];

	if (i == 0) {
		snprintf(err, errlen, "'net' address is %s", who);
		return n->line;
	}
	snprintf(err, errlen, "'net_address' %s is %s", addr_text(a, nth_addr(n, i), false), who);
	return n->more_line;
}

unsigned net_check_cell(const struct host_config *h, const struct cell_config *c,
			const struct cell_config *kept, size_t n_kept, char *err, size_t errlen)
{
	const struct cell_net *n = &c->net;
	char who[80];
	unsigned line;

	if ((line = check_keys(n, err, errlen)) || n->mode == CELL_NET_NONE)
		return line;
	if (n->mode == CELL_NET_BRIDGE && strcmp(n->bridge, h->bridge) != 0) {
		snprintf(err, errlen,
			 "'net' names bridge '%s', which [host] does not define (expected 'bridge "
			 "= %s ADDR/PREFIX' there)",
			 n->bridge, n->bridge);
		return n->line;
	}
	for (unsigned i = 0; i <= n->n_more; i++) {
		const struct net_cidr *mine = nth_addr(n, i);

		for (unsigned b = 0; (n->mode == CELL_NET_BRIDGE || n->mode == CELL_NET_ROUTED) &&
				     h->bridge[0] && b < h->n_bridge_addrs;
		     b++)
			if (same_addr(&h->bridge_addrs[b], mine)) {
				snprintf(who, sizeof(who), "the bridge %s's own", h->bridge);
				return taken(n, i, who, err, errlen);
			}
		for (size_t k = 0; k < n_kept; k++) {
			const struct cell_net *o = &kept[k].net;

			if (!same_space(n, o))
				continue;
			for (unsigned j = 0; j <= o->n_more; j++) {
				if (!same_addr(nth_addr(o, j), mine))
					continue;
				snprintf(who, sizeof(who), "also cell %s's (line %u)", kept[k].name,
					 j == 0 ? o->line : o->more_line);
				return taken(n, i, who, err, errlen);
			}
		}
	}
	return 0;
}
