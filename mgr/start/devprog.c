// SPDX-License-Identifier: MIT
#include "devprog.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpfprog.h"
#include "log.h"

/* Registers of the program. */
enum { R0, R1, R2, R3, R4, R5, R6 };

/* A prologue of 6 instructions, at most 8 per entry, an epilogue of 2. */
#define PROG_INSNS_MAX (6 + DEVPROG_MAX * 8 + 2)

#define PTY_SLAVE_MAJOR_FIRST 136 /* UNIX98_PTY_SLAVE_MAJOR */
#define PTY_SLAVE_MAJOR_LAST 143  /* ... + UNIX98_PTY_MAJOR_COUNT - 1 */

void devprog_init(struct devprog *dp)
{
	memset(dp, 0, sizeof(*dp));
	dp->fd = -1;
}

static int parse_access(const char *s, unsigned *mask)
{
	*mask = 0;
	for (; *s; s++) {
		switch (*s) {
		case 'r': *mask |= BPF_DEVCG_ACC_READ; break;
		case 'w': *mask |= BPF_DEVCG_ACC_WRITE; break;
		case 'm': *mask |= BPF_DEVCG_ACC_MKNOD; break;
		default: return -EINVAL;
		}
	}
	return *mask ? 0 : -EINVAL;
}

int devprog_add(struct devprog *dp, char type, int major, int minor, const char *access)
{
	struct devprog_entry *e;
	unsigned mask;

	if (dp->fd >= 0)
		return -EBUSY;
	if ((type != 'c' && type != 'b') || major < 0 || minor < DEVPROG_ANY ||
	    parse_access(access, &mask) < 0)
		return -EINVAL;
	if (dp->n == DEVPROG_MAX)
		return -ENOSPC;
	e = &dp->entries[dp->n++];
	e->type = type;
	e->major = (unsigned)major;
	e->minor = minor;
	e->access = mask;
	return 0;
}

int devprog_add_defaults(struct devprog *dp)
{
	static const int mem_minors[] = {3, 5, 7, 8, 9}; /* null zero full random urandom */
	int r;

	for (size_t i = 0; i < sizeof(mem_minors) / sizeof(mem_minors[0]); i++)
		if ((r = devprog_add(dp, 'c', 1, mem_minors[i], "rwm")) < 0)
			return r;
	if ((r = devprog_add(dp, 'c', 5, 0, "rwm")) < 0 || /* tty */
	    (r = devprog_add(dp, 'c', 5, 2, "rwm")) < 0)   /* ptmx */
		return r;
	for (int major = PTY_SLAVE_MAJOR_FIRST; major <= PTY_SLAVE_MAJOR_LAST; major++)
		if ((r = devprog_add(dp, 'c', major, DEVPROG_ANY, "rwm")) < 0)
			return r;
	return 0;
}

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	return (struct bpf_insn){
	    .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

/*
 * The program, for the context struct bpf_cgroup_dev_ctx
 * { u32 access_type = access << 16 | type; u32 major; u32 minor; }:
 *
 *	r2 = access, r3 = type, r4 = major, r5 = minor
 *	for each entry:
 *		if r3 != type || r4 != major || (minor given && r5 != minor)
 *			goto next
 *		if r2 & ~entry.access: goto next    (asks for more than allowed)
 *		return 1
 *	next: ...
 *	return 0
 */
static unsigned assemble(const struct devprog *dp, struct bpf_insn *p)
{
	unsigned n = 0;

	p[n++] = insn(BPF_LDX | BPF_W | BPF_MEM, R2, R1, 0, 0);
	p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, R3, R2, 0, 0);
	p[n++] = insn(BPF_ALU64 | BPF_AND | BPF_K, R3, 0, 0, 0xffff);
	p[n++] = insn(BPF_ALU64 | BPF_RSH | BPF_K, R2, 0, 0, 16);
	p[n++] = insn(BPF_LDX | BPF_W | BPF_MEM, R4, R1, 4, 0);
	p[n++] = insn(BPF_LDX | BPF_W | BPF_MEM, R5, R1, 8, 0);
	for (unsigned i = 0; i < dp->n; i++) {
		const struct devprog_entry *e = &dp->entries[i];
		int type = e->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK;
		unsigned jumps[4], nj = 0;

		jumps[nj++] = n;
		p[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, R3, 0, 0, type);
		jumps[nj++] = n;
		p[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, R4, 0, 0, (int32_t)e->major);
		if (e->minor != DEVPROG_ANY) {
			jumps[nj++] = n;
			p[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, R5, 0, 0, e->minor);
		}
		p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, R6, R2, 0, 0);
		p[n++] = insn(BPF_ALU64 | BPF_AND | BPF_K, R6, 0, 0, (int32_t)(~e->access & 7u));
		jumps[nj++] = n;
		p[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, R6, 0, 0, 0);
		p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 1);
		p[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
		/* A mismatch goes on with the next entry. */
		for (unsigned j = 0; j < nj; j++)
			p[jumps[j]].off = (int16_t)(n - jumps[j] - 1);
	}
	p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0);
	p[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

int devprog_load(struct devprog *dp, const char *what)
{
	struct bpf_insn prog[PROG_INSNS_MAX];
	char why[256];
	int fd;

	if (dp->fd >= 0)
		return dp->fd;
	fd = bpfprog_load(BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, "cellar_devices", prog,
			  assemble(dp, prog), why, sizeof(why));
	if (fd >= 0)
		return dp->fd = fd;
	if (*why)
		return log_errno(fd, "%s: load the device program (verifier: %s)", what, why);
	return log_errno(fd, "%s: load the device program", what);
}

int devprog_attach(const struct devprog *dp, int cgroup_fd)
{
	union bpf_attr attr;

	if (dp->fd < 0)
		return -EBADF;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)dp->fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof(attr)) < 0)
		return neg_errno();
	return 0;
}

void devprog_free(struct devprog *dp)
{
	if (dp->fd >= 0)
		close(dp->fd);
	dp->fd = -1;
}

int devprog_copy(int from_cgroup_fd, int to_cgroup_fd)
{
	uint32_t ids[DEVPROG_COPY_MAX];
	union bpf_attr attr;
	int r = 0;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)from_cgroup_fd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = DEVPROG_COPY_MAX;
	if (syscall(SYS_bpf, BPF_PROG_QUERY, &attr, sizeof(attr)) < 0)
		return neg_errno();
	for (uint32_t i = 0; i < attr.query.prog_cnt && r == 0; i++) {
		union bpf_attr get, att;
		int fd;

		memset(&get, 0, sizeof(get));
		get.prog_id = ids[i];
		fd = (int)syscall(SYS_bpf, BPF_PROG_GET_FD_BY_ID, &get, sizeof(get));
		if (fd < 0)
			return neg_errno();
		memset(&att, 0, sizeof(att));
		att.target_fd = (uint32_t)to_cgroup_fd;
		att.attach_bpf_fd = (uint32_t)fd;
		att.attach_type = BPF_CGROUP_DEVICE;
		att.attach_flags = BPF_F_ALLOW_MULTI;
		if (syscall(SYS_bpf, BPF_PROG_ATTACH, &att, sizeof(att)) < 0)
			r = neg_errno();
		close(fd);
	}
	return r;
}
