// SPDX-License-Identifier: MIT
/*
 * The value parsers under the cell list (mgr/config/config.h: signals, durations,
 * numbers, sizes, capabilities, resource limits, addresses, interface
 * names), each checked against a plain reference: what it accepts must be
 * exactly the value the text spells, and what it refuses must be out of
 * its syntax or range.  Input: one byte that picks the parser, then the
 * text (up to its first NUL).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "config.h"
#include "fuzz.h"

#define SAT ((unsigned __int128)1 << 100) /* "too big" for every reference */

/* Decimal digits from s: their value (saturated at SAT), *end past them;
 * false when there is no digit. */
static bool ref_decimal(const char *s, const char **end, unsigned __int128 *v)
{
	*v = 0;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++)
		*v = *v >= SAT ? SAT : *v * 10 + (unsigned)(*s - '0');
	*end = s;
	return true;
}

static void check_signal(const char *s)
{
	int sig = signal_parse(s);

	fuzz_assert(sig == -EINVAL || (sig >= 1 && sig <= CELL_SIGRTMAX));
	if (sig > 0)
		fuzz_assert(signal_parse(signal_name(sig)) == sig);
}

static void check_duration(const char *s)
{
	unsigned __int128 n, unit = 0;
	const char *end;
	unsigned ms = 0;
	int r = duration_parse_ms(s, &ms);

	if (ref_decimal(s, &end, &n)) {
		if (strcmp(end, "ms") == 0)
			unit = 1;
		else if (!*end || strcmp(end, "s") == 0)
			unit = 1000;
		else if (strcmp(end, "m") == 0)
			unit = 60000;
	}
	if (unit && n * unit <= UINT32_MAX)
		fuzz_assert(r == 0 && ms == (unsigned)(n * unit));
	else
		fuzz_assert(r == -EINVAL);
}

static void check_number(const char *s, uint64_t min, uint64_t max)
{
	unsigned __int128 n;
	const char *end;
	uint64_t v = 0;
	int r = number_parse(s, min, max, &v);

	if (ref_decimal(s, &end, &n) && !*end && n >= min && n <= max)
		fuzz_assert(r == 0 && v == (uint64_t)n);
	else
		fuzz_assert(r == -EINVAL);
}

static void check_size(const char *s)
{
	static const char units[] = "KMGT";
	unsigned __int128 n;
	const char *end, *u;
	uint64_t v = 0;
	int r = size_parse(s, &v), shift = -1;

	if (ref_decimal(s, &end, &n)) {
		if (!*end)
			shift = 0;
		else if (end[1] == '\0' && (u = strchr(units, *end)))
			shift = 10 * (int)(u - units + 1);
	}
	if (shift >= 0 && n < SAT && (n << shift) <= UINT64_MAX)
		fuzz_assert(r == 0 && v == (uint64_t)(n << shift));
	else
		fuzz_assert(r == -EINVAL);
}

static void check_capability(const char *s)
{
	int cap = capability_parse(s);

	fuzz_assert(cap == -EINVAL || (cap >= 0 && cap < CELL_CAPS_KNOWN));
	if (cap >= 0)
		fuzz_assert(strcmp(capability_name(cap), s) == 0);
}

/* One side of SOFT[:HARD] from s to end: -1 when malformed. */
static __int128 ref_rlimit_one(const char *s, const char *end)
{
	unsigned __int128 n;
	const char *e;

	if ((size_t)(end - s) == 9 && strncmp(s, "unlimited", 9) == 0)
		return (__int128)RLIM_INFINITY;
	if (!ref_decimal(s, &e, &n) || e != end || n >= RLIM_INFINITY)
		return -1;
	return (__int128)n;
}

static void check_rlimit(const char *s)
{
	const char *colon = strchr(s, ':'), *end = s + strlen(s);
	__int128 lo = ref_rlimit_one(s, colon ? colon : end), hi = lo;
	uint64_t soft = 0, hard = 0;
	int r = rlimit_value_parse(s, &soft, &hard);

	if (colon)
		hi = ref_rlimit_one(colon + 1, end);
	if (lo < 0 || hi < 0)
		fuzz_assert(r == -EINVAL);
	else if (lo > hi)
		fuzz_assert(r == -ERANGE);
	else
		fuzz_assert(r == 0 && soft == (uint64_t)lo && hard == (uint64_t)hi);
}

static void check_cidr(const char *s, bool need_prefix)
{
	struct net_cidr c;
	unsigned char raw[16];
	char addr[64];
	const char *slash;
	size_t n;

	if (cidr_parse(s, need_prefix, &c) < 0)
		return;
	slash = strchr(s, '/');
	fuzz_assert(!need_prefix || slash);
	n = slash ? (size_t)(slash - s) : strlen(s);
	fuzz_assert(n < sizeof(addr));
	memcpy(addr, s, n);
	addr[n] = '\0';
	fuzz_assert(inet_pton(c.family, addr, raw) == 1);
	fuzz_assert(memcmp(raw, c.addr, c.family == AF_INET ? 4 : 16) == 0);
	fuzz_assert(c.prefix <= (c.family == AF_INET ? 32u : 128u));
}

static void check_ifname(const char *s)
{
	size_t n = strlen(s);

	if (!ifname_valid(s))
		return;
	fuzz_assert(n >= 1 && n <= NET_IFNAME_MAX && strcmp(s, ".") && strcmp(s, ".."));
	fuzz_assert(
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 4096)
		return 0;
	s = malloc(size);
	fuzz_assert(s);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 10) {
	case 0: check_signal(s); break;
	case 1: check_duration(s); break;
	case 2: check_number(s, 0, UINT64_MAX); break;
	case 3: check_number(s, 5, 1000); break;
	case 4: check_size(s); break;
	case 5: check_capability(s); break;
	case 6: check_rlimit(s); break;
	case 7: check_cidr(s, true); break;
	case 8: check_cidr(s, false); break;
	case 9: check_ifname(s); break;
	}
	free(s);
	return 0;
}
