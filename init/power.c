// SPDX-License-Identifier: MIT
/*
 * Halt, power off, reboot.  Signals as in busybox init, so the usual
 * tools (busybox poweroff/reboot/halt, kill) work unchanged:
 *
 *   SIGUSR1 halt   SIGUSR2 power off   SIGTERM reboot   SIGINT reboot
 *   (SIGINT is what the kernel sends for Ctrl-Alt-Del.)
 *
 * The sequence: cellmgr gets SIGTERM and up to cellar.shutdown_timeout
 * seconds (30) to stop the cells in parallel; then every process gets
 * SIGTERM and 2 s, then SIGKILL; sync, unmount the data disk (or remount
 * it read-only), unmount everything else, sync, and the reboot(2) call.
 * Children are reaped all along.  A second request while this runs is
 * ignored, except that power off upgrades a halt.
 */
#include "init.h"

#include <errno.h>
#include <sys/reboot.h>
#include <unistd.h>

#define TERM_GRACE_MS 2000
#define KILL_GRACE_MS 1000

static const char *const action_verb[] = {
    [POWER_HALT] = "halting",
    [POWER_OFF] = "powering off",
    [POWER_REBOOT] = "rebooting",
};

static const int action_cmd[] = {
    [POWER_HALT] = RB_HALT_SYSTEM,
    [POWER_OFF] = RB_POWER_OFF,
    [POWER_REBOOT] = RB_AUTOBOOT,
};

bool power_action_of(int sig, enum power_action *act)
{
	if (sig == SIGUSR1)
		*act = POWER_HALT;
	else if (sig == SIGUSR2)
		*act = POWER_OFF;
	else if (sig == SIGTERM || sig == SIGINT)
		*act = POWER_REBOOT;
	else
		return false;
	return true;
}

/* A request while shutting down. */
static void power_again(int sig, enum power_action *act)
{
	enum power_action again;

	if (!power_action_of(sig, &again))
		return;
	if (*act == POWER_HALT && again == POWER_OFF) {
		*act = POWER_OFF;
		log_info("power off requested while halting: will power off");
	} else {
		log_info("already %s: ignoring signal %d", action_verb[*act], sig);
	}
}

/* Reaps until cellmgr (mgr_only) or every child is gone, or until the
 * deadline.  Returns true if they are gone. */
static bool wait_children(struct init_ctx *ctx, enum power_action *act, bool mgr_only,
			  int64_t deadline_ms)
{
	for (;;) {
		bool left = children_reap(&ctx->mgr);
		int sig;

		if (mgr_only ? ctx->mgr.pid == 0 : !left)
			return true;
		sig = signal_wait(ctx, deadline_ms);
		if (sig == 0)
			return false;
		power_again(sig, act);
	}
}

_Noreturn void power_shutdown(struct init_ctx *ctx, enum power_action act)
{
	log_info("%s", action_verb[act]);
	ctx->mgr.stopping = true;

	if (ctx->mgr.pid > 0) {
		log_info("stopping cellmgr (pid %d), up to %u s", (int)ctx->mgr.pid,
			 ctx->shutdown_timeout_s);
		if (kill(ctx->mgr.pid, SIGTERM) < 0)
			log_errno(-errno, "kill cellmgr");
		if (!wait_children(ctx, &act, true,
				   monotonic_ms() + (int64_t)ctx->shutdown_timeout_s * 1000))
			log_info("cellmgr did not stop within %u s", ctx->shutdown_timeout_s);
	}

	/* kill(-1) reaches every process but init itself, cells included. */
	if (kill(-1, SIGTERM) == 0 &&
	    !wait_children(ctx, &act, false, monotonic_ms() + TERM_GRACE_MS))
		log_info("processes left after SIGTERM: sending SIGKILL");
	if (kill(-1, SIGKILL) == 0)
		wait_children(ctx, &act, false, monotonic_ms() + KILL_GRACE_MS);

	sync();
	data_unmount(); /* first, and on its own: its outcome is logged */
	mount_unmount_all();
	sync();
	log_info("%s now", action_verb[act]);
	reboot(action_cmd[act]);

	/* Still here: PID 1 must not exit, so keep reaping forever. */
	log_errno(-errno, "reboot");
	for (;;) {
		children_reap(&ctx->mgr);
		signal_wait(ctx, -1);
	}
}
