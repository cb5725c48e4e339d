/* Facts about what the cell's file system view holds: mounts, /dev, the
 * root's owner, cgroup placement, network interfaces. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "probe.h"

#define LIST_MAX 8192

static int mount_list_cb(const struct mount_entry *m, void *data)
{
	text_list_add(data, LIST_MAX, m->point);
	return 0;
}

static void facts_mounts(struct probe *p)
{
	static const struct {
		const char *point;
		const char *key;
	} points[] = {
	    {"/", "mount.root"},
	    {"/proc", "mount.proc"},
	    {"/proc/sys", "mount.proc_sys"},
	    {"/sys", "mount.sys"},
	    {"/dev", "mount.dev"},
	    {"/dev/pts", "mount.dev_pts"},
	    {"/sys/fs/cgroup", "mount.sys_fs_cgroup"},
	};
	char *list = calloc(1, LIST_MAX);
	int count;

	if (!list)
		return;
	count = mountinfo_each(mount_list_cb, list);
	if (count < 0) {
		report_set(p->report, "mounts", "error:%s", errno_name(-count));
		free(list);
		return;
	}
	report_set(p->report, "mounts", "%d", count);
	report_set(p->report, "mount.list", "%s", list);
	free(list);
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		struct mount_entry m;

		if (mountinfo_find(points[i].point, &m) < 0)
			report_set(p->report, points[i].key, "none");
		else
			report_set(p->report, points[i].key, "%s:%s", m.fstype, m.opts);
	}
}

static int name_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void facts_dev(struct probe *p)
{
	DIR *d = opendir("/dev");
	char *names[1024];
	size_t n = 0;
	char *list;
	struct dirent *e;

	if (!d) {
		report_set(p->report, "dev.list", "error:%s", errno_name(errno));
		return;
	}
	while ((e = readdir(d)) && n < sizeof(names) / sizeof(names[0])) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (asprintf(&names[n], "%s%s", e->d_name, e->d_type == DT_DIR ? "/" : "") >= 0)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_compare);
	list = calloc(1, LIST_MAX);
	for (size_t i = 0; i < n; i++) {
		if (list)
			text_list_add(list, LIST_MAX, names[i]);
		free(names[i]);
	}
	report_set(p->report, "dev.list", "%s", list ? list : "");
	free(list);
}

static void facts_cgroup(struct probe *p)
{
	char buf[4096];
	ssize_t n = text_read_file("/proc/self/cgroup", buf, sizeof(buf));
	struct mount_entry m;

	if (n < 0) {
		report_set(p->report, "cgroup", "error:%s", errno_name((int)-n));
	} else {
		text_normalize(buf);
		report_set(p->report, "cgroup", "%s", buf);
	}
	/* the cgroup2 mount: where it is and which part of the tree it shows
	 * (a root starting with "/.." lies outside our cgroup namespace) */
	if (mountinfo_find_type("cgroup2", &m) == 0)
		report_set(p->report, "cgroup.mount", "%s:%s:%s", m.point, m.root, m.opts);
	else
		report_set(p->report, "cgroup.mount", "none");
}

static void facts_net(struct probe *p)
{
	char buf[16384];
	char list[2048] = "";
	char *save = NULL;
	ssize_t n = text_read_file("/proc/net/dev", buf, sizeof(buf));
	int lineno = 0;

	if (n < 0) {
		report_set(p->report, "net.ifaces", "error:%s", errno_name((int)-n));
		return;
	}
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (++lineno <= 2 || !colon)
			continue;
		*colon = '\0';
		while (*line == ' ')
			line++;
		text_list_add(list, sizeof(list), line);
	}
	report_set(p->report, "net.ifaces", "%s", list);
}

void facts_fs(struct probe *p)
{
	facts_mounts(p);
	facts_dev(p);
	report_set(p->report, "root.owner", "%ld:%ld", (long)p->root_st.st_uid,
		   (long)p->root_st.st_gid);
	facts_cgroup(p);
	facts_net(p);
}
