// SPDX-License-Identifier: MIT
/* rtnetlink requests over libmnl: see rtnl.h. */
#include "rtnl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* Copies NLMSGERR_ATTR_MSG of an error reply (extended ack) into err. */
static void extack_message(const struct nlmsghdr *nlh, char *err, size_t errlen)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off = sizeof(*err);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Unless capped, the error echoes the whole request before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_for_each(attr, nlh, off)
	{
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(err, errlen, "%s", mnl_attr_get_str(attr));
			return;
		}
	}
}

/* An rtnetlink socket in the calling process's network namespace, or, with
 * netns >= 0, in that one: cellmgr is single-threaded, so it may enter the
 * namespace for the socket() call and come back; the socket stays bound to
 * the namespace it was created in. */
struct mnl_socket *rtnl_open(int netns)
{
	struct mnl_socket *nl = NULL;
	int own = -1, one = 1, err = 0;

	if (netns >= 0) {
		own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (own < 0)
			return NULL;
		if (setns(netns, CLONE_NEWNET) < 0) {
			err = errno;
			close(own);
			errno = err;
			return NULL;
		}
	}
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		err = errno;
	if (own >= 0) {
		if (setns(own, CLONE_NEWNET) < 0) /* every later request would go there */
			log_fatal(neg_errno(), "return to cellmgr's network namespace");
		close(own);
	}
	if (!nl) {
		errno = err;
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	/* Ask for the kernel's own error text; old kernels just ignore it. */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	return nl;
}

/* Sends req on nl and reads replies until the ack, the end of a dump or an
 * error; cb (may be NULL) sees each reply.  On failure returns -errno and
 * puts the kernel's extended-ack text, if any, in msg. */
int rtnl_talk(struct mnl_socket *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data, char *err,
	      size_t errlen)
{
	static unsigned seq;
	char *buf;
	unsigned portid = mnl_socket_get_portid(nl);
	int r;
	ssize_t n;

	if (errlen)
		err[0] = '\0';
	if (!seq)
		seq = (unsigned)time(NULL);
	req->nlmsg_seq = ++seq;
	req->nlmsg_flags |= NLM_F_ACK;
	buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	if (!buf)
		return -ENOMEM;
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
		r = neg_errno();
		goto out;
	}
	do {
		n = mnl_socket_recvfrom(nl, buf, MNL_SOCKET_BUFFER_SIZE);
		if (n < 0) {
			r = neg_errno();
			goto out;
		}
		r = mnl_cb_run(buf, (size_t)n, req->nlmsg_seq, portid, cb, data);
	} while (r > 0);
	if (r < 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;

		r = errno ? neg_errno() : -EPROTO;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			if (nlh->nlmsg_type == NLMSG_ERROR)
				extack_message(nlh, err, errlen);
	}
out:
	free(buf);
	return r;
}

/* rtnl_talk() on a socket of its own in the caller's namespace. */
int rtnl_request(struct nlmsghdr *req, char *err, size_t errlen)
{
	struct mnl_socket *nl = rtnl_open(-1);
	int r;

	if (!nl) {
		if (errlen)
			err[0] = '\0';
		return neg_errno();
	}
	r = rtnl_talk(nl, req, NULL, NULL, err, errlen);
	mnl_socket_close(nl);
	return r;
}

struct nlmsghdr *link_msg(char *buf, uint16_t type, uint16_t flags, int index)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = index;
	return nlh;
}

int link_up_master(struct mnl_socket *nl, const char *name, int master, char *err, size_t errlen)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (master > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return rtnl_talk(nl, nlh, NULL, NULL, err, errlen);
}

int link_up(struct mnl_socket *nl, const char *name, char *err, size_t errlen)
{
	return link_up_master(nl, name, 0, err, errlen);
}

int link_delete(struct mnl_socket *nl, const char *name, char *err, size_t errlen)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_DELLINK, 0, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return rtnl_talk(nl, nlh, NULL, NULL, err, errlen);
}

struct link_facts {
	int index;
	unsigned mtu;
};

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct link_facts *f = data;
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	f->index = ifm->ifi_index;
	mnl_attr_for_each(attr, nlh, sizeof(*ifm))
	{
		if (mnl_attr_get_type(attr) == IFLA_MTU &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			f->mtu = mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

/* The index of the link named name, as nl's namespace knows it, and its
 * MTU into *mtu when mtu is not NULL. */
int link_lookup(struct mnl_socket *nl, const char *name, unsigned *mtu, char *err, size_t errlen)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, 0);
	struct link_facts f = {0};
	int r;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	r = rtnl_talk(nl, nlh, link_cb, &f, err, errlen);
	if (r < 0)
		return r;
	if (mtu)
		*mtu = f.mtu;
	return f.index > 0 ? f.index : -ENODEV;
}

int link_index(struct mnl_socket *nl, const char *name, char *err, size_t errlen)
{
	return link_lookup(nl, name, NULL, err, errlen);
}

int addr_add(struct mnl_socket *nl, int index, const struct net_cidr *a, char *err, size_t errlen)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	size_t len = a->family == AF_INET ? 4 : 16;

	nlh->nlmsg_type = RTM_NEWADDR;
	/* REPLACE: the bridge may keep its address from an earlier run. */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (unsigned char)a->family;
	ifa->ifa_prefixlen = (unsigned char)a->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)index;
	/* No duplicate address detection: the addresses are cellmgr's to
	 * give, and DAD would hold an IPv6 address back for seconds. */
	if (a->family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, len, a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, len, a->addr);
	return rtnl_talk(nl, nlh, NULL, NULL, err, errlen);
}

int route_default(struct mnl_socket *nl, int index, const struct net_cidr *gw, char *err,
		  size_t errlen)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)gw->family;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, gw->family == AF_INET ? 4 : 16, gw->addr);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)index);
	return rtnl_talk(nl, nlh, NULL, NULL, err, errlen);
}

/* A route to dst/dst_len (dst NULL: default) out of index, through gw
 * when not NULL, in scope. */
int route_add(struct mnl_socket *nl, int family, const void *dst, unsigned dst_len, const void *gw,
	      int index, unsigned char scope, char *err, size_t errlen)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t len = family == AF_INET ? 4 : 16;
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	/* REPLACE: a route of an earlier run of the cell may be left. */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)(dst ? dst_len : 0);
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = scope;
	rtm->rtm_type = RTN_UNICAST;
	if (dst)
		mnl_attr_put(nlh, RTA_DST, len, dst);
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, len, gw);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)index);
	return rtnl_talk(nl, nlh, NULL, NULL, err, errlen);
}
