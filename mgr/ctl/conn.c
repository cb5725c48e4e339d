// SPDX-License-Identifier: MIT
/* A control connection's end, for the socket (ctl.c) and exec (ctl_exec.c). */
#include <unistd.h>

#include "ctl.h"
#include "mgr.h"

/* A running command keeps the slot until reaped (ctl_exec.c). */
void ctl_client_close(struct mgr *m, struct ctl_client *cl)
{
	if (cl->fd < 0)
		return;
	loop_remove_fd(&m->loop, &cl->w);
	loop_timer_disarm(&m->loop, &cl->t_request);
	close(cl->fd);
	cl->fd = -1;
	cl->follow = NULL;
}
