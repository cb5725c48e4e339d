// SPDX-License-Identifier: MIT
/* udev's view of a device for a cell without udevd (mgr/util/udevfmt.c).
 * What Debian's libudev makes of it: tests/seat/udevcheck. */
#include <errno.h>
#include <linux/input.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "udevfmt.h"

#define LB (8 * sizeof(unsigned long))
#define NL(n) ((n) / LB + 1)

struct dev {
	unsigned long ev[NL(EV_CNT)], key[NL(KEY_CNT)], rel[NL(REL_CNT)], abs[NL(ABS_CNT)],
	    sw[NL(SW_CNT)], prop[NL(INPUT_PROP_CNT)];
};

static void set(unsigned long *b, unsigned n)
{
	b[n / LB] |= 1ul << (n % LB);
}

/* The properties as one "A B C" string. */
static const char *props_of(struct dev *d)
{
	static char out[512];
	char buf[512];
	struct udev_input_caps c = {d->ev, d->key, d->rel, d->abs, d->sw, d->prop};
	int n = udev_input_props(&c, buf, sizeof(buf));

	assert_true(n > 0);
	out[0] = '\0';
	for (int at = 0; at < n; at += (int)strlen(buf + at) + 1) {
		if (out[0])
			strcat(out, " ");
		strcat(out, buf + at);
	}
	return out;
}

static void keyboard(void **state)
{
	struct dev d = {0};

	set(d.ev, EV_KEY);
	for (unsigned k = KEY_ESC; k <= KEY_D; k++)
		set(d.key, k);
	set(d.key, KEY_LEFTCTRL);
	assert_string_equal(props_of(&d), "ID_INPUT=1 ID_INPUT_KEY=1 ID_INPUT_KEYBOARD=1");
}

static void power_button_is_keys_not_keyboard(void **state)
{
	struct dev d = {0};

	set(d.ev, EV_KEY);
	set(d.key, KEY_POWER);
	assert_string_equal(props_of(&d), "ID_INPUT=1 ID_INPUT_KEY=1");
}

static void mouse(void **state)
{
	struct dev d = {0};

	set(d.ev, EV_KEY);
	set(d.ev, EV_REL);
	set(d.key, BTN_LEFT);
	set(d.key, BTN_RIGHT);
	set(d.rel, REL_X);
	set(d.rel, REL_Y);
	set(d.rel, REL_WHEEL);
	assert_string_equal(props_of(&d), "ID_INPUT=1 ID_INPUT_MOUSE=1");
}

/* QEMU's usb-tablet and virtio-tablet: absolute axes and mouse buttons. */
static void absolute_mouse(void **state)
{
	struct dev d = {0};

	set(d.ev, EV_KEY);
	set(d.ev, EV_ABS);
	set(d.key, BTN_LEFT);
	set(d.abs, ABS_X);
	set(d.abs, ABS_Y);
	assert_string_equal(props_of(&d), "ID_INPUT=1 ID_INPUT_MOUSE=1");
}

static void touchscreen(void **state)
{
	struct dev d = {0};

	set(d.ev, EV_KEY);
	set(d.ev, EV_ABS);
	set(d.key, BTN_TOUCH);
	set(d.abs, ABS_X);
	set(d.abs, ABS_Y);
	set(d.abs, ABS_MT_POSITION_X);
	set(d.abs, ABS_MT_POSITION_Y);
	set(d.prop, INPUT_PROP_DIRECT);
	assert_string_equal(props_of(&d), "ID_INPUT=1 ID_INPUT_TOUCHSCREEN=1");
}

static void touchpad(void **state)
{
	struct dev d = {0};

	set(d.ev, EV_KEY);
	set(d.ev, EV_ABS);
	set(d.key, BTN_LEFT);
	set(d.key, BTN_TOUCH);
	set(d.key, BTN_TOOL_FINGER);
	set(d.abs, ABS_X);
	set(d.abs, ABS_Y);
	set(d.prop, INPUT_PROP_POINTER);
	assert_string_equal(props_of(&d), "ID_INPUT=1 ID_INPUT_TOUCHPAD=1");
}

static void tablet(void **state)
{
	struct dev d = {0};

	set(d.ev, EV_KEY);
	set(d.ev, EV_ABS);
	set(d.key, BTN_TOOL_PEN);
	set(d.key, BTN_TOUCH);
	set(d.abs, ABS_X);
	set(d.abs, ABS_Y);
	assert_string_equal(props_of(&d), "ID_INPUT=1 ID_INPUT_TABLET=1");
}

static void lid_switch(void **state)
{
	struct dev d = {0};

	set(d.ev, EV_SW);
	set(d.sw, SW_LID);
	assert_string_equal(props_of(&d), "ID_INPUT=1 ID_INPUT_SWITCH=1");
}

static void props_too_long(void **state)
{
	struct dev d = {0};
	char buf[12];
	struct udev_input_caps c = {d.ev, d.key, d.rel, d.abs, d.sw, d.prop};

	set(d.ev, EV_KEY);
	set(d.key, KEY_POWER);
	assert_int_equal(udev_input_props(&c, buf, sizeof(buf)), -ENOSPC);
}

/* MurmurHash2, seed 0: the values Debian's libudev filters on
 * (tests/seat/udevcheck shows a monitor taking "input"). */
static void murmur2(void **state)
{
	assert_int_equal(udev_murmur2("", 0, 0), 0);
	/* every tail length goes through the hash */
	assert_int_not_equal(udev_murmur2("input", 5, 0), udev_murmur2("inpu", 4, 0));
	assert_int_not_equal(udev_murmur2("inp", 3, 0), udev_murmur2("in", 2, 0));
	assert_int_not_equal(udev_murmur2("i", 1, 0), 0);
	assert_int_not_equal(udev_murmur2("input", 5, 0), udev_murmur2("input", 5, 1));
}

static void tag_bloom_has_one_to_four_bits(void **state)
{
	uint64_t b = udev_tag_bloom("seat");
	int n = __builtin_popcountll(b);

	assert_true(n >= 1 && n <= 4);
	assert_true(b != udev_tag_bloom("uaccess"));
}

static void monitor_message(void **state)
{
	const char props[] = "ACTION=add\0DEVPATH=/devices/x\0SUBSYSTEM=input\0SEQNUM=1";
	unsigned char msg[256];
	uint32_t v;
	ssize_t n = udev_monitor_msg(msg, sizeof(msg), "input", NULL, "seat", props, sizeof(props));

	assert_int_equal(n, UDEV_MONITOR_HEADER + sizeof(props));
	assert_memory_equal(msg, "libudev", 8);
	assert_memory_equal(msg + 8, "\xfe\xed\xca\xfe", 4);
	memcpy(&v, msg + 16, 4);
	assert_int_equal(v, UDEV_MONITOR_HEADER); /* properties_off, the sender's order */
	memcpy(&v, msg + 20, 4);
	assert_int_equal(v, sizeof(props));
	v = udev_murmur2("input", 5, 0);
	assert_int_equal(msg[24], v >> 24); /* network order */
	assert_int_equal(msg[27], v & 0xff);
	assert_memory_equal(msg + 28, "\0\0\0\0", 4); /* no devtype */
	assert_memory_equal(msg + UDEV_MONITOR_HEADER, props, sizeof(props));
	assert_int_equal(udev_monitor_msg(msg, 50, "input", NULL, NULL, props, sizeof(props)),
			 -ENOSPC);
}

static void db_text(void **state)
{
	const char props[] = "ID_INPUT=1\0ID_INPUT_KEY=1";
	char buf[128];
	int n = udev_db_text(buf, sizeof(buf), 42, props, sizeof(props), "seat");

	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf, "I:42\nE:ID_INPUT=1\nE:ID_INPUT_KEY=1\nG:seat\nQ:seat\nV:1\n");
	n = udev_db_text(buf, sizeof(buf), 7, "", 0, NULL);
	assert_string_equal(buf, "I:7\nV:1\n");
	assert_int_equal(n, 8);
	assert_int_equal(udev_db_text(buf, sizeof(buf), 1, "A=x\ny", 6, NULL), -EINVAL);
	assert_int_equal(udev_db_text(buf, 20, 42, props, sizeof(props), "seat"), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(keyboard),
	    cmocka_unit_test(power_button_is_keys_not_keyboard),
	    cmocka_unit_test(mouse),
	    cmocka_unit_test(absolute_mouse),
	    cmocka_unit_test(touchscreen),
	    cmocka_unit_test(touchpad),
	    cmocka_unit_test(tablet),
	    cmocka_unit_test(lid_switch),
	    cmocka_unit_test(props_too_long),
	    cmocka_unit_test(murmur2),
	    cmocka_unit_test(tag_bloom_has_one_to_four_bits),
	    cmocka_unit_test(monitor_message),
	    cmocka_unit_test(db_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
