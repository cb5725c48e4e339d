/* SPDX-License-Identifier: MIT */
/*
 * File descriptors over a unix socket (SCM_RIGHTS), both ways.  No malloc
 * and no stdio: the cell's start path calls these in children after
 * clone() or fork() (spawn.c, shim_spawn.c).  Received fds are
 * close-on-exec (MSG_CMSG_CLOEXEC); a receiver never keeps more than it
 * asked for, and never keeps a part of a cut list.
 */
#ifndef CELLAR_FDPASS_H
#define CELLAR_FDPASS_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* The most fds one call passes. */
#define FDPASS_MAX 8

/* Sends len bytes of data and n fds (at most FDPASS_MAX) in one message;
 * flags go to sendmsg() (MSG_NOSIGNAL is always added).  Returns 0 when
 * all of it went, or a negative errno. */
int fdpass_send(int sock, const void *data, size_t len, const int *fds, unsigned n, int flags);

/* Receives one message: at most len bytes into data and at most max fds
 * (max <= FDPASS_MAX) into fds, *n of them.  flags go to recvmsg()
 * (MSG_DONTWAIT; with MSG_TRUNC the message's full length is returned).
 * Returns the length (0 at the end of the connection) or a negative
 * errno, EINTR retried.  More fds than max, or control data the kernel
 * cut (MSG_CTRUNC): every fd received is closed, -EMSGSIZE. */
ssize_t fdpass_recv(int sock, void *data, size_t len, int *fds, unsigned max, unsigned *n,
		    int flags);

/* The fds of a message recvmsg() filled, as fdpass_recv() takes them: for
 * a caller that reads other control data too (max 0: closes them all). */
int fdpass_take(struct msghdr *msg, int *fds, unsigned max, unsigned *n);

/* Closes fds[0..n) and sets them to -1. */
void fdpass_close(int *fds, unsigned n);

#endif
