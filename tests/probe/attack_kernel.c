/* System-wide kernel state: clock, modules, kexec, reboot, swap, I/O ports.
 * Each call is made so that even success changes nothing: the clock is set
 * to what it reads, modules and kexec get invalid images or flags (the
 * capability check comes first in the kernel, so an error after it still
 * proves the gate was open: "SUCCEEDED:reached-ENAME"), reboot gets the
 * Ctrl-Alt-Del mode that is already set. */
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static void attack_settimeofday(const struct probe *p, const void *arg, struct outcome *o)
{
	/* with both arguments NULL the kernel still checks CAP_SYS_TIME,
	 * then sets nothing */
	if (syscall(SYS_settimeofday, NULL, NULL) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "permission-only");
}

static void attack_clock_settime(const struct probe *p, const void *arg, struct outcome *o)
{
	struct timespec now;

	/* sets the clock to itself: the error is the few ns between the calls */
	clock_gettime(CLOCK_REALTIME, &now);
	if (clock_settime(CLOCK_REALTIME, &now) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "set-to-now");
}

static void attack_adjtimex(const struct probe *p, const void *arg, struct outcome *o)
{
	struct timex tx = {0};
	struct timex set = {0};

	if (adjtimex(&tx) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	set.modes = ADJ_TICK; /* a mode set, with the current tick length */
	set.tick = tx.tick;
	if (adjtimex(&set) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "tick-unchanged");
}

static void attack_init_module(const struct probe *p, const void *arg, struct outcome *o)
{
	static const char image[64]; /* not an ELF file */

	if (syscall(SYS_init_module, image, sizeof(image), "") < 0)
		outcome_reached(o, errno);
	else
		outcome_ok(o, "loaded-garbage?"); /* cannot happen */
}

static void attack_finit_module(const struct probe *p, const void *arg, struct outcome *o)
{
	if (syscall(SYS_finit_module, -1, "", 0) < 0)
		outcome_reached(o, errno);
	else
		outcome_ok(o, NULL);
}

static void attack_delete_module(const struct probe *p, const void *arg, struct outcome *o)
{
	if (syscall(SYS_delete_module, "cellar_probe_no_such_module", O_NONBLOCK) < 0)
		outcome_reached(o, errno);
	else
		outcome_ok(o, NULL);
}

static void attack_kexec_load(const struct probe *p, const void *arg, struct outcome *o)
{
	/* 17 segments (> KEXEC_SEGMENT_MAX) and no segment array: EINVAL right
	 * after the permission check.  Never 0 segments: that unloads. */
	if (syscall(SYS_kexec_load, 0UL, 17UL, NULL, 0UL) < 0)
		outcome_reached(o, errno);
	else
		outcome_ok(o, NULL);
}

static void attack_kexec_file_load(const struct probe *p, const void *arg, struct outcome *o)
{
#ifdef SYS_kexec_file_load
	/* an unknown flag bit: EINVAL right after the permission check */
	if (syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, 0x80000000UL) < 0)
		outcome_reached(o, errno);
	else
		outcome_ok(o, NULL);
#else
	outcome_skipped(o, "no-syscall");
#endif
}

/* In a child pid namespace reboot() never reaches the machine: CAD_ON/OFF
 * give EINVAL there.  In the initial one they set the global Ctrl-Alt-Del
 * mode, so pass the mode already in force (kernel.ctrl-alt-del). */
static void attack_reboot_cad(const struct probe *p, const void *arg, struct outcome *o)
{
	char buf[16];
	unsigned int cmd;

	if (text_read_file("/proc/sys/kernel/ctrl-alt-del", buf, sizeof(buf)) <= 0) {
		outcome_skipped(o, "cad-mode-unknown");
		return;
	}
	cmd = atoi(buf) ? LINUX_REBOOT_CMD_CAD_ON : LINUX_REBOOT_CMD_CAD_OFF;
	if (syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, NULL) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "cad-unchanged");
}

static void attack_swapon(const struct probe *p, const void *arg, struct outcome *o)
{
	/* /dev/null is neither a block device nor a regular file */
	if (swapon("/dev/null", 0) < 0)
		outcome_reached(o, errno);
	else
		outcome_ok(o, "swapon-dev-null?");
}

static void attack_iopl(const struct probe *p, const void *arg, struct outcome *o)
{
#if defined(__x86_64__) || defined(__i386__)
	/* the privilege lasts as long as this child */
	if (syscall(SYS_iopl, 3) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, NULL);
#else
	outcome_skipped(o, "not-x86");
#endif
}

static void attack_ioperm(const struct probe *p, const void *arg, struct outcome *o)
{
#if defined(__x86_64__) || defined(__i386__)
	if (syscall(SYS_ioperm, 0x80UL, 1UL, 1) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, NULL);
#else
	outcome_skipped(o, "not-x86");
#endif
}

void attacks_kernel(struct probe *p)
{
	attack_run(p, "settimeofday", attack_settimeofday, NULL);
	attack_run(p, "clock_settime", attack_clock_settime, NULL);
	attack_run(p, "adjtimex", attack_adjtimex, NULL);
	attack_run(p, "init_module", attack_init_module, NULL);
	attack_run(p, "finit_module", attack_finit_module, NULL);
	attack_run(p, "delete_module", attack_delete_module, NULL);
	attack_run(p, "kexec_load", attack_kexec_load, NULL);
	attack_run(p, "kexec_file_load", attack_kexec_file_load, NULL);
	attack_run(p, "reboot_cad", attack_reboot_cad, NULL);
	attack_run(p, "swapon", attack_swapon, NULL);
	attack_run(p, "iopl", attack_iopl, NULL);
	attack_run(p, "ioperm", attack_ioperm, NULL);
}
