// SPDX-License-Identifier: MIT
/* Unit tests for the restart policy (mgr/core/supervise.c), on a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "supervise.h"

#define T0 1000000u /* the fake clock's start: any value */

static const struct restart_policy defaults = RESTART_POLICY_DEFAULT;

/* A cell's life on the fake clock: each run() ends the current run after
 * up_ms and, on RD_RESTART, moves the clock to the next start. */
struct life {
	struct restart_policy p;
	struct restart_state s;
	uint64_t now;
};

static void life_init(struct life *l, const struct restart_policy *p)
{
	l->p = *p;
	restart_state_init(&l->s);
	l->now = T0;
}

static struct restart_decision run(struct life *l, enum exit_kind kind, uint64_t up_ms)
{
	uint64_t started = l->now;
	struct restart_decision d;

	l->now += up_ms;
	d = restart_decide(&l->p, &l->s, kind, started, l->now);
	if (d.action == RD_RESTART) {
		assert_true(d.at_ms >= l->now);
		l->now = d.at_ms;
	} else {
		assert_int_equal(d.at_ms, 0);
	}
	return d;
}

/* Ends a run and checks the decision: its action, the delay to the
 * restart (RD_RESTART only) and, when given, why. */
static void expect(struct life *l, enum exit_kind kind, uint64_t up_ms, enum restart_action action,
		   uint64_t delay_ms, const char *why)
{
	uint64_t end = l->now + up_ms;
	struct restart_decision d = run(l, kind, up_ms);

	assert_int_equal(d.action, action);
	if (action == RD_RESTART)
		assert_int_equal(d.at_ms - end, delay_ms);
	if (why)
		assert_string_equal(d.why, why);
}

/* ---- exit_classify --------------------------------------------------- */

static void test_exit_classify(void **state)
{
	static const struct {
		int code, status;
		enum exit_kind kind;
	} cases[] = {
	    {CLD_EXITED, 0, EXIT_CLEAN},
	    {CLD_EXITED, 1, EXIT_FAILED}, /* 1 is a status here, not SIGHUP */
	    {CLD_EXITED, 2, EXIT_FAILED}, /* nor SIGINT */
	    {CLD_EXITED, 255, EXIT_FAILED},
	    {CLD_KILLED, SIGHUP, EXIT_REBOOT},
	    {CLD_DUMPED, SIGHUP, EXIT_REBOOT},
	    {CLD_KILLED, SIGINT, EXIT_POWEROFF},
	    {CLD_DUMPED, SIGINT, EXIT_POWEROFF},
	    {CLD_KILLED, SIGKILL, EXIT_FAILED},
	    {CLD_KILLED, SIGTERM, EXIT_FAILED},
	    {CLD_KILLED, SIGUSR2, EXIT_FAILED},
	    {CLD_KILLED, 37, EXIT_FAILED}, /* SIGRTMIN+3 */
	    {CLD_DUMPED, SIGSEGV, EXIT_FAILED},
	    {CLD_DUMPED, SIGABRT, EXIT_FAILED},
	    {CLD_STOPPED, SIGSTOP, EXIT_FAILED}, /* not an end: never passed */
	    {CLD_TRAPPED, SIGTRAP, EXIT_FAILED},
	    {CLD_CONTINUED, SIGCONT, EXIT_FAILED},
	    {0, 0, EXIT_FAILED},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(exit_classify(cases[i].code, cases[i].status, false),
				 cases[i].kind);
		/* a stop asked for wins, however the cell went down */
		assert_int_equal(exit_classify(cases[i].code, cases[i].status, true), EXIT_STOPPED);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(restart_mode_name(RESTART_ALWAYS), "always");
	assert_string_equal(restart_mode_name(RESTART_ON_FAILURE), "on-failure");
	assert_string_equal(restart_mode_name(RESTART_NEVER), "never");
	assert_string_equal(exit_kind_name(EXIT_CLEAN), "exited cleanly");
	assert_string_equal(exit_kind_name(EXIT_FAILED), "failed");
	assert_string_equal(exit_kind_name(EXIT_REBOOT), "rebooted from inside");
	assert_string_equal(exit_kind_name(EXIT_POWEROFF), "powered off from inside");
	assert_string_equal(exit_kind_name(EXIT_STOPPED), "stopped on request");
	assert_string_equal(exit_kind_name(EXIT_SETUP_FAILED), "failed to start");
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(defaults.mode, RESTART_ALWAYS);
	assert_int_equal(defaults.backoff_ms, 1000);
	assert_int_equal(defaults.backoff_max_ms, 60000);
	assert_int_equal(defaults.reset_after_ms, 60000);
	assert_int_equal(defaults.crash_limit, 5);
	assert_int_equal(defaults.crash_window_ms, 60000);
}

/* ---- each policy, each end ------------------------------------------- */

static void test_policy_table(void **state)
{
	static const struct {
		enum restart_mode mode;
		enum exit_kind kind;
		enum restart_action action;
		uint64_t delay;
		const char *why;
	} cases[] = {
	    {RESTART_ALWAYS, EXIT_CLEAN, RD_RESTART, 1000,
	     "exited cleanly: restart in 1s (restart = always)"},
	    {RESTART_ALWAYS, EXIT_FAILED, RD_RESTART, 1000,
	     "failed: restart in 1s (1 failure in a row)"},
	    {RESTART_ALWAYS, EXIT_REBOOT, RD_RESTART, 0, "rebooted from inside: restart now"},
	    {RESTART_ALWAYS, EXIT_POWEROFF, RD_STAY_STOPPED, 0,
	     "powered off from inside: stays stopped"},
	    {RESTART_ALWAYS, EXIT_STOPPED, RD_STAY_STOPPED, 0, "stopped on request: stays stopped"},
	    {RESTART_ALWAYS, EXIT_SETUP_FAILED, RD_RESTART, 1000,
	     "failed to start: restart in 1s (1 failure in a row)"},

	    {RESTART_ON_FAILURE, EXIT_CLEAN, RD_STAY_EXITED, 0,
	     "exited cleanly: not restarted (restart = on-failure)"},
	    {RESTART_ON_FAILURE, EXIT_FAILED, RD_RESTART, 1000,
	     "failed: restart in 1s (1 failure in a row)"},
	    {RESTART_ON_FAILURE, EXIT_REBOOT, RD_RESTART, 0, "rebooted from inside: restart now"},
	    {RESTART_ON_FAILURE, EXIT_POWEROFF, RD_STAY_STOPPED, 0,
	     "powered off from inside: stays stopped"},
	    {RESTART_ON_FAILURE, EXIT_STOPPED, RD_STAY_STOPPED, 0,
	     "stopped on request: stays stopped"},
	    {RESTART_ON_FAILURE, EXIT_SETUP_FAILED, RD_RESTART, 1000,
	     "failed to start: restart in 1s (1 failure in a row)"},

	    {RESTART_NEVER, EXIT_CLEAN, RD_STAY_EXITED, 0,
	     "exited cleanly: not restarted (restart = never)"},
	    {RESTART_NEVER, EXIT_FAILED, RD_STAY_EXITED, 0,
	     "failed: not restarted (restart = never)"},
	    {RESTART_NEVER, EXIT_REBOOT, RD_RESTART, 0, "rebooted from inside: restart now"},
	    {RESTART_NEVER, EXIT_POWEROFF, RD_STAY_STOPPED, 0,
	     "powered off from inside: stays stopped"},
	    {RESTART_NEVER, EXIT_STOPPED, RD_STAY_STOPPED, 0, "stopped on request: stays stopped"},
	    {RESTART_NEVER, EXIT_SETUP_FAILED, RD_FAILED, 0,
	     "failed to start: not restarted (restart = never)"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct restart_policy p = defaults;
		struct life l;

		p.mode = cases[i].mode;
		life_init(&l, &p);
		/* 10 s: not a quick run, not long enough to reset anything */
		expect(&l, cases[i].kind, 10000, cases[i].action, cases[i].delay, cases[i].why);
		assert_int_equal(l.s.restarts, cases[i].action == RD_RESTART);
	}
}

/* ---- back-off -------------------------------------------------------- */

static void test_backoff_sequence(void **state)
{
	static const unsigned want[] = {1, 2, 4, 8, 16, 32, 60, 60, 60, 60};
	struct restart_policy p = defaults;
	struct life l;
	char why[RESTART_WHY_MAX];

	(void)state;
	p.crash_limit = 100; /* no crash loop in the way */
	life_init(&l, &p);
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(why, sizeof(why), "failed: restart in %us (%u failure%s in a row)",
			 want[i], i + 1, i ? "s" : "");
		expect(&l, EXIT_FAILED, 5000, RD_RESTART, want[i] * 1000u, why);
	}
	assert_int_equal(l.s.restarts, 10);
	assert_int_equal(l.s.streak, 10);

	/* milliseconds are shown as such */
	p.backoff_ms = 300;
	p.backoff_max_ms = 1000;
	life_init(&l, &p);
	expect(&l, EXIT_FAILED, 5000, RD_RESTART, 300,
	       "failed: restart in 300ms (1 failure in a row)");
	expect(&l, EXIT_FAILED, 5000, RD_RESTART, 600, NULL);
	expect(&l, EXIT_FAILED, 5000, RD_RESTART, 1000,
	       "failed: restart in 1s (3 failures in a row)");
}

static void test_backoff_reset_after_long_run(void **state)
{
	struct life l;

	(void)state;
	life_init(&l, &defaults);
	expect(&l, EXIT_FAILED, 10000, RD_RESTART, 1000, NULL);
	expect(&l, EXIT_FAILED, 10000, RD_RESTART, 2000, NULL);
	expect(&l, EXIT_FAILED, 10000, RD_RESTART, 4000, NULL);
	/* just short of restart_reset: the back-off goes on */
	expect(&l, EXIT_FAILED, 59999, RD_RESTART, 8000,
	       "failed: restart in 8s (4 failures in a row)");
	/* restart_reset exactly: it starts over */
	expect(&l, EXIT_FAILED, 60000, RD_RESTART, 1000,
	       "failed: restart in 1s (1 failure in a row)");
	expect(&l, EXIT_FAILED, 10000, RD_RESTART, 2000, NULL);
	/* a long run that ends in a clean exit or a reboot resets it too */
	expect(&l, EXIT_CLEAN, 3600000, RD_RESTART, 1000, NULL);
	expect(&l, EXIT_FAILED, 10000, RD_RESTART, 1000, NULL);
	expect(&l, EXIT_FAILED, 10000, RD_RESTART, 2000, NULL);
	expect(&l, EXIT_REBOOT, 60000, RD_RESTART, 0, NULL);
	expect(&l, EXIT_FAILED, 10000, RD_RESTART, 1000, NULL);
}

static void test_clean_exit_and_reboot_leave_backoff(void **state)
{
	struct life l;

	(void)state;
	life_init(&l, &defaults);
	expect(&l, EXIT_FAILED, 10000, RD_RESTART, 1000, NULL);
	expect(&l, EXIT_FAILED, 10000, RD_RESTART, 2000, NULL);
	/* neither is a failure: the next failure goes on doubling */
	expect(&l, EXIT_CLEAN, 10000, RD_RESTART, 1000,
	       "exited cleanly: restart in 1s (restart = always)");
	expect(&l, EXIT_REBOOT, 10000, RD_RESTART, 0, "rebooted from inside: restart now");
	expect(&l, EXIT_FAILED, 10000, RD_RESTART, 4000,
	       "failed: restart in 4s (3 failures in a row)");
	assert_int_equal(l.s.n_failures, 3);
	assert_int_equal(l.s.restarts, 5);
}

/* ---- crash loop ------------------------------------------------------ */

static void test_crash_loop_at_limit(void **state)
{
	struct life l;

	(void)state;
	/* failing at once: failures at 0, 1, 3, 7 and 15 s */
	life_init(&l, &defaults);
	expect(&l, EXIT_FAILED, 0, RD_RESTART, 1000, NULL);
	expect(&l, EXIT_FAILED, 0, RD_RESTART, 2000, NULL);
	expect(&l, EXIT_FAILED, 0, RD_RESTART, 4000, NULL);
	expect(&l, EXIT_FAILED, 0, RD_RESTART, 8000, "failed: restart in 8s (4 failures in a row)");
	expect(&l, EXIT_FAILED, 0, RD_FAILED, 0, "failed: crash loop: 5 failures within 60s");
	assert_int_equal(l.s.restarts, 4);
}

static void test_crash_window_bounds(void **state)
{
	struct restart_policy p = defaults;
	struct restart_state s;
	struct restart_decision d;

	(void)state;
	p.crash_limit = 3;
	p.crash_window_ms = 10000;

	/* failures at 0, 5 and 10 s: within 10 s, bounds included */
	restart_state_init(&s);
	assert_int_equal(restart_decide(&p, &s, EXIT_FAILED, T0, T0).action, RD_RESTART);
	assert_int_equal(restart_decide(&p, &s, EXIT_FAILED, T0, T0 + 5000).action, RD_RESTART);
	d = restart_decide(&p, &s, EXIT_FAILED, T0, T0 + 10000);
	assert_int_equal(d.action, RD_FAILED);
	assert_string_equal(d.why, "failed: crash loop: 3 failures within 10s");

	/* at 0, 5 and 10.001 s: not */
	restart_state_init(&s);
	assert_int_equal(restart_decide(&p, &s, EXIT_FAILED, T0, T0).action, RD_RESTART);
	assert_int_equal(restart_decide(&p, &s, EXIT_FAILED, T0, T0 + 5000).action, RD_RESTART);
	assert_int_equal(restart_decide(&p, &s, EXIT_FAILED, T0, T0 + 10001).action, RD_RESTART);
	/* ... but the last three are: 5, 10.001, 12 s */
	assert_int_equal(restart_decide(&p, &s, EXIT_FAILED, T0, T0 + 12000).action, RD_FAILED);
}

static void test_spread_out_failures(void **state)
{
	struct life l;

	(void)state;
	/* a failure every 30 s of uptime: never 5 within 60 s */
	life_init(&l, &defaults);
	for (int i = 0; i < 50; i++)
		expect(&l, EXIT_FAILED, 30000, RD_RESTART, i < 6 ? 1000u << i : 60000u, NULL);
	assert_int_equal(l.s.restarts, 50);

	/* with a wider window the same cell is a crash loop */
	l.p.crash_window_ms = 3600000;
	expect(&l, EXIT_FAILED, 30000, RD_FAILED, 0, "failed: crash loop: 5 failures within 3600s");
}

/* ---- reboot, poweroff, stop ------------------------------------------ */

static void test_reboot_restarts_at_once(void **state)
{
	struct life l;

	(void)state;
	life_init(&l, &defaults);
	for (int i = 0; i < 20; i++)
		expect(&l, EXIT_REBOOT, 1000, RD_RESTART, 0, "rebooted from inside: restart now");
	assert_int_equal(l.s.restarts, 20);
	assert_int_equal(l.s.n_failures, 0);
	assert_int_equal(l.s.streak, 0);
}

static void test_quick_reboot_is_a_failure(void **state)
{
	struct restart_policy p = defaults;
	struct life l;

	(void)state;
	p.mode = RESTART_NEVER; /* a reboot restarts whatever the policy */
	life_init(&l, &p);
	expect(&l, EXIT_REBOOT, 200, RD_RESTART, 1000,
	       "rebooted from inside after 200ms, counted as a failure: restart in 1s "
	       "(1 failure in a row)");
	expect(&l, EXIT_REBOOT, 999, RD_RESTART, 2000, NULL);
	expect(&l, EXIT_REBOOT, 1000, RD_RESTART, 0, "rebooted from inside: restart now");
	expect(&l, EXIT_REBOOT, 0, RD_RESTART, 4000,
	       "rebooted from inside after 0ms, counted as a failure: restart in 4s "
	       "(3 failures in a row)");
	expect(&l, EXIT_REBOOT, 10, RD_RESTART, 8000, NULL);
	expect(&l, EXIT_REBOOT, 200, RD_FAILED, 0,
	       "rebooted from inside after 200ms: crash loop: 5 failures within 60s");
}

static void test_quick_clean_exit_is_a_failure(void **state)
{
	struct life l;

	(void)state;
	life_init(&l, &defaults);
	expect(&l, EXIT_CLEAN, 50, RD_RESTART, 1000,
	       "exited cleanly after 50ms, counted as a failure: restart in 1s "
	       "(1 failure in a row)");
	expect(&l, EXIT_CLEAN, 1000, RD_RESTART, 1000,
	       "exited cleanly: restart in 1s (restart = always)");
	expect(&l, EXIT_CLEAN, 50, RD_RESTART, 2000, NULL);
	expect(&l, EXIT_CLEAN, 50, RD_RESTART, 4000, NULL);
	expect(&l, EXIT_CLEAN, 50, RD_RESTART, 8000, NULL);
	expect(&l, EXIT_CLEAN, 50, RD_FAILED, 0,
	       "exited cleanly after 50ms: crash loop: 5 failures within 60s");

	/* under on-failure a quick clean exit is just an exit */
	l.p.mode = RESTART_ON_FAILURE;
	restart_state_init(&l.s);
	expect(&l, EXIT_CLEAN, 50, RD_STAY_EXITED, 0,
	       "exited cleanly: not restarted (restart = on-failure)");
	assert_int_equal(l.s.n_failures, 0);
}

static void test_poweroff_and_stop_stay_stopped(void **state)
{
	static const enum restart_mode modes[] = {RESTART_ALWAYS, RESTART_ON_FAILURE,
						  RESTART_NEVER};

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct restart_policy p = defaults;
		struct life l;

		p.mode = modes[i];
		life_init(&l, &p);
		/* quick or not, after failures or not */
		expect(&l, EXIT_POWEROFF, 0, RD_STAY_STOPPED, 0,
		       "powered off from inside: stays stopped");
		expect(&l, EXIT_STOPPED, 0, RD_STAY_STOPPED, 0,
		       "stopped on request: stays stopped");
		run(&l, EXIT_SETUP_FAILED, 0);
		run(&l, EXIT_SETUP_FAILED, 0);
		expect(&l, EXIT_POWEROFF, 100000, RD_STAY_STOPPED, 0, NULL);
		expect(&l, EXIT_STOPPED, 100000, RD_STAY_STOPPED, 0, NULL);
		assert_int_equal(l.s.n_failures, modes[i] == RESTART_NEVER ? 0 : 2);
	}
}

/* ---- setup failures -------------------------------------------------- */

static void test_setup_failures_back_off(void **state)
{
	struct restart_policy p = defaults;
	struct life l;

	(void)state;
	life_init(&l, &defaults);
	expect(&l, EXIT_SETUP_FAILED, 20, RD_RESTART, 1000,
	       "failed to start: restart in 1s (1 failure in a row)");
	expect(&l, EXIT_SETUP_FAILED, 20, RD_RESTART, 2000, NULL);
	expect(&l, EXIT_SETUP_FAILED, 20, RD_RESTART, 4000, NULL);
	expect(&l, EXIT_SETUP_FAILED, 20, RD_RESTART, 8000, NULL);
	expect(&l, EXIT_SETUP_FAILED, 20, RD_FAILED, 0,
	       "failed to start: crash loop: 5 failures within 60s");

	/* a setup that takes long never resets the back-off: it never ran */
	p.crash_limit = 100;
	life_init(&l, &p);
	expect(&l, EXIT_SETUP_FAILED, 20, RD_RESTART, 1000, NULL);
	expect(&l, EXIT_SETUP_FAILED, 120000, RD_RESTART, 2000, NULL);
	expect(&l, EXIT_SETUP_FAILED, 120000, RD_RESTART, 4000, NULL);
	/* mixed with failures of a running cell, they add up */
	expect(&l, EXIT_FAILED, 100, RD_RESTART, 8000,
	       "failed: restart in 8s (4 failures in a row)");

	/* on-failure retries them too */
	p = defaults;
	p.mode = RESTART_ON_FAILURE;
	life_init(&l, &p);
	for (int i = 0; i < 4; i++)
		expect(&l, EXIT_SETUP_FAILED, 0, RD_RESTART, 1000u << i, NULL);
	expect(&l, EXIT_SETUP_FAILED, 0, RD_FAILED, 0, NULL);
}

/* ---- the state ------------------------------------------------------- */

static void test_clear_keeps_count(void **state)
{
	struct life l;

	(void)state;
	life_init(&l, &defaults);
	for (int i = 0; i < 4; i++)
		run(&l, EXIT_FAILED, 0);
	expect(&l, EXIT_FAILED, 0, RD_FAILED, 0, NULL);
	assert_int_equal(l.s.restarts, 4);

	/* cellctl start: the history is gone, the count stays */
	restart_state_clear(&l.s);
	assert_int_equal(l.s.restarts, 4);
	assert_int_equal(l.s.n_failures, 0);
	assert_int_equal(l.s.streak, 0);
	expect(&l, EXIT_FAILED, 0, RD_RESTART, 1000, "failed: restart in 1s (1 failure in a row)");
	assert_int_equal(l.s.restarts, 5);
}

static void test_ring_and_policy_change(void **state)
{
	struct restart_policy p = defaults;
	struct life l;

	(void)state;
	/* 250 failures, one a minute: the ring wraps, nothing trips */
	p.crash_limit = 100;
	p.crash_window_ms = 1000;
	p.backoff_max_ms = 1000;
	life_init(&l, &p);
	for (int i = 0; i < 250; i++)
		expect(&l, EXIT_FAILED, 59000, RD_RESTART, 1000, NULL);
	assert_int_equal(l.s.n_failures, RESTART_CRASH_LIMIT_MAX);

	/* a reload widens the window: the kept history counts at once */
	l.p.crash_window_ms = 3600000;
	expect(&l, EXIT_FAILED, 59000, RD_RESTART, 1000, NULL); /* 100 span 99 min */
	l.p.crash_limit = 60;
	expect(&l, EXIT_FAILED, 59000, RD_FAILED, 0,
	       "failed: crash loop: 60 failures within 3600s");
}

static void test_odd_policies(void **state)
{
	struct restart_policy p = defaults;
	struct life l;

	(void)state;
	/* crash_limit 1: the first failure is the end */
	p.crash_limit = 1;
	life_init(&l, &p);
	expect(&l, EXIT_CLEAN, 5000, RD_RESTART, 1000, NULL);
	expect(&l, EXIT_FAILED, 5000, RD_FAILED, 0, "failed: crash loop: 1 failure within 60s");

	/* out of range values are brought into it: 0 is 1, past 100 is 100 */
	p.crash_limit = 0;
	life_init(&l, &p);
	expect(&l, EXIT_FAILED, 5000, RD_FAILED, 0, "failed: crash loop: 1 failure within 60s");
	p.crash_limit = 1000;
	p.crash_window_ms = 3600000;
	p.backoff_max_ms = 1000;
	life_init(&l, &p);
	for (int i = 0; i < 99; i++)
		run(&l, EXIT_FAILED, 0);
	expect(&l, EXIT_FAILED, 0, RD_FAILED, 0, "failed: crash loop: 100 failures within 3600s");

	/* a maximum below the first delay: the delay, constant */
	p = defaults;
	p.backoff_ms = 5000;
	p.backoff_max_ms = 2000;
	life_init(&l, &p);
	expect(&l, EXIT_FAILED, 5000, RD_RESTART, 5000, NULL);
	expect(&l, EXIT_FAILED, 5000, RD_RESTART, 5000, NULL);

	/* no delay at all: restarts at once, the crash loop still ends it */
	p = defaults;
	p.backoff_ms = 0;
	life_init(&l, &p);
	for (int i = 0; i < 4; i++)
		expect(&l, EXIT_FAILED, 10, RD_RESTART, 0, NULL);
	expect(&l, EXIT_FAILED, 10, RD_FAILED, 0, NULL);

	/* a clock that went back is no uptime */
	life_init(&l, &defaults);
	assert_int_equal(restart_decide(&l.p, &l.s, EXIT_REBOOT, T0 + 5000, T0).at_ms, T0 + 1000);

	/* the largest delays do not overflow */
	p = defaults;
	p.backoff_ms = 3600000;
	p.backoff_max_ms = 3600000;
	p.crash_limit = 100;
	life_init(&l, &p);
	l.s.streak = UINT32_MAX - 1;
	expect(&l, EXIT_FAILED, 10, RD_RESTART, 3600000, NULL);
	expect(&l, EXIT_FAILED, 10, RD_RESTART, 3600000, NULL);
	assert_int_equal(l.s.streak, UINT32_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exit_classify),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_policy_table),
	    cmocka_unit_test(test_backoff_sequence),
	    cmocka_unit_test(test_backoff_reset_after_long_run),
	    cmocka_unit_test(test_clean_exit_and_reboot_leave_backoff),
	    cmocka_unit_test(test_crash_loop_at_limit),
	    cmocka_unit_test(test_crash_window_bounds),
	    cmocka_unit_test(test_spread_out_failures),
	    cmocka_unit_test(test_reboot_restarts_at_once),
	    cmocka_unit_test(test_quick_reboot_is_a_failure),
	    cmocka_unit_test(test_quick_clean_exit_is_a_failure),
	    cmocka_unit_test(test_poweroff_and_stop_stay_stopped),
	    cmocka_unit_test(test_setup_failures_back_off),
	    cmocka_unit_test(test_clear_keeps_count),
	    cmocka_unit_test(test_ring_and_policy_change),
	    cmocka_unit_test(test_odd_policies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
