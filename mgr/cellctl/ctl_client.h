/* SPDX-License-Identifier: MIT */
/*
 * cellctl's side of the control socket for the commands that live outside
 * cellctl.c (`top`, ctl_top.c), and the messages a person sees when
 * cellmgr cannot be reached.
 */
#ifndef CELLAR_CTL_CLIENT_H
#define CELLAR_CTL_CLIENT_H

#include <stdio.h>
#include <sys/types.h>

/* "cellctl: cannot reach cellmgr at PATH: no such file (is cellmgr
 * running? --socket PATH)" and the like, for connect()'s errno err. */
void ctl_client_unreachable(const char *path, int err);

/* A connected SOCK_SEQPACKET socket (close-on-exec), or -errno after
 * ctl_client_unreachable() said why. */
int ctl_client_connect(const char *path);

/* One request (fields[0] the command), one reply: the text after "ok\n",
 * NUL-terminated in reply (cap bytes), and its length; or -1 after each
 * error line was printed on stderr as "cellctl: TEXT". */
ssize_t ctl_client_call(const char *path, unsigned n, const char *const fields[], char *reply,
			size_t cap);

/* The same, the connection kept open on success (*fd: console). */
ssize_t ctl_client_call_held(const char *path, unsigned n, const char *const fields[], char *reply,
			     size_t cap, int *fd);

/* "error: A\nerror: B\n" as "cellctl: A", "cellctl: B" on stderr. */
void ctl_client_print_errors(const char *text, size_t len);

/* The header of `list`'s columns (ctl_list.c), printed on a terminal. */
void ctl_client_list_header(FILE *f);

/* `cellctl top [--json] [-d SECONDS] [-n COUNT]` (ctl_top.c); args[0] is
 * "top".  Returns cellctl's exit status. */
int ctl_top_main(const char *socket_path, int json, int argc, char **args);

#endif
