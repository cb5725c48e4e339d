/* IPC isolation: look for the bait another cell planted ("probe plant").
 * Lookups never create (no IPC_CREAT, no O_CREAT) and never consume: the
 * queues are inspected with IPC_STAT / mq_getattr, not read.
 * blocked:ENOENT (SysV, mqueue) or blocked:ECONNREFUSED (abstract socket)
 * mean the object does not exist in this cell's namespaces. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "probe.h"

static void attack_shm(const struct probe *p, const void *arg, struct outcome *o)
{
	int id = shmget((key_t)p->opt.ipc_key, 0, 0);
	char text[sizeof(PROBE_BAIT_TEXT)];
	void *mem;

	if (id < 0) {
		outcome_blocked(o, errno);
		return;
	}
	mem = shmat(id, NULL, SHM_RDONLY);
	if (mem == (void *)-1) {
		outcome_ok(o, "id=%d,attach-%s", id, errno_name(errno));
		return;
	}
	memcpy(text, mem, sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	text_normalize(text);
	outcome_ok(o, "id=%d,read=%s", id, text);
	shmdt(mem);
}

static void attack_sem(const struct probe *p, const void *arg, struct outcome *o)
{
	int id = semget((key_t)p->opt.ipc_key, 0, 0);

	if (id < 0)
		outcome_blocked(o, errno);
	else
		outcome_ok(o, "id=%d", id);
}

static void attack_msg(const struct probe *p, const void *arg, struct outcome *o)
{
	struct msqid_ds ds;
	int id = msgget((key_t)p->opt.ipc_key, 0);

	if (id < 0) {
		outcome_blocked(o, errno);
		return;
	}
	if (msgctl(id, IPC_STAT, &ds) < 0)
		outcome_ok(o, "id=%d,stat-%s", id, errno_name(errno));
	else
		outcome_ok(o, "id=%d,qnum=%lu", id, (unsigned long)ds.msg_qnum);
}

static void attack_mq(const struct probe *p, const void *arg, struct outcome *o)
{
	struct mq_attr attr;
	mqd_t q = mq_open(p->opt.mq_name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (q == (mqd_t)-1) {
		outcome_blocked(o, errno);
		return;
	}
	if (mq_getattr(q, &attr) < 0)
		outcome_ok(o, "opened");
	else
		outcome_ok(o, "curmsgs=%ld", (long)attr.mq_curmsgs);
	mq_close(q);
}

static void attack_abstract(const struct probe *p, const void *arg, struct outcome *o)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 0, .tv_usec = 300000};
	socklen_t len =
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(PROBE_ABSTRACT_NAME));
	char buf[64];
	ssize_t n;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		outcome_blocked(o, errno);
		return;
	}
	memcpy(sa.sun_path + 1, PROBE_ABSTRACT_NAME, strlen(PROBE_ABSTRACT_NAME));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
		outcome_blocked(o, errno);
		close(fd);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	text_normalize(buf);
	outcome_ok(o, "read=%s", buf);
	close(fd);
}

void attacks_ipc(struct probe *p)
{
	attack_run(p, "sysv_shm_other", attack_shm, NULL);
	attack_run(p, "sysv_sem_other", attack_sem, NULL);
	attack_run(p, "sysv_msg_other", attack_msg, NULL);
	attack_run(p, "mq_other", attack_mq, NULL);
	attack_run(p, "abstract_other", attack_abstract, NULL);
}
