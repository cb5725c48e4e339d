// SPDX-License-Identifier: MIT
/*
 * The API file systems' helper (rootfs.h): a child of the cell's
 * init-to-be that makes its API file systems (apifs_make) and hands them
 * to the host side, then sets the cell's hostname and brings its lo up.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"
#include "log.h"
#include "net.h"
#include "rootfs.h"

/* The API file systems, from the cell's child to the host side. */
struct apifs_msg {
	struct child_error e;
	unsigned mask; /* which of fds[APIFS_N] follow, in order */
};

/* The cell's hostname and its loopback interface up: settings of its UTS
 * and network namespaces, made by the helper below (in them, as root of
 * the cell's user namespace) while the host side builds the root. */
static int set_names(const char *hostname, struct child_error *e)
{
	char msg[200];
	int r;

	if (sethostname(hostname, strlen(hostname)) < 0)
		return child_error_set(e, neg_errno(), "sethostname %s", hostname);
	if ((r = net_loopback_up(msg, sizeof(msg))) < 0)
		return child_error_set(e, r, "bring lo up%s%s", *msg ? ": " : "", msg);
	return 0;
}

/* In a child of the cell's init-to-be (it is in all of the cell's
 * namespaces but the mount namespace, which belongs to the host): makes
 * the API file systems and sends them to the host side, then sets the
 * hostname, brings lo up and sends how that went. */
static __attribute__((noreturn)) int apifs_child(void *arg)
{
	const struct apifs_helper *h = arg;
	struct apifs_msg m = {.mask = 0};
	int fds[APIFS_N], out[APIFS_N];
	unsigned n = 0;

	if (apifs_make(h->with_cgroup, fds, &m.e) == 0)
		for (int i = 0; i < APIFS_N; i++)
			if (fds[i] >= 0) {
				m.mask |= 1u << i;
				out[n++] = fds[i];
			}
	if (fdpass_send(h->sync, &m, sizeof(m), out, n, 0) < 0 || m.e.err < 0)
		_exit(1);
	/* The names while the host side attaches the file systems. */
	set_names(h->hostname, &m.e);
	_exit(send(h->sync, &m.e, sizeof(m.e), MSG_NOSIGNAL) == sizeof(m.e) ? 0 : 1);
}

/* The child shares the init-to-be's memory and runs on a stack of its own
 * until it exits (CLONE_VM | CLONE_VFORK): no copy of the page tables, no
 * copy-on-write faults.  It has its own fd table and mount namespace.
 * Under AddressSanitizer, a copy as fork() makes (one shadow memory).
 * Returns its pid: it is reaped later (apifs_helper_reap). */
pid_t apifs_helper_start(const struct apifs_helper *h, struct child_error *e)
{
#ifdef __SANITIZE_ADDRESS__
	pid_t pid = fork();

	if (pid == 0)
		apifs_child((void *)h);
#else
	_Alignas(16) char stack[32768];
	pid_t pid = clone(apifs_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD,
			  (void *)h, NULL, NULL, NULL);
#endif
	if (pid < 0)
		return child_error_set(e, neg_errno(), "clone for the API file systems");
	return pid;
}

/* The API file systems' child has sent all before it exits; its exit
 * then tears its copy of the mount namespace down, which waits for an RCU
 * grace period (milliseconds on a virtual machine).  It is reaped last,
 * right before the exec (the root built and entered meanwhile): the
 * cell's init starts with no child. */
int apifs_helper_reap(pid_t pid, struct child_error *e)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return child_error_set(e, neg_errno(), "wait for the API file systems");
	return 0;
}

int apifs_receive(int sock, int fds[APIFS_N], struct child_error *e)
{
	struct apifs_msg m;
	/* The child runs cellar's code only, but never wait for ever. */
	struct timeval tv = {.tv_sec = 10};
	int got[APIFS_N];
	unsigned n, want = 0;
	ssize_t r;

	for (int i = 0; i < APIFS_N; i++)
		fds[i] = -1;
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	r = fdpass_recv(sock, &m, sizeof(m), got, APIFS_N, &n, 0);
	if (r != (ssize_t)sizeof(m)) {
		if (r >= 0)
			fdpass_close(got, n);
		return child_error_set(e, r < 0 ? (int)r : -ECANCELED,
				       "receive the API file systems");
	}
	for (int i = 0; i < APIFS_N; i++)
		if (m.mask & (1u << i))
			want++;
	if (n != want) {
		fdpass_close(got, n);
		return child_error_set(e, -EPROTO, "receive the API file systems");
	}
	for (int i = 0, k = 0; i < APIFS_N; i++)
		if (m.mask & (1u << i))
			fds[i] = got[k++];
	if (m.e.err < 0) {
		*e = m.e;
		return e->err;
	}
	if (fds[APIFS_PROC] < 0 || fds[APIFS_SYS] < 0 || fds[APIFS_PTS] < 0 ||
	    fds[APIFS_MQUEUE] < 0 || fds[APIFS_SHM] < 0)
		return child_error_set(e, -EPROTO, "receive the API file systems");
	return 0;
}

int apifs_receive_names(int sock, struct child_error *e)
{
	struct child_error ce;
	ssize_t r = recv(sock, &ce, sizeof(ce), 0);

	if (r != (ssize_t)sizeof(ce))
		return child_error_set(e, r < 0 ? neg_errno() : -ECANCELED,
				       "receive the hostname and lo");
	if (ce.err < 0) {
		*e = ce;
		return e->err;
	}
	return 0;
}
