/* SPDX-License-Identifier: MIT */
/* Cell networking over rtnetlink (libmnl).  This issue: loopback only. */
#ifndef CELLAR_NET_H
#define CELLAR_NET_H

#include <stddef.h>

/* Brings "lo" up in the calling process's network namespace.  On failure
 * returns -errno and puts the kernel's extended-ack text, if any, in msg. */
int net_loopback_up(char *msg, size_t msglen);

#endif
