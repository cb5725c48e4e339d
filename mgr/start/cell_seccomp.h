/* SPDX-License-Identifier: MIT */
/*
 * The cell's seccomp filter: a denylist over "default allow" (a full OS
 * runs inside), plus an allowlist of socket families.  The policy, with a
 * reason per entry, is the table at the top of seccomp.c.
 *
 * The filter is compiled at build time: cellar-seccomp-gen (seccomp_gen.c,
 * a build-machine program linked with libseccomp) writes the classic-BPF
 * programs for the target architecture into cell_seccomp_bpf.h, which
 * cellmgr carries as constants (seccomp_prog_cell, seccomp_bpf.c): one
 * per variant of the policy a cell can choose (today: io_uring or not).  Each
 * cell's child installs it with one syscall as the last step before
 * execve (seccomp_prog_install), so starting a cell costs no compile, and
 * cellmgr needs no libseccomp at run time.
 *
 * no_new_privs is NOT set: setuid sudo/su must work inside the cell.  The
 * kernel then requires CAP_SYS_ADMIN in the caller's user namespace, which
 * the cell's child (root in its own user namespace) has: install before
 * dropping CAP_SYS_ADMIN from the effective set.
 */
#ifndef CELLAR_CELL_SECCOMP_H
#define CELLAR_CELL_SECCOMP_H

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Extensions of the default policy.  All-zero (or a NULL pointer) means
 * the default policy alone. */
struct seccomp_options {
	/* ioctl(2) requests that fail with EPERM on every fd (the VT and
	 * keyboard fence).  Compared on the low 32 bits only: the kernel
	 * truncates the request to unsigned int, so a 64-bit compare would
	 * be bypassed by setting bit 32. */
	const unsigned long *deny_ioctls;
	size_t n_deny_ioctls;
	/* io_uring_setup, _enter and _register work (a cell's io_uring = yes);
	 * false: they fail with ENOSYS. */
	bool allow_io_uring;
};

/* The VT and keyboard fence (seccomp.c; docs/security.md, "VT and
 * keyboard ioctls"): what cellmgr passes for every cell. */
extern const struct seccomp_options seccomp_vt_fence;

struct seccomp_prog {
	const struct sock_filter *insns;
	unsigned short len;
};

/* Builds the filter with libseccomp (seccomp.c: the generator and tests
 * link it, cellmgr does not) for an architecture, given as meson names its
 * CPU families ("x86_64", "aarch64", "arm", "x86", "riscv64", ...; NULL:
 * the one this program runs on), and its compat ABIs (x86_64: i386 and
 * x32; aarch64: arm).  opts may be NULL.  Returns 0 or a negative errno
 * (logged; -EINVAL for an architecture it does not know).  Free with
 * seccomp_prog_free(). */
int seccomp_prog_build_for(struct seccomp_prog *out, const struct seccomp_options *opts,
			   const char *arch);
int seccomp_prog_build(struct seccomp_prog *out, const struct seccomp_options *opts);

void seccomp_prog_free(struct seccomp_prog *p);

/* The cell's filter, compiled at build time with seccomp_vt_fence
 * (seccomp_bpf.c); with io_uring, the variant that allows it. */
void seccomp_prog_cell(struct seccomp_prog *out, bool io_uring);

/* In the cell's child: installs p for the calling thread.  Async-signal
 * safe, allocates nothing, logs nothing.  Returns 0 or a negative errno. */
static inline int seccomp_prog_install(const struct seccomp_prog *p)
{
	struct sock_fprog fprog = {.len = p->len, .filter = (struct sock_filter *)p->insns};

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
		return -errno;
	return 0;
}

#endif
