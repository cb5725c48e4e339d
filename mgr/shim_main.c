// SPDX-License-Identifier: MIT
/* cellar-shim PID EXIT_FILE: see shim.h.  Started only by cellmgr. */
#include <stdio.h>
#include <stdlib.h>

#include "shim.h"

int main(int argc, char **argv)
{
	char *end;
	long pid;

	if (argc != 3) {
		fprintf(stderr, "usage: cellar-shim PID EXIT_FILE (started by cellmgr)\n");
		return 2;
	}
	pid = strtol(argv[1], &end, 10);
	if (*end || pid <= 0) {
		fprintf(stderr, "cellar-shim: bad pid '%s'\n", argv[1]);
		return 2;
	}
	shim_run((pid_t)pid, argv[2]);
}
