// SPDX-License-Identifier: MIT
/* Unit tests for the seccomp filter's architectures (mgr/start/seccomp.c): the
 * filter that cellar-seccomp-gen compiles on the build machine for a
 * target (x86_64, aarch64) is run through a classic-BPF interpreter with
 * made-up seccomp_data: it must name the target's audit architecture and
 * its compat ABI (aarch64: AArch32, AUDIT_ARCH_ARM; x86_64: i386 and x32),
 * apply the same policy to each with that ABI's own syscall numbers, and
 * kill a process that calls through any other architecture. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "cell_seccomp.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#define VT_ACTIVATE 0x5606
#define TCGETS 0x5401

/* Runs prog on d; fails the test on an instruction it does not know. */
static uint32_t bpf_run(const struct seccomp_prog *prog, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};
	const uint8_t *data = (const uint8_t *)d;

	for (unsigned pc = 0; pc < prog->len; pc++) {
		const struct sock_filter *f = &prog->insns[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(f->k + 4 <= sizeof(*d));
			memcpy(&a, data + f->k, 4);
			break;
		case BPF_LD | BPF_MEM: a = mem[f->k]; break;
		case BPF_LDX | BPF_MEM: x = mem[f->k]; break;
		case BPF_ST: mem[f->k] = a; break;
		case BPF_STX: mem[f->k] = x; break;
		case BPF_ALU | BPF_AND | BPF_K: a &= f->k; break;
		case BPF_MISC | BPF_TAX: x = a; break;
		case BPF_MISC | BPF_TXA: a = x; break;
		case BPF_JMP | BPF_JA: pc += f->k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == f->k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > f->k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= f->k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += (a & f->k) ? f->jt : f->jf; break;
		case BPF_RET | BPF_K: return f->k;
		default: fail_msg("instruction %#x at %u: not in this interpreter", f->code, pc);
		}
	}
	fail_msg("the program ran off its end");
	return 0;
}

struct target {
	const char *family; /* meson's cpu_family, as cellar-seccomp-gen takes it */
	uint32_t audit[3];  /* the ABIs it covers */
	uint32_t token[3];  /* libseccomp's names for them */
	unsigned n;
	uint32_t foreign[3]; /* ABIs it must refuse */
	unsigned n_foreign;
};

static const struct target aarch64 = {
    "aarch64",
    {AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM},
    {SCMP_ARCH_AARCH64, SCMP_ARCH_ARM},
    2,
    {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_RISCV64},
    3,
};

static const struct target x86_64 = {
    "x86_64",
    {AUDIT_ARCH_X86_64, AUDIT_ARCH_I386},
    {SCMP_ARCH_X86_64, SCMP_ARCH_X86},
    2,
    {AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, AUDIT_ARCH_RISCV64},
    3,
};

/* What a call of name with these arguments gets on ABI i of t; -1 when
 * that ABI has no such syscall. */
static int64_t verdict(const struct seccomp_prog *p, const struct target *t, unsigned i,
		       const char *name, uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = {.arch = t->audit[i]};
	int nr = seccomp_syscall_resolve_name_arch(t->token[i], name);

	if (nr < 0)
		return -1;
	d.nr = nr;
	d.args[0] = a0;
	d.args[1] = a1;
	return bpf_run(p, &d);
}

#define ERRNO(e) (SECCOMP_RET_ERRNO | (e))

/* Denied with EPERM wherever the ABI has them: the list's heart, and the
 * 32-bit-only calls (stime, clock_settime64) the build machine's own ABI
 * (x86_64) lacks: the generator must still deny them on AArch32/i386. */
static const char *const denied[] = {
    "kexec_load",
    "init_module",
    "finit_module",
    "delete_module",
    "add_key",
    "keyctl",
    "bpf",
    "perf_event_open",
    "open_by_handle_at",
    "swapon",
    "settimeofday",
    "clock_settime",
    "clock_settime64",
    "stime",
    "userfaultfd",
    "syslog",
    "acct",
};

static void check_target(const struct target *t)
{
	struct seccomp_options io = seccomp_vt_fence;
	struct seccomp_prog p, pio;
	unsigned compat32 = 0;

	assert_int_equal(seccomp_prog_build_for(&p, &seccomp_vt_fence, t->family), 0);
	io.allow_io_uring = true;
	assert_int_equal(seccomp_prog_build_for(&pio, &io, t->family), 0);
	for (unsigned i = 0; i < t->n; i++) {
		unsigned n_denied = 0;

		for (size_t k = 0; k < sizeof(denied) / sizeof(denied[0]); k++) {
			int64_t v = verdict(&p, t, i, denied[k], 0, 0);

			if (v < 0)
				continue; /* this ABI has no such syscall */
			if (v != ERRNO(EPERM))
				fail_msg("%s filter, ABI %#x: %s gets %#llx, not EPERM", t->family,
					 t->audit[i], denied[k], (unsigned long long)v);
			n_denied++;
			if (strcmp(denied[k], "clock_settime64") == 0)
				compat32++;
		}
		assert_true(n_denied >= 12);
		assert_int_equal(verdict(&p, t, i, "getpid", 0, 0), SECCOMP_RET_ALLOW);
		assert_int_equal(verdict(&p, t, i, "ioctl", 0, VT_ACTIVATE), ERRNO(EPERM));
		assert_int_equal(verdict(&p, t, i, "ioctl", 0, TCGETS), SECCOMP_RET_ALLOW);
		if (t->token[i] == SCMP_ARCH_AARCH64 || t->token[i] == SCMP_ARCH_X86_64)
			assert_int_equal(verdict(&p, t, i, "ioctl", 0, (1ULL << 32) | VT_ACTIVATE),
					 ERRNO(EPERM));
		/* i386 multiplexes socket(2) through socketcall: libseccomp
		 * has it as a pseudo syscall there (mgr/start/seccomp.c says what
		 * that means); every other ABI here filters it by family. */
		if (t->token[i] != SCMP_ARCH_X86) {
			assert_int_equal(verdict(&p, t, i, "socket", AF_INET, 0),
					 SECCOMP_RET_ALLOW);
			assert_int_equal(verdict(&p, t, i, "socket", AF_VSOCK, 0),
					 ERRNO(EAFNOSUPPORT));
		}
		assert_int_equal(verdict(&p, t, i, "io_uring_setup", 0, 0), ERRNO(ENOSYS));
		assert_int_equal(verdict(&pio, t, i, "io_uring_setup", 0, 0), SECCOMP_RET_ALLOW);
	}
	/* The 32-bit ABI has clock_settime64, and it is denied there. */
	assert_int_equal(compat32, 1);
	for (unsigned i = 0; i < t->n_foreign; i++) {
		struct seccomp_data d = {.arch = t->foreign[i], .nr = 39 /* anything */};

		assert_int_equal(bpf_run(&p, &d), SECCOMP_RET_KILL_PROCESS);
	}
	seccomp_prog_free(&p);
	seccomp_prog_free(&pio);
}

static void filter_aarch64(void **state)
{
	(void)state;
	check_target(&aarch64);
}

static void filter_x86_64(void **state)
{
	(void)state;
	check_target(&x86_64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(filter_aarch64),
	    cmocka_unit_test(filter_x86_64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
