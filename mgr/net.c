// SPDX-License-Identifier: MIT
#include "net.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

/* Requests and their acks are small; a page-sized buffer is plenty. */
#define NL_BUF_SIZE 8192

/* Copies NLMSGERR_ATTR_MSG of an error reply (extended ack) into msg. */
static void extack_message(const struct nlmsghdr *nlh, char *msg, size_t msglen)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off = sizeof(*err);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* Unless capped, the error echoes the whole request before the TLVs. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_for_each(attr, nlh, off)
	{
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(msg, msglen, "%s", mnl_attr_get_str(attr));
			return;
		}
	}
}

static int rtnl_request(struct nlmsghdr *req, char *msg, size_t msglen)
{
	char buf[NL_BUF_SIZE];
	struct mnl_socket *nl;
	unsigned portid, seq = (unsigned)time(NULL);
	int one = 1, r;
	ssize_t n;

	if (msglen)
		msg[0] = '\0';
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return neg_errno();
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = neg_errno();
		goto out;
	}
	/* Ask for the kernel's own error text; old kernels just ignore it. */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	portid = mnl_socket_get_portid(nl);
	req->nlmsg_seq = seq;
	req->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
		r = neg_errno();
		goto out;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		r = neg_errno();
		goto out;
	}
	r = mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL);
	if (r < 0) {
		r = neg_errno();
		if (mnl_nlmsg_ok((struct nlmsghdr *)buf, (int)n) &&
		    ((struct nlmsghdr *)buf)->nlmsg_type == NLMSG_ERROR)
			extack_message((struct nlmsghdr *)buf, msg, msglen);
	} else {
		r = 0;
	}
out:
	mnl_socket_close(nl);
	return r;
}

int net_loopback_up(char *msg, size_t msglen)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)if_nametoindex("lo");
	if (ifm->ifi_index == 0)
		return neg_errno();
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return rtnl_request(nlh, msg, msglen);
}
