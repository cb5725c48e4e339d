/* Resource hogs for the escape suite: run inside a cell, they must stop at
 * the cell's own limits (rlimits here; cgroup v2 limits in the QEMU guest).
 *
 *   probe escape-forkbomb [--max N] [--hold-ms MS]
 *       forks children that only wait, until fork fails or N are alive;
 *       holds them MS ms (default 500), then kills them all.
 *   probe escape-memhog [--max-mb N]
 *       allocates and touches 1 MiB at a time until that fails or N MiB.
 *   probe escape-cgroupbomb [--max N]
 *       mounts cgroup2 (in a mount namespace of its own: the cell's cgroup
 *       namespace shows its own cgroup as the top) and makes empty cgroups
 *       below the top until mkdir fails or N are made (issue 13, finding 8:
 *       the kernel's cgroup.max.descendants answers EAGAIN).  They are left
 *       in place: the cell's end removes them.
 *
 * Lines: forkbomb.forked=N, forkbomb.stop=ENAME|max, forkbomb.rlimit_nproc=
 * SOFT:HARD; memhog.mb=N, memhog.stop=ENAME|max, memhog.rlimit_as=SOFT:HARD;
 * cgbomb.made=N, cgbomb.stop=ENAME|max, cgbomb.ms=MS (or cgbomb.error=STEP:
 * ENAME); then probe.end=1.  Exit status 0 when it ran, 2 for a usage
 * error. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"

static int parse_opts(int argc, char **argv, const char *name, long *a, long *b)
{
	static const struct option longopts[] = {
	    {"max", required_argument, NULL, 'm'},
	    {"hold-ms", required_argument, NULL, 'h'},
	    {"max-mb", required_argument, NULL, 'm'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'm')
			*a = atol(optarg);
		else if (c == 'h' && b)
			*b = atol(optarg);
		else
			goto bad;
	}
	if (optind == argc && *a > 0)
		return 0;
bad:
	fprintf(stderr, "usage: probe %s [--max N] [--hold-ms MS] | [--max-mb N]\n", name);
	return -1;
}

static void print_limit(const char *key, int resource)
{
	struct rlimit r;

	if (getrlimit(resource, &r) < 0) {
		printf("%s=error:%s\n", key, errno_name(errno));
		return;
	}
	printf("%s=", key);
	if (r.rlim_cur == RLIM_INFINITY)
		printf("unlimited:");
	else
		printf("%lu:", (unsigned long)r.rlim_cur);
	if (r.rlim_max == RLIM_INFINITY)
		printf("unlimited\n");
	else
		printf("%lu\n", (unsigned long)r.rlim_max);
}

int escape_forkbomb(int argc, char **argv)
{
	long max = 100000, hold_ms = 500, n = 0;
	const char *stop = "max";
	pid_t *kids;

	if (parse_opts(argc, argv, "escape-forkbomb", &max, &hold_ms) < 0)
		return 2;
	kids = calloc((size_t)max, sizeof(*kids));
	if (!kids)
		return 2;
	while (n < max) {
		pid_t pid = fork();

		if (pid < 0) {
			stop = errno_name(errno);
			break;
		}
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		kids[n++] = pid;
	}
	usleep((useconds_t)hold_ms * 1000);
	for (long i = 0; i < n; i++)
		kill(kids[i], SIGKILL);
	for (long i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	printf("forkbomb.forked=%ld\nforkbomb.stop=%s\n", n, stop);
	print_limit("forkbomb.rlimit_nproc", RLIMIT_NPROC);
	printf("probe.end=1\n");
	free(kids);
	return 0;
}

int escape_memhog(int argc, char **argv)
{
	long max = 1024, mb = 0;
	const char *stop = "max";

	if (parse_opts(argc, argv, "escape-memhog", &max, NULL) < 0)
		return 2;
	while (mb < max) {
		char *chunk =
		    mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (chunk == MAP_FAILED) {
			stop = errno_name(errno);
			break;
		}
		memset(chunk, 0x5a, 1 << 20);
		mb++;
	}
	printf("memhog.mb=%ld\nmemhog.stop=%s\n", mb, stop);
	print_limit("memhog.rlimit_as", RLIMIT_AS);
	printf("probe.end=1\n");
	return 0;
}

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000L + (t1.tv_nsec - t0->tv_nsec) / 1000000L;
}

int escape_cgroupbomb(int argc, char **argv)
{
	char dir[128], path[192];
	long max = 100000, n = 0;
	const char *stop = "max";
	struct timespec t0;

	if (parse_opts(argc, argv, "escape-cgroupbomb", &max, NULL) < 0)
		return 2;
	if (escape_scratch(dir, sizeof(dir), "cgbomb") < 0 || mount_private_ns() < 0) {
		printf("cgbomb.error=private-ns:%s\nprobe.end=1\n", errno_name(errno));
		return 0;
	}
	if (mount("none", dir, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		printf("cgbomb.error=mount-cgroup2:%s\nprobe.end=1\n", errno_name(errno));
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (n < max) {
		snprintf(path, sizeof(path), "%s/cgbomb-%ld", dir, n);
		if (mkdir(path, 0755) < 0) {
			stop = errno_name(errno);
			break;
		}
		n++;
	}
	printf("cgbomb.made=%ld\ncgbomb.stop=%s\ncgbomb.ms=%ld\nprobe.end=1\n", n, stop,
	       elapsed_ms(&t0));
	umount2(dir, MNT_DETACH);
	return 0;
}
