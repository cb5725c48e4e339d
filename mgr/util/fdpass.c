// SPDX-License-Identifier: MIT
#include "fdpass.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Room for FDPASS_MAX fds, aligned for the cmsghdr in front of them. */
union fdpass_ctrl {
	char buf[CMSG_SPACE(FDPASS_MAX * sizeof(int))];
	struct cmsghdr align;
};

int fdpass_send(int sock, const void *data, size_t len, const int *fds, unsigned n, int flags)
{
	union fdpass_ctrl ctrl;
	struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *cm;
	ssize_t r;

	if (n > FDPASS_MAX)
		return -EINVAL;
	if (n) {
		memset(&ctrl, 0, sizeof(ctrl));
		msg.msg_control = ctrl.buf;
		msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	}
	do
		r = sendmsg(sock, &msg, flags | MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return (size_t)r == len ? 0 : -EMSGSIZE;
}

int fdpass_take(struct msghdr *msg, int *fds, unsigned max, unsigned *n)
{
	unsigned got = 0;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		size_t k;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (got < max)
				fds[got] = fd;
			else
				close(fd);
			got++;
		}
	}
	/* A cut list (the kernel dropped the rest) or a longer one than
	 * asked for: the sender is not who the caller expects. */
	if (got > max || (msg->msg_flags & MSG_CTRUNC)) {
		fdpass_close(fds, got < max ? got : max);
		*n = 0;
		return -EMSGSIZE;
	}
	*n = got;
	return 0;
}

ssize_t fdpass_recv(int sock, void *data, size_t len, int *fds, unsigned max, unsigned *n,
		    int flags)
{
	union fdpass_ctrl ctrl;
	struct iovec iov = {.iov_base = data, .iov_len = len};
	struct msghdr msg = {
	    .msg_iov = &iov,
	    .msg_iovlen = 1,
	    .msg_control = ctrl.buf,
	};
	ssize_t r;
	int t;

	*n = 0;
	if (max > FDPASS_MAX)
		return -EINVAL;
	msg.msg_controllen = CMSG_SPACE(max * sizeof(int));
	do
		r = recvmsg(sock, &msg, flags | MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	t = fdpass_take(&msg, fds, max, n);
	return t < 0 ? t : r;
}

void fdpass_close(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}
