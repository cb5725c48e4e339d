// SPDX-License-Identifier: MIT
/* The cell list's keys: value checks and setters (docs/config.md). */
#include "config_keys.h"
#include "config_value.h"

#include "idmap.h"
#include "ini.h"
#include "suggest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

static const char *set_image(struct cell_config *c, const char *value, int arg, char *hint)
{
	return copy_path(c->image, value) ? NULL : hint_path;
}

static const char *set_cell_hostname(struct cell_config *c, const char *value, int arg, char *hint)
{
	if (!hostname_valid(value))
		return hint_hostname;
	strcpy(c->hostname, value);
	return NULL;
}

static const char *set_foreground(struct cell_config *c, const char *value, int arg, char *hint)
{
	int b = parse_bool(value);

	if (b < 0)
		return "(expected yes or no)";
	c->foreground = b;
	return NULL;
}

static const char *set_stop_signal(struct cell_config *c, const char *value, int arg, char *hint)
{
	int sig = signal_parse(value);

	if (sig == SIGSTOP)
		return "(SIGSTOP cannot stop a cell)";
	if (sig < 0)
		return "(expected a signal: a name such as SIGTERM, TERM or SIGRTMIN+3, or a "
		       "number)";
	c->stop_signal = sig;
	return NULL;
}

static const char *set_stop_timeout(struct cell_config *c, const char *value, int arg, char *hint)
{
	return parse_duration(&c->stop_timeout_ms, value);
}

static const char *set_userns(struct cell_config *c, const char *value, int arg, char *hint)
{
	int b = parse_bool(value);

	if (b < 0)
		return "(expected yes or no)";
	c->userns = b;
	return NULL;
}

static const char *set_io_uring(struct cell_config *c, const char *value, int arg, char *hint)
{
	int b = parse_bool(value);

	if (b < 0)
		return "(expected yes or no)";
	c->io_uring = b;
	return NULL;
}

static const char *set_persist(struct cell_config *c, const char *value, int arg, char *hint)
{
	return copy_dir_path(c->persist, value) ? NULL : hint_dir;
}

static const char *set_caps_drop(struct cell_config *c, const char *value, int arg, char *hint)
{
	return parse_caps(&c->caps_drop, value, hint);
}

static const char *set_caps_keep(struct cell_config *c, const char *value, int arg, char *hint)
{
	return parse_caps(&c->caps_keep, value, hint);
}

static const char *set_memory(struct cell_config *c, const char *value, int arg, char *hint)
{
	return parse_memory(&c->memory_max, value);
}

static const char *set_memory_high(struct cell_config *c, const char *value, int arg, char *hint)
{
	return parse_memory(&c->memory_high, value);
}

static const char *set_pids(struct cell_config *c, const char *value, int arg, char *hint)
{
	uint64_t n;

	if (number_parse(value, 1, CELL_PIDS_MAX, &n) < 0)
		return "(expected a number from 1 to 4194304)";
	c->pids_max = n;
	return NULL;
}

static const char *set_cgroups(struct cell_config *c, const char *value, int arg, char *hint)
{
	uint64_t n;

	_Static_assert(CELL_CGROUPS_MAX == 65536u, "the hint says 65536");
	if (number_parse(value, 0, CELL_CGROUPS_MAX, &n) < 0)
		return "(expected a number from 0 to 65536)";
	c->cgroups_max = (uint32_t)n;
	return NULL;
}

static const char *set_cpu_weight(struct cell_config *c, const char *value, int arg, char *hint)
{
	return parse_weight(&c->cpu_weight, value);
}

static const char *set_io_weight(struct cell_config *c, const char *value, int arg, char *hint)
{
	return parse_weight(&c->io_weight, value);
}

/* One spelling each, lower case, as systemd's Restart= writes them. */
static const char *set_restart(struct cell_config *c, const char *value, int arg, char *hint)
{
	static const enum restart_mode modes[] = {RESTART_ALWAYS, RESTART_ON_FAILURE,
						  RESTART_NEVER};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(value, restart_mode_name(modes[i])) == 0) {
			c->restart.mode = modes[i];
			return NULL;
		}
	}
	return "(expected always, on-failure or never)";
}

static const char *set_restart_delay(struct cell_config *c, const char *value, int arg, char *hint)
{
	return parse_duration(&c->restart.backoff_ms, value);
}

static const char *set_restart_delay_max(struct cell_config *c, const char *value, int arg,
					 char *hint)
{
	return parse_duration(&c->restart.backoff_max_ms, value);
}

static const char *set_restart_reset(struct cell_config *c, const char *value, int arg, char *hint)
{
	return parse_duration(&c->restart.reset_after_ms, value);
}

static const char *set_crash_limit(struct cell_config *c, const char *value, int arg, char *hint)
{
	uint64_t n;

	_Static_assert(RESTART_CRASH_LIMIT_MAX == 100, "the hint says 100");
	if (number_parse(value, 1, RESTART_CRASH_LIMIT_MAX, &n) < 0)
		return "(expected a number from 1 to 100)";
	c->restart.crash_limit = (unsigned)n;
	return NULL;
}

static const char *set_crash_window(struct cell_config *c, const char *value, int arg, char *hint)
{
	return parse_duration(&c->restart.crash_window_ms, value);
}

static const char *set_rlimit(struct cell_config *c, const char *value, int resource, char *hint)
{
	struct cell_rlimit *rl;
	uint64_t soft, hard;
	int r = rlimit_value_parse(value, &soft, &hard);

	if (r == -ERANGE)
		return "(the soft limit is above the hard limit)";
	if (r < 0)
		return "(expected SOFT or SOFT:HARD, each a whole number or 'unlimited')";
	/* each key is set once (duplicates are refused), so there is room */
	rl = &c->rlimits[c->n_rlimits++];
	rl->resource = resource;
	rl->soft = soft;
	rl->hard = hard;
	return NULL;
}

/* devices: the exclusive devices the cell gets (docs/devices.md), words
 * separated by blanks; may be empty (none). */
static const char *set_devices(struct cell_config *c, const char *value, int arg, char *hint)
{
	static const struct {
		const char *name;
		unsigned bit;
	} words[] = {{"display", CELL_DEV_DISPLAY},
		     {"input", CELL_DEV_INPUT},
		     {"gpu", CELL_DEV_GPU},
		     {"audio", CELL_DEV_AUDIO}};
	unsigned mask = 0;
	char word[32], shown[32];
	size_t n, i;

	for (const char *s = value; config_next_word(&s, word, sizeof(word), &n);) {
		printable(shown, sizeof(shown), word);
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (n < sizeof(word) && strcmp(word, words[i].name) == 0)
				break;
		if (i == sizeof(words) / sizeof(words[0])) {
			snprintf(hint, HINT_MAX,
				 "(unknown device '%s%s': expected display, input, gpu and/or "
				 "audio, separated by spaces)",
				 shown, n < sizeof(word) ? "" : "...");
			return hint;
		}
		if (mask & words[i].bit) {
			snprintf(hint, HINT_MAX, "(device '%s' named twice)", shown);
			return hint;
		}
		mask |= words[i].bit;
	}
	/* A compositor's screen and keys come through its seat: gpu alone
	 * would be a seat with nothing on it. */
	if ((mask & CELL_DEV_GPU) &&
	    (mask & (CELL_DEV_DISPLAY | CELL_DEV_INPUT)) != (CELL_DEV_DISPLAY | CELL_DEV_INPUT)) {
		snprintf(hint, HINT_MAX,
			 "(gpu needs display and input too: a compositor's screen "
			 "and keys come through its seat)");
		return hint;
	}
	c->devices = mask;
	return NULL;
}

static const char *set_vt(struct cell_config *c, const char *value, int arg, char *hint)
{
	uint64_t n;

	_Static_assert(CELL_VT_MAX == 63, "the hint says 63");
	if (number_parse(value, 1, CELL_VT_MAX, &n) < 0)
		return "(expected a virtual terminal number from 1 to 63)";
	c->vt = (unsigned)n;
	return NULL;
}

/* The default hostname is the cell's name made a valid hostname. */
static void default_hostname(struct cell_config *c)
{
	size_t n = strlen(c->name);

	memcpy(c->hostname, c->name, n + 1);
	for (size_t i = 0; i < n; i++)
		if (c->hostname[i] == '_')
			c->hostname[i] = '-';
	while (n > 0 && c->hostname[n - 1] == '-')
		c->hostname[--n] = '\0';
}

void cell_key_defaults(struct cell_config *c, const unsigned set_line[CK_COUNT])
{
	struct restart_policy *r = &c->restart;

	if (!set_line[CK_HOSTNAME])
		default_hostname(c);
	if (!set_line[CK_RESTART_DELAY_MAX] && r->backoff_max_ms < r->backoff_ms)
		r->backoff_max_ms = r->backoff_ms;
	if (!set_line[CK_RESTART_DELAY] && r->backoff_ms > r->backoff_max_ms)
		r->backoff_ms = r->backoff_max_ms;
	/* Where the network keys are, for net_check_cell()'s messages. */
	c->net.more_line = set_line[CK_NET_ADDRESS];
	c->net.gateways_line = set_line[CK_NET_GATEWAY];
	c->net.mtu_line = set_line[CK_NET_MTU];
	c->net.ifname_line = set_line[CK_NET_IFNAME];
	c->net.filter_line = set_line[CK_NET_FILTER];
}

static const char *set_host_hostname(struct host_config *h, const char *value)
{
	if (!hostname_valid(value))
		return hint_hostname;
	strcpy(h->hostname, value);
	return NULL;
}

static const char *set_modules(struct host_config *h, const char *value)
{
	static const char *hint = "(expected module names of a-z, A-Z, 0-9, '_' and '-', "
				  "up to 55 characters each, separated by spaces)";
	char list[MODULES_MAX] = "";
	size_t len = 0;

	for (const char *s = value; *s;) {
		size_t n = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		while (is_alnum(s[n]) || s[n] == '_' || s[n] == '-')
			n++;
		if (s[n] != '\0' && s[n] != ' ' && s[n] != '\t')
			return hint;
		if (n == 0)
			break; /* trailing blanks */
		if (n > MODULE_NAME_MAX || len + !!len + n >= sizeof(list))
			return hint;
		if (len)
			list[len++] = ' ';
		memcpy(list + len, s, n);
		len += n;
		list[len] = '\0';
		s += n;
	}
	memcpy(h->modules, list, len + 1);
	return NULL;
}

static const char *set_data_dir(struct host_config *h, const char *value)
{
	return copy_dir_path(h->data_dir, value) ? NULL : hint_dir;
}

static const char *set_idmap_base(struct host_config *h, const char *value)
{
	uint64_t n;

	if (number_parse(value, IDMAP_BASE_MIN, IDMAP_END_MAX - IDMAP_RANGE_SIZE, &n) < 0)
		return "(expected a host id from 65536 to 4294901758)";
	h->idmap_base = (uint32_t)n;
	return NULL;
}

static const char *set_idmap_ranges(struct host_config *h, const char *value)
{
	uint64_t n;

	if (number_parse(value, 1, IDMAP_RANGES_MAX, &n) < 0)
		return "(expected a number from 1 to 65535)";
	h->idmap_ranges = (uint32_t)n;
	return NULL;
}

/*
 * The admin console (docs/control.md): a terminal device under /dev/,
 * stored like a directory path (repeated and trailing '/' dropped, no '.'
 * or '..'); not the board's console, which cellmgr already owns, nor the
 * controlling terminal.  Empty: none.
 */
static const char *set_forward(struct host_config *h, const char *value)
{
	int b = parse_bool(value);

	if (b < 0)
		return "(expected yes or no)";
	h->forward = b;
	return NULL;
}

static const char *set_admin_console(struct host_config *h, const char *value)
{
	char path[PATH_MAX];

	if (!value[0]) {
		h->admin_console[0] = '\0';
		return NULL;
	}
	if (!copy_dir_path(path, value) || strncmp(path, "/dev/", 5) != 0 ||
	    strcmp(path, "/dev/console") == 0 || strcmp(path, "/dev/tty") == 0)
		return "(expected a terminal device under /dev/ such as /dev/ttyS1, not "
		       "/dev/console or /dev/tty; or nothing for none)";
	strcpy(h->admin_console, path);
	return NULL;
}

#define RLIMIT_KEY(lower, upper)                                                                   \
	[CK_RLIMIT + RL_##upper] = {"rlimit_" #lower, set_rlimit, RLIMIT_##upper}

/* The order of the rlimit_ keys in the table (not the RLIMIT_ numbers). */
enum {
	RL_AS,
	RL_CORE,
	RL_CPU,
	RL_DATA,
	RL_FSIZE,
	RL_LOCKS,
	RL_MEMLOCK,
	RL_MSGQUEUE,
	RL_NICE,
	RL_NOFILE,
	RL_NPROC,
	RL_RSS,
	RL_RTPRIO,
	RL_RTTIME,
	RL_SIGPENDING,
	RL_STACK,
	RL_COUNT
};
_Static_assert(RL_COUNT == CELL_RLIMITS_MAX, "one rlimit_ key per slot in cell_config");

const struct cell_key_def cell_keys[CK_COUNT] = {
    [CK_IMAGE] = {"image", set_image, 0},
    [CK_INIT] = {"init", set_init, 0},
    [CK_INIT_ENV] = {"init_env", set_init_env, 0},
    [CK_HOSTNAME] = {"hostname", set_cell_hostname, 0},
    [CK_FOREGROUND] = {"foreground", set_foreground, 0},
    [CK_STOP_SIGNAL] = {"stop_signal", set_stop_signal, 0},
    [CK_STOP_TIMEOUT] = {"stop_timeout", set_stop_timeout, 0},
    [CK_USERNS] = {"userns", set_userns, 0},
    [CK_PERSIST] = {"persist", set_persist, 0},
    [CK_CAPS_DROP] = {"caps_drop", set_caps_drop, 0},
    [CK_CAPS_KEEP] = {"caps_keep", set_caps_keep, 0},
    [CK_IO_URING] = {"io_uring", set_io_uring, 0},
    [CK_MEMORY] = {"memory", set_memory, 0},
    [CK_MEMORY_HIGH] = {"memory_high", set_memory_high, 0},
    [CK_PIDS] = {"pids", set_pids, 0},
    [CK_CGROUPS] = {"cgroups", set_cgroups, 0},
    [CK_CPU_WEIGHT] = {"cpu_weight", set_cpu_weight, 0},
    [CK_IO_WEIGHT] = {"io_weight", set_io_weight, 0},
    [CK_RESTART] = {"restart", set_restart, 0},
    [CK_RESTART_DELAY] = {"restart_delay", set_restart_delay, 0},
    [CK_RESTART_DELAY_MAX] = {"restart_delay_max", set_restart_delay_max, 0},
    [CK_RESTART_RESET] = {"restart_reset", set_restart_reset, 0},
    [CK_CRASH_LIMIT] = {"crash_limit", set_crash_limit, 0},
    [CK_CRASH_WINDOW] = {"crash_window", set_crash_window, 0},
    [CK_DEVICES] = {"devices", set_devices, 0},
    [CK_VT] = {"vt", set_vt, 0},
    [CK_AUDIO_BACKGROUND] = {"audio_background", config_set_audio_background, 0},
    [CK_NET] = {"net", set_net, 0},
    [CK_NET_ADDRESS] = {"net_address", set_net_address, 0},
    [CK_NET_GATEWAY] = {"net_gateway", set_net_gateway, 0},
    [CK_NET_MTU] = {"net_mtu", set_net_mtu, 0},
    [CK_NET_IFNAME] = {"net_ifname", set_net_ifname, 0},
    [CK_NET_FILTER] = {"net_filter", set_net_filter, 0},
    [CK_IMAGE_VERITY] = {"image_verity", config_set_image_verity, 0},
    [CK_UPDATE_CHECK] = {"update_check", config_set_update_check, 0},
    [CK_UPDATE_WINDOW] = {"update_window", config_set_update_window, 0},
    RLIMIT_KEY(as, AS),
    RLIMIT_KEY(core, CORE),
    RLIMIT_KEY(cpu, CPU),
    RLIMIT_KEY(data, DATA),
    RLIMIT_KEY(fsize, FSIZE),
    RLIMIT_KEY(locks, LOCKS),
    RLIMIT_KEY(memlock, MEMLOCK),
    RLIMIT_KEY(msgqueue, MSGQUEUE),
    RLIMIT_KEY(nice, NICE),
    RLIMIT_KEY(nofile, NOFILE),
    RLIMIT_KEY(nproc, NPROC),
    RLIMIT_KEY(rss, RSS),
    RLIMIT_KEY(rtprio, RTPRIO),
    RLIMIT_KEY(rttime, RTTIME),
    RLIMIT_KEY(sigpending, SIGPENDING),
    RLIMIT_KEY(stack, STACK),
};

const struct host_key_def host_keys[HK_COUNT] = {
    [HK_HOSTNAME] = {"hostname", set_host_hostname},
    [HK_MODULES] = {"modules", set_modules},
    [HK_DATA_DIR] = {"data_dir", set_data_dir},
    [HK_IDMAP_BASE] = {"idmap_base", set_idmap_base},
    [HK_IDMAP_RANGES] = {"idmap_ranges", set_idmap_ranges},
    [HK_ADMIN_CONSOLE] = {"admin_console", set_admin_console},
    [HK_BRIDGE] = {"bridge", set_bridge},
    [HK_FORWARD] = {"forward", set_forward},
    [HK_BRIDGE_PORT] = {"bridge_port", set_bridge_port},
    [HK_AUDIO_CARD] = {"audio_card", config_set_audio_card},
    [HK_AUDIO_CAPTURE] = {"audio_capture", config_set_audio_capture},
    [HK_AUDIO_RATE] = {"audio_rate", config_set_audio_rate},
    [HK_AUDIO_PERIOD] = {"audio_period", config_set_audio_period},
    [HK_AUDIO_VOLUME] = {"audio_volume", config_set_audio_volume},
};

/* ---- names ---------------------------------------------------------- */

static const char *did_you_mean(const struct suggest *s)
{
	static char text[SUGGEST_WORD_MAX + 32];
	const char *best = suggest_best(s);

	if (!best)
		return "";
	snprintf(text, sizeof(text), " (did you mean '%s'?)", best);
	return text;
}

const char *config_cell_key_hint(const char *key)
{
	struct suggest s;

	suggest_init(&s, key);
	for (int k = 0; k < CK_COUNT; k++)
		suggest_add(&s, cell_keys[k].name);
	return did_you_mean(&s);
}

const char *config_host_key_hint(const char *key)
{
	struct suggest s;

	suggest_init(&s, key);
	for (int k = 0; k < HK_COUNT; k++)
		suggest_add(&s, host_keys[k].name);
	return did_you_mean(&s);
}
