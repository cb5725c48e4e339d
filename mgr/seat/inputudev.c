// SPDX-License-Identifier: MIT
/* The display cells' udev views of their input copies (input.h, udev.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "inputmux.h"
#include "log.h"
#include "udev.h"
#include "udevfmt.h"

static struct udev_view *view_of(struct input *in, const struct cell *c)
{
	for (unsigned i = 0; i < INPUT_VIEWS_MAX; i++)
		if (in->views[i].c == c)
			return &in->views[i];
	return NULL;
}

/* What udev's input_id would say of the copy: its source's capabilities. */
static int copy_props(const struct copy *k, char *buf, size_t cap)
{
	const struct src *s = k->src;
	struct udev_input_caps caps = {s->ev, s->key, s->rel, s->abs, s->sw, s->prop};

	return udev_input_props(&caps, buf, cap);
}

static int copy_to_view(struct udev_view *v, const struct copy *k, bool add, bool announce)
{
	char props[512], syspath[64];
	int len = copy_props(k, props, sizeof(props));

	if (len < 0)
		return len;
	snprintf(syspath, sizeof(syspath), "/sys/class/input/%s", copy_name(k));
	return add ? udev_view_add(v, syspath, props, (size_t)len, announce)
		   : udev_view_remove(v, syspath, props, (size_t)len);
}

int input_udev_open(struct input *in, const struct cell *c, int run_dir)
{
	struct udev_view *v;
	int r, n = 0;

	if (!in)
		return -ENODEV;
	input_udev_close(in, c);
	if (in->own_netns < 0)
		in->own_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (in->own_netns < 0)
		return neg_errno();
	if (!(v = view_of(in, NULL)))
		return -ENOSPC;
	if ((r = udev_view_open(v, c, run_dir, in->own_netns)) < 0)
		return r;
	for (unsigned i = 0; i < INPUT_COPIES_MAX; i++) {
		const struct copy *k = &in->copies[i];

		if (!k->used || k->cell != c)
			continue;
		if ((r = copy_to_view(v, k, true, false)) < 0)
			log_errno(r, "udev: cell %s: %s", c->cfg.name, copy_name(k));
		else
			n++;
	}
	log_info("udev: cell %s: /run/udev/data with its %d input device(s)", c->cfg.name, n);
	return 0;
}

int input_udev_device(struct input *in, const struct cell *c, const char *syspath)
{
	struct udev_view *v = in ? view_of(in, c) : NULL;

	return v ? udev_view_add(v, syspath, "", 0, false) : -ENODEV;
}

void input_udev_close(struct input *in, const struct cell *c)
{
	struct udev_view *v = in ? view_of(in, c) : NULL;

	if (v)
		udev_view_close(v);
}

void copy_udev(struct input *in, const struct copy *k, bool add)
{
	struct udev_view *v = view_of(in, k->cell);
	int r;

	if (v && (r = copy_to_view(v, k, add, true)) < 0)
		log_errno(r, "udev: cell %s: %s %s", k->cell->cfg.name, add ? "add" : "remove",
			  copy_name(k));
}
