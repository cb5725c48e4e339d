/* Facts about the process itself: pids, ids, capabilities, seccomp,
 * namespaces.  Plain reads, done in the parent. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "probe.h"

#define PID_LIST_MAX 64

static void facts_file(struct probe *p, const char *key, const char *path)
{
	char buf[4096];
	ssize_t n = text_read_file(path, buf, sizeof(buf));

	if (n < 0) {
		report_set(p->report, key, "error:%s", errno_name((int)-n));
		return;
	}
	text_normalize(buf);
	report_set(p->report, key, "%s", buf);
}

static int pid_compare(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static void facts_pids(struct probe *p)
{
	DIR *d = opendir("/proc");
	long *pids = NULL;
	size_t n = 0, cap = 0;
	char list[PID_LIST_MAX * 12] = "";
	struct dirent *e;

	report_set(p->report, "pid.self", "%ld", (long)getpid());
	if (!d) {
		report_set(p->report, "pid.visible", "error:%s", errno_name(errno));
		return;
	}
	while ((e = readdir(d))) {
		char *end;
		long v = strtol(e->d_name, &end, 10);

		if (!isdigit((unsigned char)e->d_name[0]) || *end)
			continue;
		if (n == cap) {
			long *np = realloc(pids, (cap ? cap * 2 : 256) * sizeof(*np));

			if (!np)
				break;
			pids = np;
			cap = cap ? cap * 2 : 256;
		}
		pids[n++] = v;
	}
	closedir(d);
	if (n)
		qsort(pids, n, sizeof(*pids), pid_compare);
	for (size_t i = 0; i < n && i < PID_LIST_MAX; i++) {
		char item[24];

		snprintf(item, sizeof(item), "%ld", pids[i]);
		text_list_add(list, sizeof(list), item);
	}
	if (n > PID_LIST_MAX)
		strcat(list, ",..."); /* list has room: PID_LIST_MAX * 12 */
	free(pids);
	report_set(p->report, "pid.visible", "%zu", n);
	report_set(p->report, "pid.list", "%s", list);
	facts_file(p, "pid.1.comm", "/proc/1/comm");
}

/* "Name:\tvalue" lines of /proc/self/status */
static void facts_status(struct probe *p)
{
	static const struct {
		const char *field;
		const char *key;
	} fields[] = {
	    {"CapInh", "cap.inh"},
	    {"CapPrm", "cap.prm"},
	    {"CapEff", "cap.eff"},
	    {"CapBnd", "cap.bnd"},
	    {"CapAmb", "cap.amb"},
	    {"Seccomp", "seccomp"},
	    {"Seccomp_filters", "seccomp.filters"},
	};
	char buf[8192];
	char *save = NULL;

	if (text_read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		return;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			char *v = colon + 1;

			if (strcmp(line, fields[i].field) != 0)
				continue;
			while (*v == ' ' || *v == '\t')
				v++;
			report_set(p->report, fields[i].key, "%s", v);
		}
	}
}

static void facts_namespaces(struct probe *p)
{
	static const char *const names[] = {"cgroup", "ipc",  "mnt",  "net",
					    "pid",    "time", "user", "uts"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[64], key[32], link[64];
		ssize_t n;
		char *open_br;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		snprintf(key, sizeof(key), "ns.%s", names[i]);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0) {
			report_set(p->report, key, "error:%s", errno_name(errno));
			continue;
		}
		link[n] = '\0';
		open_br = strchr(link, '[');
		report_set(p->report, key, "%.*s",
			   open_br ? (int)strcspn(open_br + 1, "]") : (int)n,
			   open_br ? open_br + 1 : link);
	}
}

void facts_process(struct probe *p)
{
	struct utsname u;
	const char *container = getenv("container");

	facts_pids(p);
	if (uname(&u) == 0) {
		report_set(p->report, "hostname", "%s", u.nodename);
		report_set(p->report, "kernel.release", "%s", u.release);
	}
	report_set(p->report, "uid", "%ld", (long)getuid());
	report_set(p->report, "gid", "%ld", (long)getgid());
	report_set(p->report, "euid", "%ld", (long)geteuid());
	facts_file(p, "uid_map", "/proc/self/uid_map");
	facts_file(p, "gid_map", "/proc/self/gid_map");
	facts_file(p, "setgroups", "/proc/self/setgroups");
	facts_status(p);
	report_set(p->report, "no_new_privs", "%d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	facts_namespaces(p);
	report_set(p->report, "env.container", "%s", container ? container : "");
}
