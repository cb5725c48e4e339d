// SPDX-License-Identifier: MIT
/*
 * The board's data disk, where what must survive a reboot lives (cellar's
 * id ranges, the cells' persistent layers, images that are not in the host
 * image):
 *
 *   cellar.data=/dev/DEVICE   mounted read-write on /data (nosuid, nodev)
 *                             once init has left the initramfs, before
 *                             cellmgr starts; cellar.datafstype= (default
 *                             ext4) names its file system.
 *
 * A bad value, a device that does not appear or a failed mount is logged
 * (device, step, errno text) and boot goes on: /data is then a directory
 * of the root file system, and whatever needs the disk fails on its own
 * with its own error.  At shutdown, once every process is gone, the disk
 * is unmounted; if something still holds it, it is remounted read-only,
 * which also leaves it clean, so nothing written is lost at power-off.
 */
#include "init.h"

#include <errno.h>
#include <sys/mount.h>

#define DATA_FLAGS (MS_NOSUID | MS_NODEV)

void data_mount(const char *cmdline)
{
	char dev[128], type[32] = "ext4";
	int r = cmdline_path(cmdline, "cellar.data", "/dev/", dev, sizeof(dev));

	if (r == 0) {
		log_info("data: no cellar.data= on the command line: no data disk on " INIT_DATA);
		return;
	}
	if (r < 0) {
		log_errno(r, "data: cellar.data=%s: want /dev/DEVICE", dev);
	} else {
		cmdline_get(cmdline, "cellar.datafstype", type, sizeof(type));
		r = mkdir_p(INIT_DATA, 0755);
		if (r < 0)
			log_errno(r, "data: mkdir " INIT_DATA);
		else
			r = mount_wait_device("data", dev);
		if (r == 0 && mount(dev, INIT_DATA, type, DATA_FLAGS, NULL) < 0)
			r = log_errno(-errno, "data: mount %s (%s) on " INIT_DATA, dev, type);
	}
	if (r < 0) {
		log_info("data: *** NO DATA DISK: " INIT_DATA " is the root file system's: "
			 "nothing written there survives a reboot ***");
		return;
	}
	log_info("data: mounted %s (%s, rw) on " INIT_DATA, dev, type);
}

void data_unmount(void)
{
	if (umount2(INIT_DATA, 0) == 0) {
		log_info("data: unmounted " INIT_DATA);
		return;
	}
	if (errno == EINVAL || errno == ENOENT)
		return; /* not a mount point: there was no data disk */
	if (errno != EBUSY) {
		log_errno(-errno, "data: umount " INIT_DATA);
		return;
	}
	/* Busy although every process is gone (a loop device, a lazy
	 * reference): read-only flushes it and marks it clean all the same. */
	if (mount(NULL, INIT_DATA, NULL, MS_REMOUNT | MS_RDONLY | DATA_FLAGS, NULL) < 0)
		log_errno(-errno, "data: " INIT_DATA " is busy; remount read-only");
	else
		log_info("data: " INIT_DATA " is busy: remounted read-only");
}
