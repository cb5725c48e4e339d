// SPDX-License-Identifier: MIT
#include "caps.h"

#include <sys/capability.h>

#include "log.h"

/*
 * Each of these acts on the whole machine rather than on a namespace the
 * cell owns: loading kernel code, raw I/O ports and memory, the clock, the
 * kernel log, LSM policy, the audit subsystem, wake alarms, suspend and
 * console/VT configuration.  In a user namespace most of them are already
 * powerless against the host (the kernel checks them in the initial user
 * namespace); dropping them is the second wall, and the only one for a
 * cell with userns = no.  CAP_SYS_ADMIN and CAP_MKNOD stay: systemd needs
 * them inside its own namespaces.  CAP_SYS_BOOT stays: in a pid namespace,
 * reboot(2) only ends the cell's own init (that is how a cell reboots).
 */
static const cap_value_t default_drop[] = {
    CAP_SYS_MODULE, CAP_SYS_RAWIO,    CAP_SYS_TIME,	  CAP_SYSLOG,
    CAP_MAC_ADMIN,  CAP_MAC_OVERRIDE, CAP_SYS_TTY_CONFIG, CAP_AUDIT_CONTROL,
    CAP_AUDIT_READ, CAP_AUDIT_WRITE,  CAP_WAKE_ALARM,	  CAP_BLOCK_SUSPEND,
};

uint64_t caps_default_drop(void)
{
	uint64_t mask = 0;

	for (size_t i = 0; i < sizeof(default_drop) / sizeof(default_drop[0]); i++)
		mask |= UINT64_C(1) << default_drop[i];
	return mask;
}

int caps_trim_bounding_set(uint64_t keep, uint64_t drop, const char **failed)
{
	uint64_t mask = (caps_default_drop() & ~keep) | drop;

	for (cap_value_t cap = 0; cap < 64; cap++) {
		if (!(mask & (UINT64_C(1) << cap)) || !CAP_IS_SUPPORTED(cap))
			continue;
		if (cap_drop_bound(cap) < 0) {
			*failed = cap_to_name(cap);
			return neg_errno();
		}
	}
	return 0;
}
