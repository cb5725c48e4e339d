/* SPDX-License-Identifier: MIT */
/*
 * libseat's seatd protocol (seatd 0.7, Debian 12's libseat1), the wire
 * format only: a header of two native-endian uint16 (opcode, size of the
 * body that follows), client opcodes 1-7, server opcodes with bit 15 set,
 * file descriptors beside SERVER_DEVICE_OPENED as SCM_RIGHTS.  Pure: the
 * server that speaks it is gpu.c.
 */
#ifndef CELLAR_SEATD_PROTO_H
#define CELLAR_SEATD_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SEATD_OPEN_SEAT 1
#define SEATD_CLOSE_SEAT 2
#define SEATD_OPEN_DEVICE 3
#define SEATD_CLOSE_DEVICE 4
#define SEATD_DISABLE_SEAT 5 /* the client's acknowledgement of a disable */
#define SEATD_SWITCH_SESSION 6
#define SEATD_PING 7

#define SEATD_SERVER(op) ((uint16_t)((op) + (1u << 15)))
#define SEATD_SEAT_OPENED SEATD_SERVER(1)
#define SEATD_SEAT_CLOSED SEATD_SERVER(2)
#define SEATD_DEVICE_OPENED SEATD_SERVER(3)
#define SEATD_DEVICE_CLOSED SEATD_SERVER(4)
#define SEATD_DISABLE SEATD_SERVER(5)
#define SEATD_ENABLE SEATD_SERVER(6)
#define SEATD_PONG SEATD_SERVER(7)
#define SEATD_ERROR SEATD_SERVER(0x7fff)

#define SEATD_PATH_MAX 256
#define SEATD_MSG_MAX (4 + 2 + SEATD_PATH_MAX) /* the largest a client sends */

/* A client's message, decoded. */
struct seatd_msg {
	uint16_t opcode;
	int device_id;		       /* SEATD_CLOSE_DEVICE */
	int session;		       /* SEATD_SWITCH_SESSION */
	char path[SEATD_PATH_MAX + 1]; /* SEATD_OPEN_DEVICE: NUL-terminated */
};

/* The first message in buf (len bytes).  Returns the bytes it takes, 0
 * when it is not all there yet, or -EBADMSG for one no client sends (an
 * unknown opcode, a wrong size, a path without its NUL or with one
 * inside): the connection is then dropped, as seatd does. */
ssize_t seatd_decode(const void *buf, size_t len, struct seatd_msg *m);

/* Server messages into out (at least SEATD_MSG_MAX bytes); each returns
 * its length. */
size_t seatd_encode_seat_opened(void *out, const char *seat);
size_t seatd_encode_empty(void *out, uint16_t opcode);
size_t seatd_encode_device_opened(void *out, int device_id);
size_t seatd_encode_error(void *out, int err);

#endif
