/* Host information and global knobs reachable through /proc and /sys.
 * Knobs are only opened for writing (that is where the kernel checks);
 * the one write made, kernel.panic, writes back the value just read. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

static void attack_read(const struct probe *p, const void *arg, struct outcome *o)
{
	const char *path = arg;
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		outcome_ok(o, "opened,read-%s", errno_name(errno));
	else
		outcome_ok(o, "read=%zdB", n);
	close(fd);
}

static void attack_proc_keys(const struct probe *p, const void *arg, struct outcome *o)
{
	char buf[16384];
	ssize_t n = text_read_file("/proc/keys", buf, sizeof(buf));
	int lines = 0;

	if (n < 0) {
		outcome_blocked(o, (int)-n);
		return;
	}
	for (char *c = buf; *c; c++)
		lines += *c == '\n';
	outcome_ok(o, "keys=%d", lines);
}

/* Everyone may read kallsyms; only CAP_SYSLOG (in the initial namespace)
 * sees real addresses. */
static void attack_kallsyms(const struct probe *p, const void *arg, struct outcome *o)
{
	char buf[256];
	ssize_t n = text_read_file("/proc/kallsyms", buf, sizeof(buf));

	if (n < 0) {
		outcome_blocked(o, (int)-n);
		return;
	}
	if (strspn(buf, "0") >= 8)
		outcome_blocked_why(o, "ZEROED");
	else
		outcome_ok(o, "addresses");
}

static void attack_list_dir(const struct probe *p, const void *arg, struct outcome *o)
{
	DIR *d = opendir(arg);
	struct dirent *e;
	int entries = 0;

	if (!d) {
		outcome_blocked(o, errno);
		return;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			entries++;
	closedir(d);
	if (entries == 0)
		outcome_blocked_why(o, "EMPTY");
	else
		outcome_ok(o, "entries=%d", entries);
}

static void attack_open_write(const struct probe *p, const void *arg, struct outcome *o)
{
	int fd = open(arg, O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, "opened-for-write");
	close(fd);
}

/* A truly global sysctl: read it, write the same value back. */
static void attack_sysctl_same(const struct probe *p, const void *arg, struct outcome *o)
{
	char value[64];
	ssize_t n;
	int fd = open(arg, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	n = read(fd, value, sizeof(value) - 1);
	if (n <= 0) {
		outcome_ok(o, "opened-for-write,read-failed");
		close(fd);
		return;
	}
	if (lseek(fd, 0, SEEK_SET) < 0 || write(fd, value, (size_t)n) != n)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "wrote-same");
	close(fd);
}

void attacks_procfs(struct probe *p)
{
	attack_run(p, "proc_kcore", attack_read, "/proc/kcore");
	attack_run(p, "proc_keys", attack_proc_keys, NULL);
	attack_run(p, "proc_timer_list", attack_read, "/proc/timer_list");
	attack_run(p, "proc_sched_debug", attack_read, "/proc/sched_debug");
	attack_run(p, "proc_kallsyms", attack_kallsyms, NULL);
	attack_run(p, "sys_firmware", attack_list_dir, "/sys/firmware");
	attack_run(p, "sys_kernel_debug", attack_list_dir, "/sys/kernel/debug");
	attack_run(p, "sysctl_panic", attack_sysctl_same, "/proc/sys/kernel/panic");
	attack_run(p, "sysctl_drop_caches", attack_open_write, "/proc/sys/vm/drop_caches");
	attack_run(p, "sysctl_core_pattern", attack_open_write, "/proc/sys/kernel/core_pattern");
	attack_run(p, "sysctl_modprobe", attack_open_write, "/proc/sys/kernel/modprobe");
	attack_run(p, "sysctl_sysrq", attack_open_write, "/proc/sys/kernel/sysrq");
	attack_run(p, "sysrq_trigger", attack_open_write, "/proc/sysrq-trigger");
	attack_run(p, "sys_uevent_helper", attack_open_write, "/sys/kernel/uevent_helper");
}
