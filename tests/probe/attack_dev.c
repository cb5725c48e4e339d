/* Device isolation: creating device nodes and opening the host's devices.
 * Opens are O_RDONLY | O_NONBLOCK | O_NOCTTY: no tty becomes ours, no
 * driver waits; reads are a few bytes at most. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probe.h"

struct node_spec {
	mode_t type;
	unsigned int major, minor;
};

static void attack_mknod(const struct probe *p, const void *arg, struct outcome *o)
{
	const struct node_spec *spec = arg;
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/cellar-probe-node.%ld", probe_tmpdir(), (long)getpid());
	if (mknod(path, spec->type | 0600, makedev(spec->major, spec->minor)) < 0) {
		outcome_blocked(o, errno);
		return;
	}
	if (spec->type == S_IFCHR) {
		/* 1:3 is /dev/null: opening it is harmless and tells whether the
		 * file system lets device nodes work at all (nodev) */
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0) {
			outcome_ok(o, "opened");
			close(fd);
		} else {
			outcome_ok(o, "open-%s", errno_name(errno));
		}
	} else {
		outcome_ok(o, "created");
	}
	unlink(path);
}

static void attack_dev_open(const struct probe *p, const void *arg, struct outcome *o)
{
	const char *name = arg;
	char path[128], buf[512];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	if (fstat(fd, &st) == 0 && (S_ISBLK(st.st_mode) || strcmp(name, "kmsg") == 0)) {
		/* a sector of a disk or one kernel log record is proof enough */
		n = read(fd, buf, sizeof(buf));
		if (n >= 0)
			outcome_ok(o, "read=%zdB", n);
		else
			outcome_ok(o, "opened,read-%s", errno_name(errno));
	} else {
		outcome_ok(o, "opened");
	}
	close(fd);
}

int dev_find_block(char *path, size_t size)
{
	static const char *const dirs[] = {"/dev", "/dev/block"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d))) {
			struct stat st;

			snprintf(path, size, "%s/%s", dirs[i], e->d_name);
			/* loop devices are usually unbound: prefer real disks */
			if (strncmp(e->d_name, "loop", 4) == 0 ||
			    strncmp(e->d_name, "ram", 3) == 0 || strncmp(e->d_name, "zram", 4) == 0)
				continue;
			if (stat(path, &st) == 0 && S_ISBLK(st.st_mode)) {
				closedir(d);
				return 0;
			}
		}
		closedir(d);
	}
	return -ENOENT;
}

void attacks_dev(struct probe *p)
{
	static const struct node_spec char_null = {S_IFCHR, 1, 3};
	static const struct node_spec block_sda = {S_IFBLK, 8, 0};
	static const struct {
		const char *key;
		const char *name;
	} nodes[] = {
	    {"dev_mem", "mem"},
	    {"dev_kmem", "kmem"},
	    {"dev_port", "port"},
	    {"dev_kmsg", "kmsg"},
	    {"dev_sda", "sda"},
	    {"dev_vda", "vda"},
	    {"dev_nvme0n1", "nvme0n1"},
	    {"dev_mmcblk0", "mmcblk0"},
	    {"dev_tty0", "tty0"},
	    {"dev_tty1", "tty1"},
	    {"dev_tty2", "tty2"},
	    {"dev_fb0", "fb0"},
	    {"dev_input_event0", "input/event0"},
	    {"dev_uinput", "uinput"},
	    {"dev_vsock", "vsock"},
	    {"dev_kvm", "kvm"},
	};

	attack_run(p, "mknod_char", attack_mknod, &char_null);
	attack_run(p, "mknod_block", attack_mknod, &block_sda);
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		attack_run(p, nodes[i].key, attack_dev_open, nodes[i].name);
}
