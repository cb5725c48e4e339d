/* SPDX-License-Identifier: MIT */
/*
 * The seat: the one holder of "which cell is in front" and the only door
 * to a switch (docs/devices.md).  The devices that follow the front are
 * device classes, each one file that fills in a struct seat_class: the
 * VT (vt.c), the input copies (input.c, evcopy.c), the board's serial
 * console (console.c).  A switch is one ordered walk over them: the old
 * front's classes go `back` (in reverse order), then the new front's
 * classes come to the `front` (in order), each step timed for the log.
 *
 * A step that needs the cell to cooperate (a VT held with VT_PROCESS; a
 * compositor's acknowledgement next) says so by returning SEAT_PENDING
 * and calls seat_step_done() when it is over.  The seat gives it
 * `grace_ms`; when that passes, the class's `override` forces it (the
 * cell is overridden, never obeyed), and a second grace ends the step
 * whatever happened.  Nothing here blocks the loop.
 */
#ifndef CELLAR_SEAT_H
#define CELLAR_SEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "loop.h"

struct cell;
struct cells;
struct dev_bind;
struct devprog;

#define SEAT_CLASSES_MAX 8
#define SEAT_PENDING 1

/* What a starting cell gets from the classes (seat_cell_bind). */
struct seat_bind {
	uid_t root_uid, root_gid; /* the cell's root on the host */
	struct dev_bind *devs;	  /* nodes bound into its /dev: append here */
	unsigned n, max;
	struct devprog *prog; /* its own device program: allow what was added */
	char *err;	      /* on failure: what went wrong */
	size_t errlen;
};

struct seat_class {
	const char *name;
	/* Whether the class has a device on this machine (a board's VT, a
	 * grabbed keyboard, an attached console); a switch on a seat where
	 * none has only moves the mark. */
	bool (*present)(void *priv);
	/* A cell starts: its nodes into b.  0, or a negative errno with
	 * b->err filled: the cell does not start. */
	int (*bind)(void *priv, struct cell *c, struct seat_bind *b);
	/* c leaves the front / comes to it.  0 when done, SEAT_PENDING
	 * (then seat_step_done()), or a negative errno (logged by the class:
	 * the walk goes on). */
	int (*back)(void *priv, struct cell *c);
	int (*front)(void *priv, struct cell *c);
	/* A pending step's grace has passed (attempt 1, then 2): force it.
	 * SEAT_PENDING to wait one more grace, else the step is over. */
	int (*override)(void *priv, struct cell *c, unsigned attempt);
	unsigned grace_ms;
	/* c's processes exist (its init started, or it was adopted): what
	 * needs a running cell (a socket in its /run). */
	void (*running)(void *priv, struct cell *c);
	/* c's run ended: what was bound for it goes (its copies, its VT
	 * node back to the host). */
	void (*release)(void *priv, struct cell *c);
	/* c leaves the list for good. */
	void (*gone)(void *priv, struct cell *c);
};

struct seat {
	struct loop *loop;
	struct cells *cells;
	struct {
		const struct seat_class *cls;
		void *priv;
	} classes[SEAT_CLASSES_MAX];
	unsigned n_classes;
	struct cell *front; /* the one truth; NULL: none */
	bool shutting_down; /* no handover while everything stops */
	/* The walk of a switch in progress. */
	struct cell *from, *to;
	unsigned step;	  /* 0 .. 2 * n_classes */
	unsigned attempt; /* overrides of the pending step */
	bool pending;	  /* waiting for seat_step_done() */
	uint64_t t0_us;	  /* the switch was asked then */
	char key[24];	  /* the hotkey that asked, or "" */
	uint64_t key_us;  /* its kernel timestamp (monotonic) */
	uint64_t step_t0_us;
	uint32_t step_us[2 * SEAT_CLASSES_MAX]; /* each step's time, for the log */
	struct loop_timer t_grace;
	uint64_t last_switch_us; /* asked to done, the last switch */
	const char *state_dir;	 /* the front recorded there (record_front), or NULL */
};

void seat_init(struct seat *s, struct loop *loop, struct cells *cells);
void seat_fini(struct seat *s);
/* Adds a class (at startup, in walk order). */
int seat_add_class(struct seat *s, const struct seat_class *cls, void *priv);

struct cell *seat_front(const struct seat *s);
/* Whether any class has a device here. */
bool seat_has_devices(const struct seat *s);

/* Brings c to the front.  c must have processes (starting counts).
 * Returns 0, or -ENOTCONN with err filled. */
int seat_switch(struct seat *s, struct cell *c, char *err, size_t errlen);
/* The same, asked by a hotkey pressed at key_us (the event's monotonic
 * timestamp): the switch's one log line names it and the time since. */
int seat_switch_key(struct seat *s, struct cell *c, const char *key, uint64_t key_us, char *err,
		    size_t errlen);
/* At startup: c is the front before it runs (the list's `foreground`);
 * its classes come to the front with seat_switch() once it runs. */
void seat_set_front(struct seat *s, struct cell *c);
/* The next active cell after `after`, in list order; with display_only,
 * the next active display cell.  NULL when there is none. */
struct cell *seat_next(struct seat *s, struct cell *after, bool display_only);

/* A class's pending step is over. */
void seat_step_done(struct seat *s, const struct seat_class *cls);

/* A cell starts: every class binds its nodes (see seat_bind). */
int seat_cell_bind(struct seat *s, struct cell *c, struct seat_bind *b);
/* c's processes exist: its classes' running hooks. */
void seat_cell_running(struct seat *s, struct cell *c);
/* c's run ended: its classes release it; when it was in front and does
 * not come back soon, the front goes to the next running display cell. */
void seat_cell_ended(struct seat *s, struct cell *c, bool back_soon);
/* c leaves the list: never the front again. */
void seat_cell_gone(struct seat *s, struct cell *c);

#endif
