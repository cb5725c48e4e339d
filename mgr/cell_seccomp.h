/* SPDX-License-Identifier: MIT */
/*
 * The cell's seccomp filter: a denylist over "default allow" (a full OS
 * runs inside), plus an allowlist of socket families.  The policy, with a
 * reason per entry, is the table at the top of seccomp.c.
 *
 * cellmgr compiles the filter once per configuration with libseccomp
 * (seccomp_prog_build); each cell's child installs the ready classic-BPF
 * program with one syscall as the last step before execve
 * (seccomp_prog_install), so starting a cell costs no filter compile.
 *
 * no_new_privs is NOT set: setuid sudo/su must work inside the cell.  The
 * kernel then requires CAP_SYS_ADMIN in the caller's user namespace, which
 * the cell's child (root in its own user namespace) has: install before
 * dropping CAP_SYS_ADMIN from the effective set.
 */
#ifndef CELLAR_CELL_SECCOMP_H
#define CELLAR_CELL_SECCOMP_H

#include <linux/filter.h>
#include <stddef.h>

/* Extensions of the default policy.  All-zero (or a NULL pointer) means
 * the default policy alone. */
struct seccomp_options {
	/* ioctl(2) requests that fail with EPERM on every fd (the VT and
	 * keyboard fence).  Compared on the low 32 bits only: the kernel
	 * truncates the request to unsigned int, so a 64-bit compare would
	 * be bypassed by setting bit 32. */
	const unsigned long *deny_ioctls;
	size_t n_deny_ioctls;
};

/* The VT and keyboard fence (seccomp.c; docs/security.md, "VT and
 * keyboard ioctls"): what cellmgr passes for every cell. */
extern const struct seccomp_options seccomp_vt_fence;

struct seccomp_prog {
	struct sock_filter *insns;
	unsigned short len;
};

/* Builds the filter for the native architecture and its compat ABIs
 * (x86_64: i386 and x32; aarch64: arm).  opts may be NULL.  Returns 0 or
 * a negative errno (logged).  Free with seccomp_prog_free(). */
int seccomp_prog_build(struct seccomp_prog *out, const struct seccomp_options *opts);

void seccomp_prog_free(struct seccomp_prog *p);

/* In the cell's child: installs p for the calling thread.  Async-signal
 * safe, allocates nothing, logs nothing.  Returns 0 or a negative errno. */
int seccomp_prog_install(const struct seccomp_prog *p);

#endif
