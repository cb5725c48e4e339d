// SPDX-License-Identifier: MIT
/* cellctl's --wait: see cellctl_wait.h. */
#include "cellctl_wait.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl_client.h"
#include "ctl_proto.h"

struct cell_status {
	char state[32];
	char reason[256];
	long pid;
};

/* One `status NAME` on a connection of its own (ctl_client.h: errors are
 * printed there). */
static int ask_status(const char *socket_path, const char *name, struct cell_status *st)
{
	static char reply[CTL_REPLY_MAX + 1];
	const char *fields[] = {"status", name};
	ssize_t n;

	memset(st, 0, sizeof(*st));
	n = ctl_client_call(socket_path, 2, fields, reply, sizeof(reply));
	if (n < 0)
		return -EPROTO;
	for (char *line = reply, *end; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		if (!strncmp(line, "state: ", 7))
			snprintf(st->state, sizeof(st->state), "%.*s", (int)(end - line - 7),
				 line + 7);
		else if (!strncmp(line, "pid: ", 5))
			st->pid = strtol(line + 5, NULL, 10);
		else if (!strncmp(line, "reason: ", 8))
			snprintf(st->reason, sizeof(st->reason), "%.*s", (int)(end - line - 8),
				 line + 8);
	}
	return st->state[0] ? 0 : -EPROTO;
}

long cellctl_cell_pid(const char *socket_path, const char *name)
{
	struct cell_status st;

	return ask_status(socket_path, name, &st) < 0 ? -1 : st.pid;
}

static bool up(const struct cell_status *st)
{
	return !strcmp(st->state, "running") || !strcmp(st->state, "ready");
}

static bool down(const struct cell_status *st)
{
	return !strcmp(st->state, "stopped") || !strcmp(st->state, "exited") ||
	       !strcmp(st->state, "failed");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cellctl_wait(const char *socket_path, const char *cmd, const char *name, unsigned timeout_s,
		 long old_pid)
{
	bool stop = !strcmp(cmd, "stop"), restart = !strcmp(cmd, "restart");
	double deadline = now_s() + timeout_s;
	struct cell_status st;
	int r;

	for (;;) {
		r = ask_status(socket_path, name, &st);
		if (r < 0)
			return 1; /* ctl_client_call() said why */
		if (stop ? down(&st) : up(&st) && (!restart || st.pid != old_pid))
			return 0;
		/* A start that ended in failure is over: no use waiting. */
		if (!stop &&
		    (!strcmp(st.state, "failed") || (!strcmp(st.state, "exited") && !restart))) {
			fprintf(stderr, "cellctl: cell %s %s%s%s\n", name, st.state,
				st.reason[0] ? ": " : "", st.reason);
			return 1;
		}
		if (now_s() >= deadline) {
			fprintf(stderr, "cellctl: cell %s is %s, not %s, after %u s (--timeout)\n",
				name, st.state, stop ? "stopped" : "running", timeout_s);
			return 1;
		}
		usleep(50 * 1000);
	}
}
