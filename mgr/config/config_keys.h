/* SPDX-License-Identifier: MIT */
/*
 * The cell list's keys: their value checks and setters (config_keys.c),
 * private to the parser (config.c).
 */
#ifndef CELLAR_CONFIG_KEYS_H
#define CELLAR_CONFIG_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "config_value.h"

#define MODULE_NAME_MAX 55 /* the kernel's MODULE_NAME_LEN, less the NUL */
#define HINT_MAX 256	   /* a hint a setter builds, naming the bad part */

/* A setter validates value and stores it (only when it is good); it returns
 * NULL, or on a bad value the hint that ends the message: "(expected ...)",
 * either a constant or one it wrote into hint (HINT_MAX bytes).  arg is the
 * key's argument in its table (the RLIMIT_* of an rlimit_ key). */
typedef const char *(*cell_setter)(struct cell_config *c, const char *value, int arg, char *hint);
typedef const char *(*host_setter)(struct host_config *h, const char *value);

enum cell_key {
	CK_IMAGE,
	CK_INIT,
	CK_INIT_ENV,
	CK_HOSTNAME,
	CK_FOREGROUND,
	CK_STOP_SIGNAL,
	CK_STOP_TIMEOUT,
	CK_USERNS,
	CK_PERSIST,
	CK_CAPS_DROP,
	CK_CAPS_KEEP,
	CK_IO_URING,
	CK_MEMORY,
	CK_MEMORY_HIGH,
	CK_PIDS,
	CK_CGROUPS,
	CK_CPU_WEIGHT,
	CK_IO_WEIGHT,
	CK_RESTART,
	CK_RESTART_DELAY,
	CK_RESTART_DELAY_MAX,
	CK_RESTART_RESET,
	CK_CRASH_LIMIT,
	CK_CRASH_WINDOW,
	CK_DEVICES,
	CK_VT,
	CK_AUDIO_BACKGROUND,
	CK_NET,
	CK_NET_ADDRESS,
	CK_NET_GATEWAY,
	CK_NET_MTU,
	CK_NET_IFNAME,
	CK_NET_FILTER,
	CK_IMAGE_VERITY,
	CK_UPDATE_CHECK,
	CK_UPDATE_WINDOW,
	CK_RLIMIT, /* CELL_RLIMITS_MAX keys rlimit_NAME from here */
	CK_COUNT = CK_RLIMIT + CELL_RLIMITS_MAX
};
enum host_key {
	HK_HOSTNAME,
	HK_MODULES,
	HK_DATA_DIR,
	HK_IDMAP_BASE,
	HK_IDMAP_RANGES,
	HK_ADMIN_CONSOLE,
	HK_BRIDGE,
	HK_FORWARD,
	HK_BRIDGE_PORT,
	HK_AUDIO_CARD,
	HK_AUDIO_CAPTURE,
	HK_AUDIO_RATE,
	HK_AUDIO_PERIOD,
	HK_AUDIO_VOLUME,
	HK_COUNT
};

struct cell_key_def {
	const char *name;
	cell_setter set;
	int arg;
};

struct host_key_def {
	const char *name;
	host_setter set;
};

extern const struct cell_key_def cell_keys[CK_COUNT];

/* config_image.c: image_verity, update_check, update_window. */
const char *config_set_image_verity(struct cell_config *c, const char *value, int arg, char *hint);
const char *config_set_update_check(struct cell_config *c, const char *value, int arg, char *hint);
const char *config_set_update_window(struct cell_config *c, const char *value, int arg, char *hint);
extern const struct host_key_def host_keys[HK_COUNT];

/* For an unknown key: " (did you mean 'KEY'?)" when a key of the table
 * is close, else "".  In a static buffer, until the next call. */
const char *config_cell_key_hint(const char *key);
const char *config_host_key_hint(const char *key);

/* Once a good [cell] section has ended, the defaults that depend on other
 * keys: the hostname from the name; restart_delay_max follows a longer
 * restart_delay, restart_delay a shorter restart_delay_max, when the other
 * is not set; the lines of the net_ keys.  set_line[k] is non-zero when
 * key k was set. */
void cell_key_defaults(struct cell_config *c, const unsigned set_line[CK_COUNT]);

/* config_audio.c: audio_background and the [host] audio keys. */
const char *config_set_audio_background(struct cell_config *c, const char *value, int arg,
					char *hint);
const char *config_set_audio_card(struct host_config *h, const char *value);
const char *config_set_audio_capture(struct host_config *h, const char *value);
const char *config_set_audio_rate(struct host_config *h, const char *value);
const char *config_set_audio_period(struct host_config *h, const char *value);
const char *config_set_audio_volume(struct host_config *h, const char *value);

/* Once a good [cell] section has ended: audio_background without 'audio'
 * in devices.  Returns 0 when all fit, else the line to report at, its
 * text in msg (len bytes). */
unsigned config_audio_check_cell(const struct cell_config *c, const unsigned set_line[CK_COUNT],
				 char *msg, size_t len);

/* config_init.c: init and init_env. */
const char *set_init(struct cell_config *c, const char *value, int arg, char *hint);
const char *set_init_env(struct cell_config *c, const char *value, int arg, char *hint);

/* config_net.c: the network keys' setters. */
const char *set_net(struct cell_config *c, const char *value, int arg, char *hint);
const char *set_net_address(struct cell_config *c, const char *value, int arg, char *hint);
const char *set_net_gateway(struct cell_config *c, const char *value, int arg, char *hint);
const char *set_net_mtu(struct cell_config *c, const char *value, int arg, char *hint);
const char *set_net_ifname(struct cell_config *c, const char *value, int arg, char *hint);
const char *set_net_filter(struct cell_config *c, const char *value, int arg, char *hint);
const char *set_bridge(struct host_config *h, const char *value);
const char *set_bridge_port(struct host_config *h, const char *value);

/* Once the whole file is read: a cell's network keys against each other,
 * against the [host] bridge and against the cells kept before it (kept,
 * n_kept).  Returns 0 when all fit, else the line to report the first
 * problem at, its text ("'net_mtu' needs a network ...") in msg. */
unsigned net_check_cell(const struct host_config *h, const struct cell_config *c,
			const struct cell_config *kept, size_t n_kept, char *err, size_t errlen);

#endif
