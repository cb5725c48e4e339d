/* SPDX-License-Identifier: MIT */
/*
 * The cell list: /etc/cellar/cells.conf, documented in docs/config.md.
 *
 * Parsing is strict.  Every problem is reported through the caller's
 * callback as one line "FILE:LINE: message".  A problem inside a
 * [cell NAME] section drops that cell (the others are kept); a problem in
 * [host] drops that key (its default stays).  n_errors counts them all, so
 * a caller that must refuse a file with any error (reload) can.
 */
#ifndef CELLAR_CONFIG_H
#define CELLAR_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "supervise.h"

/* A cell name names interfaces and cgroups later: keep it within IFNAMSIZ. */
#define CELL_NAME_MAX 15
#define HOSTNAME_MAX 64
#define MODULES_MAX 1024

/* Real-time signals as glibc numbers them (see mgr/util/units.c). */
#define CELL_SIGRTMIN 34
#define CELL_SIGRTMAX 64

#define CELL_DEFAULT_INIT "/sbin/init"
/* init's arguments after its path, and init_env's NAME=VALUE words: each
 * stored NUL-terminated, one after the other (config_init.c). */
#define CELL_INIT_WORDS_SIZE 1024 /* a line's 1024 bytes always fit */
#define CELL_INIT_WORDS_MAX 64
#define CELL_DEFAULT_STOP_TIMEOUT_MS 10000u
#define CONFIG_DURATION_MAX_MS 3600000u /* 1 h: stop_timeout, restart_delay, ... */

/* Bounds that keep any input cheap to parse (the parser is fuzzed): a bigger
 * file is refused by config_load(), further [cell] sections are ignored. */
#define CONFIG_FILE_MAX (1024u * 1024u)
#define CONFIG_CELLS_MAX 256

/* rlimit_NAME = SOFT[:HARD] (HARD defaults to SOFT; "unlimited" allowed). */
#define CELL_RLIMITS_MAX 16

/* Capability names the config knows: CAP_CHOWN (0) .. CAP_CHECKPOINT_RESTORE
 * (40), so a mask fits in 64 bits (bit n = capability n). */
#define CELL_CAPS_KNOWN 41
#define CELL_PIDS_MAX 4194304u /* the kernel's PID_MAX_LIMIT */
#define CELL_WEIGHT_MAX 10000u /* cpu.weight, io.weight */
/* cgroups: cgroup.max.descendants of the cell's cgroup (docs/config.md).
 * A booted Debian with systemd has a few dozen, a desktop a few hundred. */
#define CELL_DEFAULT_CGROUPS_MAX 4096u
#define CELL_CGROUPS_MAX 65536u

/* devices = display input gpu audio */
#define CELL_DEV_DISPLAY 0x1u /* owns a VT: its tty1, its screen */
#define CELL_DEV_INPUT 0x2u   /* gets copies of the input devices */
#define CELL_DEV_GPU 0x4u     /* a compositor's seat: /run/seatd.sock (seat/gpu.c) */
#define CELL_DEV_AUDIO 0x8u   /* its own ALSA card, fed while in front (seat/audio.c) */
#define CELL_VT_MAX 63	      /* the kernel's MAX_NR_CONSOLES */

/* Sound (docs/config.md, "Sound"): audio_background, what a cell with
 * 'audio' in devices sounds like while another is in front.  The
 * microphone is never a background cell's: no key changes that. */
enum audio_background {
	AUDIO_BG_MUTE, /* its playback is discarded (the default) */
	AUDIO_BG_MIX,  /* its playback is heard, at half level (-6 dB) under the front's */
};

/* [host] audio_card, audio_capture: "CARD[,DEVICE]", CARD an ALSA card's
 * number or its id (/proc/asound/cards, /sys/class/sound/cardN/id). */
#define AUDIO_CARD_SPEC_MAX 31 /* the longest "CARD,DEVICE" fits in 31 */
#define AUDIO_CARD_ID_MAX 15   /* the kernel's card id: 16 bytes with its NUL */
#define AUDIO_CARD_NUMBER_MAX 31
#define AUDIO_DEVICE_MAX 31
#define AUDIO_RATE_MIN 8000u
#define AUDIO_RATE_MAX 192000u
#define AUDIO_PERIOD_MAX_MS 100u
#define HOST_DEFAULT_AUDIO_RATE 48000u
#define HOST_DEFAULT_AUDIO_PERIOD_MS 10u

#define HOST_DEFAULT_HOSTNAME "cellar"
#define HOST_DEFAULT_DATA_DIR "/var/lib/cellar"
/* 0x70000000: above the ranges useradd gives out in /etc/subuid (100000 +
 * k * 65536: below it for the first 28670 users), systemd-nspawn's pick range
 * (0x00080000-0x6FFFFFFF), below 2^31 (no sign trouble in tools that keep
 * ids in an int) and below systemd's foreign range (0x7FFE0000); with the
 * default idmap_ranges the last range ends at 0x73FFFFFF. */
#define HOST_DEFAULT_IDMAP_BASE 0x70000000u
#define HOST_DEFAULT_IDMAP_RANGES 1024u

/* Verified images and updates (docs/images.md). */
#define VERITY_HASH_HEX_MAX 128		     /* sha512's digest in hex */
#define CELL_DEFAULT_UPDATE_WINDOW_MS 30000u /* update_window */

/* update_check: what confirms an update (docs/images.md). */
enum update_check {
	UPDATE_CHECK_RUNNING, /* running for update_window (or READY=1 before) */
	UPDATE_CHECK_READY,   /* READY=1 within update_window */
};

/* Cell networking (docs/config.md, mgr/net/net.h). */
#define NET_IFNAME_MAX 15    /* IFNAMSIZ less the NUL */
#define NET_HOST_PREFIX "c-" /* the host side of a cell's veth: c-NAME */
#define NET_CELL_NAME_MAX (NET_IFNAME_MAX - 2)
#define NET_CELL_IFNAME "eth0" /* the cell's interface unless net_ifname says */
#define NET_ADDRS_MAX 8	       /* net_address: further addresses */
#define NET_BRIDGE_PORTS_MAX 4 /* [host] bridge_port: physical links */
#define NET_BRIDGE_ADDRS_MAX 4 /* [host] bridge: the board's addresses on it */
#define NET_MTU_MIN 68	       /* IPv4's minimum (RFC 791) */
#define NET_MTU_MAX 65535      /* the kernel's ETH_MAX_MTU */
#define NET_MTU_MIN6 1280      /* IPv6's minimum (RFC 8200) */

enum cell_net_mode {
	CELL_NET_NONE,	  /* loopback only (the default) */
	CELL_NET_BRIDGE,  /* veth c-NAME on a [host] bridge, eth0 inside */
	CELL_NET_ROUTED,  /* veth c-NAME, no bridge: a host route to the cell */
	CELL_NET_MACVLAN, /* a macvlan eth0 on a host interface */
};

/* The macvlan modes, as the kernel numbers them (MACVLAN_MODE_*). */
enum cell_macvlan_mode {
	CELL_MACVLAN_PRIVATE = 1,
	CELL_MACVLAN_VEPA = 2,
	CELL_MACVLAN_BRIDGE = 4,
	CELL_MACVLAN_PASSTHRU = 8,
};

/* An IPv4 or IPv6 address, with its prefix length where it has one. */
struct net_cidr {
	int family; /* AF_INET or AF_INET6; 0 = not set */
	unsigned char addr[16];
	unsigned prefix;
};

struct cell_net {
	enum cell_net_mode mode;
	char bridge[NET_IFNAME_MAX + 1];
	struct net_cidr addr;		     /* the one 'net' names */
	struct net_cidr gw;		     /* family 0: no default route */
	unsigned line;			     /* of its 'net' key, 0 = not set */
	char parent[NET_IFNAME_MAX + 1];     /* macvlan: the host interface */
	enum cell_macvlan_mode macvlan_mode; /* macvlan only */

	/* The per-cell keys next to 'net' (0 lines: not set). */
	struct net_cidr more[NET_ADDRS_MAX]; /* net_address */
	unsigned n_more, more_line;
	struct net_cidr gateways[2]; /* net_gateway: at most one per family */
	unsigned n_gateways, gateways_line;
	unsigned mtu, mtu_line;		 /* net_mtu; 0 = the kernel's default */
	char ifname[NET_IFNAME_MAX + 1]; /* net_ifname; "" = NET_CELL_IFNAME */
	unsigned ifname_line;
	bool unfiltered; /* net_filter = no: no anti-spoofing filter */
	unsigned filter_line;
};

struct cell_rlimit {
	int resource;	     /* RLIMIT_* */
	uint64_t soft, hard; /* RLIM_INFINITY for "unlimited" */
};

struct cell_config {
	char name[CELL_NAME_MAX + 1];
	unsigned line;			      /* line of its [cell NAME] header */
	char image[PATH_MAX];		      /* required: image file or directory */
	char init[PATH_MAX];		      /* inside the cell; default /sbin/init */
	char init_args[CELL_INIT_WORDS_SIZE]; /* its arguments (argv[1]...) */
	unsigned init_argc;
	char init_env[CELL_INIT_WORDS_SIZE]; /* init_env: NAME=VALUE words */
	unsigned init_envc;
	char hostname[HOSTNAME_MAX + 1]; /* default: the cell's name */
	bool foreground;		 /* at most one cell sets it */
	int stop_signal;		 /* default SIGRTMIN+3 (systemd's halt) */
	unsigned stop_timeout_ms;	 /* default 10 s */

	/* What happens when its init ends (mgr/core/supervise.h; defaults there).
	 * restart_delay_max is never below restart_delay. */
	struct restart_policy restart;

	/* Isolation (docs/config.md, docs/security.md). */
	bool userns;		/* default yes; "no" is logged as a warning */
	char persist[PATH_MAX]; /* writable layer's directory; "" = tmpfs */
	uint64_t caps_drop;	/* extra capabilities to drop (bit = CAP_*) */
	uint64_t caps_keep;	/* of cellar's default drops, keep these */
	bool io_uring;		/* io_uring's syscalls work (seccomp); default no */

	/* Resources: 0 = not set (no limit written). */
	uint64_t memory_max;  /* bytes: memory.max */
	uint64_t memory_high; /* bytes: memory.high */
	uint64_t pids_max;    /* pids.max */
	uint32_t cgroups_max; /* cgroup.max.descendants; always written, default 4096 */
	unsigned cpu_weight;  /* 1..10000: cpu.weight */
	unsigned io_weight;   /* 1..10000: io.weight */
	struct cell_rlimit rlimits[CELL_RLIMITS_MAX];
	unsigned n_rlimits;

	/* Exclusive devices (docs/devices.md): CELL_DEV_* bits, and the
	 * virtual terminal of a display cell (1..CELL_VT_MAX; 0 = allocated
	 * at start: the lowest one no other cell has). */
	unsigned devices;
	unsigned vt;
	/* With CELL_DEV_AUDIO only: its sound while another cell is in front. */
	enum audio_background audio_background;

	/* 'net': default none (loopback only). */
	struct cell_net net;

	/* image_verity: the image's dm-verity root hash, lower-case hex;
	 * "" = not verified.  update_check, update_window: when an update
	 * (cellctl update) is kept or rolled back (mgr/manage/update.h). */
	char image_verity[VERITY_HASH_HEX_MAX + 1];
	enum update_check update_check;
	unsigned update_window_ms;
};

struct host_config {
	char hostname[HOSTNAME_MAX + 1]; /* default "cellar" */
	char modules[MODULES_MAX];	 /* space-separated module names */
	char data_dir[PATH_MAX];	 /* persistent state (id ranges); default /var/lib/cellar */
	uint32_t idmap_base;		 /* first host id of the first range; default 0x70000000 */
	uint32_t idmap_ranges;	      /* how many 65536-id ranges may be given out; default 1024 */
	char admin_console[PATH_MAX]; /* the admin console's terminal; "" = none (off) */
	char bridge[NET_IFNAME_MAX + 1];		    /* the cells' bridge; "" = none */
	struct net_cidr bridge_addrs[NET_BRIDGE_ADDRS_MAX]; /* the host's addresses on it */
	unsigned n_bridge_addrs;
	/* bridge_port: host interfaces enslaved to it (the board's links) */
	char bridge_ports[NET_BRIDGE_PORTS_MAX][NET_IFNAME_MAX + 1];
	unsigned n_bridge_ports;
	bool forward; /* 'forward': set IP forwarding for routed/bridged cells */

	/* Sound (audio cells), read at cellmgr's start: the board's card for
	 * playback ("" = the first card that is not a loopback card, device
	 * 0), for the microphone ("" = audio_card's, "none" = no
	 * microphone), both as written (audio_card_parse() splits them);
	 * frames per second; a period in ms. */
	char audio_card[AUDIO_CARD_SPEC_MAX + 1];
	char audio_capture[AUDIO_CARD_SPEC_MAX + 1];
	unsigned audio_rate;	  /* 8000..192000, default 48000 */
	unsigned audio_period_ms; /* 'audio_period': 1..100 ms, default 10 */
	int audio_volume;	  /* 0..100 %: the board's mixer set so; -1 (default): as it is */
};

struct config {
	struct host_config host;
	struct cell_config *cells; /* in file order, only the valid ones */
	size_t n_cells;
	unsigned n_errors;
};

typedef void (*config_report_fn)(void *ctx, const char *msg);

/*
 * Parses buf (len bytes, need not be NUL-terminated).  file is used only in
 * messages.  Returns 0, or -ENOMEM; syntax problems are not failures: they
 * are reported, counted in n_errors, and the bad cell or key is dropped.
 * report may be NULL.  On return cfg owns memory: config_free() it.
 */
int config_parse(struct config *cfg, const char *file, const char *buf, size_t len,
		 config_report_fn report, void *ctx);

/* Reads and parses path.  Returns -errno when the file cannot be read
 * (reported as "FILE: strerror"; -EFBIG, "FILE: too large (more than 1 MiB)",
 * past CONFIG_FILE_MAX): cfg then holds the defaults, no cells and
 * n_errors 1.  Else as config_parse(). */
/* An empty list, as config_parse() starts from (config_load.c). */
void config_init(struct config *cfg);

int config_load(struct config *cfg, const char *path, config_report_fn report, void *ctx);

void config_free(struct config *cfg);

/* The cell marked foreground, else the first cell; NULL when there is none. */
const struct cell_config *config_foreground(const struct config *cfg);

/* Signal names as the config takes them: "SIGTERM", "TERM", "SIGRTMIN+3",
 * "15".  Returns the number or -EINVAL.  signal_name() is the reverse
 * ("SIGRTMIN+3"); it returns a static buffer for unknown numbers.
 * Names are upper case; RTMIN+n and RTMAX-n are resolved with the C
 * library's SIGRTMIN/SIGRTMAX at run time; numbers run from 1 to SIGRTMAX.
 * signal_name() gives "SIGRTMIN+n"/"SIGRTMAX-n" for real-time signals (a
 * static buffer: not thread-safe) and the decimal number otherwise. */
int signal_parse(const char *s);
const char *signal_name(int sig);

/* "10s", "500ms", "2m", or plain seconds "10".  Returns 0 or -EINVAL (also
 * when the result does not fit in *ms).  0 is a valid duration here: range
 * checks are the caller's. */
int duration_parse_ms(const char *s, unsigned *ms);

/* Decimal digits only, from min to max.  Returns 0 or -EINVAL. */
int number_parse(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* "512M": decimal bytes with an optional K, M, G or T suffix (powers of
 * 1024, upper case).  Returns 0 or -EINVAL (also past 2^64 - 1); 0 is a
 * valid size here. */
int size_parse(const char *s, uint64_t *bytes);

/* Capability names without "cap_", lower case ("sys_admin").  Returns the
 * number (0..CELL_CAPS_KNOWN - 1) or -EINVAL; capability_name() returns NULL
 * for numbers it does not know. */
int capability_parse(const char *name);
const char *capability_name(int cap);

/* "SOFT[:HARD]": each a decimal below RLIM_INFINITY or "unlimited"
 * (RLIM_INFINITY); HARD defaults to SOFT.  Returns 0, -EINVAL, or -ERANGE
 * when SOFT is above HARD. */
int rlimit_value_parse(const char *s, uint64_t *soft, uint64_t *hard);

/*
 * config_init.c: the words of an 'init' or 'init_env' value (docs/config.md,
 * "init and its arguments"): separated by blanks; "..." groups a word, in
 * which \" and \\ stand for " and \; '...' groups a word literally;
 * outside quotes a \ takes the next character as it is; quoted and plain
 * parts next to each other are one word.  Writes each word NUL-terminated
 * into out (cap bytes).  Returns the number of words, or -EINVAL with *why
 * set (a quote not closed, a \ at the end) or -E2BIG (more than max words).
 */
int config_words_split(const char *value, char *out, size_t cap, unsigned max, const char **why);

/* The cell init's argv: cfg->init, its arguments, NULL (argv has
 * CELL_INIT_WORDS_MAX + 2 slots).  envp: base (NULL-terminated) without the
 * names init_env sets, then init_env, then NULL; it has cap slots, at least
 * those of base plus CELL_INIT_WORDS_MAX + 1.  Pointers into cfg and base;
 * no allocation (the child of a clone calls them). */
void cell_init_argv(const struct cell_config *cfg, char *argv[]);
void cell_init_envp(const struct cell_config *cfg, const char *const base[], char *envp[],
		    size_t cap);

/* config_audio.c: an audio_card or audio_capture value (not "" nor
 * "none": those are the caller's), "CARD[,DEVICE]": CARD a number 0..31
 * or an id: a letter, then up to 14 of A-Z a-z 0-9 '_' '-'; DEVICE
 * 0..31.  Returns 0 with *card the number and
 * id "", or *card -1 and the id in id; *device the DEVICE, 0 when absent.
 * -EINVAL on bad syntax, -ENAMETOOLONG when id (idlen bytes) is too small
 * (AUDIO_CARD_ID_MAX + 1 always do); nothing is written then. */
int audio_card_parse(const char *s, char *id, size_t idlen, int *card, unsigned *device);

/* "mute" or "mix". */
const char *audio_background_name(enum audio_background bg);

/* "private", "vepa", "bridge" or "passthru" (config_net.c). */
const char *net_macvlan_mode_name(enum cell_macvlan_mode mode);

/* "10.0.0.2/24", "fd00::2/64"; with need_prefix false also a bare address
 * (prefix then 32 or 128).  Returns 0 or -EINVAL (a prefix beyond the
 * family's bits, host bits are allowed: it is an interface address). */
int cidr_parse(const char *s, bool need_prefix, struct net_cidr *out);

/* An interface name as the kernel takes it: 1-15 characters, none of them
 * '/', ':' or blank, not "." or "..".  This parser also keeps it to
 * a-z A-Z 0-9 '-' '_' '.'. */
bool ifname_valid(const char *s);

#endif
