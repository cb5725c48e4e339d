// SPDX-License-Identifier: MIT
/* libseat's seatd protocol, the wire format (mgr/seat/seatd_proto.c):
 * what Debian 12's libseat 0.7 sends decodes, what it cannot send is
 * refused, and the server's messages are the bytes libseat reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "seatd_proto.h"

static size_t msg(unsigned char *out, uint16_t op, const void *body, uint16_t size)
{
	memcpy(out, &op, 2);
	memcpy(out + 2, &size, 2);
	if (size)
		memcpy(out + 4, body, size);
	return 4u + size;
}

static void client_messages(void **state)
{
	unsigned char buf[600], body[300];
	struct seatd_msg m;
	uint16_t plen = 18;
	int id = 7;
	size_t n;

	n = msg(buf, SEATD_OPEN_SEAT, NULL, 0);
	assert_int_equal(seatd_decode(buf, n, &m), 4);
	assert_int_equal(m.opcode, SEATD_OPEN_SEAT);
	/* open_device: path_len counts the NUL (libseat sends strlen + 1) */
	memcpy(body, &plen, 2);
	memcpy(body + 2, "/dev/input/event0", 18);
	n = msg(buf, SEATD_OPEN_DEVICE, body, 20);
	assert_int_equal(seatd_decode(buf, n, &m), 24);
	assert_string_equal(m.path, "/dev/input/event0");
	assert_int_equal(seatd_decode(buf, n - 1, &m), 0); /* not all there yet */
	assert_int_equal(seatd_decode(buf, 3, &m), 0);
	n = msg(buf, SEATD_CLOSE_DEVICE, &id, sizeof(id));
	assert_int_equal(seatd_decode(buf, n, &m), 8);
	assert_int_equal(m.device_id, 7);
	n = msg(buf, SEATD_PING, NULL, 0);
	n += msg(buf + n, SEATD_DISABLE_SEAT, NULL, 0);
	assert_int_equal(seatd_decode(buf, n, &m), 4); /* one at a time */
	assert_int_equal(m.opcode, SEATD_PING);
	assert_int_equal(seatd_decode(buf + 4, n - 4, &m), 4);
	assert_int_equal(m.opcode, SEATD_DISABLE_SEAT);
}

static void malformed_refused(void **state)
{
	unsigned char buf[600], body[300];
	struct seatd_msg m;
	uint16_t plen;
	size_t n;

	n = msg(buf, 99, NULL, 0);
	assert_int_equal(seatd_decode(buf, n, &m), -EBADMSG); /* unknown opcode */
	n = msg(buf, SEATD_SEAT_OPENED, NULL, 0);
	assert_int_equal(seatd_decode(buf, n, &m), -EBADMSG); /* a server's */
	n = msg(buf, SEATD_OPEN_SEAT, "x", 1);
	assert_int_equal(seatd_decode(buf, n, &m), -EBADMSG); /* a body it has not */
	n = msg(buf, SEATD_CLOSE_DEVICE, "xy", 2);
	assert_int_equal(seatd_decode(buf, n, &m), -EBADMSG);
	plen = 4;
	memcpy(body, &plen, 2);
	memcpy(body + 2, "abcd", 4); /* no NUL at its end */
	n = msg(buf, SEATD_OPEN_DEVICE, body, 6);
	assert_int_equal(seatd_decode(buf, n, &m), -EBADMSG);
	memcpy(body + 2, "a\0c\0", 4); /* a NUL inside */
	n = msg(buf, SEATD_OPEN_DEVICE, body, 6);
	assert_int_equal(seatd_decode(buf, n, &m), -EBADMSG);
	plen = 9; /* more than the message holds */
	memcpy(body, &plen, 2);
	n = msg(buf, SEATD_OPEN_DEVICE, body, 6);
	assert_int_equal(seatd_decode(buf, n, &m), -EBADMSG);
	plen = 0;
	memcpy(body, &plen, 2);
	n = msg(buf, SEATD_OPEN_DEVICE, body, 2);
	assert_int_equal(seatd_decode(buf, n, &m), -EBADMSG);
	memcpy(buf, (uint16_t[]){SEATD_OPEN_DEVICE, 60000}, 4); /* longer than any */
	assert_int_equal(seatd_decode(buf, 4, &m), -EBADMSG);
}

static void server_messages(void **state)
{
	unsigned char buf[SEATD_MSG_MAX];
	uint16_t op, size, len;
	int v;

	assert_int_equal(seatd_encode_seat_opened(buf, "seat0"), 4 + 2 + 5);
	memcpy(&op, buf, 2);
	memcpy(&size, buf + 2, 2);
	memcpy(&len, buf + 4, 2);
	assert_int_equal(op, 0x8001);
	assert_int_equal(size, 7);
	assert_int_equal(len, 5);
	assert_memory_equal(buf + 6, "seat0", 5);
	assert_int_equal(seatd_encode_empty(buf, SEATD_ENABLE), 4);
	memcpy(&op, buf, 2);
	assert_int_equal(op, 0x8006);
	assert_int_equal(seatd_encode_device_opened(buf, 3), 8);
	memcpy(&v, buf + 4, 4);
	assert_int_equal(v, 3);
	assert_int_equal(seatd_encode_error(buf, EACCES), 8);
	memcpy(&op, buf, 2);
	memcpy(&v, buf + 4, 4);
	assert_int_equal(op, 0xffff);
	assert_int_equal(v, EACCES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(client_messages),
	    cmocka_unit_test(malformed_refused),
	    cmocka_unit_test(server_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
