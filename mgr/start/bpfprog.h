/* SPDX-License-Identifier: MIT */
/* Loading the eBPF programs cellmgr assembles by hand (devprog.c: the
 * cgroup device program; netguard.c: the anti-spoofing classifier).  A
 * header of inline code, so that each user stays one file (the QEMU
 * cgroup test compiles devprog.c on its own). */
#ifndef CELLAR_BPFPROG_H
#define CELLAR_BPFPROG_H

#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BPFPROG_LOG_SIZE 65536

static inline int bpfprog_load_once(enum bpf_prog_type type, enum bpf_attach_type attach,
				    const char *name, const struct bpf_insn *insns, unsigned n,
				    char *log, unsigned log_size)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.expected_attach_type = attach;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = n;
	attr.license = (uint64_t)(uintptr_t) "MIT"; /* no GPL-only helper is used */
	if (log) {
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = log_size;
		attr.log_level = 1;
	}
	snprintf(attr.prog_name, sizeof(attr.prog_name), "%s", name);
	return (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

/* Loads the program; returns its fd, or a negative errno with the first
 * line of the verifier's log in why ("" when it gave none). */
static inline int bpfprog_load(enum bpf_prog_type type, enum bpf_attach_type attach,
			       const char *name, const struct bpf_insn *insns, unsigned n,
			       char *err, size_t errlen)
{
	int fd = bpfprog_load_once(type, attach, name, insns, n, NULL, 0);
	int r = errno > 0 ? -errno : -EIO;
	char *log;

	if (errlen)
		err[0] = '\0';
	if (fd >= 0)
		return fd;
	/* Again with the verifier's log, only to say err. */
	log = calloc(1, BPFPROG_LOG_SIZE);
	if (log && bpfprog_load_once(type, attach, name, insns, n, log, BPFPROG_LOG_SIZE) < 0 &&
	    *log && errlen) {
		log[strcspn(log, "\n")] = '\0';
		snprintf(err, errlen, "%s", log);
	}
	free(log);
	return r;
}

#endif
