// SPDX-License-Identifier: MIT
/*
 * Leaves a verity device behind the way a shim-to-be killed between
 * verity_open() and verity_release() would: a child sets one up over
 * IMAGE with ROOTHASH (mgr/start/verity.c) and exits without releasing it.
 * Prints the device's name.  tests/qemu-verity/run then checks that a
 * starting cellmgr removes it (verity_sweep()).
 *
 *     dm_leak IMAGE ROOTHASH
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image.h"
#include "verity.h"

int main(int argc, char **argv)
{
	struct child_error e = {0};
	struct verity_dev v;
	char loopdev[64];
	int loop, status;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: dm_leak IMAGE ROOTHASH\n");
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		loop = loop_attach(argv[1], loopdev, sizeof(loopdev));
		if (loop < 0 || verity_open(&v, loop, "leak", argv[1], argv[2], &e) < 0) {
			fprintf(stderr, "dm_leak: %s: %s\n", e.step, strerror(-e.err));
			_exit(1);
		}
		printf("%s %s\n", v.name, v.path);
		fflush(stdout);
		_exit(0); /* no verity_release(): the device stays */
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}
