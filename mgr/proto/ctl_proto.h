/* SPDX-License-Identifier: MIT */
/*
 * The control protocol between cellctl and cellmgr (docs/control.md): the
 * pure codec, shared by both ends and unit-tested on its own.
 *
 * A SOCK_SEQPACKET unix socket, so every message arrives whole or not at
 * all.  A request is one message of NUL-terminated fields:
 *
 *	"cellar/2\0" COMMAND "\0" ARG "\0" ...
 *
 * at most CTL_REQUEST_MAX bytes and CTL_FIELDS_MAX fields after the
 * version.  A reply is one message, "ok\n" and the command's output, or
 * "error: TEXT\n".  `log NAME follow` and `exec` keep the connection open
 * after that (docs/control.md says what follows): exec's "ok\n" carries
 * the command's pty master or its pipes' ends (SCM_RIGHTS), and a last
 * message "status N\n" or "signal N\n" follows when it has ended.
 */
#ifndef CELLAR_CTL_PROTO_H
#define CELLAR_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CTL_VERSION "cellar/2"
#define CTL_REQUEST_MAX 8192
#define CTL_FIELDS_MAX 256 /* command and arguments */
#define CTL_REPLY_MAX 65536
#define CTL_EXEC_FDS 3 /* at most, with exec's "ok": the pty master or 3 pipes' ends */
#define CTL_DEFAULT_SOCKET "/run/cellar/ctl.sock"
/* cellmgr's answer to a connection it turns away before reading its request
 * (every slot taken): the request was not run, a client sends it again. */
#define CTL_BUSY_REPLY "error: busy\n"
#define CTL_BUSY_RETRIES 8 /* cellctl's: after 10, 20, 40 ... 640 ms, ~1.9 s in all */

enum ctl_cmd {
	CTL_CMD_LIST,	 /* list [json] */
	CTL_CMD_STATUS,	 /* status NAME [json] */
	CTL_CMD_START,	 /* start NAME */
	CTL_CMD_STOP,	 /* stop NAME */
	CTL_CMD_RESTART, /* restart NAME */
	CTL_CMD_SWITCH,	 /* switch NAME */
	CTL_CMD_LOG,	 /* log NAME [follow] */
	CTL_CMD_EXEC,	 /* exec NAME pipes|pty ROWS COLS ARG0 [ARG...] */
	CTL_CMD_RELOAD,	 /* reload */
	CTL_CMD_UPDATE,	 /* update NAME IMAGE [verity HASH] [version TEXT], in this order */
	CTL_CMD_CONSOLE, /* console NAME ROWS COLS: the cell's console, both ways */
};

/*
 * The grammar, once: every command with what it takes, for cellmgr's
 * decoder (ctl_request_decode), cellctl's command line and help, and the
 * admin console's (admin_cmd.c).  A new command is a row of ctl_cmds (and,
 * when cellmgr runs it, a CTL_CMD_ value and its case in ctl.c); the bash
 * completion (completion/cellctl) lists the commands too.
 */

/* The options a command line may carry.  One with a protocol word becomes
 * that field after the cell's NAME (at most one per request); the others
 * are cellctl's own. */
enum ctl_opt {
	CTL_OPT_FOLLOW,	     /* -f, --follow: "follow" (log) */
	CTL_OPT_JSON,	     /* --json: "json" */
	CTL_OPT_ALLOW_EMPTY, /* --allow-empty: "allow-empty" (reload) */
	CTL_OPT_RAW,	     /* --raw: cellctl's (log) */
	CTL_OPT_WAIT,	     /* --wait: cellctl's (start, stop, restart) */
	CTL_OPT_TIMEOUT,     /* --timeout SECONDS: cellctl's, with --wait */
	CTL_OPT_N,
};

struct ctl_opt_spec {
	const char *flag;      /* as messages name it: "-f", "--json" */
	const char *alias;     /* another spelling ("--follow"), or NULL */
	const char *word;      /* the protocol's field, or NULL: cellctl's own */
	bool value;	       /* takes the next argument as its value */
	bool held;	       /* keeps the connection open (log follow) */
	bool admin;	       /* the admin console knows it ... */
	const char *admin_why; /* ... and refuses it, for this reason (NULL: takes it) */
};

extern const struct ctl_opt_spec ctl_opts[CTL_OPT_N];

#define CTL_NAMED 0x1u	 /* takes a cell NAME first */
#define CTL_HELD 0x2u	 /* keeps the connection open (exec): a socket's only */
#define CTL_CHANGES 0x4u /* changes a cell or the list: the admin console logs it */
#define CTL_LOCAL 0x8u	 /* cellctl's own (top): no request, cmd unused */

struct ctl_cmd_spec {
	const char *name; /* NULL: a line of cellctl's help only */
	enum ctl_cmd cmd;
	unsigned flags;	   /* CTL_NAMED, ... */
	unsigned opts;	   /* 1u << CTL_OPT_...: the options it takes */
	const char *wrong; /* "wrong arguments (usage: ...)": the request's form */
	const char *cli;   /* cellctl --help: the command line ... */
	const char *help;  /* ... and what it does, lines split by '\n' */
	const char *admin; /* the admin console's help: its line, or NULL: not there */
	const char *admin_help;
	const char *admin_why; /* why the admin console refuses it, or NULL (unknown there) */
};

extern const struct ctl_cmd_spec ctl_cmds[];
extern const size_t ctl_cmds_n;

/* The row of the command called name, or NULL. */
const struct ctl_cmd_spec *ctl_cmd_find(const char *name);

/* The option spelled arg among those of spec, or -1. */
int ctl_cmd_option(const struct ctl_cmd_spec *spec, const char *arg);

/* The commands that take option o, as a message lists them ("list and
 * status"), in buf. */
const char *ctl_opt_commands(enum ctl_opt o, char *buf, size_t len);

/* A decoded request: pointers into the message, which must outlive it. */
struct ctl_request {
	enum ctl_cmd cmd;
	const char *name;    /* the cell, for commands that take one, else NULL */
	bool json;	     /* list, status: reply in JSON */
	bool follow;	     /* log: keep sending new output */
	bool allow_empty;    /* reload: even if it stops every running cell */
	bool pty;	     /* exec: a new pty (else pipes) */
	unsigned rows;	     /* exec pty, console: the terminal's size, 0-65535, */
	unsigned cols;	     /* 0 when unknown */
	const char *image;   /* update: the new image file (absolute) */
	const char *verity;  /* update: its root hash, or NULL */
	const char *version; /* update: its version, or NULL */
	unsigned argc;	     /* exec: the command line */
	const char *argv[CTL_FIELDS_MAX];
};

/*
 * Builds a request from its command and arguments (fields[0] is the
 * command).  Returns the message's length, or -EINVAL (no command, an
 * empty command) or -EMSGSIZE (longer than CTL_REQUEST_MAX, or more than
 * CTL_FIELDS_MAX fields).
 */
ssize_t ctl_request_encode(char *buf, size_t cap, unsigned n, const char *const fields[]);

/*
 * Parses and checks one request message of len bytes.  Returns 0, or a
 * negative errno with *why set to a one-line reason (no newline) fit to
 * send back: -EMSGSIZE (too long, too many fields), -EPROTONOSUPPORT
 * (another version), -EBADMSG (empty, truncated, malformed), -ENOSYS
 * (unknown command), -EINVAL (wrong arguments for the command).
 */
int ctl_request_decode(const char *msg, size_t len, struct ctl_request *req, const char **why);

const char *ctl_cmd_name(enum ctl_cmd cmd);

/* What keeps a request's connection open ("exec", "log follow") in buf,
 * or NULL: it is answered at once. */
/* A console connection's messages after "ok" (docs/control.md, console):
 * from the client CTL_CONSOLE_INPUT and the bytes typed, or
 * CTL_CONSOLE_SIZE and "ROWS COLS"; from cellmgr the console's output. */
#define CTL_CONSOLE_INPUT 'i'
#define CTL_CONSOLE_SIZE 'w'

const char *ctl_request_held(const struct ctl_request *req, char *buf, size_t len);

/* How an exec'd command ended, as exec's last message says it. */
int ctl_exec_result_format(char *buf, size_t cap, bool signaled, int code);

/* Parses "status N\n" or "signal N\n" into an exit status like a shell's
 * (N, or 128+N).  Returns it, or -EBADMSG. */
int ctl_exec_result_parse(const char *text, size_t len);

/* An append-only text buffer that never overflows: past cap, the text is
 * cut and `truncated` is set. */
struct ctl_buf {
	char *buf;
	size_t cap;
	size_t len;
	bool truncated;
};

__attribute__((format(printf, 2, 3))) void ctl_buf_printf(struct ctl_buf *b, const char *fmt, ...);
void ctl_buf_append(struct ctl_buf *b, const char *data, size_t len);

/* Appends s as a JSON string literal, quotes included: '"', '\\' and
 * control characters escaped, bytes that are not UTF-8 replaced by
 * U+FFFD, so any C string gives valid JSON. */
void ctl_buf_json_string(struct ctl_buf *b, const char *s);

/* One line of help: "  USAGE" padded to column col, then text, each of
 * its lines at col (USAGE alone on its line when it is too long). */
void ctl_help_entry(struct ctl_buf *b, unsigned col, const char *usage, const char *text);

#endif
