/* probe escape [--other-pid PID] [--timeout-ms MS]: the escape suite's own
 * attacks, printed like a report (attack.NAME=outcome, probe.end=1).
 * probe escape-io-uring: only the io_uring attacks (escape_iouring.c), for
 * a cell that opted in to io_uring.
 * probe escape-forkbomb / escape-memhog / escape-cgroupbomb: escape_res.c. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "escape.h"

int escape_main(int argc, char **argv);

int escape_scratch(char *path, size_t size, const char *tag)
{
	const char *tmp = probe_tmpdir();

	snprintf(path, size, "%s/cellar-probe-%s.%ld", strcmp(tmp, "/") ? tmp : "", tag,
		 (long)getpid());
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int escape_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"other-pid", required_argument, NULL, 'p'},
	    {"timeout-ms", required_argument, NULL, 't'},
	    {NULL, 0, NULL, 0},
	};
	struct report report;
	struct probe p = {.opt = {.timeout_ms = 2000}, .report = &report};
	bool io_uring_only = strcmp(argv[0], "escape-io-uring") == 0;
	int c;

	if (strcmp(argv[0], "escape-forkbomb") == 0)
		return escape_forkbomb(argc, argv);
	if (strcmp(argv[0], "escape-memhog") == 0)
		return escape_memhog(argc, argv);
	if (strcmp(argv[0], "escape-cgroupbomb") == 0)
		return escape_cgroupbomb(argc, argv);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': p.opt.other_pid = (pid_t)atoi(optarg); break;
		case 't': p.opt.timeout_ms = atoi(optarg); break;
		default:
			fprintf(stderr,
				"usage: probe escape [--other-pid PID] [--timeout-ms MS]\n");
			return 2;
		}
	}
	if (optind < argc || p.opt.timeout_ms < 10) {
		fprintf(stderr, "usage: probe escape [--other-pid PID] [--timeout-ms MS]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	report_init(&report);
	report_set(&report, "probe.version", "%d", PROBE_FORMAT_VERSION);
	report_set(&report, "probe.mode", "%s", argv[0]);
	if (stat("/", &p.root_st) < 0)
		memset(&p.root_st, 0, sizeof(p.root_st));
	if (!io_uring_only) {
		escapes_fs(&p);
		escapes_proc(&p);
		escapes_dev(&p);
		escapes_kernel(&p);
		escapes_net(&p);
	}
	escapes_io_uring(&p);
	report_print(&report);
	report_free(&report);
	return 0;
}
