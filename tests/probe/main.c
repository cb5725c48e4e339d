/* probe: the program a test runs inside a cell.  See README.md for the
 * output format; the outcomes are data, the harness decides what passes. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probe.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: probe [--other-pid PID] [--other-path PATH] [--ipc-key KEY]\n"
	    "             [--mq NAME] [--timeout-ms MS] [--hold SECONDS] [report|plant]\n"
	    "  report  print facts and attack outcomes as key=value lines (default)\n"
	    "  plant   create cross-cell bait (SysV shm/sem/msg, mqueue, @%s,\n"
	    "          %s) and exit; the socket holder lives --hold seconds (0: forever)\n"
	    "usage: probe notify [--pid PID] KEY=VALUE... [-- COMMAND [ARG...]]\n"
	    "  notify  send one sd_notify datagram (READY=1, STATUS=...) to $NOTIFY_SOCKET,\n"
	    "          then exec COMMAND if given\n"
	    "usage: probe input DEVICE [--count N] [--timeout-ms MS] [--write CODE[,CODE...]]\n"
	    "  input   print the evdev events DEVICE delivers (input.event=TYPE CODE VALUE)\n"
	    "usage: probe vt-fence TTY | probe vt-hold TTY [--seconds N] | probe vt-keymap TTY\n"
	    "  vt-fence  try every fenced VT/keyboard ioctl on TTY, plain and with bit 32\n"
	    "  vt-hold   hold TTY in VT_PROCESS without ever releasing it, N s (20)\n"
	    "  vt-keymap count the kernel keymap's entries that act on the host (KDGKBENT)\n"
	    "usage: probe escape [--other-pid PID] [--timeout-ms MS]\n"
	    "       probe escape-io-uring [--timeout-ms MS]\n"
	    "       probe escape-forkbomb [--max N] [--hold-ms MS]\n"
	    "       probe escape-memhog [--max-mb N]\n"
	    "       probe escape-cgroupbomb [--max N]\n"
	    "  escape    the escape suite's own attacks (tests/escape/run)\n"
	    "  escape-io-uring  only its io_uring attacks\n"
	    "usage: probe tiocsti FD TEXT\n"
	    "  tiocsti   FD's identity, then TIOCSTI of TEXT on FD\n",
	    PROBE_ABSTRACT_NAME, PROBE_BAIT_FILE);
}

/* notify.c: `probe notify ...`, argv[0] being "notify". */
int notify_main(int argc, char **argv);
/* input.c: `probe input ...`, argv[0] being "input". */
int input_main(int argc, char **argv);
/* vt.c: `probe vt-fence|vt-hold|vt-keymap ...`, argv[0] being the mode. */
int vt_main(int argc, char **argv);
/* tty.c: `probe tiocsti FD TEXT`, argv[0] being "tiocsti". */
int tty_main(int argc, char **argv);
/* escape_main.c: `probe escape ...`, `probe escape-io-uring|escape-forkbomb|escape-memhog|
 * escape-cgroupbomb ...`. */
int escape_main(int argc, char **argv);

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* Returns the mode ("report" or "plant"), or NULL after printing usage. */
static const char *parse_args(int argc, char **argv, struct probe_options *opt)
{
	static const struct option longopts[] = {
	    {"other-pid", required_argument, NULL, 'p'},
	    {"other-path", required_argument, NULL, 'f'},
	    {"ipc-key", required_argument, NULL, 'k'},
	    {"mq", required_argument, NULL, 'q'},
	    {"timeout-ms", required_argument, NULL, 't'},
	    {"hold", required_argument, NULL, 'H'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *mode = "report";
	long v;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (parse_long(optarg, 1, 0x7fffffff, &v) < 0)
				goto bad;
			opt->other_pid = (pid_t)v;
			break;
		case 'f': opt->other_path = optarg; break;
		case 'k':
			if (parse_long(optarg, 0, 0x7fffffff, &v) < 0)
				goto bad;
			opt->ipc_key = v;
			break;
		case 'q':
			if (optarg[0] != '/' || strchr(optarg + 1, '/'))
				goto bad;
			opt->mq_name = optarg;
			break;
		case 't':
			if (parse_long(optarg, 10, 60000, &v) < 0)
				goto bad;
			opt->timeout_ms = (int)v;
			break;
		case 'H':
			if (parse_long(optarg, 0, 0x7fffffff, &v) < 0)
				goto bad;
			opt->hold_s = (int)v;
			break;
		case 'h': usage(stdout); exit(0);
		default: goto bad;
		}
	}
	if (optind < argc)
		mode = argv[optind++];
	if (optind < argc || (strcmp(mode, "report") != 0 && strcmp(mode, "plant") != 0))
		goto bad;
	return mode;
bad:
	usage(stderr);
	return NULL;
}

static void report_run(struct probe *p)
{
	report_set(p->report, "probe.mode", "report");
	facts_process(p);
	facts_fs(p);
	attacks_dev(p);
	attacks_mount(p);
	attacks_procfs(p);
	attacks_kernel(p);
	attacks_kapi(p);
	attacks_socket(p);
	attacks_escape(p);
	attacks_other(p);
	attacks_ipc(p);
	attacks_cgroup(p);
	attacks_userns(p);
}

int main(int argc, char **argv)
{
	struct report report;
	struct probe p = {
	    .opt =
		{
		    .ipc_key = PROBE_DEFAULT_IPC_KEY,
		    .mq_name = PROBE_DEFAULT_MQ,
		    .timeout_ms = 1000,
		},
	    .report = &report,
	};
	const char *mode;

	/* notify takes its own arguments (KEY=VALUE, a command after --). */
	if (argc > 1 && strcmp(argv[1], "notify") == 0)
		return notify_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "input") == 0)
		return input_main(argc - 1, argv + 1);
	if (argc > 1 && (strcmp(argv[1], "vt-fence") == 0 || strcmp(argv[1], "vt-hold") == 0 ||
			 strcmp(argv[1], "vt-keymap") == 0))
		return vt_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "tiocsti") == 0)
		return tty_main(argc - 1, argv + 1);
	if (argc > 1 && strncmp(argv[1], "escape", 6) == 0 &&
	    (!argv[1][6] || !strcmp(argv[1] + 6, "-io-uring") ||
	     !strcmp(argv[1] + 6, "-forkbomb") || !strcmp(argv[1] + 6, "-memhog") ||
	     !strcmp(argv[1] + 6, "-cgroupbomb")))
		return escape_main(argc - 1, argv + 1);
	mode = parse_args(argc, argv, &p.opt);
	if (!mode)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	report_init(&report);
	report_set(&report, "probe.version", "%d", PROBE_FORMAT_VERSION);
	if (stat("/", &p.root_st) < 0)
		memset(&p.root_st, 0, sizeof(p.root_st));
	if (strcmp(mode, "plant") == 0)
		plant_run(&p);
	else
		report_run(&p);
	report_print(&report);
	report_free(&report);
	return 0;
}
