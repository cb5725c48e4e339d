/* Socket families.  Exotic transports (TIPC, vsock, AF_ALG, PF_KEY) are
 * shared kernel code, some of it not network-namespaced (vsock reaches the
 * hypervisor); DESIGN.md fences them with a seccomp allowlist of families.
 * AF_PACKET is fine inside the cell's own network namespace: reported for
 * the harness to decide.
 *
 * Note: socket() of an unregistered family makes the kernel try to load the
 * module ("net-pf-N"), whoever asks.  In a cell without the seccomp fence
 * that autoload is itself part of what is tested. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"

#ifndef AF_TIPC
#define AF_TIPC 30
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef AF_KEY
#define AF_KEY 15
#endif
#define PF_KEY_V2 2

struct family {
	int domain;
	int type;
	int protocol;
};

static void attack_socket(const struct probe *p, const void *arg, struct outcome *o)
{
	const struct family *f = arg;
	int fd = socket(f->domain, f->type | SOCK_CLOEXEC, f->protocol);

	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, NULL);
	close(fd);
}

void attacks_socket(struct probe *p)
{
	static const struct family tipc = {AF_TIPC, SOCK_RDM, 0};
	static const struct family vsock = {AF_VSOCK, SOCK_STREAM, 0};
	static const struct family alg = {AF_ALG, SOCK_SEQPACKET, 0};
	static const struct family key = {AF_KEY, SOCK_RAW, PF_KEY_V2};
	static const struct family packet = {AF_PACKET, SOCK_RAW,
					     0 /* receives nothing until bound */};

	attack_run(p, "socket_tipc", attack_socket, &tipc);
	attack_run(p, "socket_vsock", attack_socket, &vsock);
	attack_run(p, "socket_alg", attack_socket, &alg);
	attack_run(p, "socket_key", attack_socket, &key);
	attack_run(p, "socket_packet", attack_socket, &packet);
}
