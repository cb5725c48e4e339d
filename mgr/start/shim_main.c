// SPDX-License-Identifier: MIT
/* cellar-shim PID EXIT_FILE [CGROUP_DIR]: see shim.h.  Started only by
 * cellmgr. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "shim.h"

int main(int argc, char **argv)
{
	char *end;
	long pid;

	if (argc != 3 && argc != 4) {
		fprintf(stderr,
			"usage: cellar-shim PID EXIT_FILE [CGROUP_DIR] (started by cellmgr)\n");
		return 2;
	}
	pid = strtol(argv[1], &end, 10);
	if (*end || pid <= 0) {
		fprintf(stderr, "cellar-shim: bad pid '%s'\n", argv[1]);
		return 2;
	}
	log_set_prefix("cellar-shim");
	/* cellmgr's go-ahead comes on SHIM_FD_ACK (shim_spawn.c). */
	shim_run((pid_t)pid, fcntl(SHIM_FD_ACK, F_GETFD) >= 0 ? SHIM_FD_ACK : -1, argv[2],
		 argc == 4 ? argv[3] : NULL);
}
