/* SPDX-License-Identifier: MIT */
/*
 * What happens when a cell's init ends: the restart policy's arithmetic
 * (docs/config.md, "Restart policy").  Pure: no I/O, no clock; the caller
 * passes times as milliseconds of one monotonic clock, acts on the
 * decision and logs it.
 *
 * The caller's part, in cell.c: when a cell's init ends, classify the end
 * (exit_classify(), or EXIT_SETUP_FAILED when the child reported a setup
 * error before exec), call restart_decide() once, then either start the
 * cell again at at_ms or leave it in the state the action names.  A start
 * by hand (cellctl start, restart) calls restart_state_clear() first.
 */
#ifndef CELLAR_SUPERVISE_H
#define CELLAR_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>

enum restart_mode { RESTART_ALWAYS, RESTART_ON_FAILURE, RESTART_NEVER };

/* A cell's restart keys (struct cell_config's `restart`). */
struct restart_policy {
	enum restart_mode mode;	  /* restart */
	unsigned backoff_ms;	  /* restart_delay: the first delay after a failure */
	unsigned backoff_max_ms;  /* restart_delay_max: where the doubling stops */
	unsigned reset_after_ms;  /* restart_reset: a run this long resets the back-off */
	unsigned crash_limit;	  /* crash_limit failures ... */
	unsigned crash_window_ms; /* ... within crash_window: the cell is failed */
};

#define RESTART_DEFAULT_DELAY_MS 1000u
#define RESTART_DEFAULT_DELAY_MAX_MS 60000u
#define RESTART_DEFAULT_RESET_MS 60000u
#define RESTART_DEFAULT_CRASH_LIMIT 5u
#define RESTART_DEFAULT_CRASH_WINDOW_MS 60000u
#define RESTART_CRASH_LIMIT_MAX 100u

#define RESTART_POLICY_DEFAULT                                                                     \
	{                                                                                          \
		.mode = RESTART_ALWAYS, .backoff_ms = RESTART_DEFAULT_DELAY_MS,                    \
		.backoff_max_ms = RESTART_DEFAULT_DELAY_MAX_MS,                                    \
		.reset_after_ms = RESTART_DEFAULT_RESET_MS,                                        \
		.crash_limit = RESTART_DEFAULT_CRASH_LIMIT,                                        \
		.crash_window_ms = RESTART_DEFAULT_CRASH_WINDOW_MS,                                \
	}

/* A run shorter than this that ends in a clean exit or a reboot, when the
 * cell would be started again, counts as a failure: an init that exits or
 * reboots at once is broken, and must not be restarted in a tight loop. */
#define RESTART_QUICK_MS 1000u

/* The value of the key `restart`.  Inline so that the config parser, which
 * parses it, does not link the supervisor. */
static inline const char *restart_mode_name(enum restart_mode m)
{
	switch (m) {
	case RESTART_ALWAYS: return "always";
	case RESTART_ON_FAILURE: return "on-failure";
	case RESTART_NEVER: return "never";
	}
	return "?";
}

enum exit_kind {
	EXIT_CLEAN,	   /* exit status 0 */
	EXIT_FAILED,	   /* a nonzero status, or killed by another signal */
	EXIT_REBOOT,	   /* reboot(2) inside the cell: init killed by SIGHUP */
	EXIT_POWEROFF,	   /* poweroff or halt inside the cell: SIGINT */
	EXIT_STOPPED,	   /* it ended after a stop was asked for (user, shutdown) */
	EXIT_SETUP_FAILED, /* the cell's init was never exec'd */
};

/* "exited cleanly", "failed", "rebooted from inside", ... */
const char *exit_kind_name(enum exit_kind k);

/*
 * From waitid()'s siginfo: code is its si_code (CLD_EXITED, CLD_KILLED or
 * CLD_DUMPED), status its si_status.  stop_requested wins over everything
 * (a cell asked to stop that powers off or crashes on its way down is
 * still just stopped).  Inside a pid namespace only reboot(2) kills init
 * with SIGHUP or SIGINT (its default-action signals are ignored, even from
 * the host), so those two mean reboot and poweroff.  Any other si_code
 * is EXIT_FAILED.  EXIT_SETUP_FAILED is not found here: the caller knows
 * it from its error pipe.
 */
enum exit_kind exit_classify(int code, int status, bool stop_requested);

/* One per cell, from restart_state_init() when cellmgr first knows the
 * cell, kept across reloads.  The ring keeps the last 100 failure times
 * whatever crash_limit says, so a reload that changes the policy works on
 * the history. */
struct restart_state {
	uint64_t failure_ms[RESTART_CRASH_LIMIT_MAX]; /* a ring */
	unsigned n_failures;			      /* in the ring, at most ..._MAX */
	unsigned next;				      /* the ring's next slot */
	unsigned streak;			      /* failures in a row: sets the back-off */
	unsigned restarts; /* RD_RESTART decisions since cellmgr started */
};

void restart_state_init(struct restart_state *s);

/* Forgets the failures and the back-off (a start by hand starts over);
 * keeps the restart count. */
void restart_state_clear(struct restart_state *s);

enum restart_action {
	RD_RESTART,	 /* start it again at at_ms */
	RD_STAY_STOPPED, /* stopped: on request, or it powered off */
	RD_STAY_EXITED,	 /* exited by itself; the policy does not restart it */
	RD_FAILED,	 /* a crash loop, or a setup failure under restart = never */
};

#define RESTART_WHY_MAX 128

struct restart_decision {
	enum restart_action action;
	uint64_t at_ms; /* RD_RESTART: when (now_ms after a reboot); else 0 */
	/* For the log, after the cell's name: "failed: restart in 4s (3
	 * failures in a row)", "powered off from inside: stays stopped". */
	char why[RESTART_WHY_MAX];
};

/*
 * The cell ran from started_ms (its start was asked for) to now_ms and
 * ended as kind.  Records a failure in s when it is one and returns what
 * to do.  The back-off starts at backoff_ms and doubles with each failure
 * in a row, up to backoff_max_ms (never below backoff_ms); a run of
 * reset_after_ms or more (not a setup failure) starts it over.
 */
struct restart_decision restart_decide(const struct restart_policy *p, struct restart_state *s,
				       enum exit_kind kind, uint64_t started_ms, uint64_t now_ms);

#endif
