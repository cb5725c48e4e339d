/* Nested user namespaces: a new user namespace gives full capabilities
 * inside it, which must buy nothing that needs the host's capabilities.
 * Each check unshares in its own child. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probe.h"

static void attack_nested(const struct probe *p, const void *arg, struct outcome *o)
{
	if (unshare(CLONE_NEWUSER) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, NULL);
}

static void attack_nested_mknod(const struct probe *p, const void *arg, struct outcome *o)
{
	char path[128];

	if (unshare(CLONE_NEWUSER) < 0) {
		outcome_skipped(o, "no-userns");
		return;
	}
	snprintf(path, sizeof(path), "%s/cellar-probe-unode.%ld", probe_tmpdir(), (long)getpid());
	if (mknod(path, S_IFCHR | 0600, makedev(1, 3)) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, NULL);
	unlink(path);
}

static void attack_nested_module(const struct probe *p, const void *arg, struct outcome *o)
{
	if (unshare(CLONE_NEWUSER) < 0) {
		outcome_skipped(o, "no-userns");
		return;
	}
	if (syscall(SYS_finit_module, -1, "", 0) < 0)
		outcome_reached(o, errno);
	else
		outcome_ok(o, NULL);
}

static void attack_nested_blockdev(const struct probe *p, const void *arg, struct outcome *o)
{
	char dev[128];

	if (dev_find_block(dev, sizeof(dev)) < 0) {
		outcome_skipped(o, "no-block-device");
		return;
	}
	/* the new mount namespace is owned by a less privileged user
	 * namespace: the kernel turns shared mounts into slaves */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
		outcome_skipped(o, "no-userns");
		return;
	}
	if (mount(dev, probe_tmpdir(), "ext4", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
	    0) {
		outcome_reached(o, errno);
		return;
	}
	outcome_ok(o, "%s", dev);
	umount2(probe_tmpdir(), MNT_DETACH);
}

void attacks_userns(struct probe *p)
{
	attack_run(p, "userns_nested", attack_nested, NULL);
	attack_run(p, "userns_mknod", attack_nested_mknod, NULL);
	attack_run(p, "userns_module", attack_nested_module, NULL);
	attack_run(p, "userns_mount_blockdev", attack_nested_blockdev, NULL);
}
