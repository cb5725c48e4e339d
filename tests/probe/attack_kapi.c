/* Kernel APIs a full OS rarely needs and that widen the kernel's attack
 * surface: keyrings, bpf, perf, userfaultfd, io_uring.  Objects created are
 * closed or invalidated at once; the key lives in a fresh session keyring
 * that dies with this child. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

static void attack_keyctl(const struct probe *p, const void *arg, struct outcome *o)
{
	long id;

	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	id = syscall(SYS_add_key, "user", "cellar-probe", PROBE_BAIT_TEXT,
		     sizeof(PROBE_BAIT_TEXT) - 1, KEY_SPEC_SESSION_KEYRING);
	if (id < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, "add_key");
	syscall(SYS_keyctl, KEYCTL_INVALIDATE, id);
}

static long bpf_call(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static void attack_bpf_map(const struct probe *p, const void *arg, struct outcome *o)
{
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	fd = bpf_call(BPF_MAP_CREATE, &attr);
	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, NULL);
	close((int)fd);
}

static void attack_bpf_prog(const struct probe *p, const void *arg, struct outcome *o)
{
	/* r0 = 0; exit: a socket filter that drops everything, never attached */
	static const struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = sizeof(insns) / sizeof(insns[0]);
	attr.license = (__u64)(unsigned long)"GPL";
	fd = bpf_call(BPF_PROG_LOAD, &attr);
	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, NULL);
	close((int)fd);
}

struct perf_target {
	int pid;
	int cpu;
};

static void attack_perf(const struct probe *p, const void *arg, struct outcome *o)
{
	const struct perf_target *t = arg;
	struct perf_event_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &attr, t->pid, t->cpu, -1, 0UL);
	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, NULL);
	close((int)fd);
}

static void attack_userfaultfd(const struct probe *p, const void *arg, struct outcome *o)
{
	/* without UFFD_USER_MODE_ONLY: the variant that can stall the kernel */
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC);

	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, NULL);
	close((int)fd);
}

static void attack_io_uring(const struct probe *p, const void *arg, struct outcome *o)
{
	struct io_uring_params params;
	long fd;

	memset(&params, 0, sizeof(params));
	fd = syscall(SYS_io_uring_setup, 1, &params);
	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, NULL);
	close((int)fd);
}

void attacks_kapi(struct probe *p)
{
	static const struct perf_target self = {0, -1};
	static const struct perf_target system_wide = {-1, 0};

	attack_run(p, "keyctl", attack_keyctl, NULL);
	attack_run(p, "bpf_map", attack_bpf_map, NULL);
	attack_run(p, "bpf_prog", attack_bpf_prog, NULL);
	attack_run(p, "perf_self", attack_perf, &self);
	attack_run(p, "perf_system", attack_perf, &system_wide);
	attack_run(p, "userfaultfd", attack_userfaultfd, NULL);
	attack_run(p, "io_uring", attack_io_uring, NULL);
}
