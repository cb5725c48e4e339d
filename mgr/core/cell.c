// SPDX-License-Identifier: MIT
/* A cell's lifecycle: the state table, start, stop, end and restart
 * (cell.h).  Nothing here touches the kernel: the driver does. */
#include "cell.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

const char *cell_state_name(enum cell_state s)
{
	switch (s) {
	case CELL_STOPPED: return "stopped";
	case CELL_STARTING: return "starting";
	case CELL_RUNNING: return "running";
	case CELL_READY: return "ready";
	case CELL_STOPPING: return "stopping";
	case CELL_EXITED: return "exited";
	case CELL_FAILED: return "failed";
	}
	return "unknown";
}

#define S(x) (1u << CELL_##x)
/* Where each state may go.  A cell with processes (starting to stopping)
 * leaves only through its end, which the policy turns into stopped,
 * exited or failed; a cell without goes only to starting, or is adopted
 * running, and a stop settles a due restart (exited -> stopped). */
static const unsigned allowed[CELL_STATES] = {
    [CELL_STOPPED] = S(STARTING) | S(RUNNING) | S(EXITED) | S(STOPPED) | S(FAILED),
    [CELL_STARTING] = S(RUNNING) | S(READY) | S(STOPPING) | S(STOPPED) | S(EXITED) | S(FAILED),
    [CELL_RUNNING] = S(READY) | S(STOPPING) | S(STOPPED) | S(EXITED) | S(FAILED),
    [CELL_READY] = S(STOPPING) | S(STOPPED) | S(EXITED) | S(FAILED),
    [CELL_STOPPING] = S(STOPPED) | S(EXITED) | S(FAILED),
    [CELL_EXITED] = S(STARTING) | S(STOPPED) | S(EXITED) | S(FAILED),
    [CELL_FAILED] = S(STARTING) | S(STOPPED) | S(EXITED) | S(FAILED),
};
#undef S

bool cell_transition_allowed(enum cell_state from, enum cell_state to)
{
	if ((unsigned)from >= CELL_STATES || (unsigned)to >= CELL_STATES)
		return false;
	return allowed[from] & (1u << to);
}

int cell_set_state(struct cell *c, enum cell_state to, const char *why)
{
	if (!cell_transition_allowed(c->state, to)) {
		log_error("cell %s: %s -> %s is not a transition (%s): state kept", c->cfg.name,
			  cell_state_name(c->state), cell_state_name(to), why ? why : "no reason");
		return -EINVAL;
	}
	c->state = to;
	return 0;
}

bool cell_is_active(const struct cell *c)
{
	return c->state == CELL_STARTING || c->state == CELL_RUNNING || c->state == CELL_READY ||
	       c->state == CELL_STOPPING;
}

struct cell *cells_find(const struct cells *cs, const char *name)
{
	for (size_t i = 0; i < cs->n; i++)
		if (!cs->v[i]->removed && strcmp(cs->v[i]->cfg.name, name) == 0)
			return cs->v[i];
	return NULL;
}

static void on_restart_due(struct loop_timer *t, void *data);
static void on_stop_timeout(struct loop_timer *t, void *data);

struct cell *cell_new(const struct cell_config *cfg, struct cell_env *env)
{
	struct cell *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->env = env;
	c->cfg = *cfg;
	c->pidfd = c->errpipe = c->pty_master = c->pty_slave = c->notify = c->shim_pidfd = -1;
	c->drain_fd = -1;
	loop_fd_init(&c->w_drain);
	loop_timer_init(&c->t_drain, NULL, c); /* the driver sets its callback */
	loop_fd_init(&c->w_pty);
	loop_fd_init(&c->w_errpipe);
	loop_fd_init(&c->w_pidfd);
	loop_fd_init(&c->w_notify);
	loop_timer_init(&c->t_restart, on_restart_due, c);
	loop_timer_init(&c->t_stop, on_stop_timeout, c);
	loop_timer_init(&c->t_update, NULL, c); /* update.c sets its callback */
	restart_state_init(&c->restart);
	consolelog_init(&c->console_file);
	return c;
}

void cell_free(struct cell *c)
{
	if (!c)
		return;
	loop_timer_disarm(c->env->loop, &c->t_restart);
	loop_timer_disarm(c->env->loop, &c->t_stop);
	loop_timer_disarm(c->env->loop, &c->t_update);
	loop_timer_disarm(c->env->loop, &c->t_drain);
	consolelog_close(&c->console_file);
	free(c->next_cfg);
	free(c);
}

#define EMIT(c, hook, ...)                                                                         \
	do {                                                                                       \
		if ((c)->env->ev && (c)->env->ev->hook)                                            \
			(c)->env->ev->hook((c)->env->ev_ctx, (c), ##__VA_ARGS__);                  \
	} while (0)

int cell_start(struct cell *c)
{
	struct cell_env *env = c->env;

	if (cell_is_active(c))
		return 0;
	c->reason[0] = '\0';
	loop_timer_disarm(env->loop, &c->t_restart);
	c->setup_failed = false;
	c->killed = false;
	c->end_code = c->end_status = 0;
	c->stop_requested = false;
	c->status[0] = '\0';
	if (c->next_cfg) {
		c->cfg = *c->next_cfg;
		free(c->next_cfg);
		c->next_cfg = NULL;
	}
	if (env->drv->start(env->drv_ctx, c) < 0) {
		if (!c->reason[0])
			snprintf(c->reason, sizeof(c->reason), "start failed");
		log_error("cell %s: %s", c->cfg.name, c->reason);
		EMIT(c, failed);
		cell_ended(c, EXIT_SETUP_FAILED);
		return -ECANCELED;
	}
	cell_set_state(c, CELL_STARTING, "spawned");
	c->started_ms = now_ms();
	return 0;
}

int cell_fail(struct cell *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	va_end(ap);
	return -ECANCELED;
}

void cell_stop(struct cell *c)
{
	struct cell_env *env = c->env;

	c->stop_requested = true;
	loop_timer_disarm(env->loop, &c->t_restart);
	if (!cell_is_active(c)) {
		if (c->state == CELL_EXITED) /* a restart was due: no more */
			cell_set_state(c, CELL_STOPPED, "stop asked while a restart was due");
		return;
	}
	if (c->state == CELL_STOPPING)
		return;
	cell_set_state(c, CELL_STOPPING, "stop asked");
	loop_timer_in(env->loop, &c->t_stop, c->cfg.stop_timeout_ms);
	log_info("cell %s: stopping with %s (timeout %u ms)", c->cfg.name,
		 signal_name(c->cfg.stop_signal), c->cfg.stop_timeout_ms);
	env->drv->signal(env->drv_ctx, c, c->cfg.stop_signal);
}

static void on_stop_timeout(struct loop_timer *t, void *data)
{
	struct cell *c = data;

	(void)t;
	if (c->state != CELL_STOPPING)
		return;
	log_warn("cell %s did not stop within %u ms: killing it", c->cfg.name,
		 c->cfg.stop_timeout_ms);
	c->killed = true;
	c->env->drv->kill(c->env->drv_ctx, c);
}

static void on_restart_due(struct loop_timer *t, void *data)
{
	(void)t;
	cell_start(data);
}

void cell_adopted(struct cell *c)
{
	cell_set_state(c, CELL_RUNNING, "adopted");
}

void cell_exec_done(struct cell *c)
{
	if (c->state == CELL_STARTING)
		cell_set_state(c, CELL_RUNNING, "its init was exec'd");
	log_info("cell %s started (pid %d)", c->cfg.name, (int)c->pid);
	EMIT(c, started);
}

void cell_setup_failed(struct cell *c)
{
	c->setup_failed = true;
	log_error("cell %s: %s", c->cfg.name, c->reason);
	EMIT(c, failed);
	/* The child exits now; its end brings the rest (cell_ended). */
}

void cell_notify_ready(struct cell *c)
{
	/* STARTING too: the exec report and READY=1 may come in one batch of
	 * events, READY=1 first. */
	if (c->state != CELL_RUNNING && c->state != CELL_STARTING)
		return;
	cell_set_state(c, CELL_READY, "READY=1");
	log_info("cell %s is ready", c->cfg.name);
	EMIT(c, ready);
}

void cell_output(struct cell *c, const char *buf, size_t len)
{
	ring_write(&c->console_log, buf, len);
	consolelog_write(&c->console_file, buf, len);
	EMIT(c, output, buf, len);
}

void cell_console_tail(const struct cell *c, char *out, size_t len)
{
	char raw[512];
	size_t n = ring_tail_lines(&c->console_log, 3, raw, sizeof(raw) - 1), o = 0;

	for (size_t i = 0; i < n && o + 4 < len; i++) {
		unsigned char ch = (unsigned char)raw[i];

		if (ch == '\n') {
			if (o > 0 && out[o - 1] != '|') {
				out[o++] = ' ';
				out[o++] = '|';
				out[o++] = ' ';
			}
		} else if (ch >= 0x20 && ch != 0x7f) {
			out[o++] = (char)ch;
		}
	}
	while (o >= 3 && out[o - 1] == ' ' && out[o - 2] == '|')
		o -= 3; /* no separator after the last line */
	out[o] = '\0';
}

/* The policy gave up: the reason says why, with the last run's. */
static void give_up(struct cell *c, const char *why)
{
	char last[sizeof(c->reason)], tail[400];

	cell_set_state(c, CELL_FAILED, why);
	cell_console_tail(c, tail, sizeof(tail));
	snprintf(last, sizeof(last), "%s", c->reason);
	snprintf(c->reason, sizeof(c->reason), "%s (last: %.100s)", why, last);
	log_error("cell %s: %s; last console lines: %s", c->cfg.name, c->reason,
		  *tail ? tail : "(none)");
	EMIT(c, failed);
}

void cell_ended(struct cell *c, enum exit_kind kind)
{
	struct cell_env *env = c->env;
	struct restart_decision d;
	uint64_t now = now_ms();
	bool again;

	loop_timer_disarm(env->loop, &c->t_stop);
	loop_timer_disarm(env->loop, &c->t_update);
	if (c->removed || env->shutting_down) {
		cell_set_state(c, CELL_STOPPED, c->removed ? "removed" : "shutting down");
		EMIT(c, ended, false);
		return;
	}
	/* An update on trial that failed rolls back and starts again; a
	 * restart or a changed configuration starts once it is gone. */
	again = (env->ev && env->ev->ending && env->ev->ending(env->ev_ctx, c, kind)) ||
		c->start_after_stop;
	if (again) {
		c->start_after_stop = false;
		cell_set_state(c, CELL_STOPPED, "to start again");
		EMIT(c, ended, true);
		cell_start(c);
		return;
	}
	d = restart_decide(&c->cfg.restart, &c->restart, kind, c->started_ms, now);
	switch (d.action) {
	case RD_RESTART: {
		uint64_t at = d.at_ms > now ? d.at_ms : now;

		cell_set_state(c, CELL_EXITED, d.why);
		loop_timer_arm(env->loop, &c->t_restart, at);
		c->restarts++;
		log_info("cell %s: restarting in %llu ms (%s)", c->cfg.name,
			 (unsigned long long)(at - now), d.why);
		EMIT(c, ended, at - now <= CELL_BACK_SOON_MS);
		return;
	}
	case RD_STAY_STOPPED:
		cell_set_state(c, CELL_STOPPED, d.why);
		log_info("cell %s stays stopped (%s)", c->cfg.name, d.why);
		break;
	case RD_STAY_EXITED:
		cell_set_state(c, CELL_EXITED, d.why);
		log_info("cell %s stays down (%s)", c->cfg.name, d.why);
		break;
	case RD_FAILED: give_up(c, d.why); break;
	}
	EMIT(c, ended, false);
}
