// SPDX-License-Identifier: MIT
/*
 * The restart policy's arithmetic (supervise.h; docs/config.md, "Restart
 * policy").
 *
 * Two counters with two jobs: the back-off streak (failures in a row since
 * the cell last stayed up for restart_reset) sets the delay, and the ring
 * of failure times finds a crash loop.  A long run resets only the streak:
 * the crash-loop test is about time already, and a cell that fails once a
 * minute after a minute's run is no crash loop under the defaults.
 */
#include "supervise.h"

#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *exit_kind_name(enum exit_kind k)
{
	switch (k) {
	case EXIT_CLEAN: return "exited cleanly";
	case EXIT_FAILED: return "failed";
	case EXIT_REBOOT: return "rebooted from inside";
	case EXIT_POWEROFF: return "powered off from inside";
	case EXIT_STOPPED: return "stopped on request";
	case EXIT_SETUP_FAILED: return "failed to start";
	}
	return "ended";
}

enum exit_kind exit_classify(int code, int status, bool stop_requested)
{
	if (stop_requested)
		return EXIT_STOPPED;
	switch (code) {
	case CLD_EXITED: return status == 0 ? EXIT_CLEAN : EXIT_FAILED;
	case CLD_KILLED:
	case CLD_DUMPED:
		if (status == SIGHUP)
			return EXIT_REBOOT;
		if (status == SIGINT)
			return EXIT_POWEROFF;
		return EXIT_FAILED;
	default: return EXIT_FAILED;
	}
}

void restart_state_init(struct restart_state *s)
{
	memset(s, 0, sizeof(*s));
}

void restart_state_clear(struct restart_state *s)
{
	unsigned restarts = s->restarts;

	restart_state_init(s);
	s->restarts = restarts;
}

/* "1s", "500ms", "0ms": as the config would write it. */
static const char *format_ms(char *buf, size_t size, uint64_t ms)
{
	if (ms != 0 && ms % 1000 == 0)
		snprintf(buf, size, "%llus", (unsigned long long)(ms / 1000));
	else
		snprintf(buf, size, "%llums", (unsigned long long)ms);
	return buf;
}

__attribute__((format(printf, 3, 4))) static struct restart_decision
decision(enum restart_action action, uint64_t at_ms, const char *fmt, ...)
{
	struct restart_decision d = {.action = action, .at_ms = at_ms};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d.why, sizeof(d.why), fmt, ap);
	va_end(ap);
	return d;
}

/* backoff_ms doubled streak times, at most backoff_max_ms (or backoff_ms
 * when the maximum is below it). */
static uint64_t backoff_delay(const struct restart_policy *p, unsigned streak)
{
	uint64_t delay = p->backoff_ms, max = p->backoff_max_ms;

	if (max < delay)
		max = delay;
	for (unsigned i = 0; i < streak && delay != 0 && delay < max; i++)
		delay *= 2;
	return delay < max ? delay : max;
}

static void record_failure(struct restart_state *s, uint64_t now_ms)
{
	s->failure_ms[s->next] = now_ms;
	s->next = (s->next + 1) % RESTART_CRASH_LIMIT_MAX;
	if (s->n_failures < RESTART_CRASH_LIMIT_MAX)
		s->n_failures++;
	if (s->streak < UINT_MAX)
		s->streak++;
}

/* crash_limit within what the ring holds (the parser allows 1..100). */
static unsigned crash_limit(const struct restart_policy *p)
{
	if (p->crash_limit < 1)
		return 1;
	return p->crash_limit < RESTART_CRASH_LIMIT_MAX ? p->crash_limit : RESTART_CRASH_LIMIT_MAX;
}

/* Whether the last crash_limit failures (now_ms's among them) all fall
 * within crash_window_ms, bounds included. */
static bool crash_loop(const struct restart_policy *p, const struct restart_state *s,
		       uint64_t now_ms)
{
	unsigned limit = crash_limit(p), oldest;

	if (s->n_failures < limit)
		return false;
	oldest = (s->next + RESTART_CRASH_LIMIT_MAX - limit) % RESTART_CRASH_LIMIT_MAX;
	return s->failure_ms[oldest] + p->crash_window_ms >= now_ms;
}

struct restart_decision restart_decide(const struct restart_policy *p, struct restart_state *s,
				       enum exit_kind kind, uint64_t started_ms, uint64_t now_ms)
{
	const char *what = exit_kind_name(kind), *mode = restart_mode_name(p->mode);
	uint64_t up = now_ms > started_ms ? now_ms - started_ms : 0, delay;
	char t[24], after[48];
	bool quick = false;

	switch (kind) {
	case EXIT_STOPPED:
	case EXIT_POWEROFF: return decision(RD_STAY_STOPPED, 0, "%s: stays stopped", what);
	case EXIT_CLEAN:
		if (p->mode != RESTART_ALWAYS)
			return decision(RD_STAY_EXITED, 0, "%s: not restarted (restart = %s)", what,
					mode);
		quick = up < RESTART_QUICK_MS;
		break;
	case EXIT_REBOOT: quick = up < RESTART_QUICK_MS; break;
	case EXIT_FAILED:
		if (p->mode == RESTART_NEVER)
			return decision(RD_STAY_EXITED, 0, "%s: not restarted (restart = %s)", what,
					mode);
		break;
	case EXIT_SETUP_FAILED:
		if (p->mode == RESTART_NEVER)
			return decision(RD_FAILED, 0, "%s: not restarted (restart = %s)", what,
					mode);
		break;
	}

	/* A setup failure never ran, however long the setup took. */
	if (kind != EXIT_SETUP_FAILED && up >= p->reset_after_ms)
		s->streak = 0;

	if ((kind == EXIT_CLEAN || kind == EXIT_REBOOT) && !quick) {
		s->restarts++;
		if (kind == EXIT_REBOOT)
			return decision(RD_RESTART, now_ms, "%s: restart now", what);
		return decision(RD_RESTART, now_ms + p->backoff_ms,
				"%s: restart in %s (restart = %s)", what,
				format_ms(t, sizeof(t), p->backoff_ms), mode);
	}

	/* A failure, or a run too short to be anything but one. */
	record_failure(s, now_ms);
	if (quick)
		snprintf(after, sizeof(after), " after %s", format_ms(t, sizeof(t), up));
	else
		after[0] = '\0';
	if (crash_loop(p, s, now_ms)) {
		unsigned limit = crash_limit(p);

		return decision(RD_FAILED, 0, "%s%s: crash loop: %u failure%s within %s", what,
				after, limit, limit == 1 ? "" : "s",
				format_ms(t, sizeof(t), p->crash_window_ms));
	}
	delay = backoff_delay(p, s->streak - 1);
	s->restarts++;
	return decision(RD_RESTART, now_ms + delay, "%s%s%s: restart in %s (%u failure%s in a row)",
			what, after, quick ? ", counted as a failure" : "",
			format_ms(t, sizeof(t), delay), s->streak, s->streak == 1 ? "" : "s");
}
