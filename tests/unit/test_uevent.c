// SPDX-License-Identifier: MIT
/* Unit tests for the kernel uevent parser (mgr/util/uevent.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "uevent.h"

/* A datagram as the kernel sends it; sizeof - 1: the string literal's own
 * NUL is not part of it (the last field brings its own). */
#define MSG(s) s, sizeof(s) - 1

static const char add_event3[] = "add@/devices/platform/i8042/serio0/input/input3/event3\0"
				 "ACTION=add\0"
				 "DEVPATH=/devices/platform/i8042/serio0/input/input3/event3\0"
				 "SUBSYSTEM=input\0"
				 "MAJOR=13\0"
				 "MINOR=67\0"
				 "DEVNAME=input/event3\0"
				 "SEQNUM=1745\0";

static void test_kernel_add(void **state)
{
	struct uevent ev;

	(void)state;
	assert_int_equal(uevent_parse(MSG(add_event3), &ev), 0);
	assert_int_equal(ev.action, UEVENT_ADD);
	assert_string_equal(ev.subsystem, "input");
	assert_string_equal(ev.devname, "input/event3");
	assert_string_equal(uevent_input_node(&ev), "event3");
}

static void test_kernel_remove_and_other_actions(void **state)
{
	struct uevent ev;

	(void)state;
	assert_int_equal(
	    uevent_parse(MSG("remove@/devices/virtual/input/input9/event12\0"
			     "ACTION=remove\0SUBSYSTEM=input\0DEVNAME=input/event12\0"),
			 &ev),
	    0);
	assert_int_equal(ev.action, UEVENT_REMOVE);
	assert_string_equal(uevent_input_node(&ev), "event12");
	assert_int_equal(uevent_parse(MSG("change@/devices/x\0ACTION=change\0SUBSYSTEM=input\0"
					  "DEVNAME=input/event1\0"),
				      &ev),
			 0);
	assert_int_equal(ev.action, UEVENT_OTHER);
	/* No ACTION= at all. */
	assert_int_equal(uevent_parse(MSG("add@/x\0SUBSYSTEM=input\0DEVNAME=input/event1\0"), &ev),
			 0);
	assert_int_equal(ev.action, UEVENT_OTHER);
	/* ACTION=addx, ACTION (no '='), ACTIONS=add: none is an add. */
	assert_int_equal(uevent_parse(MSG("add@/x\0ACTION=addx\0ACTION\0ACTIONS=add\0"), &ev), 0);
	assert_int_equal(ev.action, UEVENT_OTHER);
}

static void test_not_from_the_kernel(void **state)
{
	struct uevent ev;

	(void)state;
	/* udev's messages: "libudev" and a binary header, then the fields. */
	assert_int_equal(uevent_parse(MSG("libudev\0\xfe\xed\xca\xfe\0ACTION=add\0SUBSYSTEM=input\0"
					  "DEVNAME=input/event3\0"),
				      &ev),
			 -EBADMSG);
	assert_int_equal(uevent_parse("", 0, &ev), -EBADMSG);
	/* The header must be whole, its '@' inside it. */
	assert_int_equal(uevent_parse(MSG("add@/devices/x"), &ev), -EBADMSG);
	assert_int_equal(uevent_parse(MSG("add\0@\0"), &ev), -EBADMSG);
	assert_null(ev.devname);
}

static void test_other_devices(void **state)
{
	struct uevent ev;

	(void)state;
	assert_int_equal(
	    uevent_parse(MSG("add@/x\0ACTION=add\0SUBSYSTEM=block\0DEVNAME=sda\0"), &ev), 0);
	assert_null(uevent_input_node(&ev));
	/* input, but not an evdev node, or no DEVNAME (the inputN parent). */
	assert_int_equal(
	    uevent_parse(MSG("add@/x\0ACTION=add\0SUBSYSTEM=input\0DEVNAME=input/mouse0\0"), &ev),
	    0);
	assert_null(uevent_input_node(&ev));
	assert_int_equal(uevent_parse(MSG("add@/x\0ACTION=add\0SUBSYSTEM=input\0"), &ev), 0);
	assert_null(uevent_input_node(&ev));
	/* An evdev name under another subsystem. */
	assert_int_equal(
	    uevent_parse(MSG("add@/x\0ACTION=add\0SUBSYSTEM=inputs\0DEVNAME=input/event1\0"), &ev),
	    0);
	assert_null(uevent_input_node(&ev));
}

static void test_node_names(void **state)
{
	static const char *const bad[] = {
	    "input/event",   "input/event1/../../sda", "input/event1x", "input/event-1",
	    "input/event 1", "input/event1234567890",  "input/Event1",	"input/event1/",
	};
	struct uevent ev = {.subsystem = "input"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ev.devname = bad[i];
		assert_null(uevent_input_node(&ev));
	}
	ev.devname = "input/event123456789";
	assert_string_equal(uevent_input_node(&ev), "event123456789");
	ev.devname = "input/event0";
	assert_string_equal(uevent_input_node(&ev), "event0");
}

static void test_fields_whole_and_last_wins(void **state)
{
	struct uevent ev;

	(void)state;
	/* A datagram cut inside its last field: that field is not taken. */
	assert_int_equal(
	    uevent_parse(MSG("add@/x\0ACTION=add\0SUBSYSTEM=input\0DEVNAME=input/event3"), &ev), 0);
	assert_null(ev.devname);
	assert_int_equal(uevent_parse(add_event3, sizeof(add_event3) - 1 - 12, &ev), 0);
	assert_string_equal(ev.devname, "input/event3");
	assert_int_equal(uevent_parse(add_event3, 70, &ev), 0);
	assert_int_equal(ev.action, UEVENT_ADD);
	assert_null(ev.subsystem);
	/* A key given twice: the last one counts; empty fields are skipped. */
	assert_int_equal(uevent_parse(MSG("add@/x\0\0ACTION=remove\0\0DEVNAME=input/event1\0"
					  "ACTION=add\0DEVNAME=input/event2\0SUBSYSTEM=input\0"),
				      &ev),
			 0);
	assert_int_equal(ev.action, UEVENT_ADD);
	assert_string_equal(uevent_input_node(&ev), "event2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kernel_add),
	    cmocka_unit_test(test_kernel_remove_and_other_actions),
	    cmocka_unit_test(test_not_from_the_kernel),
	    cmocka_unit_test(test_other_devices),
	    cmocka_unit_test(test_node_names),
	    cmocka_unit_test(test_fields_whole_and_last_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
