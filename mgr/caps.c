// SPDX-License-Identifier: MIT
#include "caps.h"

#include <sys/capability.h>

#include "log.h"

/*
 * Each of these acts on the whole machine rather than on a namespace the
 * cell owns: loading kernel code, raw I/O ports and memory, the clock, the
 * kernel log, LSM policy, the audit subsystem, wake alarms, suspend and
 * console/VT configuration.  CAP_SYS_BOOT stays: in a pid namespace,
 * reboot(2) only ends the cell's own init (that is how a cell reboots).
 */
static const cap_value_t dropped[] = {
	CAP_SYS_MODULE,  CAP_SYS_RAWIO,     CAP_SYS_TIME,     CAP_SYSLOG,
	CAP_MAC_ADMIN,   CAP_MAC_OVERRIDE,  CAP_SYS_TTY_CONFIG, CAP_AUDIT_CONTROL,
	CAP_AUDIT_READ,  CAP_AUDIT_WRITE,   CAP_WAKE_ALARM,   CAP_BLOCK_SUSPEND,
};

int caps_trim_bounding_set(const char **failed)
{
	size_t i;

	for (i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++) {
		if (!CAP_IS_SUPPORTED(dropped[i]))
			continue;
		if (cap_drop_bound(dropped[i]) < 0) {
			*failed = cap_to_name(dropped[i]);
			return neg_errno();
		}
	}
	return 0;
}
