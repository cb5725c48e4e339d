// SPDX-License-Identifier: MIT
/*
 * Values as the cell list writes them: signals, durations, sizes,
 * capability names, resource limits.
 *
 * Real-time signal names follow the convention of the programs that receive
 * them: a cell's init is almost always linked against glibc (systemd), for
 * which SIGRTMIN is 34.  cellmgr itself may be built against musl, whose
 * SIGRTMIN is 35, so the C library's SIGRTMIN must not be used here:
 * "SIGRTMIN+3" is always signal 37, systemd's "halt".
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "config.h"

/* Canonical names first: signal_name() returns the first match. */
static const struct {
	const char *name;
	int sig;
} signals[] = {
    {"SIGHUP", SIGHUP},	      {"SIGINT", SIGINT},   {"SIGQUIT", SIGQUIT},
    {"SIGILL", SIGILL},	      {"SIGTRAP", SIGTRAP}, {"SIGABRT", SIGABRT},
    {"SIGBUS", SIGBUS},	      {"SIGFPE", SIGFPE},   {"SIGKILL", SIGKILL},
    {"SIGUSR1", SIGUSR1},     {"SIGSEGV", SIGSEGV}, {"SIGUSR2", SIGUSR2},
    {"SIGPIPE", SIGPIPE},     {"SIGALRM", SIGALRM}, {"SIGTERM", SIGTERM},
#ifdef SIGSTKFLT
    {"SIGSTKFLT", SIGSTKFLT},
#endif
    {"SIGCHLD", SIGCHLD},     {"SIGCONT", SIGCONT}, {"SIGSTOP", SIGSTOP},
    {"SIGTSTP", SIGTSTP},     {"SIGTTIN", SIGTTIN}, {"SIGTTOU", SIGTTOU},
    {"SIGURG", SIGURG},	      {"SIGXCPU", SIGXCPU}, {"SIGXFSZ", SIGXFSZ},
    {"SIGVTALRM", SIGVTALRM}, {"SIGPROF", SIGPROF}, {"SIGWINCH", SIGWINCH},
    {"SIGIO", SIGIO},	      {"SIGPWR", SIGPWR},   {"SIGSYS", SIGSYS},
    {"SIGIOT", SIGABRT},      {"SIGPOLL", SIGIO},   {"SIGCLD", SIGCHLD},
};

/* Decimal digits only (no sign, no blanks), at most max.  Returns 0 and
 * sets *end past the digits, or returns -EINVAL. */
static int parse_decimal(const char *s, const char **end, unsigned long long max,
			 unsigned long long *out)
{
	unsigned long long v = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (d > max || v > (max - d) / 10) /* v * 10 + d > max, no overflow */
			return -EINVAL;
		v = v * 10 + d;
	}
	*end = s;
	*out = v;
	return 0;
}

int signal_parse(const char *s)
{
	unsigned long long n;
	const char *end;
	int span = CELL_SIGRTMAX - CELL_SIGRTMIN;

	if (!s)
		return -EINVAL;
	if (*s >= '0' && *s <= '9') {
		if (parse_decimal(s, &end, (unsigned)CELL_SIGRTMAX, &n) < 0 || *end || n < 1)
			return -EINVAL;
		return (int)n;
	}
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcmp(s, signals[i].name + 3) == 0)
			return signals[i].sig;
	if (strcmp(s, "RTMIN") == 0)
		return CELL_SIGRTMIN;
	if (strcmp(s, "RTMAX") == 0)
		return CELL_SIGRTMAX;
	if (strncmp(s, "RTMIN+", 6) == 0 && parse_decimal(s + 6, &end, (unsigned)span, &n) == 0 &&
	    !*end)
		return CELL_SIGRTMIN + (int)n;
	if (strncmp(s, "RTMAX-", 6) == 0 && parse_decimal(s + 6, &end, (unsigned)span, &n) == 0 &&
	    !*end)
		return CELL_SIGRTMAX - (int)n;
	return -EINVAL;
}

const char *signal_name(int sig)
{
	static char buf[32];

	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	if (sig >= CELL_SIGRTMIN && sig <= CELL_SIGRTMAX) {
		int above = sig - CELL_SIGRTMIN, below = CELL_SIGRTMAX - sig;

		if (above == 0)
			return "SIGRTMIN";
		if (below == 0)
			return "SIGRTMAX";
		if (above <= below)
			snprintf(buf, sizeof(buf), "SIGRTMIN+%d", above);
		else
			snprintf(buf, sizeof(buf), "SIGRTMAX-%d", below);
		return buf;
	}
	snprintf(buf, sizeof(buf), "%d", sig);
	return buf;
}

int duration_parse_ms(const char *s, unsigned *ms)
{
	unsigned long long n, unit;
	const char *end;

	if (!s || parse_decimal(s, &end, UINT_MAX, &n) < 0)
		return -EINVAL;
	if (strcmp(end, "ms") == 0)
		unit = 1;
	else if (*end == '\0' || strcmp(end, "s") == 0)
		unit = 1000;
	else if (strcmp(end, "m") == 0)
		unit = 60 * 1000;
	else
		return -EINVAL;
	if (n * unit > UINT_MAX)
		return -EINVAL;
	*ms = (unsigned)(n * unit);
	return 0;
}

int number_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long n;
	const char *end;

	if (!s || parse_decimal(s, &end, max, &n) < 0 || *end || n < min)
		return -EINVAL;
	*out = n;
	return 0;
}

int size_parse(const char *s, uint64_t *bytes)
{
	unsigned long long n;
	const char *end;
	unsigned shift;

	if (!s || parse_decimal(s, &end, UINT64_MAX, &n) < 0)
		return -EINVAL;
	switch (*end) {
	case '\0': shift = 0; break;
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	case 'T': shift = 40; break;
	default: return -EINVAL;
	}
	if (shift && end[1] != '\0')
		return -EINVAL;
	if (n > (UINT64_MAX >> shift))
		return -EINVAL;
	*bytes = (uint64_t)n << shift;
	return 0;
}

/* Indexed by number, as in <linux/capability.h> (tests/unit/test_config_isolation.c
 * checks every entry against it); no libcap here: this file is unit-tested
 * on its own and shared with the parser. */
static const char *const capabilities[CELL_CAPS_KNOWN] = {
    "chown",
    "dac_override",
    "dac_read_search",
    "fowner",
    "fsetid",
    "kill",
    "setgid",
    "setuid",
    "setpcap",
    "linux_immutable",
    "net_bind_service",
    "net_broadcast",
    "net_admin",
    "net_raw",
    "ipc_lock",
    "ipc_owner",
    "sys_module",
    "sys_rawio",
    "sys_chroot",
    "sys_ptrace",
    "sys_pacct",
    "sys_admin",
    "sys_boot",
    "sys_nice",
    "sys_resource",
    "sys_time",
    "sys_tty_config",
    "mknod",
    "lease",
    "audit_write",
    "audit_control",
    "setfcap",
    "mac_override",
    "mac_admin",
    "syslog",
    "wake_alarm",
    "block_suspend",
    "audit_read",
    "perfmon",
    "bpf",
    "checkpoint_restore",
};

int capability_parse(const char *name)
{
	if (!name)
		return -EINVAL;
	for (int i = 0; i < CELL_CAPS_KNOWN; i++)
		if (strcmp(name, capabilities[i]) == 0)
			return i;
	return -EINVAL;
}

const char *capability_name(int cap)
{
	return cap >= 0 && cap < CELL_CAPS_KNOWN ? capabilities[cap] : NULL;
}

/* One side of SOFT[:HARD]: a number below RLIM_INFINITY, or "unlimited". */
static int rlimit_one(const char *s, const char *end, uint64_t *out)
{
	unsigned long long n;
	const char *e;

	if ((size_t)(end - s) == strlen("unlimited") && strncmp(s, "unlimited", 9) == 0) {
		*out = (uint64_t)RLIM_INFINITY;
		return 0;
	}
	if (parse_decimal(s, &e, (uint64_t)RLIM_INFINITY - 1, &n) < 0 || e != end)
		return -EINVAL;
	*out = n;
	return 0;
}

int rlimit_value_parse(const char *s, uint64_t *soft, uint64_t *hard)
{
	const char *colon, *end;
	uint64_t lo, hi;

	if (!s)
		return -EINVAL;
	end = s + strlen(s);
	colon = strchr(s, ':');
	if (rlimit_one(s, colon ? colon : end, &lo) < 0)
		return -EINVAL;
	hi = lo;
	if (colon && rlimit_one(colon + 1, end, &hi) < 0)
		return -EINVAL;
	if (lo > hi)
		return -ERANGE;
	*soft = lo;
	*hard = hi;
	return 0;
}
