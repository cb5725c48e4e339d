// SPDX-License-Identifier: MIT
/* The host's kernel keymap, made safe for cells' keyboards (input.h). */
#include <fcntl.h>
#include <linux/kd.h>
#include <linux/keyboard.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "inputmux.h"
#include "log.h"

/* The kernel's keyboard handler acts on every keyboard, copies included:
 * a cell typing Ctrl-Alt-Del, Alt-F2 or SAK into its copy would reboot
 * the board or switch the VT behind cellmgr.  Cells cannot change the
 * keymap (KDSKBENT needs CAP_SYS_TTY_CONFIG); the host takes those
 * actions out of it once.  cellmgr's own hotkeys do the same jobs.
 * Removed: every console switch (F1-F63 with Alt and friends, Incr/
 * Decr_Console, Last_Console), Boot (Ctrl-Alt-Del), SAK, Spawn_Console
 * (signals whichever process took KDSIGACCEPT on the host), and
 * Show_State, Show_Memory, Show_Registers (dump the kernel's task list,
 * memory and registers on the console: the board's log flooded from a
 * cell's keyboard, and the host's state printed where it is read). */
static bool keymap_entry_hostile(unsigned short v)
{
	return KTYP(v) == KT_CONS || v == K_BOOT || v == K_SAK || v == K_INCRCONSOLE ||
	       v == K_DECRCONSOLE || v == K_CONS || v == K_SPAWNCONSOLE || v == K_SH_REGS ||
	       v == K_SH_MEM || v == K_SH_STAT;
}

void input_keymap_sanitize(void)
{
	struct kbentry e;
	unsigned table, key, n = 0;
	int fd = open("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		log_warn("no /dev/tty0: the kernel keymap keeps its console switch keys");
		return;
	}
	for (table = 0; table < MAX_NR_KEYMAPS; table++) {
		e.kb_table = (unsigned char)table;
		e.kb_index = 0;
		if (ioctl(fd, KDGKBENT, &e) < 0 || e.kb_value == K_NOSUCHMAP)
			continue;
		for (key = 0; key < NR_KEYS; key++) {
			unsigned short v;

			e.kb_table = (unsigned char)table;
			e.kb_index = (unsigned char)key;
			if (ioctl(fd, KDGKBENT, &e) < 0)
				continue;
			v = e.kb_value;
			if (!keymap_entry_hostile(v))
				continue;
			e.kb_value = K_HOLE;
			if (ioctl(fd, KDSKBENT, &e) == 0)
				n++;
		}
	}
	close(fd);
	log_info("input: kernel keymap: %u switch/boot/SAK/spawn/show entries removed", n);
}
