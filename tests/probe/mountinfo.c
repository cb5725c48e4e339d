/* /proc/self/mountinfo reader.  Line format (proc(5)):
 *   id parent maj:min root point opts [optional...] - fstype source superopts */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

static void field_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static int line_parse(char *line, struct mount_entry *m)
{
	char *save = NULL;
	char *tok[6];
	char *t;
	int i;

	for (i = 0; i < 6; i++) {
		tok[i] = strtok_r(i ? NULL : line, " \n", &save);
		if (!tok[i])
			return -EINVAL;
	}
	/* skip the optional fields up to the "-" separator */
	while ((t = strtok_r(NULL, " \n", &save)) && strcmp(t, "-") != 0)
		;
	if (!t)
		return -EINVAL;
	field_copy(m->root, sizeof(m->root), tok[3]);
	field_copy(m->point, sizeof(m->point), tok[4]);
	field_copy(m->opts, sizeof(m->opts), tok[5]);
	field_copy(m->fstype, sizeof(m->fstype), strtok_r(NULL, " \n", &save));
	field_copy(m->source, sizeof(m->source), strtok_r(NULL, " \n", &save));
	field_copy(m->super, sizeof(m->super), strtok_r(NULL, " \n", &save));
	return 0;
}

int mountinfo_each(int (*cb)(const struct mount_entry *m, void *data), void *data)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int count = 0;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		struct mount_entry m;

		if (line_parse(line, &m) < 0)
			continue;
		count++;
		if (cb && cb(&m, data))
			break;
	}
	free(line);
	fclose(f);
	return count;
}

struct find_ctx {
	const char *point;
	const char *fstype;
	struct mount_entry *out;
	int found;
};

static int find_cb(const struct mount_entry *m, void *data)
{
	struct find_ctx *c = data;

	if (c->point && strcmp(m->point, c->point) == 0) {
		*c->out = *m; /* keep going: the last one is on top */
		c->found = 1;
	}
	if (c->fstype && strcmp(m->fstype, c->fstype) == 0) {
		*c->out = *m;
		c->found = 1;
		return 1;
	}
	return 0;
}

int mountinfo_find(const char *point, struct mount_entry *out)
{
	struct find_ctx c = {.point = point, .out = out};

	mountinfo_each(find_cb, &c);
	return c.found ? 0 : -ENOENT;
}

int mountinfo_find_type(const char *fstype, struct mount_entry *out)
{
	struct find_ctx c = {.fstype = fstype, .out = out};

	mountinfo_each(find_cb, &c);
	return c.found ? 0 : -ENOENT;
}
