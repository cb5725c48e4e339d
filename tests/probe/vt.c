/* probe vt-fence / vt-hold / vt-keymap: the VT and keyboard ioctl fence,
 * the VT_PROCESS override and the kernel keymap, seen from inside a cell
 * (README.md).
 *
 *   probe vt-fence TTY     every fenced request (docs/security.md, "VT and
 *                          keyboard ioctls"), plain and with bit 32 set, then
 *                          the allowed ones (set to their current values)
 *   probe vt-hold TTY [--seconds N]
 *                          VT_SETMODE VT_PROCESS on TTY (relsig SIGUSR1,
 *                          acqsig SIGUSR2, both ignored), never VT_RELDISP;
 *                          after N s (default 20) back to VT_AUTO
 *   probe vt-keymap TTY    reads the whole kernel keymap (KDGKBENT, every
 *                          table and key) and counts the entries cellmgr
 *                          must have removed (issue 13, finding 10)
 *
 * Most VT ioctls need the caller to have TTY as its controlling tty (else
 * the kernel itself answers EPERM, and a fence test proves nothing): the
 * probe reports vt.ctty=yes when it has, else tries setsid() + TIOCSCTTY
 * in a child (vt.ctty=acquired | no:ENAME) and runs there.
 *
 * Every fenced request gets arguments that make the kernel stop before it
 * acts (a NULL pointer: EFAULT; VT number 0 or 64: ENXIO; an O_RDONLY fd for
 * TIOCCONS: EBADF; silence for the speaker), so an unfenced request shows up
 * as "SUCCEEDED:reached-ENAME" and changes nothing.  Lines:
 *
 *   vt.open=ok | error:ENAME     vt.number=N     vt.ctty=...
 *   vtfence.NAME=blocked:EPERM | SUCCEEDED | SUCCEEDED:reached-ENAME
 *   vtfence.NAME.hi=...          (the request | 1 << 32)
 *   vtallow.NAME=ok | error:ENAME
 *   vt.end=1
 *
 *   vthold.setmode=ok | error:ENAME
 *   vthold.change=+MS mode=auto|process active=N   (each change seen)
 *   vthold.restore=ok | error:ENAME | not-needed
 *   vthold.end=1
 *
 *   vtkeymap.tables=N  vtkeymap.entries=N  (tables present, entries read)
 *   vtkeymap.NAME=N    (entries of each kind: console_switch for every
 *                      KT_CONS, boot, sak, incr_console, decr_console,
 *                      last_console, spawn_console, show_registers,
 *                      show_memory, show_state)
 *   vtkeymap.end=1
 *
 * Exit status 0 when it ran, 2 for a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

int vt_main(int argc, char **argv); /* main.c: `probe vt-fence|vt-hold ...` */

/* musl's ioctl() takes an int request: the raw syscall keeps all 64 bits. */
static long raw_ioctl(int fd, unsigned long req, unsigned long arg)
{
	long r = syscall(SYS_ioctl, fd, req, arg);

	return r < 0 ? -errno : r;
}

struct fenced {
	const char *name;
	unsigned long req;
	int arg; /* below */
};

enum { A_NULL, A_ZERO, A_VT64, A_LEDS, A_RDONLY_FD };

/* docs/security.md's list (mgr/start/seccomp.c vt_fenced_ioctls), in its order. */
static const struct fenced fenced[] = {
    {"TIOCLINUX", 0x541C, A_NULL},     /* subcode read from NULL: EFAULT */
    {"TIOCSTI", 0x5412, A_NULL},       /* the char read from NULL: EFAULT */
    {"TIOCCONS", 0x541D, A_RDONLY_FD}, /* not writable: EBADF */
    {"VT_ACTIVATE", 0x5606, A_ZERO},   /* VT 0: ENXIO */
    {"VT_SETACTIVATE", 0x560F, A_NULL},
    {"VT_DISALLOCATE", 0x5608, A_VT64}, /* > MAX_NR_CONSOLES: ENXIO */
    {"VT_RESIZE", 0x5609, A_NULL},
    {"VT_RESIZEX", 0x560A, A_NULL},
    {"VT_UNLOCKSWITCH", 0x560C, A_ZERO}, /* first: unlocked is the default */
    {"VT_LOCKSWITCH", 0x560B, A_ZERO},	 /* undone at once if it succeeds */
    {"KIOCSOUND", 0x4B2F, A_ZERO},	 /* 0: sound off */
    {"KDMKTONE", 0x4B30, A_ZERO},	 /* 0 ticks: nothing */
    {"KDSETLED", 0x4B32, A_LEDS},	 /* 0xff: back to showing the flags */
    {"KDADDIO", 0x4B34, A_ZERO},
    {"KDDELIO", 0x4B35, A_ZERO},
    {"KDENABIO", 0x4B36, A_ZERO},
    {"KDDISABIO", 0x4B37, A_ZERO},
    {"KDMAPDISP", 0x4B3C, A_ZERO},
    {"KDUNMAPDISP", 0x4B3D, A_ZERO},
    {"PIO_SCRNMAP", 0x4B41, A_NULL},
    {"PIO_UNISCRNMAP", 0x4B6A, A_NULL},
    {"KDSKBENT", 0x4B47, A_NULL},
    {"KDSKBSENT", 0x4B49, A_NULL},
    {"KDSKBDIACR", 0x4B4B, A_NULL},
    {"KDSKBDIACRUC", 0x4BFB, A_NULL},
    {"KDSETKEYCODE", 0x4B4D, A_NULL},
    {"KDSIGACCEPT", 0x4B4E, A_ZERO}, /* signal 0: EINVAL */
    {"KDKBDREP", 0x4B52, A_NULL},
    {"PIO_FONT", 0x4B61, A_NULL}, /* no data: EINVAL */
    {"PIO_FONTX", 0x4B6C, A_NULL},
    {"PIO_FONTRESET", 0x4B6D, A_ZERO}, /* ENOSYS on current kernels */
    {"KDFONTOP", 0x4B72, A_NULL},
    {"PIO_CMAP", 0x4B71, A_NULL},
};

static void print_outcome(const char *name, const char *suffix, long r)
{
	if (r == -EPERM)
		printf("vtfence.%s%s=blocked:EPERM\n", name, suffix);
	else if (r >= 0)
		printf("vtfence.%s%s=SUCCEEDED\n", name, suffix);
	else
		printf("vtfence.%s%s=SUCCEEDED:reached-%s\n", name, suffix, errno_name((int)-r));
}

static void fence_run(int fd, int rdfd)
{
	static const unsigned long hi = 1UL << 32;

	for (size_t i = 0; i < sizeof(fenced) / sizeof(fenced[0]); i++) {
		const struct fenced *f = &fenced[i];
		unsigned long arg = 0;
		int use = fd;
		long r, rh;

		switch (f->arg) {
		case A_VT64: arg = 64; break;
		case A_LEDS: arg = 0xff; break;
		case A_RDONLY_FD: use = rdfd; break;
		default: break;
		}
		r = raw_ioctl(use, f->req, arg);
		rh = raw_ioctl(use, f->req | hi, arg);
		if (f->req == 0x560B && (r >= 0 || rh >= 0)) {
			/* VT switching got locked: unlock at once, any way that works */
			if (raw_ioctl(fd, 0x560C, 0) < 0)
				raw_ioctl(fd, 0x560C | hi, 0);
		}
		print_outcome(f->name, "", r);
		print_outcome(f->name, ".hi", rh);
	}
}

static void allow_line(const char *name, long r)
{
	if (r >= 0)
		printf("vtallow.%s=ok\n", name);
	else
		printf("vtallow.%s=error:%s\n", name, errno_name((int)-r));
}

static void allow_run(int fd)
{
	struct vt_stat st;
	struct vt_mode mode;
	int kd = 0, kb = 0;
	long r;

	allow_line("VT_GETSTATE", raw_ioctl(fd, VT_GETSTATE, (unsigned long)&st));
	r = raw_ioctl(fd, KDGETMODE, (unsigned long)&kd);
	allow_line("KDGETMODE", r);
	allow_line("KDSETMODE", r < 0 ? r : raw_ioctl(fd, KDSETMODE, (unsigned long)kd));
	r = raw_ioctl(fd, VT_GETMODE, (unsigned long)&mode);
	allow_line("VT_GETMODE", r);
	allow_line("VT_SETMODE", r < 0 ? r : raw_ioctl(fd, VT_SETMODE, (unsigned long)&mode));
	r = raw_ioctl(fd, KDGKBMODE, (unsigned long)&kb);
	allow_line("KDGKBMODE", r);
	allow_line("KDSKBMODE", r < 0 ? r : raw_ioctl(fd, KDSKBMODE, (unsigned long)kb));
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void hold_run(int fd, long seconds)
{
	struct vt_mode mode = {.mode = VT_PROCESS, .relsig = SIGUSR1, .acqsig = SIGUSR2};
	long t0 = now_ms(), r;
	int last_mode = -1, last_active = -1;

	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	r = raw_ioctl(fd, VT_SETMODE, (unsigned long)&mode);
	printf("vthold.setmode=%s%s\n", r < 0 ? "error:" : "ok", r < 0 ? errno_name((int)-r) : "");
	while (now_ms() - t0 < seconds * 1000L) {
		struct vt_mode m;
		struct vt_stat st;

		if (raw_ioctl(fd, VT_GETMODE, (unsigned long)&m) == 0 &&
		    raw_ioctl(fd, VT_GETSTATE, (unsigned long)&st) == 0 &&
		    (m.mode != last_mode || st.v_active != last_active)) {
			printf("vthold.change=+%ld mode=%s active=%u\n", now_ms() - t0,
			       m.mode == VT_PROCESS ? "process"
			       : m.mode == VT_AUTO  ? "auto"
						    : "other",
			       st.v_active);
			last_mode = m.mode;
			last_active = st.v_active;
		}
		nanosleep(&(struct timespec){.tv_nsec = 50000000}, NULL);
	}
	if (raw_ioctl(fd, VT_GETMODE, (unsigned long)&mode) == 0 && mode.mode == VT_PROCESS) {
		memset(&mode, 0, sizeof(mode));
		mode.mode = VT_AUTO;
		r = raw_ioctl(fd, VT_SETMODE, (unsigned long)&mode);
		printf("vthold.restore=%s%s\n", r < 0 ? "error:" : "ok",
		       r < 0 ? errno_name((int)-r) : "");
	} else {
		printf("vthold.restore=not-needed\n");
	}
	printf("vthold.end=1\n");
}

/* From linux/keyboard.h, which cannot come with sys/wait.h (its
 * linux/wait.h defines P_ALL and friends as macros). */
#define KEYMAPS_MAX 256 /* MAX_NR_KEYMAPS */
#define KEYS_MAX 256	/* NR_KEYS */
#define KEY_TYPE(v) ((v) >> 8)
#define KT_SPECIAL 2
#define KT_CONSOLE 5
#define KSPEC(v) ((unsigned short)(KT_SPECIAL << 8 | (v)))
#define K_NOSUCHMAP_ KSPEC(127)

/* The keymap entries that act on the host, not on the cell's own VT. */
static const struct {
	const char *name;
	unsigned short value; /* 0: every KT_CONS entry */
} hostile_keys[] = {
    {"console_switch", 0},	  /* every KT_CONS: Console_N */
    {"boot", KSPEC(12)},	  /* K_BOOT */
    {"sak", KSPEC(15)},		  /* K_SAK */
    {"incr_console", KSPEC(17)},  /* K_INCRCONSOLE */
    {"decr_console", KSPEC(16)},  /* K_DECRCONSOLE */
    {"last_console", KSPEC(6)},	  /* K_CONS */
    {"spawn_console", KSPEC(18)}, /* K_SPAWNCONSOLE */
    {"show_registers", KSPEC(2)}, /* K_SH_REGS */
    {"show_memory", KSPEC(3)},	  /* K_SH_MEM */
    {"show_state", KSPEC(4)},	  /* K_SH_STAT */
};
#define N_HOSTILE (sizeof(hostile_keys) / sizeof(hostile_keys[0]))

static void keymap_run(int fd)
{
	unsigned count[N_HOSTILE] = {0}, tables = 0, entries = 0;
	struct kbentry e;
	long r;

	for (unsigned table = 0; table < KEYMAPS_MAX; table++) {
		e.kb_table = (unsigned char)table;
		e.kb_index = 0;
		e.kb_value = 0;
		r = raw_ioctl(fd, KDGKBENT, (unsigned long)&e);
		if (r < 0) {
			printf("vtkeymap.error=%s\n", errno_name((int)-r));
			break;
		}
		if (e.kb_value == K_NOSUCHMAP_)
			continue;
		tables++;
		for (unsigned key = 0; key < KEYS_MAX; key++) {
			e.kb_table = (unsigned char)table;
			e.kb_index = (unsigned char)key;
			if (raw_ioctl(fd, KDGKBENT, (unsigned long)&e) < 0)
				continue;
			entries++;
			for (size_t i = 0; i < N_HOSTILE; i++)
				if (hostile_keys[i].value ? e.kb_value == hostile_keys[i].value
							  : KEY_TYPE(e.kb_value) == KT_CONSOLE)
					count[i]++;
		}
	}
	printf("vtkeymap.tables=%u\nvtkeymap.entries=%u\n", tables, entries);
	for (size_t i = 0; i < N_HOSTILE; i++)
		printf("vtkeymap.%s=%u\n", hostile_keys[i].name, count[i]);
	printf("vtkeymap.end=1\n");
}

int vt_main(int argc, char **argv)
{
	const char *cmd = argv[0], *path = NULL;
	bool hold = strcmp(cmd, "vt-hold") == 0, keymap = strcmp(cmd, "vt-keymap") == 0;
	long seconds = 20;
	pid_t sid, child = 0;
	struct stat st;
	int fd, rdfd, status;

	for (int i = 1; i < argc; i++) {
		if (hold && strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = strtol(argv[++i], NULL, 10);
		else if (argv[i][0] != '-' && !path)
			path = argv[i];
		else
			path = NULL, i = argc;
	}
	if (!path || seconds < 0 || seconds > 3600) {
		fprintf(stderr, "usage: probe vt-fence TTY | probe vt-hold TTY [--seconds N] | "
				"probe vt-keymap TTY\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		printf("vt.open=error:%s\n%s.end=1\n", errno_name(errno), hold ? "vthold" : "vt");
		return 0;
	}
	if (keymap) { /* reads only: no controlling tty needed */
		keymap_run(fd);
		return 0;
	}
	rdfd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	printf("vt.open=ok\n");
	if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode))
		printf("vt.number=%u\n", minor(st.st_rdev));
	if (ioctl(fd, TIOCGSID, &sid) == 0) {
		printf("vt.ctty=yes\n");
	} else {
		/* Not our controlling tty: a new session in a child takes it, if
		 * no other session holds it. */
		child = fork();
		if (child < 0) {
			printf("vt.ctty=no:%s\n", errno_name(errno));
		} else if (child > 0) {
			while (waitpid(child, &status, 0) < 0 && errno == EINTR)
				;
			return 0;
		} else if (setsid() < 0 || ioctl(fd, TIOCSCTTY, 0) < 0) {
			printf("vt.ctty=no:%s\n", errno_name(errno));
		} else {
			printf("vt.ctty=acquired\n");
		}
	}
	if (hold) {
		hold_run(fd, seconds);
	} else {
		fence_run(fd, rdfd < 0 ? fd : rdfd);
		allow_run(fd);
		printf("vt.end=1\n");
	}
	return 0; /* the child of the ctty branch too: its parent waits */
}
