/* SPDX-License-Identifier: MIT */
/*
 * rtnetlink over libmnl: one request, its ack checked by sequence and port,
 * and the kernel's extended-ack text kept for the message (msg).  Every
 * function returns 0 or a negative errno.
 */
#ifndef CELLAR_RTNL_H
#define CELLAR_RTNL_H

#include <libmnl/libmnl.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Requests and their acks are small; a page-sized buffer is plenty. */
#define NL_BUF_SIZE 8192

struct mnl_socket *rtnl_open(int netns);

int rtnl_talk(struct mnl_socket *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data, char *err,
	      size_t errlen);

int rtnl_request(struct nlmsghdr *req, char *err, size_t errlen);

struct nlmsghdr *link_msg(char *buf, uint16_t type, uint16_t flags, int index);

/* Brings the link named name up (on nl). */
int link_up(struct mnl_socket *nl, const char *name, char *err, size_t errlen);
/* The same, enslaving it to the link of index master (> 0) in one request. */
int link_up_master(struct mnl_socket *nl, const char *name, int master, char *err, size_t errlen);

int link_delete(struct mnl_socket *nl, const char *name, char *err, size_t errlen);

int link_index(struct mnl_socket *nl, const char *name, char *err, size_t errlen);

/* link_index(), and the link's MTU into *mtu (when not NULL). */
int link_lookup(struct mnl_socket *nl, const char *name, unsigned *mtu, char *err, size_t errlen);

int addr_add(struct mnl_socket *nl, int index, const struct net_cidr *a, char *err, size_t errlen);

int route_default(struct mnl_socket *nl, int index, const struct net_cidr *gw, char *err,
		  size_t errlen);

int route_add(struct mnl_socket *nl, int family, const void *dst, unsigned dst_len, const void *gw,
	      int index, unsigned char scope, char *err, size_t errlen);

#endif
