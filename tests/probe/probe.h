/* probe: runs inside a cell and reports what it can see and do.
 *
 * One line per fact or attack outcome, "key=value", sorted by key, ending
 * with "probe.end=1".  The format is specified in README.md; the harness
 * (tests/integration, tests/e2e) parses it and decides what is acceptable.
 */
#pragma once

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define PROBE_FORMAT_VERSION 1
#define PROBE_DEFAULT_IPC_KEY 0x63656c6c /* "cell" */
#define PROBE_DEFAULT_MQ "/cellar-probe"
#define PROBE_ABSTRACT_NAME "cellar-probe" /* shown as @cellar-probe */
#define PROBE_BAIT_FILE "/probe-bait"
#define PROBE_BAIT_TEXT "cellar-probe-bait"

/* ---- report: the key=value store (report.c) ---- */

struct report_line {
	char *key;
	char *value;
};

struct report {
	struct report_line *lines;
	size_t count;
	size_t capacity;
};

void report_init(struct report *r);
void report_set(struct report *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sorts by key, prints every line, then "probe.end=1". */
void report_print(struct report *r);
void report_free(struct report *r);

/* ---- the probe's context ---- */

struct probe_options {
	pid_t other_pid;	/* 0: not given */
	const char *other_path; /* NULL: not given */
	long ipc_key;
	const char *mq_name;
	int timeout_ms; /* per isolated attack */
	int hold_s;	/* plant: lifetime of the socket holder, 0 = forever */
};

struct probe {
	struct probe_options opt;
	struct report *report;
	struct stat root_st; /* "/" as seen at start, to detect root escapes */
};

/* ---- outcomes and isolation (isolate.c) ---- */

#define OUTCOME_MAX 480

struct outcome {
	char text[OUTCOME_MAX];
};

/* An attack runs in a forked child and fills the outcome; arg is opaque. */
typedef void (*attack_fn)(const struct probe *p, const void *arg, struct outcome *o);

/* Runs fn in a child with a timeout, stores "attack.NAME=<outcome>". */
void attack_run(struct probe *p, const char *name, attack_fn fn, const void *arg);

/* "blocked:ENAME" */
void outcome_blocked(struct outcome *o, int err);
/* "blocked:WHY" for a non-errno reason (SAME_ROOT, ZEROED, ...) */
void outcome_blocked_why(struct outcome *o, const char *why);
/* "SUCCEEDED" or "SUCCEEDED:detail" (fmt may be NULL) */
void outcome_ok(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "skipped:reason" */
void outcome_skipped(struct outcome *o, const char *reason);
/* For calls made with deliberately invalid arguments: the permission check
 * comes first, so EPERM/EACCES/ENOSYS/EROFS mean blocked and any other error
 * means the gate was passed: "SUCCEEDED:reached-ENAME". */
void outcome_reached(struct outcome *o, int err);
/* rc < 0 (a -errno) -> blocked, else SUCCEEDED */
void outcome_rc(struct outcome *o, int rc);

/* ---- helpers (text.c, errname.c) ---- */

const char *errno_name(int err);
/* Reads up to size-1 bytes of a file; returns bytes read or -errno. */
ssize_t text_read_file(const char *path, char *buf, size_t size);
/* Collapses whitespace runs to one space, newlines to ';', trims. */
void text_normalize(char *s);
/* Appends to a comma list in buf (never overflows; marks truncation). */
void text_list_add(char *buf, size_t size, const char *item);
/* A writable scratch directory: /tmp, /dev/shm, /run or /. */
const char *probe_tmpdir(void);

/* ---- mountinfo.c ---- */

struct mount_entry {
	char root[256];
	char point[256];
	char opts[256];
	char fstype[64];
	char source[256];
	char super[256]; /* super block options: "ro" or "rw" first */
};

/* Calls cb for each line of /proc/self/mountinfo until it returns nonzero.
 * Returns the number of entries seen, or -errno. */
int mountinfo_each(int (*cb)(const struct mount_entry *m, void *data), void *data);
/* Finds the topmost mount at point; returns 0 or -ENOENT. */
int mountinfo_find(const char *point, struct mount_entry *out);
/* Finds the first mount of fstype; returns 0 or -ENOENT. */
int mountinfo_find_type(const char *fstype, struct mount_entry *out);

/* ---- the parts ---- */

void facts_process(struct probe *p);
void facts_fs(struct probe *p);

/* First block device node visible in /dev; returns 0 or -ENOENT. */
int dev_find_block(char *path, size_t size);
/* unshare(CLONE_NEWNS) + make everything a slave, so test mounts never
 * propagate out.  Returns 0 or -errno (then the caller's ns is shared). */
int mount_private_ns(void);

void attacks_dev(struct probe *p);
void attacks_mount(struct probe *p);
void attacks_procfs(struct probe *p);
void attacks_kernel(struct probe *p);
void attacks_kapi(struct probe *p);
void attacks_socket(struct probe *p);
void attacks_escape(struct probe *p);
void attacks_other(struct probe *p);
void attacks_ipc(struct probe *p);
void attacks_cgroup(struct probe *p);
void attacks_userns(struct probe *p);

/* plant.c: creates the cross-cell bait; returns the exit status. */
int plant_run(struct probe *p);
