/* SPDX-License-Identifier: MIT */
/*
 * A cell at run time and its lifecycle, in one place.  Every change of
 * state goes through cell_set_state(), which checks it against the table
 * of allowed transitions (cell.c).  What a change means for the rest of
 * cellmgr (the serial console, the control socket, the seat, an update on
 * trial) is delivered through struct cell_events, which main.c wires; the
 * work that touches the kernel (spawning, signals) goes through struct
 * cell_driver.  This file knows neither: the lifecycle runs without a
 * kernel in tests/unit/test_cell.c.
 */
#ifndef CELLAR_CELL_H
#define CELLAR_CELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "consolelog.h"
#include "loop.h"
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
#define CELL_STATES 7

const char *cell_state_name(enum cell_state s);

struct cell;

/* The kernel's side of a run (cell_run.c in cellmgr, a fake in tests). */
struct cell_driver {
	/* Starts a run of c.  Returns 0 when its processes exist (the driver
	 * has set c's processes and fds), or a negative errno with c->reason
	 * saying why nothing runs. */
	int (*start)(void *ctx, struct cell *c);
	/* Sends signal sig to c's init. */
	int (*signal)(void *ctx, struct cell *c, int sig);
	/* Kills every process of c at once (its stop timeout passed). */
	void (*kill)(void *ctx, struct cell *c);
};

/* What the rest of cellmgr hears of a cell; any hook may be NULL. */
struct cell_events {
	/* Console output (already in c->console_log and its log file). */
	void (*output)(void *ctx, struct cell *c, const char *buf, size_t len);
	/* Its init was exec'd. */
	void (*started)(void *ctx, struct cell *c);
	void (*ready)(void *ctx, struct cell *c);
	/* The run ended as kind, before the restart policy decides: a hook
	 * that returns true has taken over what happens next (an update on
	 * trial rolls back and starts the cell itself). */
	bool (*ending)(void *ctx, struct cell *c, enum exit_kind kind);
	/* The run ended and the policy has decided (c->state says what);
	 * back_soon: it starts again at once or within a short back-off. */
	void (*ended)(void *ctx, struct cell *c, bool back_soon);
	/* Setup failed, or the restart policy gave up: c->reason says why. */
	void (*failed)(void *ctx, struct cell *c);
	/* It left the list and its last run is over: freed after this. */
	void (*removed)(void *ctx, struct cell *c);
};

/* One per cellmgr: what every cell's lifecycle uses. */
struct cell_env {
	struct loop *loop;
	const struct cell_driver *drv;
	void *drv_ctx;
	const struct cell_events *ev;
	void *ev_ctx;
	bool shutting_down; /* SIGTERM: cells end, none restarts */
};

/* A cell whose restart is due within this long counts as coming back. */
#define CELL_BACK_SOON_MS 2000

struct cell {
	struct cell_env *env;
	struct cell_config cfg;
	unsigned index; /* 1-based, in config order */
	enum cell_state state;
	char reason[256];   /* why it failed or how it exited */
	uid_t root_uid;	    /* its root on the host (0 without a user namespace) */
	pid_t pid;	    /* its init, in cellmgr's pid namespace */
	int pidfd;	    /* its init: signals, setns (exec) */
	pid_t shim_pid;	    /* its shim, the init's parent (mgr/start/shim.h) */
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
	struct ring console_log;	/* recent console output */
	struct consolelog console_file; /* and the same in <state>/NAME.log */
	struct loop_fd w_pty, w_errpipe, w_pidfd, w_notify;
	/* Its init has ended, its cgroup not yet emptied (cell_run.c): the
	 * end waits for it, as kind. */
	int drain_fd;
	struct loop_fd w_drain;
	struct loop_timer t_drain;
	enum exit_kind drain_kind;

	/* Supervision (mgr/core/supervise.h). */
	struct restart_state restart;
	unsigned restarts;	     /* restarts by the policy since cellmgr started */
	struct loop_timer t_restart; /* armed: a restart is due */
	struct loop_timer t_stop;    /* armed while stopping: SIGKILL then */
	struct loop_timer t_update;  /* an update on trial: its window ends (update.h) */
	bool killed;		     /* its stop timeout passed: killed */
	bool setup_failed;	     /* this run never exec'd its init */
	bool stop_requested;	     /* stopped on request: never restarted */
	bool start_after_stop;	     /* restart or changed config: start once gone */
	bool removed;		     /* no longer in the cell list: freed once gone */
	/* A reload changed it: applies at its next start.  Allocated only
	 * then: a cell_config is some 13 KiB, most cells never need one. */
	struct cell_config *next_cfg;

	/* Its image slot and the update on trial, if any (mgr/manage/update.h). */
	struct cell_update upd;
};

/* The cells of the list, in its order, then removed cells still stopping. */
struct cells {
	struct cell **v;
	size_t n;
};

/* The cell of the list named name (not one removed), or NULL. */
struct cell *cells_find(const struct cells *cs, const char *name);

struct cell *cell_new(const struct cell_config *cfg, struct cell_env *env);
void cell_free(struct cell *c);

/* starting, running, ready or stopping: it has processes. */
bool cell_is_active(const struct cell *c);
/* A restart by the policy is due. */
static inline bool cell_restart_due(const struct cell *c)
{
	return loop_timer_armed(&c->t_restart);
}

/* Moves c to state to (why: for the log, may be NULL).  Returns 0, or
 * -EINVAL (logged, nothing changed) when the table does not allow it. */
int cell_set_state(struct cell *c, enum cell_state to, const char *why);
/* Whether the table allows from -> to. */
bool cell_transition_allowed(enum cell_state from, enum cell_state to);

/* Starts a cell that has no processes; a cell that runs is left alone.
 * Returns 0, or -ECANCELED when the start failed at once (c->reason; the
 * restart policy has decided what next, c->state says what). */
int cell_start(struct cell *c);
/* Stops it with its stop signal, SIGKILL after its stop_timeout; no
 * restart follows.  A restart that was due is cancelled. */
void cell_stop(struct cell *c);

/* From the driver, as the run goes: */
void cell_adopted(struct cell *c);	/* taken over from an earlier cellmgr */
void cell_exec_done(struct cell *c);	/* its init was exec'd */
void cell_setup_failed(struct cell *c); /* the child reported; c->reason says what */
void cell_notify_ready(struct cell *c); /* READY=1 */
void cell_output(struct cell *c, const char *buf, size_t len);
/* Its init is gone (kind as exit_classify() says, or EXIT_SETUP_FAILED);
 * the driver has closed its fds.  Applies the restart policy. */
void cell_ended(struct cell *c, enum exit_kind kind);
/* The start failed before anything ran: c->reason, then as cell_ended. */
__attribute__((format(printf, 2, 3))) int cell_fail(struct cell *c, const char *fmt, ...);

/* The last console lines, on one line, for a log message. */
void cell_console_tail(const struct cell *c, char *out, size_t len);

#endif
