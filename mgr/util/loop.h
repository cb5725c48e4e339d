/* SPDX-License-Identifier: MIT */
/*
 * cellmgr's event loop: one epoll set, fd sources with callbacks, and
 * timers, after seatd's poller.  Sources and timers are embedded in their
 * owners (no allocation, nothing to fail at run time): a cell, a control
 * connection, an input device each carry theirs.
 *
 * A source removed while the loop dispatches a batch of events gets none
 * of the batch's remaining events, so an owner may close and free it from
 * any callback.  Timers fire in the order of their deadlines; a callback
 * may arm, disarm or remove any timer.  Nothing here blocks but the one
 * epoll_wait.
 */
#ifndef CELLAR_LOOP_H
#define CELLAR_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>

struct loop_fd;
struct loop_timer;

/* The struct a callback's source or timer is embedded in. */
#define container_of(p, type, member) ((type *)((char *)(p)-offsetof(type, member)))

/* events: the epoll events that came (EPOLLIN, EPOLLPRI, EPOLLHUP...). */
typedef void (*loop_fd_fn)(struct loop_fd *src, uint32_t events, void *data);
typedef void (*loop_timer_fn)(struct loop_timer *t, void *data);

struct loop_fd {
	int fd; /* -1 when not in the loop */
	loop_fd_fn cb;
	void *data;
};

struct loop_timer {
	uint64_t at_ms; /* CLOCK_MONOTONIC ms; 0: not armed */
	loop_timer_fn cb;
	void *data;
	struct loop_timer *next; /* the loop's list of armed timers */
};

#define LOOP_BATCH 32

struct loop {
	int epfd;
	struct loop_timer *armed; /* soonest first */
	struct epoll_event *batch;
	int n_batch, i_batch; /* the batch being dispatched */
};

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t now_ms(void);

int loop_init(struct loop *l);
void loop_fini(struct loop *l);

/* Watches fd for events; cb(src, events, data) when they come.  Returns
 * 0 or a negative errno (logged). */
int loop_add_fd(struct loop *l, struct loop_fd *src, int fd, uint32_t events, loop_fd_fn cb,
		void *data);
/* Changes the events watched for. */
int loop_modify_fd(struct loop *l, struct loop_fd *src, uint32_t events);
/* Stops watching (the fd stays open: the owner closes it).  Harmless on
 * a source not in the loop. */
void loop_remove_fd(struct loop *l, struct loop_fd *src);
static inline void loop_fd_init(struct loop_fd *src)
{
	src->fd = -1;
}

/* A timer that calls cb(t, data) once, at at_ms (loop_timer_arm) or after
 * ms (loop_timer_in).  Arming an armed timer moves it. */
void loop_timer_init(struct loop_timer *t, loop_timer_fn cb, void *data);
void loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t at_ms);
void loop_timer_in(struct loop *l, struct loop_timer *t, uint64_t ms);
void loop_timer_disarm(struct loop *l, struct loop_timer *t);
static inline bool loop_timer_armed(const struct loop_timer *t)
{
	return t->at_ms != 0;
}

/* Waits for events (at most until the next timer, or max_ms when >= 0 and
 * sooner), dispatches them, then the timers that are due.  Returns 0, or a
 * negative errno when epoll_wait fails (EINTR is not a failure). */
int loop_dispatch(struct loop *l, int max_ms);

#endif
