// SPDX-License-Identifier: MIT
/* libseat's seatd protocol, the wire format: see seatd_proto.h. */
#include "seatd_proto.h"

#include <errno.h>
#include <string.h>

struct header {
	uint16_t opcode;
	uint16_t size;
};

ssize_t seatd_decode(const void *buf, size_t len, struct seatd_msg *m)
{
	const unsigned char *p = buf;
	struct header h;
	uint16_t plen;
	int v;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, p, sizeof(h));
	if (h.size > SEATD_MSG_MAX)
		return -EBADMSG;
	if (len < sizeof(h) + h.size)
		return 0;
	p += sizeof(h);
	memset(m, 0, sizeof(*m));
	m->opcode = h.opcode;
	switch (h.opcode) {
	case SEATD_OPEN_SEAT:
	case SEATD_CLOSE_SEAT:
	case SEATD_DISABLE_SEAT:
	case SEATD_PING:
		if (h.size != 0)
			return -EBADMSG;
		break;
	case SEATD_CLOSE_DEVICE:
	case SEATD_SWITCH_SESSION:
		if (h.size != sizeof(int))
			return -EBADMSG;
		memcpy(&v, p, sizeof(v));
		if (h.opcode == SEATD_CLOSE_DEVICE)
			m->device_id = v;
		else
			m->session = v;
		break;
	case SEATD_OPEN_DEVICE:
		/* path_len counts the path's NUL, which must end it */
		if (h.size < sizeof(plen))
			return -EBADMSG;
		memcpy(&plen, p, sizeof(plen));
		if (plen < 1 || plen > SEATD_PATH_MAX || h.size != sizeof(plen) + plen)
			return -EBADMSG;
		memcpy(m->path, p + sizeof(plen), plen);
		if (m->path[plen - 1] != '\0' || strlen(m->path) != (size_t)plen - 1)
			return -EBADMSG;
		break;
	default: return -EBADMSG;
	}
	return (ssize_t)(sizeof(h) + h.size);
}

static size_t put(void *out, uint16_t opcode, const void *body, size_t size)
{
	struct header h = {.opcode = opcode, .size = (uint16_t)size};

	memcpy(out, &h, sizeof(h));
	if (size)
		memcpy((unsigned char *)out + sizeof(h), body, size);
	return sizeof(h) + size;
}

size_t seatd_encode_seat_opened(void *out, const char *seat)
{
	unsigned char body[2 + 64];
	uint16_t n = (uint16_t)strnlen(seat, sizeof(body) - 2);

	memcpy(body, &n, sizeof(n));
	memcpy(body + sizeof(n), seat, n);
	return put(out, SEATD_SEAT_OPENED, body, sizeof(n) + n);
}

size_t seatd_encode_empty(void *out, uint16_t opcode)
{
	return put(out, opcode, NULL, 0);
}

size_t seatd_encode_device_opened(void *out, int device_id)
{
	return put(out, SEATD_DEVICE_OPENED, &device_id, sizeof(device_id));
}

size_t seatd_encode_error(void *out, int err)
{
	return put(out, SEATD_ERROR, &err, sizeof(err));
}
