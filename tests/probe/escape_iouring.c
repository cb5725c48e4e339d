/* io_uring past the socket-family fence (issue 13, finding 2): an
 * IORING_OP_SOCKET runs socket creation inside the kernel, where the
 * cell's seccomp filter never sees its family.  cellar denies io_uring's
 * syscalls with ENOSYS unless the cell sets io_uring = yes.
 *
 *   io_uring_setup            create a ring: blocked:ENOSYS by default
 *   io_uring_socket_vsock     AF_VSOCK SOCK_STREAM through a ring
 *   io_uring_socket_families  every family socket(2) refuses (0..63, as
 *                             escape_net.c), through a ring
 *
 * Raw syscalls, no liburing: the probe is static and has no library but
 * libc.  One submission at a time, waited for with io_uring_enter. */
#include <errno.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "escape.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

struct ring {
	int fd;
	void *sq, *cq;
	size_t sq_size, cq_size;
	struct io_uring_sqe *sqes;
	size_t sqes_size;
	unsigned *sq_tail, *sq_mask, *sq_array;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_cqe *cqes;
};

/* Returns 0 or -errno (of io_uring_setup, or of mmap). */
static int ring_open(struct ring *r)
{
	struct io_uring_params p;
	char *sq, *cq;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	r->fd = (int)syscall(SYS_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -errno;
	r->sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	r->cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP)
		r->sq_size = r->cq_size = r->sq_size > r->cq_size ? r->sq_size : r->cq_size;
	sq = mmap(NULL, r->sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		  IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return -errno;
	r->sq = sq;
	cq = sq;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		cq = mmap(NULL, r->cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			  r->fd, IORING_OFF_CQ_RING);
		if (cq == MAP_FAILED)
			return -errno;
		r->cq = cq;
	}
	r->sqes_size = p.sq_entries * sizeof(struct io_uring_sqe);
	r->sqes = mmap(NULL, r->sqes_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		       IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		return -errno;
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* IORING_OP_SOCKET (Linux 5.19+; older kernels answer EINVAL): the new
 * socket's fd, or -errno (of the operation, or of io_uring_enter). */
static int ring_socket(struct ring *r, int domain, int type)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	struct io_uring_sqe *sqe = &r->sqes[idx];
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_SOCKET;
	sqe->fd = domain;
	sqe->off = (unsigned)type | SOCK_CLOEXEC;
	sqe->len = 0; /* protocol */
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(SYS_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;
	head = *r->cq_head;
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return -EAGAIN; /* no completion: should not happen with min_complete 1 */
	res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

static void ring_close(struct ring *r)
{
	if (r->sqes && r->sqes != MAP_FAILED)
		munmap(r->sqes, r->sqes_size);
	if (r->cq && r->cq != MAP_FAILED)
		munmap(r->cq, r->cq_size);
	if (r->sq && r->sq != MAP_FAILED)
		munmap(r->sq, r->sq_size);
	if (r->fd >= 0)
		close(r->fd);
}

static void escape_setup(const struct probe *p, const void *arg, struct outcome *o)
{
	struct ring r;
	int err = ring_open(&r);

	if (err < 0)
		outcome_blocked(o, -err);
	else
		outcome_ok(o, "ring");
	ring_close(&r);
}

static void escape_socket_vsock(const struct probe *p, const void *arg, struct outcome *o)
{
	struct ring r;
	int fd = ring_open(&r);

	if (fd == 0)
		fd = ring_socket(&r, AF_VSOCK, SOCK_STREAM);
	if (fd < 0) {
		outcome_blocked(o, -fd);
	} else {
		outcome_ok(o, "vsock-socket");
		close(fd);
	}
	ring_close(&r);
}

/* The families socket(2) may create in a cell (escape_net.c). */
static int allowed(int family)
{
	return family == AF_UNIX || family == AF_INET || family == AF_INET6 ||
	       family == AF_NETLINK || family == AF_PACKET;
}

static void escape_socket_families(const struct probe *p, const void *arg, struct outcome *o)
{
	static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_RDM};
	char found[OUTCOME_MAX] = "", item[32];
	struct ring r;
	int err = ring_open(&r);

	if (err < 0) {
		outcome_blocked(o, -err);
		ring_close(&r);
		return;
	}
	for (int f = 0; f < 64; f++) {
		if (allowed(f))
			continue;
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			int s = ring_socket(&r, f, types[i]);

			if (s < 0)
				continue;
			close(s);
			snprintf(item, sizeof(item), "%d/%d", f, types[i]);
			text_list_add(found, sizeof(found), item);
		}
	}
	if (found[0])
		outcome_ok(o, "families=%s", found);
	else
		outcome_blocked_why(o, "NO_OTHER_FAMILY");
	ring_close(&r);
}

void escapes_io_uring(struct probe *p)
{
	attack_run(p, "io_uring_setup", escape_setup, NULL);
	attack_run(p, "io_uring_socket_vsock", escape_socket_vsock, NULL);
	attack_run(p, "io_uring_socket_families", escape_socket_families, NULL);
}
