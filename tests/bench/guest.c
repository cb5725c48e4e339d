// SPDX-License-Identifier: MIT
/* guest: the switch and input benchmarks on the QEMU board (issue 8, items
 * 3 and 4; tests/bench/bench-switch boots it and reads its lines).
 *
 * The bench image installs this program as /sbin/cellmgr and the real one
 * as /sbin/cellmgr.real; init starts it as it would start cellmgr.  It
 * forks: the parent becomes the real cellmgr (exec, same pid and
 * arguments: init supervises it as always), the child waits for the cells
 * and measures, as the host's root, what a user of the board would time:
 *
 *   chvt      VT_ACTIVATE + VT_WAITACTIVE on /dev/tty0, what `chvt N`
 *             does: the kernel's own switch, the floor;
 *   hotkey    Ctrl-Alt-F<n> typed on a keyboard (a uinput device made
 *             here, which cellmgr grabs like any physical one): from the
 *             F<n> key-down write to the new VT active (VT_WAITACTIVE
 *             returns, as in chvt), and to the new cell's input copy live
 *             (its Num Lock, set apart from the other cell's, shown on
 *             the keyboard: cellmgr does it after uninhibiting the copy);
 *   input     one key (Shift: it types nothing) from the write into the "physical" keyboard to the
 *             front cell's copy: the copy's event timestamp (taken by the
 *             kernel when cellmgr wrote it) minus the time just before the
 *             write, and the time this program read it.
 *
 * Rounds interleave chvt and hotkey switches.  Output, one line each, on
 * the console (init's stdout):
 *
 *   bench: chvt US            bench: hotkey-vt US  bench: hotkey-input US
 *   bench: input-ts US        bench: input-read US
 *   bench: floor-ts US        bench: floor-read US   (no cellmgr between)
 *   bench: done               bench: error TEXT
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <linux/kd.h>
#include <linux/uinput.h>
#include <linux/vt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REAL "/sbin/cellmgr.real"
#define KBD_NAME "cellar-bench keyboard"
#define ROUNDS 40
#define INPUT_EVENTS 400
#define FLOOR_PHYS "cellar/bench-floor"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	(void)!write(STDOUT_FILENO, buf, (size_t)n);
}

/* Results are kept and printed at the end, when cellmgr is quiet: its
 * log and the cells' consoles share the serial line. */
#define RESULTS_MAX 2048
static struct {
	const char *what;
	uint64_t ns;
} results[RESULTS_MAX];
static unsigned n_results;

static void us_line(const char *what, uint64_t ns)
{
	if (n_results < RESULTS_MAX)
		results[n_results++] = (typeof(results[0])){what, ns};
}

static void print_results(void)
{
	for (unsigned i = 0; i < n_results; i++)
		say("bench: %s %llu.%03llu", results[i].what,
		    (unsigned long long)(results[i].ns / 1000),
		    (unsigned long long)(results[i].ns % 1000));
}

static int read_sys(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n'))
		n--;
	buf[n] = '\0';
	return 0;
}

/* A key and its packet's end in one write, as a keyboard driver reports
 * them (the event reaches readers at the SYN_REPORT). */
static void key(int fd, unsigned code, int value)
{
	struct input_event ev[2] = {{.type = EV_KEY, .code = (__u16)code, .value = value},
				    {.type = EV_SYN, .code = SYN_REPORT}};

	if (write(fd, ev, sizeof(ev)) != (ssize_t)sizeof(ev))
		say("bench: error write to the bench keyboard: %s", strerror(errno));
}

/* The "physical" keyboard: every key code, as a real keyboard has.  With
 * phys "cellar/...", cellmgr takes it for one of its own copies and leaves
 * it alone: the floor, read directly. */
static int make_keyboard(const char *phys)
{
	struct uinput_setup us = {.id = {.bustype = BUS_VIRTUAL, .vendor = 0xce11, .product = 1}};
	int fd = open("/dev/uinput", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, UI_SET_EVBIT, EV_KEY) < 0 || ioctl(fd, UI_SET_EVBIT, EV_SYN) < 0 ||
	    ioctl(fd, UI_SET_EVBIT, EV_LED) < 0 || ioctl(fd, UI_SET_LEDBIT, LED_NUML) < 0 ||
	    ioctl(fd, UI_SET_LEDBIT, LED_CAPSL) < 0 || ioctl(fd, UI_SET_LEDBIT, LED_SCROLLL) < 0)
		goto fail;
	for (unsigned k = KEY_ESC; k <= KEY_F12; k++)
		if (ioctl(fd, UI_SET_KEYBIT, k) < 0)
			goto fail;
	snprintf(us.name, sizeof(us.name), KBD_NAME);
	if (phys && ioctl(fd, UI_SET_PHYS, phys) < 0)
		goto fail;
	if (ioctl(fd, UI_DEV_SETUP, &us) < 0 || ioctl(fd, UI_DEV_CREATE) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -errno;
}

struct copy {
	char cell[32];
	char inhibited[96];
	char node[48];
};

/* cellmgr's copies of the bench keyboard: same name, phys "cellar/CELL". */
static int find_copies(struct copy *c, int max)
{
	DIR *d = opendir("/sys/class/input");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max) {
		char path[300], buf[128];
		DIR *dd;
		struct dirent *e;

		if (strncmp(de->d_name, "input", 5) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/class/input/%s/name", de->d_name);
		if (read_sys(path, buf, sizeof(buf)) < 0 || strcmp(buf, KBD_NAME) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/class/input/%s/phys", de->d_name);
		if (read_sys(path, buf, sizeof(buf)) < 0 || strncmp(buf, "cellar/", 7) != 0 ||
		    strcmp(buf, FLOOR_PHYS) == 0)
			continue;
		snprintf(c[n].cell, sizeof(c[n].cell), "%.31s", buf + 7);
		snprintf(c[n].inhibited, sizeof(c[n].inhibited), "/sys/class/input/%.40s/inhibited",
			 de->d_name);
		c[n].node[0] = '\0';
		snprintf(path, sizeof(path), "/sys/class/input/%s", de->d_name);
		if ((dd = opendir(path))) {
			while ((e = readdir(dd)))
				if (strncmp(e->d_name, "event", 5) == 0)
					snprintf(c[n].node, sizeof(c[n].node), "/dev/input/%.30s",
						 e->d_name);
			closedir(dd);
		}
		if (c[n].node[0])
			n++; /* else its event node is not there yet: the next look */
	}
	closedir(d);
	return n;
}

static bool live(const struct copy *c)
{
	char buf[8];

	return read_sys(c->inhibited, buf, sizeof(buf)) == 0 && strcmp(buf, "0") == 0;
}

static unsigned active_vt(int tty0)
{
	struct vt_stat st;

	return ioctl(tty0, VT_GETSTATE, &st) < 0 ? 0 : st.v_active;
}

static uint64_t chvt(int tty0, unsigned n)
{
	uint64_t t0 = now_ns();

	if (ioctl(tty0, VT_ACTIVATE, (unsigned long)n) < 0 ||
	    ioctl(tty0, VT_WAITACTIVE, (unsigned long)n) < 0) {
		say("bench: error chvt %u: %s", n, strerror(errno));
		return 0;
	}
	return now_ns() - t0;
}

static void on_alarm(int sig)
{
	(void)sig; /* only to interrupt VT_WAITACTIVE */
}

/* Waits (poll, no busy loop) until cellmgr sets the keyboard's Num Lock
 * LED to `on`: it does when it makes a cell's input live (its copies
 * uninhibited, then that cell's LEDs onto the keyboard).  0, or -1 after
 * the deadline. */
static int wait_numlock(int kbd, bool on, uint64_t deadline)
{
	struct input_event ev[16];
	struct pollfd p = {.fd = kbd, .events = POLLIN};

	for (;;) {
		uint64_t now = now_ns();
		ssize_t n;

		if (now >= deadline || poll(&p, 1, (int)((deadline - now) / 1000000u) + 1) <= 0)
			return -1;
		n = read(kbd, ev, sizeof(ev));
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(ev[0]); i++)
			if (ev[i].type == EV_LED && ev[i].code == LED_NUML && !!ev[i].value == on)
				return 0;
	}
}

/* What the keyboard was told before (LEDs the chvt rounds moved) is
 * not an answer to the next switch. */
static void drain(int kbd)
{
	struct input_event ev[16];
	struct pollfd p = {.fd = kbd, .events = POLLIN};

	while (poll(&p, 1, 0) > 0 && read(kbd, ev, sizeof(ev)) > 0)
		;
}

/* Ctrl-Alt-F<n> on the bench keyboard; the copy `to` must come alive.
 * Nothing here competes with cellmgr for the CPU meanwhile: the VT is
 * waited for as `chvt` waits for it (VT_WAITACTIVE), the input by the
 * keyboard's Num Lock LED, which the two cells have set differently and
 * which cellmgr puts on the keyboard right after the new cell's copies
 * are uninhibited (the copy's sysfs `inhibited` is checked then). */
static int hotkey(int kbd, int tty0, unsigned n, const struct copy *to, bool numlock,
		  uint64_t *vt_ns, uint64_t *in_ns)
{
	uint64_t t0, deadline;
	bool vt_done = false, in_done = false;

	usleep(20000); /* cellmgr has followed the chvt rounds' LEDs */
	drain(kbd);
	key(kbd, KEY_LEFTCTRL, 1);
	key(kbd, KEY_LEFTALT, 1);
	/* As a hand types it: Ctrl and Alt held some time before the F key
	 * (cellmgr has sent them on to the front cell's copy by then); typed
	 * back to back, their forwarding would be timed as part of the switch. */
	usleep(20000);
	t0 = now_ns();
	key(kbd, KEY_F1 + n - 1, 1);
	deadline = t0 + 5000000000ull;
	alarm(5);
	if (ioctl(tty0, VT_WAITACTIVE, (unsigned long)n) == 0) {
		*vt_ns = now_ns() - t0;
		vt_done = true;
	}
	alarm(0);
	if (vt_done && wait_numlock(kbd, numlock, deadline) == 0) {
		*in_ns = now_ns() - t0;
		in_done = live(to);
	}
	key(kbd, KEY_F1 + n - 1, 0);
	key(kbd, KEY_LEFTALT, 0);
	key(kbd, KEY_LEFTCTRL, 0);
	if (!(vt_done && in_done)) {
		say("bench: error Ctrl-Alt-F%u: VT %s, %s's input %s after 5 s", n,
		    vt_done ? "active" : "not active", to->cell, in_done ? "live" : "not live");
		return -1;
	}
	return 0;
}

/* The front cell's VT gets Num Lock (its keyboard flags, KDSKBLED, as
 * `setleds +num` does), the other VT none: the kernel shows a VT's LEDs
 * on every live keyboard when it becomes active (chvt included), so the
 * front cell's copy has it on, the other's off, and cellmgr shows the
 * front cell's on the keyboard, now and on each switch. */
static int numlock_front(int kbd, unsigned vt, const struct copy *front)
{
	char path[16];
	int fd;

	snprintf(path, sizeof(path), "/dev/tty%u", vt);
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, KDSKBLED, (unsigned long)(LED_NUM | LED_NUM << 4)) < 0) {
		say("bench: error Num Lock on %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (wait_numlock(kbd, true, now_ns() + 2000000000ull) < 0) {
		say("bench: error cellmgr did not put %s's Num Lock on the keyboard", front->cell);
		return -1;
	}
	return 0;
}

/* One key into the physical keyboard, read back from the front copy. */
static int input_one(int kbd, int copy_fd, uint64_t *ts_ns, uint64_t *read_ns)
{
	struct input_event ev;
	struct pollfd p = {.fd = copy_fd, .events = POLLIN};
	uint64_t t0 = now_ns();
	bool got = false;

	key(kbd, KEY_LEFTSHIFT, 1);
	while (!got) {
		if (poll(&p, 1, 2000) <= 0)
			return -1;
		while (read(copy_fd, &ev, sizeof(ev)) == (ssize_t)sizeof(ev))
			if (ev.type == EV_KEY && ev.code == KEY_LEFTSHIFT && ev.value == 1 &&
			    !got) {
				*read_ns = now_ns() - t0;
				*ts_ns = (uint64_t)ev.input_event_sec * 1000000000u +
					 (uint64_t)ev.input_event_usec * 1000u - t0;
				got = true;
			}
	}
	key(kbd, KEY_LEFTSHIFT, 0);
	/* Drain the release. */
	while (poll(&p, 1, 200) > 0 && read(copy_fd, &ev, sizeof(ev)) > 0)
		if (ev.type == EV_KEY && ev.code == KEY_LEFTSHIFT && ev.value == 0)
			break;
	return 0;
}

/* cellmgr's read and write system calls so far (/proc/PID/io: syscr,
 * syscw): over the input rounds, what forwarding one packet costs it. */
static bool io_counts(pid_t pid, unsigned long long *r, unsigned long long *w)
{
	char path[32], line[64];
	bool got_r = false, got_w = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	if (!(f = fopen(path, "re")))
		return false;
	while (fgets(line, sizeof(line), f)) {
		got_r |= sscanf(line, "syscr: %llu", r) == 1;
		got_w |= sscanf(line, "syscw: %llu", w) == 1;
	}
	fclose(f);
	return got_r && got_w;
}

/* The event node of a uinput device made here. */
static int open_own_node(int ui)
{
	char sys[64], path[160];
	DIR *d;
	struct dirent *e;
	int fd = -1;

	if (ioctl(ui, UI_GET_SYSNAME(sizeof(sys)), sys) < 0)
		return -errno;
	snprintf(path, sizeof(path), "/sys/class/input/%.60s", sys);
	for (int i = 0; i < 50 && fd < 0; i++) {
		if ((d = opendir(path))) {
			while ((e = readdir(d)))
				if (strncmp(e->d_name, "event", 5) == 0) {
					snprintf(path, sizeof(path), "/dev/input/%.30s", e->d_name);
					fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
					break;
				}
			closedir(d);
		}
		if (fd < 0)
			usleep(100000);
	}
	return fd < 0 ? -ENOENT : fd;
}

static int set_monotonic(int fd)
{
	int clk = CLOCK_MONOTONIC;

	if (ioctl(fd, EVIOCSCLOCKID, &clk) < 0) {
		say("bench: error EVIOCSCLOCKID: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int run(void)
{
	struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART */
	struct copy copies[8];
	int tty0, kbd, n = 0, copy_fd, floor_kbd, floor_fd;
	unsigned vt_a = 1, vt_b = 2;
	const struct copy *ca = NULL, *cb = NULL;
	unsigned long long r0 = 0, w0 = 0, r1 = 0, w1 = 0;
	bool have_io;

	sigaction(SIGALRM, &sa, NULL);

	/* Wait for both cells: their copies of the bench keyboard exist. */
	kbd = -1;
	for (int i = 0; i < 600 && kbd < 0; i++) {
		if (access("/dev/uinput", W_OK) == 0)
			kbd = make_keyboard(NULL);
		if (kbd < 0)
			usleep(100000);
	}
	if (kbd < 0) {
		say("bench: error no /dev/uinput: %s", strerror(-kbd));
		return 1;
	}
	for (int i = 0; i < 1200; i++) {
		n = find_copies(copies, 8);
		if (n >= 2)
			break;
		usleep(100000);
	}
	if (n < 2) {
		say("bench: error cellmgr made %d copies of the bench keyboard, expected 2", n);
		return 1;
	}
	sleep(3); /* let both cells' shells settle */
	tty0 = open("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty0 < 0) {
		say("bench: error open /dev/tty0: %s", strerror(errno));
		return 1;
	}
	/* The front cell's copy is live; its VT is the active one. */
	for (int i = 0; i < n; i++)
		if (live(&copies[i]))
			ca = &copies[i];
		else if (!cb)
			cb = &copies[i];
	if (!ca || !cb) {
		say("bench: error no live copy (front) and no dead one (background)");
		return 1;
	}
	vt_a = active_vt(tty0);
	vt_b = vt_a == 1 ? 2 : 1;
	say("bench: front %s on VT %u (copy %s), background %s on VT %u (copy %s)", ca->cell, vt_a,
	    ca->node, cb->cell, vt_b, cb->node);

	if (numlock_front(kbd, vt_a, ca) < 0)
		return 1;
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t vt_ns = 0, in_ns = 0;

		us_line("chvt", chvt(tty0, vt_b));
		us_line("chvt", chvt(tty0, vt_a));
		if (hotkey(kbd, tty0, vt_b, cb, false, &vt_ns, &in_ns) < 0)
			return 1;
		us_line("hotkey-vt", vt_ns);
		us_line("hotkey-input", in_ns);
		usleep(20000);
		if (hotkey(kbd, tty0, vt_a, ca, true, &vt_ns, &in_ns) < 0)
			return 1;
		us_line("hotkey-vt", vt_ns);
		us_line("hotkey-input", in_ns);
		usleep(20000);
	}

	/* Input: the front cell (back on vt_a) gets every key.  Interleaved
	 * with the floor: the same write into a keyboard nobody grabs, read
	 * from its own node. */
	copy_fd = open(ca->node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (copy_fd < 0) {
		say("bench: error open %s: %s", ca->node, strerror(errno));
		return 1;
	}
	floor_kbd = make_keyboard(FLOOR_PHYS);
	floor_fd = floor_kbd < 0 ? floor_kbd : open_own_node(floor_kbd);
	if (floor_fd < 0) {
		say("bench: error the floor keyboard: %s", strerror(-floor_fd));
		return 1;
	}
	if (set_monotonic(copy_fd) < 0 || set_monotonic(floor_fd) < 0)
		return 1;
	have_io = io_counts(getppid(), &r0, &w0);
	for (int i = 0; i < INPUT_EVENTS; i++) {
		uint64_t ts_ns, read_ns;

		if (input_one(kbd, copy_fd, &ts_ns, &read_ns) < 0) {
			say("bench: error key %d never reached %s's copy", i, ca->cell);
			return 1;
		}
		us_line("input-ts", ts_ns);
		us_line("input-read", read_ns);
		usleep(1000);
		if (input_one(floor_kbd, floor_fd, &ts_ns, &read_ns) < 0) {
			say("bench: error key %d never reached the floor keyboard's node", i);
			return 1;
		}
		us_line("floor-ts", ts_ns);
		us_line("floor-read", read_ns);
		usleep(1000);
	}
	/* Each key is two packets through cellmgr: its press and release. */
	if (have_io && io_counts(getppid(), &r1, &w1))
		say("bench: input-syscalls %llu reads %llu writes %d packets", r1 - r0, w1 - w0,
		    2 * INPUT_EVENTS);
	close(floor_fd);
	close(floor_kbd);
	close(copy_fd);
	close(kbd);
	close(tty0);
	sleep(1);
	print_results();
	say("bench: done");
	return 0;
}

int main(int argc, char **argv)
{
	pid_t pid = fork();

	(void)argc;
	if (pid == 0) {
		/* Not init's child any more once the parent execs: it is
		 * cellmgr's; cellmgr reaps what it does not know. */
		_exit(run());
	}
	if (pid < 0)
		say("bench: error fork: %s", strerror(errno));
	execv(REAL, argv);
	say("bench: error exec " REAL ": %s", strerror(errno));
	return 127;
}
