// SPDX-License-Identifier: MIT
/*
 * The cell's seccomp policy.  Default: allow (a full OS runs inside).
 *
 * Denied with EPERM: what a full OS never needs, and what reaches beyond
 * the cell's namespaces.
 *
 * | syscall                                  | why                                                |
 * |------------------------------------------|----------------------------------------------------|
 * | kexec_load, kexec_file_load              | would replace the running (host) kernel            |
 * | init_module, finit_module, delete_module | load or unload kernel code                         |
 * | create_module, get_kernel_syms,          | obsolete module calls (ENOSYS on current kernels)  |
 * |   query_module                           |                                                    |
 * | add_key, keyctl, request_key             | the kernel keyrings are not namespaced             |
 * | bpf                                      | kernel programs and maps (systemd falls back)      |
 * | perf_event_open                          | machine-wide performance data, side channels       |
 * | open_by_handle_at                        | opens files past the mount namespace ("shocker")   |
 * | iopl, ioperm                             | raw I/O port access                                |
 * | swapon, swapoff                          | the host's swap                                    |
 * | settimeofday, stime, clock_settime,      | set the clock, which is not namespaced             |
 * |   clock_settime64                        |                                                    |
 * | lookup_dcookie                           | kernel profiling (oprofile) interface              |
 * | acct                                     | process accounting: host file, host CAP_SYS_PACCT  |
 * | quotactl, quotactl_fd                    | disk quotas of the host's filesystems              |
 * | nfsservctl                               | removed in-kernel NFS server interface             |
 * | uselib                                   | obsolete a.out loader, an old exploit vector       |
 * | _sysctl                                  | removed binary sysctl interface                    |
 * | userfaultfd                              | stalls kernel page faults: widens exploit races;   |
 * |                                          | a base OS never uses it (QEMU/CRIU post-copy do)   |
 * | syslog                                   | the kernel log is the host's (CAP_SYSLOG dropped)  |
 *
 * Denied with ENOSYS, as on a kernel built without them, so that programs
 * fall back to plain system calls (liburing users, libuv, QEMU, RocksDB
 * all do), unless the cell sets io_uring = yes (docs/config.md):
 *
 * | syscall                                  | why                                                |
 * |------------------------------------------|----------------------------------------------------|
 * | io_uring_setup, io_uring_enter,          | the ring runs operations in the kernel where this  |
 * |   io_uring_register                      | filter never sees them: IORING_OP_SOCKET creates   |
 * |                                          | the socket families refused below (AF_VSOCK, which |
 * |                                          | is not namespaced, AF_XDP, ...); and io_uring has  |
 * |                                          | been the largest recent source of kernel privilege |
 * |                                          | escalations (Docker's default profile, ChromeOS    |
 * |                                          | and Android block it too)                          |
 *
 * Kept on purpose: reboot (in a pid namespace it ends the cell's own init:
 * that is how a cell reboots or powers off), kcmp (systemd), vhangup
 * (getty), mount/umount/pivot_root/unshare/setns (systemd sandboxes its
 * services inside the cell's user namespace), adjtimex and clock_adjtime:
 * their mode lives in memory (struct timex), out of reach of a seccomp
 * filter, and reading (modes = 0) is how NTP clients and timedatectl see
 * the clock's state; setting needs CAP_SYS_TIME in the initial user
 * namespace, which no user-namespaced cell has and which cellmgr drops
 * from the bounding set of a cell with userns = no.
 *
 * Socket families (socket and socketpair, argument 0): AF_UNIX, AF_INET,
 * AF_INET6, AF_NETLINK and AF_PACKET work; every other family (AF_TIPC,
 * AF_VSOCK, AF_ALG, AF_KEY, AF_BLUETOOTH, AF_RDS, AF_CAN, AF_X25, ... and
 * any future one) fails with EAFNOSUPPORT, as on a kernel built without it.
 *
 * Architectures: the native ABI and its compat ABIs (x86_64 with i386 and
 * x32), so 32-bit programs work and cannot take a way around the filter;
 * a syscall from any other ABI kills the process.  On i386, socketcall(2)
 * passes its arguments in memory, which a filter cannot read: libseccomp
 * turns the family rules into "socketcall(SYS_SOCKET or SYS_SOCKETPAIR)
 * fails with EAFNOSUPPORT" whatever the family.  32-bit programs therefore
 * create sockets only through the direct socket(2) syscall (i386 since
 * Linux 4.3), which is filtered by family; glibc and musl on i386 use
 * socketcall and get no sockets.  The other socketcall operations
 * (connect, sendmsg, ...) work on sockets the program already has.
 */
#include "cell_seccomp.h"

#include <seccomp.h>

#include <errno.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

/* In the order of the table above. */
/* clang-format off */
static const char *const denied_syscalls[] = {
	"kexec_load", "kexec_file_load",
	"init_module", "finit_module", "delete_module",
	"create_module", "get_kernel_syms", "query_module",
	"add_key", "keyctl", "request_key",
	"bpf",
	"perf_event_open",
	"open_by_handle_at",
	"iopl", "ioperm",
	"swapon", "swapoff",
	"settimeofday", "stime", "clock_settime", "clock_settime64",
	"lookup_dcookie",
	"acct",
	"quotactl", "quotactl_fd",
	"nfsservctl",
	"uselib",
	"_sysctl",
	"userfaultfd",
	"syslog",
};
/* clang-format on */

/* ENOSYS unless opts->allow_io_uring: in the order of the table above. */
static const char *const io_uring_syscalls[] = {
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
};

/*
 * The VT and keyboard fence: ioctl requests that fail with EPERM on every
 * fd, compared on the low 32 bits (seccomp_options).  A cell's VT is its
 * controlling tty, and the kernel lets a VT's controlling process do much
 * more than its own screen (ENVIRONMENT.md, measured on 6.1).  Reasons per
 * request: docs/security.md, "VT and keyboard ioctls".  Kept: VT_SETMODE,
 * VT_RELDISP, KDSETMODE, KDSKBMODE, KDSKBMETA, KDSKBLED and the reads (Xorg
 * and logind need them on their own VT; cellmgr overrides them on a
 * switch).  Numbers spelled out: they are the kernel ABI (linux/kd.h,
 * linux/vt.h, asm-generic/ioctls.h), and musl builds do not see those.
 */
/* clang-format off */
static const unsigned long vt_fenced_ioctls[] = {
	0x541C, /* TIOCLINUX: selection/paste of the front VT, blanking, ... */
	0x5412, /* TIOCSTI: fake input on its tty */
	0x541D, /* TIOCCONS: take the kernel console's output */
	0x5606, /* VT_ACTIVATE */
	0x560F, /* VT_SETACTIVATE: set any VT's mode and activate it */
	0x5608, /* VT_DISALLOCATE: free other (unused) VTs */
	0x5609, /* VT_RESIZE: every VT's size */
	0x560A, /* VT_RESIZEX */
	0x560B, /* VT_LOCKSWITCH: forbid switching */
	0x560C, /* VT_UNLOCKSWITCH */
	0x4B2F, /* KIOCSOUND: the host's speaker */
	0x4B30, /* KDMKTONE */
	0x4B32, /* KDSETLED: the global ioctl LED state */
	0x4B34, /* KDADDIO: I/O ports (obsolete) */
	0x4B35, /* KDDELIO */
	0x4B36, /* KDENABIO */
	0x4B37, /* KDDISABIO */
	0x4B3C, /* KDMAPDISP (obsolete) */
	0x4B3D, /* KDUNMAPDISP */
	0x4B41, /* PIO_SCRNMAP: global translation table */
	0x4B6A, /* PIO_UNISCRNMAP */
	0x4B47, /* KDSKBENT: global keymap */
	0x4B49, /* KDSKBSENT: global function key strings */
	0x4B4B, /* KDSKBDIACR: global accent table */
	0x4BFB, /* KDSKBDIACRUC */
	0x4B4D, /* KDSETKEYCODE: global scancode map */
	0x4B4E, /* KDSIGACCEPT: the keyboard's spawn signal */
	0x4B52, /* KDKBDREP: every keyboard's repeat rate */
	0x4B61, /* PIO_FONT: the console font */
	0x4B6C, /* PIO_FONTX */
	0x4B6D, /* PIO_FONTRESET */
	0x4B72, /* KDFONTOP */
	0x4B71, /* PIO_CMAP: the palette of every VT */
};
/* clang-format on */

const struct seccomp_options seccomp_vt_fence = {
    .deny_ioctls = vt_fenced_ioctls,
    .n_deny_ioctls = sizeof(vt_fenced_ioctls) / sizeof(vt_fenced_ioctls[0]),
};

/* Below this, each denied family gets an "equal" rule; at or above it
 * (and any value with high bits set, which the kernel would truncate to an
 * int) one "greater or equal" rule denies them all, so a family added to a
 * future kernel is denied too.  Keep it above every allowed family. */
#define FAMILY_CEILING (AF_PACKET + 1)

static bool family_allowed(unsigned family)
{
	switch (family) {
	case AF_UNIX:
	case AF_INET:
	case AF_INET6:
	case AF_NETLINK:
	case AF_PACKET: return true;
	default: return false;
	}
}

/* Not libseccomp's SCMP_A0() macros: they leave fields to zero-filling,
 * which clang's -Wmissing-field-initializers flags. */
static struct scmp_arg_cmp arg_cmp(unsigned arg, enum scmp_compare op, scmp_datum_t a,
				   scmp_datum_t b)
{
	return (struct scmp_arg_cmp){.arg = arg, .op = op, .datum_a = a, .datum_b = b};
}

static int deny_families(scmp_filter_ctx ctx, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);
	uint32_t act = SCMP_ACT_ERRNO(EAFNOSUPPORT);
	int r;

	if (nr == __NR_SCMP_ERROR)
		return log_errno(-ENOSYS, "seccomp: libseccomp does not know %s", name);
	for (unsigned f = 0; f < FAMILY_CEILING; f++) {
		if (family_allowed(f))
			continue;
		r = seccomp_rule_add(ctx, act, nr, 1, arg_cmp(0, SCMP_CMP_EQ, f, 0));
		if (r < 0)
			return log_errno(r, "seccomp: rule %s(family %u)", name, f);
	}
	r = seccomp_rule_add(ctx, act, nr, 1, arg_cmp(0, SCMP_CMP_GE, FAMILY_CEILING, 0));
	if (r < 0)
		return log_errno(r, "seccomp: rule %s(family >= %d)", name, FAMILY_CEILING);
	return 0;
}

static int deny_io_uring(scmp_filter_ctx ctx)
{
	int nr, r;

	for (size_t i = 0; i < sizeof(io_uring_syscalls) / sizeof(io_uring_syscalls[0]); i++) {
		/* Every libseccomp this builds with (2.5+) knows them. */
		nr = seccomp_syscall_resolve_name(io_uring_syscalls[i]);
		if (nr == __NR_SCMP_ERROR)
			return log_errno(-ENOSYS, "seccomp: libseccomp does not know %s",
					 io_uring_syscalls[i]);
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
		if (r < 0)
			return log_errno(r, "seccomp: rule %s", io_uring_syscalls[i]);
	}
	return 0;
}

static int add_policy(scmp_filter_ctx ctx, const struct seccomp_options *opts)
{
	int nr, r;

	for (size_t i = 0; i < sizeof(denied_syscalls) / sizeof(denied_syscalls[0]); i++) {
		nr = seccomp_syscall_resolve_name(denied_syscalls[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* unknown to this libseccomp: no ABI has it */
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (r < 0)
			return log_errno(r, "seccomp: rule %s", denied_syscalls[i]);
	}
	if ((!opts || !opts->allow_io_uring) && (r = deny_io_uring(ctx)) < 0)
		return r;
	if ((r = deny_families(ctx, "socket")) < 0 || (r = deny_families(ctx, "socketpair")) < 0)
		return r;
	for (size_t i = 0; opts && i < opts->n_deny_ioctls; i++) {
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				     arg_cmp(1, SCMP_CMP_MASKED_EQ, 0xffffffffu,
					     opts->deny_ioctls[i] & 0xffffffffu));
		if (r < 0)
			return log_errno(r, "seccomp: rule ioctl(%#lx)", opts->deny_ioctls[i]);
	}
	return 0;
}

/* Meson's CPU family names (host_machine.cpu_family()). */
static int arch_token(const char *arch, uint32_t *token)
{
	static const struct {
		const char *name;
		uint32_t token;
	} arches[] = {
	    {"x86_64", SCMP_ARCH_X86_64},   {"x86", SCMP_ARCH_X86},
	    {"aarch64", SCMP_ARCH_AARCH64}, {"arm", SCMP_ARCH_ARM},
	    {"mips", SCMP_ARCH_MIPS},	    {"mips64", SCMP_ARCH_MIPS64},
	    {"ppc", SCMP_ARCH_PPC},	    {"ppc64", SCMP_ARCH_PPC64LE},
	    {"riscv64", SCMP_ARCH_RISCV64}, {"s390x", SCMP_ARCH_S390X},
	};

	if (!arch) {
		*token = seccomp_arch_native();
		return 0;
	}
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (strcmp(arch, arches[i].name) == 0) {
			*token = arches[i].token;
			return 0;
		}
	return log_errno(-EINVAL, "seccomp: unknown architecture '%s'", arch);
}

/* The filter covers the target ABI and its compat ABIs, and nothing else:
 * a syscall through another ABI kills the process. */
static int set_arches(scmp_filter_ctx ctx, uint32_t target)
{
	static const uint32_t x86_64[] = {SCMP_ARCH_X86, SCMP_ARCH_X32};
	static const uint32_t aarch64[] = {SCMP_ARCH_ARM};
	const uint32_t *extra = NULL;
	size_t n = 0;
	int r;

	if (target != seccomp_arch_native()) {
		if ((r = seccomp_arch_add(ctx, target)) < 0 ||
		    (r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE)) < 0)
			return log_errno(r, "seccomp: target architecture %#x", target);
	}
	switch (target) {
	case SCMP_ARCH_X86_64:
		extra = x86_64;
		n = 2;
		break;
	case SCMP_ARCH_AARCH64:
		extra = aarch64;
		n = 1;
		break;
	default: break;
	}
	for (size_t i = 0; i < n; i++) {
		r = seccomp_arch_add(ctx, extra[i]);
		if (r < 0 && r != -EEXIST)
			return log_errno(r, "seccomp: add architecture %#x", extra[i]);
	}
	return 0;
}

/* libseccomp 2.5 exports only to a file descriptor: export to a memfd and
 * read the program back. */
static int export_to_memory(scmp_filter_ctx ctx, struct seccomp_prog *out)
{
	struct stat st;
	void *buf = NULL;
	ssize_t n;
	int fd, r;

	fd = memfd_create("cellar-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return log_errno(neg_errno(), "seccomp: memfd_create");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0) {
		log_errno(r, "seccomp: export the filter");
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		r = log_errno(neg_errno(), "seccomp: fstat the exported filter");
		goto out;
	}
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS) {
		r = log_errno(-EINVAL, "seccomp: exported filter has %lld bytes",
			      (long long)st.st_size);
		goto out;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		r = log_errno(-ENOMEM, "seccomp: filter buffer");
		goto out;
	}
	n = pread(fd, buf, (size_t)st.st_size, 0);
	if (n != st.st_size) {
		r = log_errno(n < 0 ? neg_errno() : -EIO, "seccomp: read the exported filter");
		free(buf);
		goto out;
	}
	out->insns = buf;
	out->len = (unsigned short)(st.st_size / (off_t)sizeof(struct sock_filter));
	r = 0;
out:
	close(fd);
	return r;
}

int seccomp_prog_build_for(struct seccomp_prog *out, const struct seccomp_options *opts,
			   const char *arch)
{
	scmp_filter_ctx ctx;
	uint32_t target = 0;
	int r;

	out->insns = NULL;
	out->len = 0;
	if ((r = arch_token(arch, &target)) < 0)
		return r;
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return log_errno(-ENOMEM, "seccomp: seccomp_init");
	/* A syscall through an ABI the filter does not cover must not run.
	 * The binary-tree layout halves the install time (the kernel runs
	 * the filter once per syscall number to build its allow cache) and
	 * shortens the path of the argument-checked syscalls (ioctl). */
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0 ||
	    (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0) {
		log_errno(r, "seccomp: filter attributes");
		goto out;
	}
	if ((r = set_arches(ctx, target)) < 0 || (r = add_policy(ctx, opts)) < 0)
		goto out;
	r = export_to_memory(ctx, out);
out:
	seccomp_release(ctx);
	return r;
}

int seccomp_prog_build(struct seccomp_prog *out, const struct seccomp_options *opts)
{
	return seccomp_prog_build_for(out, opts, NULL);
}

void seccomp_prog_free(struct seccomp_prog *p)
{
	free((void *)p->insns);
	p->insns = NULL;
	p->len = 0;
}
