/* SPDX-License-Identifier: MIT */
/*
 * systemd's readiness protocol (sd_notify) between a cell's init and
 * cellmgr, as systemd's container interface describes it.
 *
 * Per cell, cellmgr owns a SOCK_DGRAM unix socket (SO_PASSCRED on) on the
 * host, <state>/cells/NAME.notify.  While building the cell's root
 * (rootfs_run_host(), rootfs.h) it bind-mounts that socket at
 * /run/host/notify and the cell's init gets NOTIFY_SOCKET=/run/host/notify
 * in its environment.
 *
 * Messages are newline-separated KEY=VALUE assignments; cellmgr takes
 * READY=1, STATUS=..., STOPPING=1, RELOADING=1 and WATCHDOG=1 and ignores
 * every other key, as systemd does.  Only the cell's init is heard, as
 * systemd-nspawn does (the container interface has the container's PID 1
 * report; the socket is visible only inside the cell, the check is the
 * second wall).  Another process of the cell may still speak for its init
 * the systemd way: `systemd-notify --pid=1 --ready` (the cell's root may
 * send credentials naming any pid of its own pid namespace).
 */
#ifndef CELLAR_NOTIFY_H
#define CELLAR_NOTIFY_H

#include <stddef.h>
#include <sys/types.h>

/* Where the cell sees the socket, and its init's environment entry. */
#define NOTIFY_CELL_PATH "/run/host/notify"
#define NOTIFY_SOCKET_ENV "NOTIFY_SOCKET=" NOTIFY_CELL_PATH

/* Bigger datagrams are dropped whole (systemd's own limit is larger, but
 * nothing cellmgr reads needs more). */
#define NOTIFY_MSG_MAX 4096
#define NOTIFY_STATUS_MAX 256

enum notify_flag {
	NOTIFY_READY = 1u << 0,	    /* READY=1 */
	NOTIFY_STOPPING = 1u << 1,  /* STOPPING=1 */
	NOTIFY_RELOADING = 1u << 2, /* RELOADING=1 */
	NOTIFY_WATCHDOG = 1u << 3,  /* WATCHDOG=1 */
	NOTIFY_STATUS = 1u << 4,    /* STATUS=... (status holds it; may be "") */
};

struct notify_msg {
	pid_t sender;			/* notify_read(): in cellmgr's pid namespace */
	unsigned flags;			/* NOTIFY_* this message set */
	char status[NOTIFY_STATUS_MAX]; /* STATUS= text: control bytes shown as '?',
					   cut on a UTF-8 boundary */
};

/*
 * Pure: parses one datagram of len bytes (buf need not be NUL-terminated).
 * Lines are split on '\n' (the last one needs none); a line without '=',
 * an unknown key or a known key with another value (READY=0) is ignored;
 * a later STATUS= replaces an earlier one.  Returns 0 (out->flags may be
 * 0), -EMSGSIZE past NOTIFY_MSG_MAX, -EBADMSG when the datagram holds a
 * NUL byte (systemd refuses those too).  out->sender is set to 0.
 */
int notify_parse(const char *buf, size_t len, struct notify_msg *out);

/* Creates the socket at path (a stale socket there is replaced; any other
 * file is -EEXIST), non-blocking, close-on-exec, mode 0600, SO_PASSCRED
 * on.  Returns 0 with *fd, or a negative errno (not logged: the caller
 * names the cell). */
int notify_open(const char *path, int *fd);

/*
 * Reads one datagram from fd, never blocking.  Returns 0 with out parsed;
 * -EAGAIN when none is queued; else the datagram was dropped: -EPERM (its
 * sender is not cell_pid, the cell's init in cellmgr's pid namespace, or
 * it came without credentials), -EMSGSIZE, -EBADMSG, or a recvmsg error.  Call it until
 * -EAGAIN.  File descriptors sent along (FDSTORE=1) are closed.
 */
int notify_read(int fd, pid_t cell_pid, struct notify_msg *out);

#endif
