/* Resource management: can the cell leave the cgroup it was put in?
 * Inside a cgroup namespace the cell's own cgroup is "/", and the cgroup2
 * mount should show nothing above it (facts cgroup and cgroup.mount).
 * cgroup_move_top moves this child (never the probe itself) into the top
 * of the visible hierarchy when that is above its own cgroup; the child
 * exits right after, so nothing stays moved. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

/* The cgroup2 path of this process ("0::PATH"), relative to its ns root. */
static int cgroup2_self(char *buf, size_t size)
{
	char text[4096];
	char *line, *save = NULL;

	if (text_read_file("/proc/self/cgroup", text, sizeof(text)) < 0)
		return -errno;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "0::", 3) == 0) {
			snprintf(buf, size, "%s", line + 3);
			return 0;
		}
	}
	return -ENOENT;
}

static void attack_root_write(const struct probe *p, const void *arg, struct outcome *o)
{
	struct mount_entry m;
	char path[320];
	int fd;

	if (mountinfo_find_type("cgroup2", &m) < 0) {
		outcome_skipped(o, "no-cgroup2");
		return;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", m.point);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	outcome_ok(o, "opened-for-write:%s", m.root);
	close(fd);
}

static void attack_move_top(const struct probe *p, const void *arg, struct outcome *o)
{
	struct mount_entry m;
	char self[256], after[256], path[320], pid[24];
	int fd, len;

	if (mountinfo_find_type("cgroup2", &m) < 0) {
		outcome_skipped(o, "no-cgroup2");
		return;
	}
	if (cgroup2_self(self, sizeof(self)) < 0) {
		outcome_skipped(o, "no-cgroup2-membership");
		return;
	}
	if (strcmp(self, m.root) == 0) {
		outcome_blocked_why(o, "AT_TOP");
		return;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", m.point);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (write(fd, pid, (size_t)len) != len) {
		outcome_blocked(o, errno);
	} else {
		if (cgroup2_self(after, sizeof(after)) < 0)
			snprintf(after, sizeof(after), "?");
		outcome_ok(o, "from=%s,to=%s", self, after);
	}
	close(fd);
}

void attacks_cgroup(struct probe *p)
{
	attack_run(p, "cgroup_root_write", attack_root_write, NULL);
	attack_run(p, "cgroup_move_top", attack_move_top, NULL);
}
