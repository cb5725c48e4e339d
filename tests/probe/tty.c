// SPDX-License-Identifier: MIT
/*
 * probe tiocsti FD TEXT: what `cellctl exec` gives a command as its
 * terminal, and whether the command can type into it (tests/integration/
 * attach, finding 3 of issue 13).  Prints
 *
 *	tty.fd=DEV:INO:RDEV        st_dev, st_ino, st_rdev of FD, in hex
 *	tty.tiocsti=ok|ENAME       TIOCSTI of each byte of TEXT on FD
 *
 * The harness compares tty.fd with the admin's terminal seen from the
 * host (st_dev and st_ino are not namespaced) and reads that terminal's
 * input queue for TEXT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "probe.h"

int tty_main(int argc, char **argv); /* main.c: `probe tiocsti ...` */

int tty_main(int argc, char **argv)
{
	struct stat st;
	const char *text;
	int fd, err = 0;
	char *end;

	if (argc != 3) {
		fprintf(stderr, "usage: probe tiocsti FD TEXT\n");
		return 2;
	}
	fd = (int)strtol(argv[1], &end, 10);
	if (*end || fd < 0) {
		fprintf(stderr, "probe tiocsti: bad fd %s\n", argv[1]);
		return 2;
	}
	text = argv[2];
	if (fstat(fd, &st) < 0)
		printf("tty.fd=%s\n", errno_name(errno));
	else
		printf("tty.fd=%llx:%llx:%llx\n", (unsigned long long)st.st_dev,
		       (unsigned long long)st.st_ino, (unsigned long long)st.st_rdev);
	for (const char *p = text; *p && !err; p++)
		if (ioctl(fd, TIOCSTI, p) < 0)
			err = errno;
	printf("tty.tiocsti=%s\n", err ? errno_name(err) : "ok");
	return 0;
}
