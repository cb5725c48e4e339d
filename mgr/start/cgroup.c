// SPDX-License-Identifier: MIT
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup_tree.h"
#include "fileutil.h"
#include "log.h"

/* The board's state directory (mgr/main.c's default). */
#define CGROUP_DEFAULT_STATE_DIR "/run/cellar"

static const struct {
	unsigned bit;
	const char *name;
} controllers[] = {
    {CGROUP_CPU, "cpu"},
    {CGROUP_IO, "io"},
    {CGROUP_MEMORY, "memory"},
    {CGROUP_PIDS, "pids"},
};

/* The files a delegated subtree's owner must be able to write
 * (cgroups(7), "Delegation"); the limit files stay host root's. */
static const char *const delegated_files[] = {
    "cgroup.procs",
    "cgroup.threads",
    "cgroup.subtree_control",
};

/* Whether the space-separated list has word. */
static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += len)
		if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\n' || !p[len]))
			return true;
	return false;
}

/* Enables, in dirfd's cgroup.subtree_control, each controller of want;
 * returns those enabled. */
static unsigned enable_controllers(int dirfd, const char *path, unsigned want)
{
	char value[16];
	unsigned got = 0;
	int r;

	for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++) {
		if (!(want & controllers[i].bit))
			continue;
		snprintf(value, sizeof(value), "+%s", controllers[i].name);
		r = write_file_at(dirfd, "cgroup.subtree_control", value);
		if (r < 0)
			log_errno(r, "cgroup: enable %s in %s/cgroup.subtree_control",
				  controllers[i].name, path);
		else
			got |= controllers[i].bit;
	}
	return got;
}

static bool is_cgroup2(const char *path)
{
	struct statfs sfs;

	return statfs(path, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

/* The directory name of this cellmgr's cells: "cellar" for the board's
 * (default) state directory; another state directory is another cellmgr
 * on the same host (tests, a workstation), whose cells must never meet the
 * first one's cgroups: "cellar-" and a hash of its path. */
static void root_name(const char *state_dir, char *name, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	if (!state_dir || !strcmp(state_dir, CGROUP_DEFAULT_STATE_DIR)) {
		snprintf(name, len, "cellar");
		return;
	}
	for (const char *p = state_dir; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(name, len, "cellar-%08" PRIx32, h);
}

int cgroup_root_init(struct cgroup_root *root, const char *mount)
{
	return cgroup_root_init_for(root, mount, NULL);
}

int cgroup_root_init_for(struct cgroup_root *root, const char *mount, const char *state_dir)
{
	char offered[256], names[64] = "", name[32], v2[PATH_MAX];
	unsigned want = 0;
	int mfd, r;

	memset(root, 0, sizeof(*root));
	root->fd = -1;
	root->parent_fd = -1;
	root_name(state_dir, name, sizeof(name));
	snprintf(v2, sizeof(v2), "%s", mount);
	if (!is_cgroup2(v2)) {
		/* A hybrid host (systemd's "unified" layout): the controllers
		 * are on v1, and an empty cgroup2 sits at MOUNT/unified.  It
		 * has no controller to give, but a cell still gets its own
		 * delegated cgroup there, its cgroup namespace, cgroup.kill and
		 * the device program: what systemd in a cell needs to boot. */
		if ((size_t)snprintf(v2, sizeof(v2), "%s/unified", mount) >= sizeof(v2) ||
		    !is_cgroup2(v2)) {
			log_warn("cgroup v2 not mounted at %s or %s/unified (v1 host): cells "
				 "start without cgroups, resource limits or device program",
				 mount, mount);
			return 0;
		}
		root->hybrid = true;
	}
	if ((size_t)snprintf(root->path, sizeof(root->path), "%s/%s", v2, name) >=
	    sizeof(root->path))
		return log_errno(-ENAMETOOLONG, "cgroup: %s/%s", v2, name);
	snprintf(root->name, sizeof(root->name), "%s", name);
	mount = v2;
	mfd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return log_errno(neg_errno(), "cgroup: open %s", mount);
	r = (int)read_text_file_at(mfd, "cgroup.controllers", offered, sizeof(offered));
	if (r < 0) {
		close(mfd);
		return log_errno(r, "cgroup: read %s/cgroup.controllers", mount);
	}
	for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++)
		if (has_word(offered, controllers[i].name))
			want |= controllers[i].bit;
	want = enable_controllers(mfd, mount, want);
	if (mkdirat(mfd, name, 0755) < 0 && errno != EEXIST) {
		r = log_errno(neg_errno(), "cgroup: mkdir %s", root->path);
		close(mfd);
		return r;
	}
	root->fd = openat(mfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = root->fd < 0 ? neg_errno() : 0;
	if (r == 0)
		root->parent_fd = mfd;
	else
		close(mfd);
	if (r < 0)
		return log_errno(r, "cgroup: open %s", root->path);
	root->controllers = enable_controllers(root->fd, root->path, want);
	root->available = true;
	for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++)
		if (root->controllers & controllers[i].bit)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), " %s",
				 controllers[i].name);
	if (root->hybrid)
		log_info("cgroup v2: cells under %s (hybrid host: the controllers are on v1, so "
			 "no resource limits; cells get a delegated cgroup, cgroup.kill and the "
			 "device program)",
			 root->path);
	else
		log_info("cgroup v2: cells under %s, controllers:%s", root->path,
			 *names ? names : " none");
	return 0;
}

void cgroup_root_fini(struct cgroup_root *root)
{
	if (root->fd >= 0)
		close(root->fd);
	/* Another cellmgr's directory goes when its last cell has gone (a
	 * cell still running, adopted later, keeps it: EBUSY). */
	if (root->parent_fd >= 0 && strcmp(root->name, "cellar") != 0)
		unlinkat(root->parent_fd, root->name, AT_REMOVEDIR);
	if (root->parent_fd >= 0)
		close(root->parent_fd);
	root->fd = -1;
	root->parent_fd = -1;
	root->available = false;
}

static bool name_ok(const char *name)
{
	return *name && *name != '.' && !strchr(name, '/');
}

static bool has_limits(const struct cell_config *cfg)
{
	return cfg->memory_max || cfg->memory_high || cfg->pids_max || cfg->cpu_weight ||
	       cfg->io_weight;
}

/* Writes the limits the cell sets.  A missing controller is a warning: the
 * cell starts without that limit. */
/* The limits of cfg; with unset (a live change: a limit no longer set goes
 * back to the kernel's default, which unset then writes). */
static int write_limits_for(const struct cgroup_root *root, const struct cell_config *cfg, int fd,
			    bool unset)
{
	struct {
		uint64_t value;
		unsigned controller;
		const char *file, *prefix, *none;
	} limits[] = {
	    {cfg->memory_max, CGROUP_MEMORY, "memory.max", "", "max"},
	    {cfg->memory_high, CGROUP_MEMORY, "memory.high", "", "max"},
	    {cfg->pids_max, CGROUP_PIDS, "pids.max", "", "max"},
	    {cfg->cpu_weight, CGROUP_CPU, "cpu.weight", "", "100"},
	    {cfg->io_weight, CGROUP_IO, "io.weight", "default ", "default 100"},
	};
	char value[32];
	int r;

	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		if (!limits[i].value && !unset)
			continue;
		if (!(root->controllers & limits[i].controller)) {
			if (root->hybrid)
				continue; /* said once, by cgroup_cell_create() */
			log_warn("cell %s: %s not set: the kernel offers no %.*s controller",
				 cfg->name, limits[i].file, (int)strcspn(limits[i].file, "."),
				 limits[i].file);
			continue;
		}
		if (limits[i].value)
			snprintf(value, sizeof(value), "%s%" PRIu64, limits[i].prefix,
				 limits[i].value);
		else
			snprintf(value, sizeof(value), "%s", limits[i].none);
		r = write_file_at(fd, limits[i].file, value);
		if (r < 0)
			return log_errno(r, "cell %s: write %s to %s/%s/%s", cfg->name, value,
					 root->path, cfg->name, limits[i].file);
	}
	/* Core files of every cgroup2, hybrid hosts' too: how deep and how
	 * many cgroups the cell may make below its own. */
	snprintf(value, sizeof(value), "%d", CGROUP_CELL_MAX_DEPTH);
	r = write_file_at(fd, "cgroup.max.depth", value);
	if (r < 0)
		return log_errno(r, "cell %s: write %s to %s/%s/cgroup.max.depth", cfg->name, value,
				 root->path, cfg->name);
	snprintf(value, sizeof(value), "%" PRIu32, cfg->cgroups_max);
	r = write_file_at(fd, "cgroup.max.descendants", value);
	if (r < 0)
		return log_errno(r, "cell %s: write %s to %s/%s/cgroup.max.descendants", cfg->name,
				 value, root->path, cfg->name);
	return 0;
}

static int write_limits(const struct cgroup_root *root, const struct cell_config *cfg, int fd)
{
	return write_limits_for(root, cfg, fd, false);
}

int cgroup_cell_update(struct cgroup_root *root, const struct cell_config *cfg)
{
	int fd, r;

	if (root->fd < 0)
		return 0;
	fd = openat(root->fd, cfg->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return log_errno(neg_errno(), "cell %s: open its cgroup %s/%s", cfg->name,
				 root->path, cfg->name);
	r = write_limits_for(root, cfg, fd, true);
	close(fd);
	return r;
}

static int delegate(const struct cgroup_root *root, const char *name, int fd, uid_t uid, gid_t gid)
{
	if (fchown(fd, uid, gid) < 0)
		return log_errno(neg_errno(), "cell %s: chown %s/%s to %u:%u", name, root->path,
				 name, (unsigned)uid, (unsigned)gid);
	for (size_t i = 0; i < sizeof(delegated_files) / sizeof(delegated_files[0]); i++)
		if (fchownat(fd, delegated_files[i], uid, gid, 0) < 0)
			return log_errno(neg_errno(), "cell %s: chown %s/%s/%s to %u:%u", name,
					 root->path, name, delegated_files[i], (unsigned)uid,
					 (unsigned)gid);
	return 0;
}

int cgroup_cell_create(struct cgroup_root *root, const struct cell_config *cfg, uid_t owner_uid,
		       gid_t owner_gid, const struct devprog *dev, int *dirfd)
{
	const char *name = cfg->name;
	int fd, r;

	*dirfd = -1;
	if (!root->available || root->hybrid) {
		if (has_limits(cfg))
			log_warn("cell %s: no cgroup v2%s: its memory, pids, cpu and io settings "
				 "are not applied",
				 name, root->hybrid ? " controllers (hybrid host)" : "");
		if (!root->available)
			return 0;
	}
	if (!name_ok(name))
		return log_errno(-EINVAL, "cell %s: not usable as a cgroup name", name);
	if (mkdirat(root->fd, name, 0755) < 0) {
		if (errno != EEXIST)
			return log_errno(neg_errno(), "cell %s: mkdir %s/%s", name, root->path,
					 name);
		/* Left by a previous run: start from a clean directory, with
		 * no stale owner, limit or program. */
		char path[PATH_MAX] = "";

		r = cgroup_tree_remove(root->fd, name, path, sizeof(path));
		if (r == -EBUSY)
			return log_errno(r,
					 "cell %s: %s/%s is left from a previous run and "
					 "still has processes",
					 name, root->path, path);
		if (r < 0)
			return log_errno(r, "cell %s: remove the leftover %s/%s", name, root->path,
					 path);
		if (mkdirat(root->fd, name, 0755) < 0)
			return log_errno(neg_errno(), "cell %s: mkdir %s/%s", name, root->path,
					 name);
	}
	fd = openat(root->fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r = log_errno(neg_errno(), "cell %s: open %s/%s", name, root->path, name);
		goto fail;
	}
	if ((r = write_limits(root, cfg, fd)) < 0)
		goto fail;
	if (dev && (r = devprog_attach(dev, fd)) < 0) {
		log_errno(r, "cell %s: attach the device program to %s/%s", name, root->path, name);
		goto fail;
	}
	if ((r = delegate(root, name, fd, owner_uid, owner_gid)) < 0)
		goto fail;
	*dirfd = fd;
	return 0;

fail:
	if (fd >= 0)
		close(fd);
	unlinkat(root->fd, name, AT_REMOVEDIR);
	return r;
}

int cgroup_cell_kill(struct cgroup_root *root, const char *name)
{
	int fd, r;

	if (!root->available)
		return -EOPNOTSUPP;
	if (!name_ok(name))
		return log_errno(-EINVAL, "cell %s: not usable as a cgroup name", name);
	fd = openat(root->fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return log_errno(neg_errno(), "cell %s: open %s/%s", name, root->path, name);
	r = write_file_at(fd, "cgroup.kill", "1");
	close(fd);
	if (r == -ENOENT)
		return log_errno(-EOPNOTSUPP, "cell %s: %s/%s/cgroup.kill (Linux 5.14+)", name,
				 root->path, name);
	if (r < 0)
		return log_errno(r, "cell %s: write 1 to %s/%s/cgroup.kill", name, root->path,
				 name);
	return 0;
}

int cgroup_cell_remove(struct cgroup_root *root, const char *name)
{
	char path[PATH_MAX] = "";
	int r;

	if (!root->available)
		return 0;
	if (!name_ok(name))
		return log_errno(-EINVAL, "cell %s: not usable as a cgroup name", name);
	r = cgroup_tree_remove(root->fd, name, path, sizeof(path));
	if (r == -EBUSY)
		return log_errno(r, "cell %s: rmdir %s/%s: processes are still in it", name,
				 root->path, path);
	if (r < 0)
		return log_errno(r, "cell %s: rmdir %s/%s", name, root->path, path);
	return 0;
}

/* ---- an exec'd command's cgroup ---------------------------------------- */

static bool exec_name(const char *name)
{
	const char *dot = strstr(name, CGROUP_EXEC_INFIX);

	/* A cell's name has no '.': "NAME.exec-N" is never a cell's. */
	return dot && dot > name && dot[strlen(CGROUP_EXEC_INFIX)];
}

/* Kills what is in the leftover exec cgroup name and removes it; -EBUSY
 * while its processes are still dying. */
static int exec_remove_leftover(struct cgroup_root *root, const char *name)
{
	int fd = openat(root->fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		write_file_at(fd, "cgroup.kill", "1");
		close(fd);
	}
	if (unlinkat(root->fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return neg_errno();
	return 0;
}

int cgroup_exec_create(struct cgroup_root *root, const struct cell_config *cfg, unsigned n,
		       int cell_fd, char *name, size_t len, int *dirfd)
{
	int fd, r;

	*dirfd = -1;
	if (!root->available)
		return 0;
	if (!name_ok(cfg->name))
		return log_errno(-EINVAL, "cell %s: not usable as a cgroup name", cfg->name);
	if ((size_t)snprintf(name, len, "%s" CGROUP_EXEC_INFIX "%u", cfg->name, n) >= len)
		return log_errno(-ENAMETOOLONG, "cell %s: exec cgroup name", cfg->name);
	if (mkdirat(root->fd, name, 0755) < 0) {
		if (errno != EEXIST)
			return log_errno(neg_errno(), "cell %s: mkdir %s/%s", cfg->name, root->path,
					 name);
		/* Left by a cellmgr that died while the command ran. */
		r = exec_remove_leftover(root, name);
		if (r < 0 || mkdirat(root->fd, name, 0755) < 0)
			return log_errno(r < 0 ? r : neg_errno(),
					 "cell %s: %s/%s is left from a previous cellmgr",
					 cfg->name, root->path, name);
	}
	fd = openat(root->fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r = log_errno(neg_errno(), "cell %s: open %s/%s", cfg->name, root->path, name);
		goto fail;
	}
	/* The cell's limits, a budget of the command's own; the directory
	 * stays host root's: not delegated, so nothing in the cell can
	 * write its cgroup.procs, nor make cgroups below it. */
	if ((r = write_limits(root, cfg, fd)) < 0)
		goto fail;
	if (cell_fd >= 0 && (r = devprog_copy(cell_fd, fd)) < 0) {
		log_errno(r, "cell %s: give %s/%s the cell's device program", cfg->name, root->path,
			  name);
		goto fail;
	}
	*dirfd = fd;
	return 0;

fail:
	if (fd >= 0)
		close(fd);
	unlinkat(root->fd, name, AT_REMOVEDIR);
	return r;
}

int cgroup_exec_kill(struct cgroup_root *root, int dirfd, const char *name)
{
	int r = write_file_at(dirfd, "cgroup.kill", "1");

	if (r < 0)
		return log_errno(r, "exec: write 1 to %s/%s/cgroup.kill", root->path, name);
	return 0;
}

int cgroup_populated(int events_fd)
{
	char buf[256];
	ssize_t n;

	n = pread(events_fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return neg_errno();
	buf[n] = '\0';
	for (char *rest = buf, *line; (line = strsep(&rest, "\n"));)
		if (strncmp(line, "populated ", 10) == 0)
			return line[10] == '1';
	return -EPROTO;
}

int cgroup_exec_remove(struct cgroup_root *root, const char *name)
{
	if (unlinkat(root->fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return log_errno(neg_errno(), "exec: rmdir %s/%s", root->path, name);
	return 0;
}

void cgroup_exec_sweep(struct cgroup_root *root)
{
	struct dirent *de;
	DIR *dir;
	int fd;

	if (!root->available)
		return;
	fd = openat(root->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(dir)))
		if (de->d_type == DT_DIR && exec_name(de->d_name) &&
		    exec_remove_leftover(root, de->d_name) < 0)
			log_info("exec: %s/%s from a previous cellmgr: killed; removed when an "
				 "exec reuses the name or at the next start",
				 root->path, de->d_name);
	closedir(dir);
}

void cgroup_cell_stats(const struct cgroup_root *root, const char *name, struct cgroup_stats *st)
{
	char buf[4096];
	int fd;

	cgroup_stats_clear(st);
	if (!root->available || root->fd < 0 || !name_ok(name))
		return;
	fd = openat(root->fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (read_text_file_at(fd, "memory.current", buf, sizeof(buf)) >= 0)
		st->memory = cgroup_stat_value(buf);
	if (read_text_file_at(fd, "memory.max", buf, sizeof(buf)) >= 0)
		st->memory_max = cgroup_stat_value(buf);
	/* cpu.stat is a core file (Linux 4.15+): a hybrid host's too */
	if (read_text_file_at(fd, "cpu.stat", buf, sizeof(buf)) >= 0)
		st->cpu_usec = cgroup_stat_keyed(buf, "usage_usec");
	if (read_text_file_at(fd, "pids.current", buf, sizeof(buf)) >= 0)
		st->pids = cgroup_stat_value(buf);
	if (read_text_file_at(fd, "pids.max", buf, sizeof(buf)) >= 0)
		st->pids_max = cgroup_stat_value(buf);
	if (read_text_file_at(fd, "io.stat", buf, sizeof(buf)) >= 0)
		cgroup_stat_io(buf, &st->io_read, &st->io_write);
	close(fd);
}

const char *cgroup_stats_note(const struct cgroup_root *root)
{
	static char note[PATH_MAX + 256];
	char missing[64] = "";
	size_t len = 0;

	if (!root->available)
		return "no cgroup v2 for the cells: memory is the sum of their processes' RSS; "
		       "CPU time, pids and I/O are unknown";
	if (root->hybrid) {
		snprintf(note, sizeof(note),
			 "hybrid cgroups: the cells' cgroup2 (%s) has no memory, pids or io "
			 "controller (they are cgroup v1's here), so those figures are unknown; "
			 "CPU time is the cgroup's own",
			 root->path);
		return note;
	}
	for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++)
		if (controllers[i].bit != CGROUP_CPU && !(root->controllers & controllers[i].bit))
			len += (size_t)snprintf(missing + len, sizeof(missing) - len, "%s%s",
						len ? ", " : "", controllers[i].name);
	if (!len)
		return NULL;
	snprintf(note, sizeof(note),
		 "the kernel offers no %s controller for the cells: those figures are unknown",
		 missing);
	return note;
}
