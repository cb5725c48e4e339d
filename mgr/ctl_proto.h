/* SPDX-License-Identifier: MIT */
/*
 * The control protocol between cellctl and cellmgr (docs/control.md).
 *
 * A SOCK_SEQPACKET unix socket; one request message, one reply message.
 * Request: "cellar/1 COMMAND [ARG]" in ASCII, at most CTL_MSG_MAX bytes.
 * Reply:   "ok\n" followed by the command's output, or "error: TEXT\n".
 * Only callers with uid 0 in cellmgr's user namespace are served.
 */
#ifndef CELLAR_CTL_PROTO_H
#define CELLAR_CTL_PROTO_H

#define CTL_VERSION "cellar/1"
#define CTL_MSG_MAX 512
#define CTL_REPLY_MAX 65536
#define CTL_DEFAULT_SOCKET "/run/cellar/ctl.sock"

#endif
