/* SPDX-License-Identifier: MIT */
/*
 * The cell's device allowlist as a cgroup v2 device program
 * (BPF_PROG_TYPE_CGROUP_DEVICE): the second wall behind the cell's private
 * /dev.  Hand-assembled and loaded with the raw bpf() syscall (no libbpf).
 *
 * Each cell has its own list (the defaults, later its VT 4:N and its input
 * devices 13:N), built into a program once per configuration and attached
 * to the cell's cgroup with BPF_F_ALLOW_MULTI: the cell's own systemd may
 * attach programs below, and an access must pass every program on the way
 * up, so nothing below can widen the list.  An access the list does not
 * name fails with EPERM; that includes mknod ('m') of any other device.
 */
#ifndef CELLAR_DEVPROG_H
#define CELLAR_DEVPROG_H

#define DEVPROG_MAX 64
#define DEVPROG_ANY (-1) /* any minor */

struct devprog_entry {
	char type; /* 'c' or 'b' */
	unsigned major;
	int minor;	 /* or DEVPROG_ANY */
	unsigned access; /* BPF_DEVCG_ACC_* bits */
};

struct devprog {
	struct devprog_entry entries[DEVPROG_MAX];
	unsigned n;
	int fd; /* the loaded program, or -1 */
};

void devprog_init(struct devprog *dp);

/* Allows access ("r", "w", "m" or any mix, e.g. "rwm") to device
 * type:major:minor.  Returns 0, -EINVAL for a bad argument, -ENOSPC when
 * the list is full, -EBUSY once loaded.  Does not log. */
int devprog_add(struct devprog *dp, char type, int major, int minor, const char *access);

/* What cellmgr puts in every cell's /dev: null, zero, full, random,
 * urandom (c 1:3,5,7,8,9), tty (c 5:0), ptmx (c 5:2) and the pty slaves
 * (c 136-143:*), which include the cell's console.  "rwm" each. */
int devprog_add_defaults(struct devprog *dp);

/* Builds and loads the program.  Returns its fd (also in dp->fd) or a
 * negative errno, logged with the verifier's first complaint. */
int devprog_load(struct devprog *dp, const char *what);

/* Attaches the loaded program to a cgroup (an O_RDONLY directory fd).
 * Returns 0 or a negative errno (not logged: the caller names the cell). */
int devprog_attach(const struct devprog *dp, int cgroup_fd);

/* Attaches to to_cgroup_fd the device programs attached to
 * from_cgroup_fd itself (at most DEVPROG_COPY_MAX): an exec'd command's
 * cgroup gets its cell's.  Returns 0 or a negative errno (not logged). */
#define DEVPROG_COPY_MAX 8
int devprog_copy(int from_cgroup_fd, int to_cgroup_fd);

/* Closes the program.  Attached copies stay attached until their cgroup
 * goes away. */
void devprog_free(struct devprog *dp);

#endif
