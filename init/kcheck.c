// SPDX-License-Identifier: MIT
/*
 * At boot, before any module is loaded: the kernel options the board needs
 * (INIT_KCONFIG, the fragment images/initramfs.sh packs from
 * board/kernel.config and the board's own) against the running kernel's
 * configuration, and one log line per option that is missing.  Nothing
 * stops: a board without, say, CONFIG_BRIDGE still boots, and its cells
 * fail later where they need it; the log says why up front.
 *
 * The kernel's configuration: /lib/modules/$(uname -r)/config, which the
 * image builder copies from the kernel package's /boot/config-VER, or
 * /boot/config-$(uname -r) on a root device that has one.  A kernel built
 * with IKCONFIG_PROC has /proc/config.gz, but init has no gzip (it is a
 * static musl binary with libc only): such a board ships the plain file.
 */
#include "init.h"
#include "kconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

struct kcheck {
	const char *release;
};

static void kcheck_missing(void *ctx, const char *name, const char *want, const char *have)
{
	struct kcheck *k = ctx;

	if (want[0] == '?')
		log_info("kconfig: %s: not an option line (CONFIG_NAME=VALUE) in %s", name,
			 INIT_KCONFIG);
	else if (want[0] == 'm' && !want[1])
		log_info("kconfig: %s missing: wanted y or m, kernel %s has %s", name, k->release,
			 have[0] ? have : "it not set");
	else
		log_info("kconfig: %s missing: wanted %s, kernel %s has %s", name, want, k->release,
			 have[0] ? have : "it not set");
}

void kconfig_check(void)
{
	struct kcheck k;
	struct utsname u;
	char path[2][160];
	char *want = NULL, *have = NULL;
	size_t want_len, have_len;
	unsigned checked, missing = 0;
	int err, i;

	err = file_read(INIT_KCONFIG, &want, &want_len);
	if (err) {
		log_errno(err, "kconfig: %s: the kernel's options are not checked", INIT_KCONFIG);
		return;
	}
	if (uname(&u) < 0) {
		log_errno(-errno, "kconfig: uname");
		goto out;
	}
	k.release = u.release;
	snprintf(path[0], sizeof(path[0]), "/lib/modules/%s/config", u.release);
	snprintf(path[1], sizeof(path[1]), "/boot/config-%s", u.release);
	for (i = 0, err = -1; i < 2 && err; i++)
		err = file_read(path[i], &have, &have_len);
	if (err) {
		log_info("kconfig: no configuration of kernel %s (%s, %s%s): %s not checked",
			 u.release, path[0], path[1],
			 access("/proc/config.gz", F_OK) == 0 ? "; /proc/config.gz is compressed"
							      : "",
			 INIT_KCONFIG);
		goto out;
	}
	checked = kconfig_compare(want, want_len, have, have_len, kcheck_missing, &k, &missing);
	if (missing)
		log_info("kconfig: %u of %u options of %s missing in kernel %s: what needs them "
			 "will fail (board/porting.md)",
			 missing, checked, INIT_KCONFIG, u.release);
	else
		log_info("kconfig: kernel %s has all %u options of %s", u.release, checked,
			 INIT_KCONFIG);
out:
	free(want);
	free(have);
}
