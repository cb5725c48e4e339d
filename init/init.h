/* SPDX-License-Identifier: MIT */
/*
 * cellar's PID 1: the interfaces between its files, one block per file.
 *
 * Error contract (as in the rest of cellar): a function that can fail
 * returns 0 or a negative errno; log_errno() logs and returns that error in
 * one statement.  Nothing in init exits or aborts: PID 1 dying panics the
 * kernel, so every failure is logged and boot goes on.
 */
#ifndef CELLAR_INIT_H
#define CELLAR_INIT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define INIT_CONFIG "/etc/cellar/cells.conf"
#define INIT_CELLMGR "/sbin/cellmgr"
#define INIT_NEWROOT "/newroot"
#define INIT_DATA "/data"
/* The kernel options the board needs (kcheck.c, board/porting.md). */
#define INIT_KCONFIG "/etc/cellar/kernel.config"

/* log.c: "cellar-init: " lines on the console and in the kernel log. */
void log_open_console(void);
void log_open_kmsg(void);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int log_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* file.c: reads a whole file into a NUL-terminated malloc'd buffer. */
int file_read(const char *path, char **buf, size_t *len);

/* cmdline.c: the kernel command line (/proc/cmdline). */
bool cmdline_get(const char *cmdline, const char *key, char *val, size_t size);
bool cmdline_has(const char *cmdline, const char *word);
/* key=PATH where PATH is absolute, starts with prefix ("/dev/", "/") and has
 * more after it, and has no empty, "." or ".." component nor a trailing
 * "/".  Returns 1 (val set), 0 (no such key) or -EINVAL / -ENAMETOOLONG
 * (val holds what was given, maybe cut, for the log). */
int cmdline_path(const char *cmdline, const char *key, const char *prefix, char *val, size_t size);
/* key=S, a number of seconds from 0 to max (at most UINT_MAX / 10).
 * Returns 1 (*s set), 0 (no such key) or -EINVAL (val holds what was
 * given, maybe cut, for the log). */
int cmdline_seconds(const char *cmdline, const char *key, unsigned max, unsigned *s, char *val,
		    size_t size);

/* mount.c: the early API file systems, and unmounting at shutdown. */
int mkdir_p(const char *path, mode_t mode);
/* Waits up to 10 s for a device node; what ("root", "data") leads the log. */
int mount_wait_device(const char *what, const char *dev);
void mount_early(void);
bool mount_root_is_rootfs(void);
void mount_unmount_all(void);

/* kcheck.c: logs every option of INIT_KCONFIG the running kernel lacks. */
void kconfig_check(void);

/* child.c: runs fn(arg) in a child process and waits for it (that pid
 * only) up to timeout_s, then kills it; what ("modules: loader") leads the
 * log line that says how it ended.  Returns its wait status, -ETIMEDOUT
 * when it was killed for the timeout, or another negative errno. */
int child_run(const char *what, int (*fn)(const char *arg), const char *arg, unsigned timeout_s);

/* modload.c: the kernel modules listed in the config's [host] section,
 * then snd_aloop with a loopback card per audio cell (modconf.h).
 * Meant for child_run(): returns the exit status, 0 when every module
 * asked for is loaded (or none is asked for), 1 otherwise. */
int modules_load(const char *config);

/* movetree.c: moves (copy, then unlink) or deletes a directory tree. */
unsigned movetree(int src_dir, int dst_dir);

/* switchroot.c: leaves the initramfs for root= or a tmpfs copy of it.
 * True when / is then the root= device (not the initramfs's files). */
bool switchroot(const char *cmdline);

/* data.c: the data disk (cellar.data=) on /data, mounted after the switch,
 * unmounted (or made read-only) at shutdown. */
void data_mount(const char *cmdline);
void data_unmount(void);

/* supervise.c: starts cellmgr, restarts it with back-off, reaps orphans. */
struct cellmgr {
	pid_t pid;	       /* 0: not running */
	int64_t started_ms;    /* monotonic time of the last start */
	int64_t restart_at_ms; /* next start; -1: none planned */
	unsigned backoff_s;    /* delay before the next restart */
	bool stopping;	       /* shutting down: never restart */
	const char *config;    /* cellar.config=: --config PATH; NULL: default */
};

void cellmgr_init(struct cellmgr *mgr, const char *config);
void cellmgr_tick(struct cellmgr *mgr, int64_t now_ms);
bool children_reap(struct cellmgr *mgr);

/* power.c: the shutdown sequence. */
enum power_action {
	POWER_HALT,
	POWER_OFF,
	POWER_REBOOT,
};

struct init_ctx {
	struct cellmgr mgr;
	sigset_t signals;	     /* all of them: blocked, then waited for */
	unsigned shutdown_timeout_s; /* how long cellmgr gets to stop cells */
	const char *cmdline;
};

bool power_action_of(int sig, enum power_action *act);
_Noreturn void power_shutdown(struct init_ctx *ctx, enum power_action act);

/* main.c */
int64_t monotonic_ms(void);
/* Waits for one of ctx->signals until deadline_ms (-1: no deadline);
 * returns the signal or 0 on timeout. */
int signal_wait(struct init_ctx *ctx, int64_t deadline_ms);

#endif
