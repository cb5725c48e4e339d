// SPDX-License-Identifier: MIT
/* Unit tests for the sd_notify parser and reader (mgr/start/notify.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify.h"

static int parse(const char *s, struct notify_msg *m)
{
	return notify_parse(s, strlen(s), m);
}

static void test_ready(void **state)
{
	struct notify_msg m;

	(void)state;
	assert_int_equal(parse("READY=1\n", &m), 0);
	assert_int_equal(m.flags, NOTIFY_READY);
	assert_int_equal(m.sender, 0);
	assert_int_equal(parse("READY=1", &m), 0); /* no trailing newline */
	assert_int_equal(m.flags, NOTIFY_READY);
}

static void test_multiple_keys(void **state)
{
	struct notify_msg m;

	(void)state;
	assert_int_equal(parse("STATUS=Startup finished in 1.2s\nREADY=1\nWATCHDOG=1", &m), 0);
	assert_int_equal(m.flags, NOTIFY_READY | NOTIFY_STATUS | NOTIFY_WATCHDOG);
	assert_string_equal(m.status, "Startup finished in 1.2s");
	assert_int_equal(parse("STOPPING=1\nRELOADING=1\n", &m), 0);
	assert_int_equal(m.flags, NOTIFY_STOPPING | NOTIFY_RELOADING);
	/* The last STATUS= wins; an empty one clears the status. */
	assert_int_equal(parse("STATUS=one\nSTATUS=two\n", &m), 0);
	assert_string_equal(m.status, "two");
	assert_int_equal(parse("STATUS=\n", &m), 0);
	assert_int_equal(m.flags, NOTIFY_STATUS);
	assert_string_equal(m.status, "");
}

static void test_values_must_match(void **state)
{
	struct notify_msg m;

	(void)state;
	/* Only "1" counts, exactly; keys are case-sensitive and whole. */
	assert_int_equal(parse("READY=0\nREADY=11\nREADY= 1\nready=1\nREADY=1\r\nXREADY=1\n"
			       "READY\nREADY=\nWATCHDOG=trigger\n",
			       &m),
			 0);
	assert_int_equal(m.flags, 0);
}

static void test_unknown_and_empty(void **state)
{
	struct notify_msg m;

	(void)state;
	assert_int_equal(parse("MAINPID=42\nERRNO=2\nFDSTORE=1\nX_CUSTOM=yes\n", &m), 0);
	assert_int_equal(m.flags, 0);
	assert_int_equal(parse("", &m), 0);
	assert_int_equal(m.flags, 0);
	assert_int_equal(parse("\n\n\n", &m), 0);
	assert_int_equal(m.flags, 0);
	assert_int_equal(notify_parse(NULL, 0, &m), 0);
	assert_int_equal(m.flags, 0);
}

static void test_embedded_nul(void **state)
{
	static const char msg[] = "READY=1\0STATUS=hidden";
	struct notify_msg m;

	(void)state;
	assert_int_equal(notify_parse(msg, sizeof(msg) - 1, &m), -EBADMSG);
	assert_int_equal(m.flags, 0);
	/* Only len bytes count: a NUL just past them is not in the message. */
	assert_int_equal(notify_parse(msg, 7, &m), 0);
	assert_int_equal(m.flags, NOTIFY_READY);
}

static void test_oversized(void **state)
{
	static char big[NOTIFY_MSG_MAX + 2];
	struct notify_msg m;

	(void)state;
	memset(big, 'x', sizeof(big));
	memcpy(big, "READY=1\n", 8);
	assert_int_equal(notify_parse(big, NOTIFY_MSG_MAX + 1, &m), -EMSGSIZE);
	assert_int_equal(m.flags, 0);
	assert_int_equal(notify_parse(big, NOTIFY_MSG_MAX, &m), 0);
	assert_int_equal(m.flags, NOTIFY_READY);
}

static void test_status_sanitised(void **state)
{
	static char line[8 + 2 * NOTIFY_STATUS_MAX];
	struct notify_msg m;
	size_t n;

	(void)state;
	assert_int_equal(parse("STATUS=a\x1b[2Jb\tc\x7f", &m), 0);
	assert_string_equal(m.status, "a?[2Jb?c?");
	/* Too long: cut, never inside a UTF-8 sequence ("é" is 2 bytes). */
	memcpy(line, "STATUS=", 7);
	n = 7;
	while (n + 2 < sizeof(line) - 1) {
		line[n++] = '\xc3';
		line[n++] = '\xa9';
	}
	line[n] = '\0';
	assert_int_equal(parse(line, &m), 0);
	assert_true(strlen(m.status) <= NOTIFY_STATUS_MAX - 1);
	assert_int_equal(strlen(m.status) % 2, 0);
	assert_int_equal((unsigned char)m.status[strlen(m.status) - 1], 0xa9);
}

static void test_garbage(void **state)
{
	unsigned char buf[512];
	struct notify_msg m;
	unsigned seed = 12345;

	(void)state;
	/* Random bytes, with and without NULs: any result but a crash, and
	 * the status always a printable, terminated string. */
	for (int round = 0; round < 2000; round++) {
		size_t len = (size_t)(rand_r(&seed) % sizeof(buf));
		int r;

		for (size_t i = 0; i < len; i++)
			buf[i] = (unsigned char)(round % 2 ? rand_r(&seed) % 256
							   : "=\nSTATUREADY1x"[rand_r(&seed) % 14]);
		r = notify_parse((const char *)buf, len, &m);
		assert_true(r == 0 || r == -EBADMSG);
		assert_true(strlen(m.status) < NOTIFY_STATUS_MAX);
		for (size_t i = 0; m.status[i]; i++)
			assert_true((unsigned char)m.status[i] >= 0x20 && m.status[i] != 0x7f);
	}
}

/* notify_open() and notify_read() on a real socket, the test process as
 * the cell's init (the sender). */
struct sock_fixture {
	char dir[64];
	char path[96];
	int fd;
};

static int sock_setup(void **state)
{
	struct sock_fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/test-notify-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/cell.notify", f->dir);
	f->fd = -1;
	*state = f;
	return 0;
}

static int sock_teardown(void **state)
{
	struct sock_fixture *f = *state;

	if (f->fd >= 0)
		close(f->fd);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void send_to(const char *path, const void *buf, size_t len, int pass_fd)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char ctrl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr msg = {
	    .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1};
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(s >= 0);
	strcpy(sa.sun_path, path);
	if (pass_fd >= 0) {
		struct cmsghdr *c;

		memset(ctrl, 0, sizeof(ctrl));
		msg.msg_control = ctrl;
		msg.msg_controllen = sizeof(ctrl);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	assert_int_equal(sendmsg(s, &msg, 0), (ssize_t)len);
	close(s);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static void test_open_and_read(void **state)
{
	struct sock_fixture *f = *state;
	static char big[NOTIFY_MSG_MAX + 100];
	struct notify_msg m;
	struct stat st;
	int before, devnull;

	assert_int_equal(notify_open(f->path, &f->fd), 0);
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(notify_read(f->fd, getpid(), &m), -EAGAIN);

	send_to(f->path, "READY=1\nSTATUS=up", 17, -1);
	assert_int_equal(notify_read(f->fd, getpid(), &m), 0);
	assert_int_equal(m.flags, NOTIFY_READY | NOTIFY_STATUS);
	assert_string_equal(m.status, "up");
	assert_int_equal(m.sender, getpid());

	/* FDSTORE=1 brings an fd along: it must not stay open in cellmgr. */
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	before = count_fds();
	send_to(f->path, "FDSTORE=1", 9, devnull);
	close(devnull);
	assert_int_equal(notify_read(f->fd, getpid(), &m), 0);
	assert_int_equal(m.flags, 0);
	assert_int_equal(count_fds(), before - 1);

	memset(big, 'x', sizeof(big));
	send_to(f->path, big, sizeof(big), -1);
	assert_int_equal(notify_read(f->fd, getpid(), &m), -EMSGSIZE);
	send_to(f->path, "READY=1\0", 8, -1);
	assert_int_equal(notify_read(f->fd, getpid(), &m), -EBADMSG);
	/* Only the cell's init is heard: here the test process stands for
	 * it; any other sender (or no cell) is refused. */
	send_to(f->path, "READY=1", 7, -1);
	assert_int_equal(notify_read(f->fd, getppid(), &m), -EPERM);
	send_to(f->path, "READY=1", 7, -1);
	assert_int_equal(notify_read(f->fd, 0, &m), -EPERM);
	assert_int_equal(notify_read(f->fd, getpid(), &m), -EAGAIN);
}

static void test_open_replaces_only_sockets(void **state)
{
	struct sock_fixture *f = *state;
	int fd, first;

	assert_int_equal(notify_open(f->path, &first), 0);
	/* A stale socket from an earlier cellmgr is replaced. */
	assert_int_equal(notify_open(f->path, &f->fd), 0);
	close(first);
	close(f->fd);
	f->fd = -1;
	unlink(f->path);
	fd = open(f->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(notify_open(f->path, &f->fd), -EEXIST);
	f->fd = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ready),
	    cmocka_unit_test(test_multiple_keys),
	    cmocka_unit_test(test_values_must_match),
	    cmocka_unit_test(test_unknown_and_empty),
	    cmocka_unit_test(test_embedded_nul),
	    cmocka_unit_test(test_oversized),
	    cmocka_unit_test(test_status_sanitised),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test_setup_teardown(test_open_and_read, sock_setup, sock_teardown),
	    cmocka_unit_test_setup_teardown(test_open_replaces_only_sockets, sock_setup,
					    sock_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
