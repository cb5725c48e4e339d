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
#include "console.h"
#include "ctl.h"
#include "devprog.h"
#include "idmap.h"
#include "cell_seccomp.h"
#include "loop.h"
#include "seat.h"
#include "audio.h"
#include "gpu.h"
#include "vt.h"

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
	/* The list's order, then removed cells still stopping; each
	 * allocated on its own, the array by mgr_reload. */
	struct cells cells;
	struct cell_env env; /* what every cell's lifecycle uses (cell.h) */

	/* Built once per configuration, used by every cell start. */
	int own_mntns;	      /* to come back from a shim's mount namespace */
	int lock_fd;	      /* <state>/lock, held for life (statelock.h) */
	const char *shim_exe; /* cellar-shim next to cellmgr, or NULL: in place */
	struct cgroup_root cgroups;
	struct devprog devices;		      /* the cells' device allow-list program */
	struct seccomp_prog seccomp;	      /* the cells' filter */
	struct seccomp_prog seccomp_io_uring; /* ... of a cell with io_uring = yes */
	struct idmap_db idmap;
	bool idmap_usable; /* false when the id file could not be read */

	struct loop loop;
	int sigfd;
	struct loop_fd w_sig;
	int ctl_fd;
	struct loop_fd w_ctl;
	struct ctl_client ctl_clients[CTL_CLIENTS_MAX];
	/* The seat (the front) and its device classes. */
	struct seat seat;
	struct vt vt;		/* board mode: the VTs; tty0 -1 when off */
	struct gpu gpu;		/* the compositors' seats (devices = gpu) */
	struct audio audio;	/* the cells' sound (devices = audio) */
	struct input *input;	/* board mode: grabbed devices and the cells' copies */
	struct console console; /* board mode: the serial console */
	struct admin admin;	/* [host] admin_console; fd -1 when off */

	bool stopping_all; /* SIGTERM received: stop everything, then exit */
	bool quit;
};

/* The seccomp filter of a cell (and of what cellctl exec runs in it), as
 * its configuration chooses; NULL without one. */
static inline const struct seccomp_prog *mgr_seccomp_for(const struct mgr *m,
							 const struct cell_config *cfg)
{
	return cfg->io_uring ? &m->seccomp_io_uring : &m->seccomp;
}

/* The event loop: returns when every cell has stopped after SIGTERM, or,
 * with --once, when that cell has ended. */
void mgr_run(struct mgr *m);

/* [host] bridge and forwarding, before any cell starts. */
void mgr_host_network(struct mgr *m);

/* A cell's start, stop, and whether it has processes: cell.h.  Taking
 * over a cell a previous cellmgr left: cell_run.h. */

/* ctl.c: see ctl.h */

#endif
