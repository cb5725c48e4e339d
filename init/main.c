// SPDX-License-Identifier: MIT
/*
 * cellar-init: the board's PID 1.
 *
 * Boot: mount the API file systems, open the console, check the kernel's
 * options against the board's fragment, load the kernel modules of the
 * [host] section, leave the initramfs, mount the data disk, load the
 * modules of the cell list cellmgr gets if that is another file, start
 * cellmgr.  Module loading (a parser over the board's files, and the
 * modules' own init code) runs in a child process, never in PID 1.
 * Then one loop, tini/sinit style: every signal is blocked
 * and taken with sigtimedwait(), so there are no handlers and no races;
 * SIGCHLD reaps, the power signals shut down, the only timer is cellmgr's
 * next restart.
 *
 * PID 1 never returns, exits or aborts (the kernel would panic): failures
 * are logged and the loop goes on.  See docs/init.md.
 */
#include "init.h"

#include <errno.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHUTDOWN_TIMEOUT_S 30
#define MODULES_TIMEOUT_S 60 /* per pass of module loading */

static const char *read_cmdline(void)
{
	char *buf;
	int err = file_read("/proc/cmdline", &buf, NULL);

	if (err) {
		log_errno(err, "read /proc/cmdline");
		return "";
	}
	return buf; /* kept for the life of init */
}

/* key=S, S from min to 3600 seconds; else the default, logged. */
static unsigned seconds_param(const char *cmdline, const char *key, unsigned min, unsigned def)
{
	char val[16];
	unsigned s = def;
	int r = cmdline_seconds(cmdline, key, 3600, &s, val, sizeof(val));

	if (r < 0 || s < min) {
		log_info("%s=%s: not a number of seconds (%u-3600): using %u", key, val, min, def);
		return def;
	}
	return s;
}

/* cellar.config=/PATH: the cell list cellmgr is started with. */
static const char *config_path(const char *cmdline)
{
	static char path[256];
	int r = cmdline_path(cmdline, "cellar.config", "/", path, sizeof(path));

	if (r == 0)
		return NULL;
	if (r < 0) {
		log_errno(r, "cellar.config=%s: want an absolute path: using " INIT_CONFIG, path);
		return NULL;
	}
	log_info("cell list: %s (cellar.config=)", path);
	return path;
}

/* After the switch: the cell list cellmgr will get, when init has not read
 * its [host] modules yet, i.e. when it is not the initramfs's own file:
 * cellar.config= (if it can be read now, as cellmgr_start() decides), or
 * /etc/cellar/cells.conf of a root= device.  NULL: nothing more to load. */
static const char *modules_list_after_switch(const struct init_ctx *ctx, bool root_device)
{
	if (ctx->mgr.config && access(ctx->mgr.config, R_OK) == 0)
		return ctx->mgr.config;
	return root_device ? INIT_CONFIG : NULL;
}

static void boot(struct init_ctx *ctx)
{
	unsigned modules_timeout_s;
	const char *list;
	bool root_device;

	mount_early();
	log_open_console();
	log_open_kmsg();
	log_info("starting");

	/* Ctrl-Alt-Del then sends SIGINT to init instead of rebooting at
	 * once without syncing. */
	if (reboot(RB_DISABLE_CAD) < 0)
		log_errno(-errno, "disable Ctrl-Alt-Del");

	ctx->cmdline = read_cmdline();
	ctx->shutdown_timeout_s =
	    seconds_param(ctx->cmdline, "cellar.shutdown_timeout", 0, SHUTDOWN_TIMEOUT_S);
	modules_timeout_s =
	    seconds_param(ctx->cmdline, "cellar.modules_timeout", 1, MODULES_TIMEOUT_S);
	kconfig_check(); /* first: a missing option explains what fails below */
	/* Before the switch: root= and the data disk may need them. */
	child_run("modules: loader", modules_load, INIT_CONFIG, modules_timeout_s);
	root_device = switchroot(ctx->cmdline);
	data_mount(ctx->cmdline); /* after the switch: on the real root */
	cellmgr_init(&ctx->mgr, config_path(ctx->cmdline));
	/* After the data disk: cellar.config= may be on it.  Before cellmgr. */
	list = modules_list_after_switch(ctx, root_device);
	if (list)
		child_run("modules: loader", modules_load, list, modules_timeout_s);
}

int main(void)
{
	static struct init_ctx ctx;

	if (getpid() != 1) {
		static const char usage[] =
		    "usage: init (cellar's PID 1: started by the kernel as /init, "
		    "not by hand; see docs/init.md)\n";

		if (write(STDERR_FILENO, usage, sizeof(usage) - 1) < 0) {
			/* nowhere else to say it */
		}
		return 1;
	}

	/* Blocked before anything else: signals are only ever taken in
	 * signal_wait(), none is lost to a default action meanwhile. */
	sigfillset(&ctx.signals);
	sigprocmask(SIG_BLOCK, &ctx.signals, NULL);
	umask(022);

	boot(&ctx);

	for (;;) {
		enum power_action act;
		int sig;

		cellmgr_tick(&ctx.mgr, monotonic_ms());
		sig = signal_wait(&ctx, ctx.mgr.pid ? -1 : ctx.mgr.restart_at_ms);
		if (sig <= 0)
			continue;
		if (sig == SIGCHLD)
			children_reap(&ctx.mgr);
		else if (power_action_of(sig, &act))
			power_shutdown(&ctx, act);
		else
			log_info("ignoring signal %d (%s)", sig, strsignal(sig));
	}
}
