/* SPDX-License-Identifier: MIT */
/* A cell at run time: its configuration, state, processes and console. */
#ifndef CELLAR_CELL_H
#define CELLAR_CELL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "consolelog.h"
#include "ring.h"
#include "slots.h"
#include "supervise.h"

enum cell_state {
	CELL_STOPPED,  /* never started, or stopped on request */
	CELL_STARTING, /* spawned, setting up, its init not yet exec'd */
	CELL_RUNNING,  /* its init runs */
	CELL_READY,    /* ... and said READY=1 on its notify socket */
	CELL_STOPPING, /* stop signal sent, waiting for it to end */
	CELL_EXITED,   /* its init ended by itself (a restart may be due) */
	CELL_FAILED,   /* gave up: a crash loop, or setup failed; see reason */
};

const char *cell_state_name(enum cell_state s);

/* What an epoll event refers to (epoll_event.data.ptr points at one). */
enum watch_kind {
	WATCH_SIGNAL,
	WATCH_CONSOLE_IN,
	WATCH_CELL_PTY,
	WATCH_CELL_ERRPIPE,
	WATCH_CELL_PIDFD,
	WATCH_CELL_NOTIFY,
	WATCH_CTL_LISTEN,
	WATCH_CTL_CLIENT,
	WATCH_CTL_EXEC,	       /* a command run by cellctl exec: its pidfd (ctl_exec.c) */
	WATCH_CTL_EXEC_SETUP,  /* ... its setup reports */
	WATCH_CTL_EXEC_CGROUP, /* ... its cgroup's cgroup.events, once it ended */
	WATCH_ADMIN,
	WATCH_INPUT,
	/* evdev sources and the uevent socket (input.c) */ /* the admin console's terminal
							       (admin.c) */
};

struct watch {
	enum watch_kind kind;
	void *obj;
};

struct cell {
	struct cell_config cfg;
	unsigned index; /* 1-based, in config order */
	enum cell_state state;
	char reason[256];   /* why it failed or how it exited */
	pid_t pid;	    /* its init, in cellmgr's pid namespace */
	int pidfd;	    /* its init: signals, setns (exec) */
	pid_t shim_pid;	    /* its shim, the init's parent (mgr/shim.h) */
	int shim_pidfd;	    /* readable when the cell has ended */
	bool shim_is_child; /* started by this cellmgr: waitid() works */
	int pty_master;	    /* its /dev/console, seen from cellmgr */
	int pty_slave;	    /* held so the master never sees HUP */
	int errpipe;	    /* setup errors from the child until exec */
	int notify;	    /* its sd_notify socket (READY=1, STATUS=) */
	char status[256];   /* its last STATUS= */
	int end_code;	    /* how its init last ended, as waitid() says: */
	int end_status;	    /* CLD_EXITED + status or CLD_KILLED + signal */
	uint64_t started_ms;
	uint64_t stop_deadline_ms;	/* while stopping: when to SIGKILL */
	struct ring console_log;	/* recent console output */
	struct consolelog console_file; /* and the same in <state>/NAME.log */
	struct watch w_pty, w_errpipe, w_pidfd, w_notify;

	/* Supervision (mgr/supervise.h). */
	struct restart_state restart;
	unsigned restarts;	/* restarts by the policy since cellmgr started */
	uint64_t restart_at_ms; /* a restart is due then; 0 = none */
	bool setup_failed;	/* this run never exec'd its init */
	bool stop_requested;	/* stopped on request: never restarted */
	bool start_after_stop;	/* restart or changed config: start once gone */
	bool removed;		/* no longer in the cell list: freed once gone */
	/* A reload changed it: applies at its next start.  Allocated only
	 * then: a cell_config is some 13 KiB, most cells never need one. */
	struct cell_config *next_cfg;

	/* Its image slot and the update on trial, if any (mgr/update.h). */
	struct cell_update upd;
};

struct cell *cell_new(const struct cell_config *cfg);
void cell_free(struct cell *c);

#endif
