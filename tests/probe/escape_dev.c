/* Devices and terminals: raw disks and loop devices, /dev/kmsg for writing,
 * device nodes made by hand, and the terminal ioctls that reach beyond the
 * cell (typing into a tty, switching VTs, the keymap), on the cell's own
 * console: cellar fences them by request number on every fd
 * (docs/security.md), so they must fail with EPERM before the kernel looks
 * at the fd or the argument.  The arguments are such that an unfenced
 * request stops in the kernel without acting (NULL pointers, VT 0):
 * SUCCEEDED:reached-ENAME. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "escape.h"

static void escape_open(const struct probe *p, const void *arg, struct outcome *o)
{
	int fd = open(arg, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, "opened");
	close(fd);
}

static void escape_kmsg_write(const struct probe *p, const void *arg, struct outcome *o)
{
	static const char line[] = "<7>cellar-probe: escape suite, /dev/kmsg write\n";
	int fd = open("/dev/kmsg", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	if (write(fd, line, sizeof(line) - 1) < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "wrote");
	close(fd);
}

struct node {
	mode_t type;
	unsigned major, minor;
};

static void escape_mknod(const struct probe *p, const void *arg, struct outcome *o)
{
	const struct node *n = arg;
	char path[160];
	int fd;

	snprintf(path, sizeof(path), "%s/cellar-probe-node.%ld", probe_tmpdir(), (long)getpid());
	if (mknod(path, n->type | 0600, makedev(n->major, n->minor)) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		outcome_ok(o, "created,opened");
		close(fd);
	} else {
		outcome_ok(o, "created,open-%s", errno_name(errno));
	}
	unlink(path);
}

struct tty_req {
	const char *tty;
	unsigned long req;
	unsigned long arg;
	int hi; /* set bit 32 of the request: the kernel truncates it */
};

static void escape_tty_ioctl(const struct probe *p, const void *arg, struct outcome *o)
{
	const struct tty_req *t = arg;
	unsigned long req = t->req | (t->hi ? 1UL << 32 : 0);
	/* TIOCCONS on a read-only fd stops in the kernel (it would redirect
	 * the kernel console to this tty) */
	int flags = t->req == TIOCCONS ? O_RDONLY : O_RDWR;
	int fd = open(t->tty, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		outcome_skipped(o, errno_name(errno));
		return;
	}
	/* the raw syscall: musl's ioctl() takes an int request */
	if (syscall(SYS_ioctl, fd, req, t->arg) < 0)
		outcome_reached(o, errno);
	else
		outcome_ok(o, NULL);
	close(fd);
}

void escapes_dev(struct probe *p)
{
	static const char *const opens[][2] = {
	    {"dev_loop0", "/dev/loop0"},
	    {"dev_loop_control", "/dev/loop-control"},
	    {"dev_ttyS0", "/dev/ttyS0"},
	    {"dev_tty63", "/dev/tty63"},
	    {"dev_vcs", "/dev/vcs"},
	    {"dev_sdb", "/dev/sdb"},
	    {"dev_xvda", "/dev/xvda"},
	    {"dev_dm0", "/dev/dm-0"},
	    {"dev_hidraw0", "/dev/hidraw0"},
	    {"dev_snd", "/dev/snd/controlC0"},
	    {"dev_dri", "/dev/dri/card0"},
	    {"dev_watchdog", "/dev/watchdog"},
	    {"dev_snd_timer", "/dev/snd/timer"},
	    {"dev_snd_pcm", "/dev/snd/pcmC0D0p"},
	};
	static const struct node nodes[] = {
	    {S_IFCHR, 1, 1},   {S_IFCHR, 1, 11},  {S_IFBLK, 7, 0},    {S_IFCHR, 4, 1},
	    {S_IFBLK, 253, 0}, {S_IFCHR, 116, 0}, {S_IFCHR, 116, 33}, {S_IFCHR, 116, 16}};
	static const char *const node_names[] = {
	    "mknod_mem", "mknod_kmsg",	      "mknod_loop0",	 "mknod_tty1",
	    "mknod_vda", "mknod_snd_control", "mknod_snd_timer", "mknod_snd_pcm"};
	static const struct tty_req reqs[] = {
	    {"/dev/console", TIOCSTI, 0, 0},	 {"/dev/console", TIOCSTI, 0, 1},
	    {"/dev/console", VT_ACTIVATE, 0, 0}, {"/dev/console", VT_ACTIVATE, 0, 1},
	    {"/dev/console", KDSKBENT, 0, 0},	 {"/dev/console", KDSETKEYCODE, 0, 0},
	    {"/dev/console", TIOCLINUX, 0, 0},	 {"/dev/console", VT_DISALLOCATE, 64, 0},
	    {"/dev/console", PIO_FONT, 0, 0},	 {"/dev/console", TIOCCONS, 0, 0},
	    {"/dev/ptmx", TIOCSTI, 0, 0},
	};
	static const char *const req_names[] = {
	    "tiocsti_console",	      "tiocsti_console_hi",	"vt_activate_console",
	    "vt_activate_console_hi", "keymap_console",		"keycode_console",
	    "tioclinux_console",      "vt_disallocate_console", "font_console",
	    "tioccons_console",	      "tiocsti_ptmx",
	};

	for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++)
		attack_run(p, opens[i][0], escape_open, opens[i][1]);
	attack_run(p, "dev_kmsg_write", escape_kmsg_write, NULL);
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		attack_run(p, node_names[i], escape_mknod, &nodes[i]);
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		attack_run(p, req_names[i], escape_tty_ioctl, &reqs[i]);
}
