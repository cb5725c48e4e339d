// SPDX-License-Identifier: MIT
/* The host's sound cards as sysfs shows them (the host's own sysfs, never
 * a cell's), and the board's among them (audio.h). */
#include "audio.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sound/asound.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fileutil.h"
#include "log.h"

bool audio_card_exists(int n)
{
	char path[48];

	snprintf(path, sizeof(path), "/sys/class/sound/card%d", n);
	return access(path, F_OK) == 0;
}

void audio_card_id(int n, char *id, size_t len)
{
	char path[48];
	ssize_t r;

	snprintf(path, sizeof(path), "/sys/class/sound/card%d/id", n);
	r = read_text_file(path, id, len);
	if (r < 0)
		id[0] = '\0';
	id[strcspn(id, "\n")] = '\0';
}

/* A card of snd-aloop: its device's driver is snd_aloop. */
bool audio_card_is_loopback(int n)
{
	char path[64], link[256];
	ssize_t r;

	snprintf(path, sizeof(path), "/sys/class/sound/card%d/device/driver", n);
	r = readlink(path, link, sizeof(link) - 1);
	if (r < 0)
		return false;
	link[r] = '\0';
	return strcmp(basename(link), "snd_aloop") == 0;
}

/* "card0 Intel, card1 Loopback" for an error. */
static void cards_list(char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (int n = 0; n < AUDIO_CARDS_MAX && o < len; n++) {
		char id[32];
		int w;

		if (!audio_card_exists(n))
			continue;
		audio_card_id(n, id, sizeof(id));
		w = snprintf(out + o, len - o, "%s%d %s", o ? ", " : "", n, id);
		if (w > 0)
			o += (size_t)w;
	}
	if (!out[0])
		snprintf(out, len, "none");
}

/* A [host] audio_card / audio_capture value to a card here.  0, or
 * -ENODEV when no such card is (yet) on the board. */
int audio_card_resolve(const char *spec, struct audio_dev *d)
{
	char id[32] = "";
	int card = -1;
	unsigned device = 0;

	d->card = -1;
	if (spec[0] && audio_card_parse(spec, id, sizeof(id), &card, &device) < 0)
		return -EINVAL; /* the parser refused it already */
	for (int n = 0; n < AUDIO_CARDS_MAX; n++) {
		char have[32];

		if (!audio_card_exists(n))
			continue;
		audio_card_id(n, have, sizeof(have));
		if (card >= 0 ? n == card
		    : id[0]   ? strcmp(have, id) == 0
			      : !audio_card_is_loopback(n)) {
			d->card = n;
			d->device = device;
			snprintf(d->id, sizeof(d->id), "%s", have);
			return 0;
		}
	}
	return -ENODEV;
}

/* The board's cards, found again (they may come late: a driver's probe
 * runs after cellmgr started). */
int audio_resolve_board(struct audio *a, bool capture, char *why, size_t len)
{
	const char *spec = capture && a->capture_spec[0] ? a->capture_spec : a->card_spec;
	struct audio_dev *d = capture ? &a->in_dev : &a->out_dev;
	char cards[160];

	if (d->card >= 0 || audio_card_resolve(spec, d) == 0)
		return 0;
	cards_list(cards, sizeof(cards));
	if (spec[0])
		snprintf(why, len, "[host] %s '%s': no such sound card (cards: %s)",
			 spec == a->capture_spec ? "audio_capture" : "audio_card", spec, cards);
	else
		snprintf(why, len,
			 "no sound card on this board but loopback cards (cards: %s; does [host] "
			 "modules load its driver?)",
			 cards);
	return -ENODEV;
}

/* One control: a switch on, a volume at pct % of its range. */
static bool mixer_one(int fd, const struct snd_ctl_elem_id *id, int pct)
{
	struct snd_ctl_elem_info info = {.id = *id};
	struct snd_ctl_elem_value v = {.id = *id};
	const char *name = (const char *)id->name;

	if (ioctl(fd, SNDRV_CTL_IOCTL_ELEM_INFO, &info) < 0)
		return false;
	for (unsigned k = 0; k < info.count && k < 128; k++) {
		if (info.type == SNDRV_CTL_ELEM_TYPE_BOOLEAN && strstr(name, "Switch"))
			v.value.integer.value[k] = 1;
		else if (info.type == SNDRV_CTL_ELEM_TYPE_INTEGER && strstr(name, "Volume"))
			v.value.integer.value[k] =
			    info.value.integer.min +
			    (info.value.integer.max - info.value.integer.min) * pct / 100;
		else
			return false;
	}
	return ioctl(fd, SNDRV_CTL_IOCTL_ELEM_WRITE, &v) == 0;
}

int audio_mixer_set(const struct audio_dev *d, bool capture, int pct)
{
	const char *which = capture ? "Capture" : "Playback";
	struct snd_ctl_elem_list list = {.space = 256};
	unsigned set = 0;
	char path[48];
	int fd;

	snprintf(path, sizeof(path), "/dev/snd/controlC%d", d->card);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return log_errno(-errno, "audio: board card %d (%s): mixer: open %s", d->card,
				 d->id, path);
	list.pids = calloc(list.space, sizeof(*list.pids));
	if (!list.pids || ioctl(fd, SNDRV_CTL_IOCTL_ELEM_LIST, &list) < 0) {
		int r = list.pids ? -errno : -ENOMEM;

		free(list.pids);
		close(fd);
		return log_errno(r, "audio: board card %d (%s): mixer: list its controls", d->card,
				 d->id);
	}
	for (unsigned i = 0; i < list.used; i++)
		if (strstr((const char *)list.pids[i].name, which) &&
		    mixer_one(fd, &list.pids[i], pct))
			set++;
	free(list.pids);
	close(fd);
	log_info("audio: board card %d (%s): mixer: %u %s control(s) set (switches on, volumes at "
		 "%d%%: [host] audio_volume)",
		 d->card, d->id, set, capture ? "capture" : "playback", pct);
	return (int)set;
}
