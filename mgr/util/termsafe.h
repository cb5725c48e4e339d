/* SPDX-License-Identifier: MIT */
/*
 * A cell's console output made safe to show on an admin's terminal
 * (`cellctl log`, the admin console's `log`, the board console's replay on
 * a switch; docs/control.md, "What log shows").  The bytes are the cell's:
 * raw, they could set the terminal's title, clear or scroll its screen,
 * move the cursor over what the admin reads, switch its character set,
 * make it answer queries into its input, or write to its clipboard.
 *
 * Passed as they are: printable ASCII, newline, tab, well-formed UTF-8 of
 * code points from U+00A0 up, and SGR sequences (ESC [ digits and ';' m:
 * colours, bold) of at most TERMSAFE_SEQ_MAX bytes.  A run of carriage
 * returns is a newline (CR LF is the pty's line end; a lone CR, which would
 * let text overwrite the line it is on, starts a new line).  Every other
 * byte is shown as the four characters \xNN, so ESC ] 0 ; t BEL reads
 * `\x1b]0;t\x07` and acts on nothing; so are C1 controls written in UTF-8
 * (U+0080-U+009F) and malformed UTF-8, byte by byte.
 *
 * A stream may cut a sequence anywhere: the state carries over from one
 * termsafe_filter() to the next.  termsafe_finish() ends the stream.
 */
#ifndef CELLAR_TERMSAFE_H
#define CELLAR_TERMSAFE_H

#include <stdbool.h>
#include <stddef.h>

#define TERMSAFE_SEQ_MAX 32
/* Room termsafe_filter() needs for len bytes (a pending sequence shown
 * whole, then every byte as \xNN or CR LF), and termsafe_finish(). */
#define TERMSAFE_OUT_MAX(len) (6 * (size_t)(len) + 4 * TERMSAFE_SEQ_MAX + 8)

struct termsafe {
	unsigned char seq[TERMSAFE_SEQ_MAX]; /* an escape sequence or a UTF-8 character begun */
	size_t seq_len;
	size_t utf8_need; /* bytes of that character still to come; 0: seq is ESC... */
	bool cr;	  /* carriage returns seen, not shown yet */
	bool crlf;	  /* a newline is written CR LF (a terminal in raw mode) */
	bool coloured;	  /* an SGR other than a reset passed: reset at the end */
};

/* crlf: for a terminal without output processing (OPOST off). */
void termsafe_init(struct termsafe *t, bool crlf);

/* Filters len bytes of in into out, which has room for cap bytes (at
 * least TERMSAFE_OUT_MAX(len): what does not fit is dropped).  Returns the
 * bytes written. */
size_t termsafe_filter(struct termsafe *t, const char *in, size_t len, char *out, size_t cap);

/* The end of the stream: shows what is pending (a cut sequence as text, a
 * CR as a newline) and resets the colours when an SGR passed.  Returns the
 * bytes written (at most TERMSAFE_OUT_MAX(0)); t is ready for a new stream. */
size_t termsafe_finish(struct termsafe *t, char *out, size_t cap);

#endif
