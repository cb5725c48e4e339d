/* Every socket family the kernel might know (0..63) and every socket
 * type: only AF_UNIX, AF_INET, AF_INET6, AF_NETLINK and AF_PACKET may be
 * created in a cell (cellar's seccomp filter, docs/security.md).  Anything
 * else (TIPC, vsock, AF_ALG, AF_KEY, Bluetooth, CAN, RDS, XDP, ... and any
 * family a later kernel adds) is a finding: SUCCEEDED:families=F/TYPE,... */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "escape.h"

static int allowed(int family)
{
	return family == AF_UNIX || family == AF_INET || family == AF_INET6 ||
	       family == AF_NETLINK || family == AF_PACKET;
}

static void escape_families(const struct probe *p, const void *arg, struct outcome *o)
{
	static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET, SOCK_RDM};
	char found[OUTCOME_MAX] = "", item[32];
	int tried = 0;

	for (int f = 0; f < 64; f++) {
		if (allowed(f))
			continue;
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			int s = socket(f, types[i] | SOCK_CLOEXEC, 0);

			tried++;
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
	(void)tried;
}

void escapes_net(struct probe *p)
{
	attack_run(p, "socket_families", escape_families, NULL);
}
