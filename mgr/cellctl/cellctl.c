// SPDX-License-Identifier: MIT
/*
 * cellctl: the command-line client of cellmgr's control socket
 * (docs/control.md).  One request, one reply; `log -f` and `exec` keep the
 * connection until cellmgr ends it.
 *
 * Exit status: 0 on success; 1 when cellmgr cannot be reached or refuses
 * or fails the request; 2 on a usage error; for exec, the command's own
 * status (128+N when signal N ended it), or 125 when it could not be run
 * (or cellmgr ended the session without its status).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cellctl_console.h"
#include "cellctl_exec.h"
#include "cellctl_wait.h"
#include "ctl_client.h"
#include "ctl_proto.h"
#include "fdpass.h"
#include "fileutil.h"
#include "suggest.h"
#include "termsafe.h"

#define EXIT_USAGE 2
#define EXIT_EXEC_FAILED 125

static void usage(FILE *f)
{
	static char text[4096];
	struct ctl_buf b = {.buf = text, .cap = sizeof(text) - 1};

	ctl_buf_printf(&b, "usage: cellctl [--socket PATH] [--json] COMMAND [ARG...]\n"
			   "commands:\n");
	for (size_t i = 0; i < ctl_cmds_n; i++)
		ctl_help_entry(&b, 28, ctl_cmds[i].cli, ctl_cmds[i].help);
	ctl_buf_printf(
	    &b, "options:\n"
		"  --socket PATH             cellmgr's control socket (default " CTL_DEFAULT_SOCKET
		")\n"
		"  --json                    list, status, top: print JSON\n"
		"  -h, --help                this text\n"
		"  --version                 cellctl's version\n"
		"exit status: 0 success; 1 error (one line on stderr); 2 usage;\n"
		"exec: the command's status, 128+N for signal N, 125 if it could not run\n");
	text[b.len] = '\0';
	fputs(text, f);
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("cellctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (cellctl --help)\n", stderr);
	return EXIT_USAGE;
}

/* The request's fields, built from the command line. */
struct request {
	const char *fields[CTL_FIELDS_MAX + 1];
	unsigned n;
	bool exec, follow, raw;
	bool wait;	    /* start, stop, restart: --wait */
	unsigned timeout_s; /* --timeout, for --wait */
	int tty;	    /* exec: -1 as stdin is, 1 -t, 0 -T */
	char rows[8], cols[8];
};

static int add(struct request *rq, const char *field)
{
	if (rq->n >= CTL_FIELDS_MAX)
		return usage_error("%s: too many arguments", rq->fields[0]);
	rq->fields[rq->n++] = field;
	return 0;
}

/* exec NAME [-t|-T] [--] CMD...: "pty ROWS COLS" or "pipes", then CMD... */
static int exec_fields(int argc, char **args, int i, struct request *rq)
{
	unsigned short rows, cols;
	bool pty;
	int r;

	rq->exec = true;
	rq->tty = -1;
	for (; i < argc && args[i][0] == '-'; i++) {
		if (!strcmp(args[i], "-t") || !strcmp(args[i], "--tty"))
			rq->tty = 1;
		else if (!strcmp(args[i], "-T") || !strcmp(args[i], "--no-tty"))
			rq->tty = 0;
		else if (!strcmp(args[i], "--")) {
			i++;
			break;
		} else
			return usage_error("exec: unknown option '%s'", args[i]);
	}
	if (i >= argc)
		return usage_error("exec: missing command to run");
	/* Interactive when stdin is a terminal; not when stdout goes to a
	 * file or a pipe, which a pty would fill with CR LF and the
	 * command's stderr (ssh -t's trap). */
	pty = rq->tty < 0 ? isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) : rq->tty;
	if (pty) {
		cellctl_term_size(&rows, &cols);
		snprintf(rq->rows, sizeof(rq->rows), "%u", rows);
		snprintf(rq->cols, sizeof(rq->cols), "%u", cols);
		add(rq, "pty");
		add(rq, rq->rows);
		add(rq, rq->cols);
	} else {
		add(rq, "pipes");
	}
	rq->tty = pty;
	for (; i < argc; i++)
		if ((r = add(rq, args[i])) < 0)
			return r;
	return 0;
}

/* update NAME IMAGE [--verity HASH] [--version TEXT], from args[i] on
 * (IMAGE): IMAGE made absolute, as cellmgr resolves it from "/"; the
 * options in the protocol's order. */
static int parse_update(int argc, char **args, int i, struct request *rq)
{
	static char image[PATH_MAX];
	const char *verity = NULL, *version = NULL;

	if (i >= argc || args[i][0] == '-')
		return usage_error("update: missing image file");
	if (!realpath(args[i], image))
		snprintf(image, sizeof(image), "%s", args[i]);
	add(rq, image);
	for (i++; i < argc; i += 2) {
		const char **slot = !strcmp(args[i], "--verity")    ? &verity
				    : !strcmp(args[i], "--version") ? &version
								    : NULL;

		if (!slot || *slot)
			return usage_error("unexpected argument '%s'", args[i]);
		if (i + 1 >= argc)
			return usage_error("update: %s needs a value", args[i]);
		*slot = args[i + 1];
	}
	if (verity) {
		add(rq, "verity");
		add(rq, verity);
	}
	if (version) {
		add(rq, "version");
		add(rq, version);
	}
	return 0;
}

/* " (did you mean 'status'?)" after an unknown command, or "". */
static const char *command_hint(const char *cmd)
{
	static char text[SUGGEST_WORD_MAX + 32];
	struct suggest s;

	suggest_init(&s, cmd);
	for (size_t i = 0; i < ctl_cmds_n; i++)
		if (ctl_cmds[i].name)
			suggest_add(&s, ctl_cmds[i].name);
	if (!suggest_best(&s))
		return "";
	snprintf(text, sizeof(text), " (did you mean '%s'?)", suggest_best(&s));
	return text;
}

/* --timeout's value: seconds, 1-86400. */
static int parse_timeout(const char *arg, struct request *rq)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*end || !v || v > 86400)
		return usage_error("--timeout: seconds, 1-86400: '%s'", arg);
	rq->timeout_s = (unsigned)v;
	return 0;
}

/* COMMAND and its arguments (args[0] is the command) into fields: its
 * NAME, then exec's and update's own forms, or the options its row in
 * ctl_cmds takes; json is a --json before the command. */
static int parse_command(int argc, char **args, bool json, struct request *rq)
{
	const char *cmd = args[0];
	const struct ctl_cmd_spec *spec = ctl_cmd_find(cmd);
	unsigned given = json ? 1u << CTL_OPT_JSON : 0;
	char list[64];
	int i = 1, o, r;

	rq->n = 0;
	add(rq, cmd);
	if (!spec || (spec->flags & CTL_LOCAL))
		return usage_error("unknown command '%s'%s", cmd, command_hint(cmd));
	/* One rule for --json, before the command or after it: a command
	 * that prints no JSON refuses it (exec's command line is its own). */
	for (int k = 1; k < argc && !json; k++) {
		if (!strcmp(args[k], "--") ||
		    (spec->cmd == CTL_CMD_EXEC && k > 1 && args[k][0] != '-'))
			break;
		json = !strcmp(args[k], "--json");
	}
	if (json && !(spec->opts & (1u << CTL_OPT_JSON)))
		return usage_error("%s: --json is for %s", cmd,
				   ctl_opt_commands(CTL_OPT_JSON, list, sizeof(list)));
	if (spec->flags & CTL_NAMED) {
		if (i >= argc || args[i][0] == '-')
			return usage_error("%s: missing cell name", cmd);
		add(rq, args[i++]);
	}
	if (spec->cmd == CTL_CMD_EXEC)
		return exec_fields(argc, args, i, rq);
	if (spec->cmd == CTL_CMD_UPDATE)
		return parse_update(argc, args, i, rq);
	for (; i < argc; i++) {
		o = ctl_cmd_option(spec, args[i]);
		if (o < 0 || (ctl_opts[o].value && i + 1 >= argc))
			return usage_error("unexpected argument '%s'", args[i]);
		if (o == CTL_OPT_TIMEOUT && (r = parse_timeout(args[++i], rq)) != 0)
			return r;
		given |= 1u << o;
	}
	rq->follow = given & (1u << CTL_OPT_FOLLOW);
	rq->raw = given & (1u << CTL_OPT_RAW);
	rq->wait = given & (1u << CTL_OPT_WAIT);
	for (o = 0; o < CTL_OPT_N; o++)
		if ((given & (1u << o)) && ctl_opts[o].word)
			add(rq, ctl_opts[o].word);
	return 0;
}

static int fail(const char *what)
{
	fprintf(stderr, "cellctl: %s: %s\n", what, strerror(errno));
	return 1;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "cellctl: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail("socket");
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ctl_client_unreachable(path, errno);
		close(fd);
		return -1;
	}
	return fd;
}

/* The request; nothing of ours goes with it, not even for exec. */
static int send_request(int fd, const char *msg, size_t len)
{
	return send(fd, msg, len, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

/* exec's first reply, with the descriptors cellmgr sends along "ok"
 * (close-on-exec): up to three.  *n_fds says how many. */
static ssize_t receive_with_fds(int fd, char *buf, size_t cap, int fds[3], unsigned *n_fds)
{
	ssize_t n;

	n = fdpass_recv(fd, buf, cap, fds, 3, n_fds, MSG_TRUNC);
	if (n == -ECONNRESET)
		return recv(fd, buf, cap, MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0) {
		errno = (int)-n;
		return -1;
	}
	return n;
}

/* stdout gone (a closed pipe): nothing to report to. */
static void write_stdout(const char *buf, size_t len)
{
	if (write_all(STDOUT_FILENO, buf, len) < 0)
		exit(1);
}

/* The cell's console output, as it comes: through the filter unless
 * --raw (mgr/util/termsafe.h: the bytes are the cell's, the terminal the
 * admin's). */
static struct termsafe log_filter;
static volatile sig_atomic_t log_coloured; /* for the signal handler */

static void write_log(const struct request *rq, const char *buf, size_t len)
{
	static char safe[TERMSAFE_OUT_MAX(4096)];

	if (rq->raw) {
		write_stdout(buf, len);
		return;
	}
	while (len > 0) {
		size_t n = len < 4096 ? len : 4096;

		write_stdout(safe, termsafe_filter(&log_filter, buf, n, safe, sizeof(safe)));
		buf += n;
		len -= n;
	}
	log_coloured = log_filter.coloured;
}

static void end_log(const struct request *rq)
{
	char tail[TERMSAFE_OUT_MAX(0)];

	if (!rq->raw)
		write_stdout(tail, termsafe_finish(&log_filter, tail, sizeof(tail)));
	log_coloured = 0;
}

/* log -f ends with Ctrl-C: colours the cell left on are reset first. */
static void on_follow_signal(int sig)
{
	if (log_coloured) {
		ssize_t r = write(STDOUT_FILENO, "\x1b[0m", 4);

		(void)r; /* dying anyway */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Receives one message; 0 at the end of the connection. */
static ssize_t receive(int fd, char *buf, size_t cap, int flags)
{
	ssize_t n;

	do
		n = recv(fd, buf, cap, flags);
	while (n < 0 && errno == EINTR);
	/* A refusal (not root, busy) may reach us as ECONNRESET when our
	 * request was still unread at cellmgr's close; the reason is queued
	 * behind that error, which the first recv cleared. */
	if (n < 0 && errno == ECONNRESET) {
		n = recv(fd, buf, cap, flags | MSG_DONTWAIT);
		if (n < 0)
			errno = ECONNRESET;
	}
	return n;
}

static int follow(int fd, const struct request *rq)
{
	static char buf[CTL_REPLY_MAX];
	ssize_t n;

	while ((n = receive(fd, buf, sizeof(buf), 0)) > 0)
		write_log(rq, buf, (size_t)n);
	end_log(rq);
	if (n < 0)
		return fail("recv");
	fprintf(stderr, "cellctl: log %s: cellmgr ended the stream\n", rq->fields[1]);
	return 1;
}

/* Sends the request, receives the reply (and an exec's fds).  Returns
 * the reply's length, or -1 with the error printed. */
static ssize_t exchange(int fd, const char *msg, size_t len, const struct request *rq, char *reply,
			int exec_fds[3], unsigned *n_exec_fds)
{
	ssize_t n;

	if (send_request(fd, msg, len) < 0) {
		int err = errno;

		/* Refused at once (not root, busy): the reason is waiting. */
		n = receive(fd, reply, CTL_REPLY_MAX, MSG_DONTWAIT);
		if (n <= 0) {
			errno = err;
			fail("send");
			return -1;
		}
	} else if (rq->exec) {
		n = receive_with_fds(fd, reply, CTL_REPLY_MAX + 1, exec_fds, n_exec_fds);
	} else {
		n = receive(fd, reply, CTL_REPLY_MAX + 1, MSG_TRUNC);
	}
	if (n < 0) {
		fail("recv");
		return -1;
	}
	if (n == 0) {
		fprintf(stderr, "cellctl: cellmgr closed the connection without a reply\n");
		return -1;
	}
	if (n > CTL_REPLY_MAX) {
		fprintf(stderr, "cellctl: reply from cellmgr too long\n");
		return -1;
	}
	return n;
}

/* An "ok" reply: the command's output, an exec's relay, a --wait, a log. */
static int on_ok(int fd, const char *socket_path, const struct request *rq, const char *reply,
		 size_t n, int exec_fds[3], unsigned n_exec_fds, long old_pid)
{
	if (rq->exec) {
		if (n != 3 || n_exec_fds != (rq->tty ? 1U : 3U)) {
			fprintf(stderr, "cellctl: malformed exec reply from cellmgr\n");
			return EXIT_EXEC_FAILED;
		}
		return cellctl_exec_relay(fd, rq->fields[1], rq->tty, exec_fds);
	}
	if (rq->wait) {
		close(fd);
		return cellctl_wait(socket_path, rq->fields[0], rq->fields[1],
				    rq->timeout_s ? rq->timeout_s : CELLCTL_WAIT_DEFAULT_S,
				    old_pid);
	}
	if (strcmp(rq->fields[0], "log") != 0) {
		if (rq->n == 1 && strcmp(rq->fields[0], "list") == 0 && isatty(STDOUT_FILENO)) {
			ctl_client_list_header(stdout);
			fflush(stdout);
		}
		write_stdout(reply + 3, n - 3);
		return 0;
	}
	if (rq->follow && !rq->raw) {
		signal(SIGINT, on_follow_signal);
		signal(SIGTERM, on_follow_signal);
		signal(SIGHUP, on_follow_signal);
	}
	termsafe_init(&log_filter, false);
	write_log(rq, reply + 3, n - 3);
	if (rq->follow)
		return follow(fd, rq);
	end_log(rq);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"socket", required_argument, NULL, 's'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	static char msg[CTL_REQUEST_MAX];
	static char reply[CTL_REPLY_MAX + 1];
	static struct request rq;
	const char *socket_path = CTL_DEFAULT_SOCKET;
	bool json = false;
	ssize_t len, n;
	int opt, fd, r, exec_fds[3] = {-1, -1, -1};
	unsigned n_exec_fds = 0;
	long old_pid = 0;

	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 's': socket_path = optarg; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': puts("cellctl " CELLAR_VERSION); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[optind], "top") == 0)
		return ctl_top_main(socket_path, json, argc - optind, argv + optind);
	if ((r = parse_command(argc - optind, argv + optind, json, &rq)) != 0)
		return r;
	if (strcmp(rq.fields[0], "console") == 0)
		return cellctl_console(socket_path, rq.fields[1]);
	len = ctl_request_encode(msg, sizeof(msg), rq.n, rq.fields);
	if (len < 0) {
		fprintf(stderr, "cellctl: request too long (at most %d bytes)\n", CTL_REQUEST_MAX);
		return EXIT_USAGE;
	}
	if (rq.timeout_s && !rq.wait)
		return usage_error("%s: --timeout is for --wait", rq.fields[0]);
	if (rq.wait && !strcmp(rq.fields[0], "restart"))
		old_pid = cellctl_cell_pid(socket_path, rq.fields[1]);
	fd = connect_to(socket_path);
	if (fd < 0)
		return 1;
	n = exchange(fd, msg, (size_t)len, &rq, reply, exec_fds, &n_exec_fds);
	if (n < 0)
		return 1;
	if (n >= 3 && memcmp(reply, "ok\n", 3) == 0)
		return on_ok(fd, socket_path, &rq, reply, (size_t)n, exec_fds, n_exec_fds, old_pid);
	if (n >= 7 && memcmp(reply, "error: ", 7) == 0) {
		ctl_client_print_errors(reply, (size_t)n);
		return rq.exec ? EXIT_EXEC_FAILED : 1;
	}
	fprintf(stderr, "cellctl: malformed reply from cellmgr\n");
	return 1;
}
