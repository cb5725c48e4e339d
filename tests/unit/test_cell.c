// SPDX-License-Identifier: MIT
/*
 * The cell lifecycle (mgr/core/cell.c) with no kernel: a fake driver records
 * what the lifecycle asks of it, hooks record the events, and timers are
 * fired by hand.  Every transition of the table, the stop timeout, the
 * restart back-off and the crash loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cell.h"

const char *signal_name(int sig)
{
	static char buf[16];

	snprintf(buf, sizeof(buf), "SIG%d", sig);
	return buf;
}

/* What the fake driver and the hooks saw. */
struct world {
	struct loop loop;
	struct cell_env env;
	int fail_start; /* the next start fails with this (0: works) */
	unsigned starts, kills, signals, last_signal;
	unsigned started, ready, ended, failed, ending_calls;
	bool last_back_soon;
	bool ending_takes_over; /* the ending hook asks for a start at once */
};

static struct world W;

static int drv_start(void *ctx, struct cell *c)
{
	struct world *w = ctx;

	w->starts++;
	if (w->fail_start) {
		snprintf(c->reason, sizeof(c->reason), "no image");
		return w->fail_start;
	}
	c->pid = 1000 + (int)w->starts;
	return 0;
}

static int drv_signal(void *ctx, struct cell *c, int sig)
{
	struct world *w = ctx;

	w->signals++;
	w->last_signal = (unsigned)sig;
	return 0;
}

static void drv_kill(void *ctx, struct cell *c)
{
	((struct world *)ctx)->kills++;
}

static const struct cell_driver driver = {drv_start, drv_signal, drv_kill};

static void ev_started(void *ctx, struct cell *c)
{
	((struct world *)ctx)->started++;
}

static void ev_ready(void *ctx, struct cell *c)
{
	((struct world *)ctx)->ready++;
}

static bool ev_ending(void *ctx, struct cell *c, enum exit_kind kind)
{
	struct world *w = ctx;

	w->ending_calls++;
	return w->ending_takes_over;
}

static void ev_ended(void *ctx, struct cell *c, bool back_soon)
{
	struct world *w = ctx;

	w->ended++;
	w->last_back_soon = back_soon;
}

static void ev_failed(void *ctx, struct cell *c)
{
	((struct world *)ctx)->failed++;
}

static const struct cell_events events = {
    .started = ev_started,
    .ready = ev_ready,
    .ending = ev_ending,
    .ended = ev_ended,
    .failed = ev_failed,
};

static int setup(void **state)
{
	memset(&W, 0, sizeof(W));
	assert_int_equal(loop_init(&W.loop), 0);
	W.env = (struct cell_env){
	    .loop = &W.loop, .drv = &driver, .drv_ctx = &W, .ev = &events, .ev_ctx = &W};
	return 0;
}

static int teardown(void **state)
{
	loop_fini(&W.loop);
	return 0;
}

static struct cell *new_cell(enum restart_mode mode)
{
	struct cell_config cfg;
	struct restart_policy p = RESTART_POLICY_DEFAULT;
	struct cell *c;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.name, sizeof(cfg.name), "work");
	p.mode = mode;
	p.crash_limit = 3;
	cfg.restart = p;
	cfg.stop_signal = SIGTERM;
	cfg.stop_timeout_ms = 5000;
	c = cell_new(&cfg, &W.env);
	assert_non_null(c);
	return c;
}

/* A timer's time has come. */
static void fire(struct loop_timer *t)
{
	assert_true(loop_timer_armed(t));
	loop_timer_disarm(&W.loop, t);
	t->cb(t, t->data);
}

static void run_to_ready(struct cell *c)
{
	assert_int_equal(cell_start(c), 0);
	assert_int_equal(c->state, CELL_STARTING);
	cell_exec_done(c);
	assert_int_equal(c->state, CELL_RUNNING);
	cell_notify_ready(c);
	assert_int_equal(c->state, CELL_READY);
}

static void start_ready_stop(void **state)
{
	struct cell *c = new_cell(RESTART_ALWAYS);

	run_to_ready(c);
	assert_int_equal(W.starts, 1);
	assert_int_equal(W.started, 1);
	assert_int_equal(W.ready, 1);
	assert_int_equal(cell_start(c), 0); /* runs: left alone */
	assert_int_equal(W.starts, 1);
	cell_stop(c);
	assert_int_equal(c->state, CELL_STOPPING);
	assert_int_equal(W.last_signal, SIGTERM);
	assert_true(loop_timer_armed(&c->t_stop));
	cell_stop(c); /* again: nothing more */
	assert_int_equal(W.signals, 1);
	cell_ended(c, EXIT_STOPPED);
	assert_int_equal(c->state, CELL_STOPPED);
	assert_false(loop_timer_armed(&c->t_stop));
	assert_false(cell_restart_due(c)); /* restart = always, but stopped */
	assert_int_equal(W.ended, 1);
	assert_false(W.last_back_soon);
	cell_free(c);
}

static void stop_timeout_kills(void **state)
{
	struct cell *c = new_cell(RESTART_ALWAYS);

	run_to_ready(c);
	cell_stop(c);
	fire(&c->t_stop);
	assert_int_equal(W.kills, 1);
	assert_true(c->killed);
	assert_int_equal(c->state, CELL_STOPPING);
	cell_ended(c, EXIT_STOPPED);
	assert_int_equal(c->state, CELL_STOPPED);
	cell_free(c);
}

static void failure_backs_off_then_crash_loop(void **state)
{
	struct cell *c = new_cell(RESTART_ALWAYS);
	uint64_t prev = 0;

	run_to_ready(c);
	/* crash_limit 3: two failures restart, each later than the last ... */
	for (int i = 0; i < 2; i++) {
		uint64_t delay;

		cell_ended(c, EXIT_FAILED);
		assert_int_equal(c->state, CELL_EXITED);
		assert_true(cell_restart_due(c));
		delay = c->t_restart.at_ms - now_ms();
		assert_true(delay + 5 >= prev);
		prev = delay;
		fire(&c->t_restart);
		assert_int_equal(c->state, CELL_STARTING);
	}
	assert_int_equal(W.starts, 3);
	assert_int_equal(c->restarts, 2);
	/* ... the third within the window is a crash loop: failed. */
	cell_ended(c, EXIT_FAILED);
	assert_int_equal(c->state, CELL_FAILED);
	assert_false(cell_restart_due(c));
	assert_int_equal(W.failed, 1);
	assert_non_null(strstr(c->reason, "crash"));
	/* A start by hand is allowed from failed. */
	assert_int_equal(cell_start(c), 0);
	assert_int_equal(c->state, CELL_STARTING);
	cell_free(c);
}

static void start_failure_follows_policy(void **state)
{
	struct cell *c = new_cell(RESTART_ALWAYS);

	W.fail_start = -ENOENT;
	assert_int_equal(cell_start(c), -ECANCELED);
	assert_string_equal(c->reason, "no image");
	assert_int_equal(W.failed, 1);
	assert_int_equal(c->state, CELL_EXITED);
	assert_true(cell_restart_due(c));
	/* A stop while the restart is due settles it. */
	cell_stop(c);
	assert_int_equal(c->state, CELL_STOPPED);
	assert_false(cell_restart_due(c));
	cell_free(c);
}

static void never_and_on_failure(void **state)
{
	struct cell *c = new_cell(RESTART_NEVER);

	run_to_ready(c);
	cell_ended(c, EXIT_FAILED);
	assert_int_equal(c->state, CELL_EXITED);
	assert_false(cell_restart_due(c));
	cell_free(c);
	c = new_cell(RESTART_ON_FAILURE);
	run_to_ready(c);
	cell_ended(c, EXIT_CLEAN);
	assert_int_equal(c->state, CELL_EXITED);
	assert_false(cell_restart_due(c));
	cell_ended(c, EXIT_POWEROFF); /* exited -> stopped */
	assert_int_equal(c->state, CELL_STOPPED);
	cell_free(c);
}

static void restart_asked_starts_once_gone(void **state)
{
	struct cell *c = new_cell(RESTART_NEVER);

	run_to_ready(c);
	cell_stop(c);
	c->start_after_stop = true;
	cell_ended(c, EXIT_STOPPED);
	assert_int_equal(c->state, CELL_STARTING);
	assert_true(W.last_back_soon);
	assert_false(c->start_after_stop);
	assert_int_equal(W.starts, 2);
	cell_free(c);
}

static void ending_hook_takes_over(void **state)
{
	struct cell *c = new_cell(RESTART_NEVER);

	run_to_ready(c);
	W.ending_takes_over = true;
	cell_ended(c, EXIT_FAILED);
	assert_int_equal(W.ending_calls, 1);
	assert_int_equal(c->state, CELL_STARTING); /* started again, policy never asked */
	assert_int_equal(W.starts, 2);
	cell_free(c);
}

static void removed_and_shutdown_stay_stopped(void **state)
{
	struct cell *c = new_cell(RESTART_ALWAYS);

	run_to_ready(c);
	c->removed = true;
	cell_stop(c);
	cell_ended(c, EXIT_FAILED);
	assert_int_equal(c->state, CELL_STOPPED);
	assert_false(cell_restart_due(c));
	cell_free(c);
	c = new_cell(RESTART_ALWAYS);
	run_to_ready(c);
	W.env.shutting_down = true;
	cell_ended(c, EXIT_FAILED);
	assert_int_equal(c->state, CELL_STOPPED);
	assert_false(cell_restart_due(c));
	assert_int_equal(W.ending_calls, 0);
	cell_free(c);
}

static void adopted_runs(void **state)
{
	struct cell *c = new_cell(RESTART_ALWAYS);

	cell_adopted(c);
	assert_int_equal(c->state, CELL_RUNNING);
	cell_notify_ready(c);
	assert_int_equal(c->state, CELL_READY);
	cell_free(c);
}

/* The table: what a cell with processes may become, and what not. */
static void transition_table(void **state)
{
	struct cell *c = new_cell(RESTART_ALWAYS);
	static const struct {
		enum cell_state from, to;
		bool ok;
	} rows[] = {
	    {CELL_STOPPED, CELL_STARTING, true},   {CELL_STOPPED, CELL_RUNNING, true},
	    {CELL_STOPPED, CELL_READY, false},	   {CELL_STOPPED, CELL_STOPPING, false},
	    {CELL_STARTING, CELL_RUNNING, true},   {CELL_STARTING, CELL_READY, true},
	    {CELL_STARTING, CELL_STARTING, false}, {CELL_RUNNING, CELL_STARTING, false},
	    {CELL_RUNNING, CELL_READY, true},	   {CELL_READY, CELL_RUNNING, false},
	    {CELL_READY, CELL_STOPPING, true},	   {CELL_STOPPING, CELL_RUNNING, false},
	    {CELL_STOPPING, CELL_READY, false},	   {CELL_STOPPING, CELL_STARTING, false},
	    {CELL_STOPPING, CELL_STOPPED, true},   {CELL_EXITED, CELL_RUNNING, false},
	    {CELL_EXITED, CELL_STARTING, true},	   {CELL_FAILED, CELL_READY, false},
	    {CELL_FAILED, CELL_STARTING, true},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		c->state = rows[i].from;
		assert_int_equal(cell_transition_allowed(rows[i].from, rows[i].to), rows[i].ok);
		assert_int_equal(cell_set_state(c, rows[i].to, "test"), rows[i].ok ? 0 : -EINVAL);
		assert_int_equal(c->state, rows[i].ok ? rows[i].to : rows[i].from);
	}
	assert_false(cell_transition_allowed(CELL_STATES, CELL_STOPPED));
	c->state = CELL_STOPPED;
	cell_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(start_ready_stop, setup, teardown),
	    cmocka_unit_test_setup_teardown(stop_timeout_kills, setup, teardown),
	    cmocka_unit_test_setup_teardown(failure_backs_off_then_crash_loop, setup, teardown),
	    cmocka_unit_test_setup_teardown(start_failure_follows_policy, setup, teardown),
	    cmocka_unit_test_setup_teardown(never_and_on_failure, setup, teardown),
	    cmocka_unit_test_setup_teardown(restart_asked_starts_once_gone, setup, teardown),
	    cmocka_unit_test_setup_teardown(ending_hook_takes_over, setup, teardown),
	    cmocka_unit_test_setup_teardown(removed_and_shutdown_stay_stopped, setup, teardown),
	    cmocka_unit_test_setup_teardown(adopted_runs, setup, teardown),
	    cmocka_unit_test_setup_teardown(transition_table, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
