// SPDX-License-Identifier: MIT
/* A cell's console output made safe for an admin's terminal (termsafe.h). */
#include "termsafe.h"

#include <string.h>

#define ESC 0x1b

struct out {
	char *buf;
	size_t len, cap;
};

static void put(struct out *o, const void *s, size_t n)
{
	if (n > o->cap - o->len)
		n = o->cap - o->len; /* a caller short of room loses the rest */
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void put_byte(struct out *o, unsigned char b)
{
	put(o, &b, 1);
}

/* A byte that must not reach the terminal, as the text \xNN. */
static void put_shown(struct out *o, unsigned char b)
{
	static const char hex[] = "0123456789abcdef";
	char s[4] = {'\\', 'x', hex[b >> 4], hex[b & 0xf]};

	put(o, s, sizeof(s));
}

static void put_newline(struct termsafe *t, struct out *o)
{
	put(o, t->crlf ? "\r\n" : "\n", t->crlf ? 2 : 1);
}

/* The pending sequence did not complete as something that may pass: shown
 * as text (an ESC as \x1b and the printable bytes after it; a cut or
 * malformed UTF-8 character byte by byte). */
static void flush_pending(struct termsafe *t, struct out *o)
{
	if (!t->seq_len)
		return;
	if (t->utf8_need || t->seq[0] != ESC) {
		for (size_t i = 0; i < t->seq_len; i++)
			put_shown(o, t->seq[i]);
	} else {
		put_shown(o, ESC);
		put(o, t->seq + 1, t->seq_len - 1);
	}
	t->seq_len = 0;
	t->utf8_need = 0;
}

/* How many bytes follow a UTF-8 lead byte; 0 for one that is not (C0, C1
 * overlongs, above U+10FFFF). */
static size_t utf8_follow(unsigned char b)
{
	if (b >= 0xc2 && b <= 0xdf)
		return 1;
	if (b >= 0xe0 && b <= 0xef)
		return 2;
	if (b >= 0xf0 && b <= 0xf4)
		return 3;
	return 0;
}

/* Whether b may follow the lead byte (second byte: no overlong form, no
 * surrogate, nothing above U+10FFFF) or an earlier continuation byte. */
static bool utf8_continues(const struct termsafe *t, unsigned char b)
{
	unsigned char lead = t->seq[0];

	if (t->seq_len > 1)
		return b >= 0x80 && b <= 0xbf;
	switch (lead) {
	case 0xe0: return b >= 0xa0 && b <= 0xbf;
	case 0xed: return b >= 0x80 && b <= 0x9f;
	case 0xf0: return b >= 0x90 && b <= 0xbf;
	case 0xf4: return b >= 0x80 && b <= 0x8f;
	default: return b >= 0x80 && b <= 0xbf;
	}
}

/* An SGR that leaves the terminal's colours as they were at rest
 * (ESC [ m, ESC [ 0 m, ESC [ 0;0 m). */
static bool sgr_is_reset(const struct termsafe *t)
{
	for (size_t i = 2; i < t->seq_len; i++)
		if (t->seq[i] != '0' && t->seq[i] != ';')
			return false;
	return true;
}

/* One byte of a pending sequence; false when it ended the sequence without
 * taking the byte, which is then looked at afresh. */
static bool pending_byte(struct termsafe *t, struct out *o, unsigned char b)
{
	if (t->utf8_need) {
		if (!utf8_continues(t, b)) {
			flush_pending(t, o);
			return false;
		}
		t->seq[t->seq_len++] = b;
		if (--t->utf8_need)
			return true;
		/* C1 controls (U+0080-U+009F: CSI is U+009B) act on some
		 * terminals in UTF-8 mode too. */
		if (t->seq[0] == 0xc2 && t->seq[1] < 0xa0) {
			flush_pending(t, o); /* shown byte by byte */
		} else {
			put(o, t->seq, t->seq_len);
			t->seq_len = 0;
		}
		return true;
	}
	if (t->seq_len == 1) { /* ESC */
		if (b == '[') {
			t->seq[t->seq_len++] = b;
			return true;
		}
		flush_pending(t, o);
		return false;
	}
	/* ESC [ and parameters so far: only digits and ';' make an SGR. */
	if (b == 'm') {
		t->coloured = !sgr_is_reset(t);
		t->seq[t->seq_len++] = b;
		put(o, t->seq, t->seq_len);
		t->seq_len = 0;
		return true;
	}
	if (((b >= '0' && b <= '9') || b == ';') && t->seq_len < TERMSAFE_SEQ_MAX - 1) {
		t->seq[t->seq_len++] = b;
		return true;
	}
	flush_pending(t, o);
	return false;
}

static void fresh_byte(struct termsafe *t, struct out *o, unsigned char b)
{
	if (b == '\r') {
		t->cr = true;
	} else if (b == '\n') {
		put_newline(t, o);
	} else if (b == '\t' || (b >= 0x20 && b < 0x7f)) {
		put_byte(o, b);
	} else if (b == ESC) {
		t->seq[0] = b;
		t->seq_len = 1;
	} else if (utf8_follow(b)) {
		t->seq[0] = b;
		t->seq_len = 1;
		t->utf8_need = utf8_follow(b);
	} else {
		put_shown(o, b);
	}
}

void termsafe_init(struct termsafe *t, bool crlf)
{
	memset(t, 0, sizeof(*t));
	t->crlf = crlf;
}

size_t termsafe_filter(struct termsafe *t, const char *in, size_t len, char *out, size_t cap)
{
	struct out o = {.buf = out, .cap = cap};

	for (size_t i = 0; i < len; i++) {
		unsigned char b = (unsigned char)in[i];

		if (t->cr) {
			if (b == '\r')
				continue;
			t->cr = false;
			put_newline(t, &o);
			if (b == '\n')
				continue;
		}
		if (t->seq_len && pending_byte(t, &o, b))
			continue;
		fresh_byte(t, &o, b);
	}
	return o.len;
}

size_t termsafe_finish(struct termsafe *t, char *out, size_t cap)
{
	struct out o = {.buf = out, .cap = cap};
	bool crlf = t->crlf;

	flush_pending(t, &o);
	if (t->cr)
		put_newline(t, &o);
	if (t->coloured)
		put(&o, "\x1b[0m", 4);
	termsafe_init(t, crlf);
	return o.len;
}
