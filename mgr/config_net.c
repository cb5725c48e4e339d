// SPDX-License-Identifier: MIT
/* The cell list's network keys: [cell] net, [host] bridge (docs/config.md). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_keys.h"

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool ifname_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NET_IFNAME_MAX || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

int cidr_parse(const char *s, bool need_prefix, struct net_cidr *out)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	struct net_cidr c = {0};
	unsigned max;
	uint64_t prefix;

	if (n == 0 || n >= sizeof(addr) || (need_prefix && !slash))
		return -EINVAL;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, c.addr) == 1) {
		c.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, c.addr) == 1) {
		c.family = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}
	c.prefix = max;
	if (slash) {
		if (number_parse(slash + 1, 0, max, &prefix) < 0)
			return -EINVAL;
		c.prefix = (unsigned)prefix;
	}
	*out = c;
	return 0;
}

/* Splits value into at most max blank-separated words (in buf); returns
 * how many, or max + 1 when there are more. */
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
		c->net = net;
		return NULL;
	}
	if (n == 2 && strcmp(w[0], "routed") == 0) {
		if (cidr_parse(w[1], false, &net.addr) < 0)
			return bad_cidr(w[1], hint);
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
		c->net = net;
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
		if (n == 6 && (h = parse_gw(w[5], &net.addr, w[3], &net.gw, hint)))
			return h;
		net.mode = CELL_NET_MACVLAN;
		net.macvlan_mode = macvlan_modes[i].mode;
		strcpy(net.parent, w[1]);
		c->net = net;
		return NULL;
	}
	if ((n != 3 && n != 5) || strcmp(w[0], "bridge") != 0 ||
	    (n == 5 && strcmp(w[3], "gw") != 0))
		return usage;
	if (!ifname_valid(w[1]))
		return bad_ifname("bridge", w[1], hint);
	if (cidr_parse(w[2], true, &net.addr) < 0)
		return bad_cidr(w[2], hint);
	if (n == 5 && (h = parse_gw(w[4], &net.addr, w[2], &net.gw, hint)))
		return h;
	_Static_assert(NET_CELL_NAME_MAX == 13, "the hint says 13");
	if (strlen(c->name) > NET_CELL_NAME_MAX)
		return "(the cell's name is too long for a bridged cell: its host interface "
		       "c-NAME must fit in 15 characters, so at most 13)";
	net.mode = CELL_NET_BRIDGE;
	strcpy(net.bridge, w[1]);
	c->net = net;
	return NULL;
}

/* bridge = NAME ADDR/PREFIX */
const char *set_bridge(struct host_config *h, const char *value)
{
	static char hint[HINT_MAX]; /* host setters have no hint buffer */
	char buf[1100], *w[2];
	size_t n = split_words(buf, sizeof(buf), value, w, 2);
	struct net_cidr addr;

	if (n != 2)
		return "(expected NAME ADDR/PREFIX, such as cellbr0 10.0.0.1/24)";
	if (!ifname_valid(w[0]))
		return bad_ifname("bridge", w[0], hint);
	if (cidr_parse(w[1], true, &addr) < 0)
		return bad_cidr(w[1], hint);
	strcpy(h->bridge, w[0]);
	h->bridge_addr = addr;
	return NULL;
}
