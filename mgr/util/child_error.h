/* SPDX-License-Identifier: MIT */
/*
 * The error of a step on the cell start path, as one record: the step's
 * own text and its errno.  The child that becomes the cell's init cannot
 * log (it may be in the middle of entering namespaces): it fills one and
 * writes it to cellmgr through a close-on-exec pipe (spawn.h); the host
 * side of the same path fills one the same way, and cellmgr logs it as
 * "cell NAME: STEP: strerror".
 */
#ifndef CELLAR_CHILD_ERROR_H
#define CELLAR_CHILD_ERROR_H

struct child_error {
	int err;	/* negative errno */
	char step[240]; /* "mount overlay on /run/cellar/cells/work/root" */
};

/* Records err (negative) and the step; returns err. */
__attribute__((format(printf, 3, 4))) int child_error_set(struct child_error *e, int err,
							  const char *fmt, ...);

#endif
