// SPDX-License-Identifier: MIT
/* The state record of running cells, and taking them over after a
 * cellmgr restart: see record.h. */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fileutil.h"
#include "log.h"
#include "shim.h"

#define STATE_VERSION 1

struct cell_record {
	pid_t shim_pid, pid;
	uint64_t shim_start, start; /* clock ticks since boot */
	uint64_t started_ms;	    /* CLOCK_MONOTONIC: the same for every process */
};

void record_path(const char *state_dir, const struct cell *c, const char *suffix, char *out,
		 size_t len)
{
	snprintf(out, len, "%s/cells/%s.%s", state_dir, c->cfg.name, suffix);
}

int record_save(const char *state_dir, struct cell *c)
{
	char path[PATH_MAX], line[160];
	uint64_t shim_start, start;
	int n, r;

	if ((r = proc_start_time(c->shim_pid, &shim_start)) < 0 ||
	    (r = proc_start_time(c->pid, &start)) < 0)
		return log_errno(r, "cell %s: start time of its processes", c->cfg.name);
	record_path(state_dir, c, "state", path, sizeof(path));
	n = snprintf(line, sizeof(line), "%d %d %" PRIu64 " %d %" PRIu64 " %" PRIu64 "\n",
		     STATE_VERSION, (int)c->shim_pid, shim_start, (int)c->pid, start,
		     c->started_ms);
	/* /run is a tmpfs: no fsync; the rename makes the record whole. */
	r = replace_file_at(AT_FDCWD, path, line, (size_t)n, false);
	if (r < 0)
		return log_errno(r, "cell %s: write %s", c->cfg.name, path);
	return 0;
}

void record_forget(const char *state_dir, struct cell *c)
{
	char path[PATH_MAX];

	record_path(state_dir, c, "state", path, sizeof(path));
	unlink(path);
	record_path(state_dir, c, "exit", path, sizeof(path));
	unlink(path);
}

static int read_record(const char *path, struct cell_record *rec)
{
	char buf[256];
	int version, shim_pid, pid;
	ssize_t n = read_text_file(path, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	/* A record cellmgr wrote itself, in its root-only state directory; the
	 * checks after it refuse odd values.  NOLINTNEXTLINE(cert-err34-c) */
	if (sscanf(buf, "%d %d %" SCNu64 " %d %" SCNu64 " %" SCNu64, &version, &shim_pid,
		   &rec->shim_start, &pid, &rec->start, &rec->started_ms) != 6 ||
	    version != STATE_VERSION || shim_pid <= 0 || pid <= 0)
		return -EINVAL;
	rec->shim_pid = shim_pid;
	rec->pid = pid;
	return 0;
}

/* The process is the one recorded, not a later one with the same pid. */
static bool same_process(pid_t pid, uint64_t start)
{
	uint64_t now;

	return proc_start_time(pid, &now) == 0 && now == start;
}

static int take_fd(int pidfd, int target)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, target, 0);
}

bool record_adopt(const char *state_dir, struct cell *c)
{
	char path[PATH_MAX];
	struct cell_record rec;
	int shim_pidfd = -1, pidfd = -1, fds[3] = {-1, -1, -1};

	record_path(state_dir, c, "state", path, sizeof(path));
	if (read_record(path, &rec) < 0)
		return false;
	if (!same_process(rec.shim_pid, rec.shim_start) || !same_process(rec.pid, rec.start)) {
		log_warn("cell %s: its record names processes that are gone: starting it anew",
			 c->cfg.name);
		goto fail;
	}
	shim_pidfd = (int)syscall(SYS_pidfd_open, rec.shim_pid, 0);
	pidfd = (int)syscall(SYS_pidfd_open, rec.pid, 0);
	for (int i = 0; i < 3 && shim_pidfd >= 0; i++)
		fds[i] = take_fd(shim_pidfd, SHIM_FD_PTY_MASTER + i);
	/* Checked again now that the pidfds pin them: no race with pid reuse. */
	if (shim_pidfd < 0 || pidfd < 0 || fds[0] < 0 || fds[1] < 0 || fds[2] < 0 ||
	    !same_process(rec.shim_pid, rec.shim_start) || !same_process(rec.pid, rec.start)) {
		log_errno(neg_errno(), "cell %s: take over pid %d", c->cfg.name, (int)rec.pid);
		goto fail;
	}
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	c->shim_pid = rec.shim_pid;
	c->shim_pidfd = shim_pidfd;
	c->shim_is_child = false;
	c->pid = rec.pid;
	c->pidfd = pidfd;
	c->pty_master = fds[0];
	c->pty_slave = fds[1];
	c->notify = fds[2];
	c->started_ms = rec.started_ms;
	log_info("cell %s re-adopted (pid %d, up %" PRIu64 " s)", c->cfg.name, (int)c->pid,
		 (now_ms() - c->started_ms) / 1000);
	return true;
fail:
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (shim_pidfd >= 0)
		close(shim_pidfd);
	if (pidfd >= 0)
		close(pidfd);
	record_forget(state_dir, c);
	return false;
}

void record_mark_stopped(const char *state_dir, const struct cell *c, bool stopped)
{
	char path[PATH_MAX];
	int fd;

	record_path(state_dir, c, "stopped", path, sizeof(path));
	if (!stopped) {
		unlink(path);
		return;
	}
	snprintf(path, sizeof(path), "%s/cells", state_dir);
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		log_errno(neg_errno(), "cell %s: mkdir %s", c->cfg.name, path);
		return;
	}
	record_path(state_dir, c, "stopped", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_errno(neg_errno(), "cell %s: write %s", c->cfg.name, path);
		return;
	}
	close(fd);
}

bool record_stopped_by_user(const char *state_dir, const struct cell *c)
{
	char path[PATH_MAX];

	record_path(state_dir, c, "stopped", path, sizeof(path));
	return access(path, F_OK) == 0;
}

void record_front(const char *state_dir, const char *name)
{
	char path[PATH_MAX], line[CELL_NAME_MAX + 2];
	int n = snprintf(line, sizeof(line), "%s\n", name);

	snprintf(path, sizeof(path), "%s/front", state_dir);
	if (n > 0 && (size_t)n < sizeof(line))
		replace_file_at(AT_FDCWD, path, line, (size_t)n, false);
}

bool record_front_read(const char *state_dir, char *name, size_t len)
{
	char path[PATH_MAX], buf[CELL_NAME_MAX + 2];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/front", state_dir);
	name[0] = '\0';
	n = read_text_file(path, buf, sizeof(buf));
	if (n <= 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(name, len, "%s", buf);
	return name[0] != '\0';
}
