// SPDX-License-Identifier: MIT
/* udev's view of a device, written for a cell without udevd (udevfmt.h). */
#include "udevfmt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/input.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>

#define LONG_BITS (8 * sizeof(unsigned long))

static bool has(const unsigned long *bits, unsigned n)
{
	return bits && (bits[n / LONG_BITS] >> (n % LONG_BITS)) & 1;
}

static bool any(const unsigned long *bits, unsigned from, unsigned to)
{
	for (unsigned n = from; n < to; n++)
		if (has(bits, n))
			return true;
	return false;
}

/* Kinds, in the order udev sets them. */
enum {
	K_KEY = 1 << 0,
	K_KEYBOARD = 1 << 1,
	K_MOUSE = 1 << 2,
	K_TOUCHPAD = 1 << 3,
	K_TOUCHSCREEN = 1 << 4,
	K_TABLET = 1 << 5,
	K_JOYSTICK = 1 << 6,
	K_SWITCH = 1 << 7,
	K_ACCELEROMETER = 1 << 8,
	K_POINTINGSTICK = 1 << 9,
};

static const struct {
	unsigned kind;
	const char *prop;
} kind_props[] = {
    {K_KEY, "ID_INPUT_KEY=1"},
    {K_KEYBOARD, "ID_INPUT_KEYBOARD=1"},
    {K_MOUSE, "ID_INPUT_MOUSE=1"},
    {K_TOUCHPAD, "ID_INPUT_TOUCHPAD=1"},
    {K_TOUCHSCREEN, "ID_INPUT_TOUCHSCREEN=1"},
    {K_TABLET, "ID_INPUT_TABLET=1"},
    {K_JOYSTICK, "ID_INPUT_JOYSTICK=1"},
    {K_SWITCH, "ID_INPUT_SWITCH=1"},
    {K_ACCELEROMETER, "ID_INPUT_ACCELEROMETER=1"},
    {K_POINTINGSTICK, "ID_INPUT_POINTINGSTICK=1"},
};

/* Keys: any key proper (not a button); a keyboard when it has all of the
 * first 31 (Esc, the digits, Q to D), as udev decides. */
static unsigned key_kinds(const struct udev_input_caps *c)
{
	unsigned kinds = 0;
	bool full = true;

	if (!has(c->ev, EV_KEY))
		return 0;
	if (any(c->key, KEY_ESC, BTN_MISC) || any(c->key, KEY_OK, BTN_DPAD_UP) ||
	    any(c->key, KEY_ALS_TOGGLE, BTN_TRIGGER_HAPPY))
		kinds |= K_KEY;
	for (unsigned k = KEY_ESC; k <= KEY_D && full; k++)
		full = has(c->key, k);
	return full ? kinds | K_KEYBOARD : kinds;
}

/* Pointers, as udev's input_id tells them apart. */
static unsigned pointer_kinds(const struct udev_input_caps *c)
{
	bool abs = has(c->abs, ABS_X) && has(c->abs, ABS_Y);
	bool mt = has(c->abs, ABS_MT_POSITION_X) && has(c->abs, ABS_MT_POSITION_Y);
	bool rel = has(c->ev, EV_REL) && has(c->rel, REL_X) && has(c->rel, REL_Y);
	bool pen = has(c->key, BTN_STYLUS) || has(c->key, BTN_TOOL_PEN);
	bool finger = has(c->key, BTN_TOOL_FINGER) && !has(c->key, BTN_TOOL_PEN);
	bool direct = has(c->prop, INPUT_PROP_DIRECT);
	bool touch = has(c->key, BTN_TOUCH);
	bool button = any(c->key, BTN_MOUSE, BTN_JOYSTICK);
	bool joy = any(c->key, BTN_JOYSTICK, BTN_DIGI) ||
		   any(c->key, BTN_TRIGGER_HAPPY, BTN_TRIGGER_HAPPY40 + 1) || has(c->abs, ABS_RX) ||
		   has(c->abs, ABS_RY) || has(c->abs, ABS_THROTTLE) || has(c->abs, ABS_RUDDER) ||
		   has(c->abs, ABS_WHEEL) || has(c->abs, ABS_GAS) || has(c->abs, ABS_BRAKE);
	unsigned kinds = 0;

	if (!has(c->ev, EV_ABS))
		abs = mt = false;
	if (abs) {
		if (pen)
			kinds |= K_TABLET;
		else if (finger && !direct)
			kinds |= K_TOUCHPAD;
		else if (button) /* an absolute mouse: QEMU's and VMware's tablets */
			kinds |= K_MOUSE;
		else if (touch || direct)
			kinds |= K_TOUCHSCREEN;
		else if (joy)
			kinds |= K_JOYSTICK;
	} else if (joy) {
		kinds |= K_JOYSTICK;
	}
	if (mt && !(kinds & (K_TABLET | K_TOUCHPAD | K_TOUCHSCREEN))) {
		if (pen)
			kinds |= K_TABLET;
		else if (finger && !direct)
			kinds |= K_TOUCHPAD;
		else if (touch || direct)
			kinds |= K_TOUCHSCREEN;
	}
	if (!(kinds & (K_TABLET | K_TOUCHPAD | K_JOYSTICK)) && button && (rel || !abs))
		kinds |= K_MOUSE;
	if (has(c->prop, INPUT_PROP_POINTING_STICK))
		kinds |= K_POINTINGSTICK;
	if (has(c->prop, INPUT_PROP_ACCELEROMETER))
		kinds =
		    (kinds & ~(unsigned)(K_MOUSE | K_TOUCHSCREEN | K_JOYSTICK)) | K_ACCELEROMETER;
	return kinds;
}

static int put(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s) + 1;

	if (cap - *len < n)
		return -ENOSPC;
	memcpy(buf + *len, s, n);
	*len += n;
	return 0;
}

int udev_input_props(const struct udev_input_caps *caps, char *buf, size_t cap)
{
	unsigned kinds = key_kinds(caps) | pointer_kinds(caps);
	size_t len = 0;

	if (has(caps->ev, EV_SW))
		kinds |= K_SWITCH;
	if (put(buf, cap, &len, "ID_INPUT=1") < 0)
		return -ENOSPC;
	for (size_t i = 0; i < sizeof(kind_props) / sizeof(kind_props[0]); i++)
		if ((kinds & kind_props[i].kind) && put(buf, cap, &len, kind_props[i].prop) < 0)
			return -ENOSPC;
	return (int)len;
}

uint32_t udev_murmur2(const void *key, size_t len, uint32_t seed)
{
	const uint32_t m = 0x5bd1e995;
	const unsigned char *p = key;
	uint32_t h = seed ^ (uint32_t)len;

	for (; len >= 4; p += 4, len -= 4) {
		uint32_t k;

		memcpy(&k, p, 4); /* in the machine's order, as systemd reads it */
		k *= m;
		k ^= k >> 24;
		k *= m;
		h = (h * m) ^ k;
	}
	switch (len) {
	case 3:
		h ^= (uint32_t)p[2] << 16;
		/* fall through */
	case 2:
		h ^= (uint32_t)p[1] << 8;
		/* fall through */
	case 1:
		h ^= p[0];
		h *= m;
		break;
	default: break;
	}
	h ^= h >> 13;
	h *= m;
	h ^= h >> 15;
	return h;
}

uint64_t udev_tag_bloom(const char *tag)
{
	uint32_t h = udev_murmur2(tag, strlen(tag), 0);
	uint64_t bits = 0;

	for (unsigned shift = 0; shift < 24; shift += 6)
		bits |= UINT64_C(1) << ((h >> shift) & 63);
	return bits;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

ssize_t udev_monitor_msg(void *buf, size_t cap, const char *subsystem, const char *devtype,
			 const char *tag, const char *props, size_t props_len)
{
	unsigned char *b = buf;
	uint64_t bloom = tag ? udev_tag_bloom(tag) : 0;
	uint32_t v;

	if (cap < UDEV_MONITOR_HEADER || cap - UDEV_MONITOR_HEADER < props_len)
		return -ENOSPC;
	memset(b, 0, UDEV_MONITOR_HEADER);
	memcpy(b, "libudev", 8);
	put_be32(b + 8, UDEV_MONITOR_MAGIC);
	/* The sizes are the sender's own integers (only the hashes and the
	 * magic are in network order: the socket filter reads those). */
	v = UDEV_MONITOR_HEADER;
	memcpy(b + 12, &v, 4);
	memcpy(b + 16, &v, 4);
	v = (uint32_t)props_len;
	memcpy(b + 20, &v, 4);
	put_be32(b + 24, udev_murmur2(subsystem, strlen(subsystem), 0));
	if (devtype)
		put_be32(b + 28, udev_murmur2(devtype, strlen(devtype), 0));
	put_be32(b + 32, (uint32_t)(bloom >> 32));
	put_be32(b + 36, (uint32_t)bloom);
	memcpy(b + UDEV_MONITOR_HEADER, props, props_len);
	return (ssize_t)(UDEV_MONITOR_HEADER + props_len);
}

int udev_db_text(char *buf, size_t cap, uint64_t usec, const char *props, size_t props_len,
		 const char *tag)
{
	size_t len = 0;
	int n = snprintf(buf, cap, "I:%llu\n", (unsigned long long)usec);

	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	len = (size_t)n;
	for (size_t at = 0; at < props_len;) {
		const char *p = props + at;
		size_t plen = strnlen(p, props_len - at);

		if (memchr(p, '\n', plen))
			return -EINVAL;
		if (plen && (n = snprintf(buf + len, cap - len, "E:%.*s\n", (int)plen, p)) >= 0 &&
		    (size_t)n >= cap - len)
			return -ENOSPC;
		len += plen ? (size_t)n : 0;
		at += plen + 1;
	}
	if (tag && strchr(tag, '\n'))
		return -EINVAL;
	n = tag ? snprintf(buf + len, cap - len, "G:%s\nQ:%s\nV:1\n", tag, tag)
		: snprintf(buf + len, cap - len, "V:1\n");
	if (n < 0 || (size_t)n >= cap - len)
		return -ENOSPC;
	return (int)(len + (size_t)n);
}

int udev_monitor_send(int fd, const void *msg, size_t len, uid_t uid, gid_t gid)
{
	struct sockaddr_nl to = {.nl_family = AF_NETLINK, .nl_groups = UDEV_MONITOR_GROUP};
	struct ucred cred = {.pid = getpid(), .uid = uid, .gid = gid};
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
	struct msghdr mh = {.msg_name = &to,
			    .msg_namelen = sizeof(to),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(cm), &cred, sizeof(cred));
	/* ECONNREFUSED: the copy to the kernel's side (port 0) had nobody;
	 * the multicast went out before it.  A full receiver (ENOBUFS) loses
	 * this one, as with udevd. */
	if (sendmsg(fd, &mh, MSG_DONTWAIT) < 0 && errno != ECONNREFUSED)
		return -errno;
	return 0;
}
