/* SPDX-License-Identifier: MIT */
/* cellmgr's one context: every part takes it instead of global state. */
#ifndef CELLAR_MGR_H
#define CELLAR_MGR_H

#include <stdbool.h>
#include <stdint.h>
#include <termios.h>

#include "admin.h"
#include "cell.h"
#include "cgroup.h"
#include "config.h"
#include "ctl.h"
#include "devprog.h"
#include "idmap.h"
#include "cell_seccomp.h"
#include "vt.h"

struct console {
	bool attached; /* board mode: stdin/stdout are the board's console */
	bool restore_termios;
	struct termios saved;
	struct cell *front; /* the cell whose console the user sees */
	bool escape;	    /* the previous input byte was the escape key */
	struct watch w_in;
};

struct input;

struct mgr {
	const char *config_path;
	const char *state_dir;
	const char *socket_path;
	const char *data_dir;  /* persistent state: --data-dir, else [host] data_dir */
	bool board;	       /* started by cellar's init as the board's manager */
	const char *once_name; /* --once NAME: run that cell alone (once.h) */
	struct cell *once;     /* ... and here it is; its console goes to stdout */

	struct config cfg;
	struct cell **cells; /* the list's order, then removed cells still stopping;
			      * each allocated on its own, the array by mgr_reload */
	size_t n_cells;

	/* Built once per configuration, used by every cell start. */
	int own_mntns;	      /* to come back from a shim's mount namespace */
	int lock_fd;	      /* <state>/lock, held for life (statelock.h) */
	const char *shim_exe; /* cellar-shim next to cellmgr, or NULL: in place */
	struct cgroup_root cgroups;
	struct devprog devices;		      /* the cells' device allow-list program */
	struct seccomp_prog seccomp;	      /* the cells' filter */
	struct seccomp_prog seccomp_io_uring; /* ... of a cell with io_uring = yes */
	bool have_seccomp;
	struct idmap_db idmap;
	bool idmap_usable; /* false when the id file could not be read */

	int epfd;
	int sigfd;
	struct watch w_sig;
	int ctl_fd;
	struct watch w_ctl;
	struct ctl_client ctl_clients[CTL_CLIENTS_MAX];
	struct console console;
	struct input *input; /* grabbed devices and the cells' copies (input.c) */
	struct admin admin;  /* [host] admin_console; fd -1 when off */
	struct vt_state vt;  /* board mode: the VTs (vt.h); tty0 -1 when off */

	bool stopping_all; /* SIGTERM received: stop everything, then exit */
	bool quit;
};

uint64_t now_ms(void);

/* The seccomp filter of a cell (and of what cellctl exec runs in it), as
 * its configuration chooses; NULL without one. */
static inline const struct seccomp_prog *mgr_seccomp_for(const struct mgr *m,
							 const struct cell_config *cfg)
{
	if (!m->have_seccomp)
		return NULL;
	return cfg->io_uring ? &m->seccomp_io_uring : &m->seccomp;
}

/* The event loop: returns when every cell has stopped after SIGTERM, or,
 * with --once, when that cell has ended. */
void mgr_run(struct mgr *m);

/* [host] bridge and forwarding, before any cell starts. */
void mgr_host_network(struct mgr *m);

/* Adds fd to the event loop, its events reported against w. */
int mgr_watch(struct mgr *m, int fd, struct watch *w, enum watch_kind kind, void *obj);
/* The same for other epoll events (EPOLLPRI for cgroup.events). */
int mgr_watch_events(struct mgr *m, int fd, uint32_t events, struct watch *w, enum watch_kind kind,
		     void *obj);
void mgr_unwatch(struct mgr *m, int fd);

/* cell.c */
int cell_start(struct mgr *m, struct cell *c);
/* At startup: takes over the cell if a previous cellmgr left it running. */
bool cell_adopt(struct mgr *m, struct cell *c);
void cell_stop(struct mgr *m, struct cell *c);
void cell_on_errpipe(struct mgr *m, struct cell *c);
void cell_on_exit(struct mgr *m, struct cell *c);
void cell_on_console(struct mgr *m, struct cell *c);
void cell_on_notify(struct mgr *m, struct cell *c);
/* Escalates overdue stops; returns ms until the next deadline, or -1. */
int cell_check_deadlines(struct mgr *m, uint64_t now);
bool cell_is_active(const struct cell *c);

/* console.c */
void console_attach(struct mgr *m);
void console_detach(struct mgr *m);
void console_on_input(struct mgr *m);
void console_output(struct mgr *m, struct cell *c, const char *buf, size_t len);
void console_switch(struct mgr *m, struct cell *c);
/* Board mode: one boot status line, "[  OK  ] ..." or "[FAILED] ...". */
__attribute__((format(printf, 3, 4))) void console_status(struct mgr *m, bool ok, const char *fmt,
							  ...);

/* ctl.c: see ctl.h */

#endif
