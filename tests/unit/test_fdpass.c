// SPDX-License-Identifier: MIT
/* Unit tests for fd passing (mgr/util/fdpass.c), over socketpairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdpass.h"

struct pair {
	int sv[2];
};

static int setup(void **state)
{
	static struct pair p;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p.sv) < 0)
		return -1;
	*state = &p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	close(p->sv[0]);
	close(p->sv[1]);
	return 0;
}

static int count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

/* Two ends of one pipe: the received fds are the same files, close-on-exec. */
static void test_send_and_receive(void **state)
{
	struct pair *p = *state;
	int pfd[2], got[3] = {-1, -1, -1};
	struct stat a, b;
	unsigned n = 9;
	char buf[8];

	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	assert_int_equal(fdpass_send(p->sv[0], "hi", 2, pfd, 2, 0), 0);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), got, 3, &n, 0), 2);
	assert_memory_equal(buf, "hi", 2);
	assert_int_equal(n, 2);
	assert_int_equal(fstat(got[0], &a), 0);
	assert_int_equal(fstat(pfd[0], &b), 0);
	assert_true(a.st_ino == b.st_ino);
	assert_int_equal(fcntl(got[1], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(got[2], -1);
	fdpass_close(got, n);
	assert_int_equal(got[0], -1);
	close(pfd[0]);
	close(pfd[1]);
}

static void test_no_fds(void **state)
{
	struct pair *p = *state;
	unsigned n = 9;
	char buf[8];

	assert_int_equal(fdpass_send(p->sv[0], "x", 1, NULL, 0, 0), 0);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 0, &n, 0), 1);
	assert_int_equal(n, 0);
}

/* More fds than the receiver takes, whether they fit the control buffer's
 * padding or are cut by the kernel: all closed, -EMSGSIZE. */
static void test_too_many_fds_closed(void **state)
{
	struct pair *p = *state;
	int fds[5], got[1] = {-1};
	int before = count_fds();
	unsigned n = 9;
	char buf[8];

	for (int i = 0; i < 5; i++)
		fds[i] = STDERR_FILENO;
	for (unsigned k = 2; k <= 5; k++) {
		assert_int_equal(fdpass_send(p->sv[0], "x", 1, fds, k, 0), 0);
		assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), got, 1, &n, 0), -EMSGSIZE);
		assert_int_equal(n, 0);
		assert_int_equal(got[0], -1);
		assert_int_equal(count_fds(), before);
	}
	/* None wanted at all. */
	assert_int_equal(fdpass_send(p->sv[0], "x", 1, fds, 1, 0), 0);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), NULL, 0, &n, 0), -EMSGSIZE);
	assert_int_equal(count_fds(), before);
}

/* MSG_TRUNC: the full length comes back, the fds with it. */
static void test_truncated_data(void **state)
{
	struct pair *p = *state;
	int fd = STDERR_FILENO, got = -1;
	unsigned n = 9;
	char buf[2];

	assert_int_equal(fdpass_send(p->sv[0], "hello", 5, &fd, 1, 0), 0);
	assert_int_equal(fdpass_recv(p->sv[1], buf, sizeof(buf), &got, 1, &n, MSG_TRUNC), 5);
	assert_int_equal(n, 1);
	assert_true(got > STDERR_FILENO);
	fdpass_close(&got, n);
}

static void test_errors(void **state)
{
	struct pair *p = *state;
	int fds[FDPASS_MAX + 1] = {0};
	unsigned n = 9;
	char buf[1];

	assert_int_equal(fdpass_send(p->sv[0], "x", 1, fds, FDPASS_MAX + 1, 0), -EINVAL);
	assert_int_equal(fdpass_recv(p->sv[1], buf, 1, fds, FDPASS_MAX + 1, &n, 0), -EINVAL);
	assert_int_equal(fdpass_recv(p->sv[1], buf, 1, NULL, 0, &n, MSG_DONTWAIT), -EAGAIN);
	close(p->sv[0]);
	p->sv[0] = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_int_equal(fdpass_recv(p->sv[1], buf, 1, NULL, 0, &n, 0), 0);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_send_and_receive, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_fds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_too_many_fds_closed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncated_data, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
