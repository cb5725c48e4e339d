// SPDX-License-Identifier: MIT
/* The event loop: see loop.h. */
#include "loop.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int loop_init(struct loop *l)
{
	*l = (struct loop){.epfd = epoll_create1(EPOLL_CLOEXEC)};
	if (l->epfd < 0)
		return log_errno(neg_errno(), "epoll");
	return 0;
}

void loop_fini(struct loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
	l->armed = NULL;
}

int loop_add_fd(struct loop *l, struct loop_fd *src, int fd, uint32_t events, loop_fd_fn cb,
		void *data)
{
	struct epoll_event ev = {.events = events, .data.ptr = src};

	src->cb = cb;
	src->data = data;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		src->fd = -1;
		return log_errno(neg_errno(), "epoll add fd %d", fd);
	}
	src->fd = fd;
	return 0;
}

int loop_modify_fd(struct loop *l, struct loop_fd *src, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = src};

	if (src->fd < 0)
		return -EBADF;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, src->fd, &ev) < 0)
		return neg_errno();
	return 0;
}

void loop_remove_fd(struct loop *l, struct loop_fd *src)
{
	if (src->fd < 0)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, src->fd, NULL);
	src->fd = -1;
	/* The rest of the batch being dispatched must not reach it: its
	 * owner may free it as soon as this returns. */
	for (int i = l->i_batch; i < l->n_batch; i++)
		if (l->batch[i].data.ptr == src)
			l->batch[i].data.ptr = NULL;
}

void loop_timer_init(struct loop_timer *t, loop_timer_fn cb, void *data)
{
	*t = (struct loop_timer){.cb = cb, .data = data};
}

void loop_timer_disarm(struct loop *l, struct loop_timer *t)
{
	struct loop_timer **p;

	if (!t->at_ms)
		return;
	for (p = &l->armed; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	t->next = NULL;
	t->at_ms = 0;
}

void loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t at_ms)
{
	struct loop_timer **p;

	loop_timer_disarm(l, t);
	t->at_ms = at_ms ? at_ms : 1;
	for (p = &l->armed; *p && (*p)->at_ms <= t->at_ms; p = &(*p)->next)
		;
	t->next = *p;
	*p = t;
}

void loop_timer_in(struct loop *l, struct loop_timer *t, uint64_t ms)
{
	loop_timer_arm(l, t, now_ms() + ms);
}

static int timeout_ms(const struct loop *l, int max_ms)
{
	uint64_t now, left;

	if (!l->armed)
		return max_ms;
	now = now_ms();
	left = l->armed->at_ms > now ? l->armed->at_ms - now : 0;
	if (left > 60000)
		left = 60000;
	if (max_ms >= 0 && (uint64_t)max_ms < left)
		return max_ms;
	return (int)left;
}

static void run_timers(struct loop *l)
{
	uint64_t now = now_ms();
	struct loop_timer *t;

	/* One at a time from the head: a callback may change the list. */
	while ((t = l->armed) && t->at_ms <= now) {
		l->armed = t->next;
		t->next = NULL;
		t->at_ms = 0;
		t->cb(t, t->data);
	}
}

int loop_dispatch(struct loop *l, int max_ms)
{
	struct epoll_event ev[LOOP_BATCH];
	int n;

	n = epoll_wait(l->epfd, ev, LOOP_BATCH, timeout_ms(l, max_ms));
	if (n < 0 && errno != EINTR)
		return log_errno(neg_errno(), "epoll_wait");
	l->batch = ev;
	l->n_batch = n > 0 ? n : 0;
	for (l->i_batch = 0; l->i_batch < l->n_batch;) {
		struct loop_fd *src = ev[l->i_batch].data.ptr;
		uint32_t events = ev[l->i_batch].events;

		l->i_batch++;
		if (src && src->fd >= 0)
			src->cb(src, events, src->data);
	}
	l->batch = NULL;
	l->n_batch = l->i_batch = 0;
	run_timers(l);
	return 0;
}
