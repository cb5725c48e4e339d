// SPDX-License-Identifier: MIT
/*
 * The keys the host keeps (input.h): the power key, Ctrl-Alt-Del, sysrq,
 * and the switch hotkeys, Ctrl-Alt-F<n> (the cell on VT n) and
 * Ctrl-Alt-Right (the next cell), which ask the seat for a switch.
 */
#include <signal.h>
#include <stdio.h>

#include "inputmux.h"
#include "log.h"
#include "seat.h"
#include "vt.h"

static bool switchable(const struct cell *c)
{
	return cell_is_active(c) && cell_has_input(c);
}

/* The seat's line after the walk says when it was done, from the key's
 * own timestamp: nothing is logged on the way. */
static void switch_to(struct input *in, struct cell *c, const char *key)
{
	char err[256];

	if (seat_switch_key(in->seat, c, key, in->key_us, err, sizeof(err)) < 0)
		log_warn("input: %s: switch to %s: %s", key, c->cfg.name, err);
}

static void hotkey_vt(struct input *in, unsigned vt)
{
	for (size_t i = 0; i < in->cells->n; i++)
		if (vt_of(in->vt, in->cells->v[i]) == vt && switchable(in->cells->v[i])) {
			char key[16];

			snprintf(key, sizeof(key), "Ctrl-Alt-F%u", vt);
			switch_to(in, in->cells->v[i], key);
			return;
		}
	log_info("input: Ctrl-Alt-F%u: no running cell on VT %u", vt, vt);
}

static void hotkey_next(struct input *in)
{
	struct cells *cs = in->cells;
	struct cell *front = seat_front(in->seat);
	size_t start = 0;

	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i] == front)
			start = i + 1;
	for (size_t j = 0; j < cs->n; j++) {
		struct cell *c = cs->v[(start + j) % cs->n];

		if (c != front && switchable(c)) {
			switch_to(in, c, "Ctrl-Alt-Right");
			return;
		}
	}
}

unsigned input_mod_of(unsigned code)
{
	switch (code) {
	case KEY_LEFTCTRL: return MOD_CTRL_L;
	case KEY_RIGHTCTRL: return MOD_CTRL_R;
	case KEY_LEFTALT: return MOD_ALT_L;
	case KEY_RIGHTALT: return MOD_ALT_R;
	}
	return 0;
}

static int fkey_number(unsigned code)
{
	if (code >= KEY_F1 && code <= KEY_F10)
		return (int)(code - KEY_F1) + 1;
	if (code == KEY_F11)
		return 11;
	if (code == KEY_F12)
		return 12;
	return 0;
}

/* A key press the host keeps?  Acts on it and says so (value 1 only). */
bool input_host_key(struct input *in, unsigned code)
{
	bool ctrl = in->mods & (MOD_CTRL_L | MOD_CTRL_R), alt = in->mods & (MOD_ALT_L | MOD_ALT_R);
	int f;

	if (code == KEY_POWER) {
		log_info("power key pressed: powering off the board");
		if (kill(1, SIGUSR2) < 0)
			log_errno(neg_errno(), "ask init to power off");
		return true;
	}
	if (code == KEY_SYSRQ)
		return true;
	if (!ctrl || !alt)
		return false;
	if (code == KEY_DELETE || code == KEY_KPDOT) {
		log_info("input: Ctrl-Alt-Del: asking init to reboot");
		if (kill(1, SIGINT) < 0)
			log_errno(neg_errno(), "ask init to reboot");
		return true;
	}
	if ((f = fkey_number(code)) > 0) {
		hotkey_vt(in, (unsigned)f);
		return true;
	}
	if (code == KEY_RIGHT) {
		hotkey_next(in);
		return true;
	}
	return false;
}
