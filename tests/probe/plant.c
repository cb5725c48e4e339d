/* "probe plant": leaves bait in this cell for a probe in another cell to
 * find (attack.*_other).  The SysV objects, the message queue and the file
 * persist on their own; the abstract socket needs a holder process, which
 * is detached from the caller's stdio so a harness reading our output sees
 * EOF when we exit.  Objects are mode 0666: if one is visible from another
 * cell, that cell can also read it, so the finding is unambiguous. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "probe.h"

static void plant_shm(struct probe *p)
{
	int id = shmget((key_t)p->opt.ipc_key, 4096, IPC_CREAT | 0666);
	void *mem;

	if (id < 0) {
		report_set(p->report, "plant.sysv_shm", "error:%s", errno_name(errno));
		return;
	}
	mem = shmat(id, NULL, 0);
	if (mem == (void *)-1) {
		report_set(p->report, "plant.sysv_shm", "error:shmat-%s", errno_name(errno));
		return;
	}
	memcpy(mem, PROBE_BAIT_TEXT, sizeof(PROBE_BAIT_TEXT));
	shmdt(mem);
	report_set(p->report, "plant.sysv_shm", "created:id=%d", id);
}

static void plant_sem_msg(struct probe *p)
{
	struct {
		long mtype;
		char text[sizeof(PROBE_BAIT_TEXT)];
	} msg = {1, PROBE_BAIT_TEXT};
	int sem = semget((key_t)p->opt.ipc_key, 1, IPC_CREAT | 0666);
	int q = msgget((key_t)p->opt.ipc_key, IPC_CREAT | 0666);

	if (sem < 0)
		report_set(p->report, "plant.sysv_sem", "error:%s", errno_name(errno));
	else
		report_set(p->report, "plant.sysv_sem", "created:id=%d", sem);
	if (q < 0) {
		report_set(p->report, "plant.sysv_msg", "error:%s", errno_name(errno));
		return;
	}
	if (msgsnd(q, &msg, sizeof(msg.text), IPC_NOWAIT) < 0 && errno != EAGAIN)
		report_set(p->report, "plant.sysv_msg", "error:msgsnd-%s", errno_name(errno));
	else
		report_set(p->report, "plant.sysv_msg", "created:id=%d", q);
}

static void plant_mq(struct probe *p)
{
	struct mq_attr attr = {.mq_maxmsg = 1, .mq_msgsize = 64};
	mqd_t q = mq_open(p->opt.mq_name, O_CREAT | O_RDWR | O_NONBLOCK | O_CLOEXEC, 0666, &attr);

	if (q == (mqd_t)-1) {
		report_set(p->report, "plant.mq", "error:%s", errno_name(errno));
		return;
	}
	if (mq_send(q, PROBE_BAIT_TEXT, sizeof(PROBE_BAIT_TEXT) - 1, 0) < 0 && errno != EAGAIN)
		report_set(p->report, "plant.mq", "error:mq_send-%s", errno_name(errno));
	else
		report_set(p->report, "plant.mq", "created:%s", p->opt.mq_name);
	mq_close(q);
}

static void plant_file(struct probe *p)
{
	int fd = open(PROBE_BAIT_FILE, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0) {
		report_set(p->report, "plant.file", "error:%s", errno_name(errno));
		return;
	}
	n = write(fd, PROBE_BAIT_TEXT "\n", sizeof(PROBE_BAIT_TEXT));
	close(fd);
	if (n != (ssize_t)sizeof(PROBE_BAIT_TEXT))
		report_set(p->report, "plant.file", "error:write");
	else
		report_set(p->report, "plant.file", "created:%s", PROBE_BAIT_FILE);
}

static void holder_serve(int fd, int hold_s)
{
	int null = open("/dev/null", O_RDWR);

	setsid();
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	signal(SIGPIPE, SIG_IGN);
	if (hold_s > 0)
		alarm((unsigned int)hold_s); /* default action: exit */
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (c < 0)
			continue;
		/* a peer that went away needs nothing more */
		ssize_t n = write(c, PROBE_BAIT_TEXT "\n", sizeof(PROBE_BAIT_TEXT));

		(void)n;
		close(c);
	}
}

static void plant_abstract(struct probe *p)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len =
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(PROBE_ABSTRACT_NAME));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	memcpy(sa.sun_path + 1, PROBE_ABSTRACT_NAME, strlen(PROBE_ABSTRACT_NAME));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, 8) < 0) {
		report_set(p->report, "plant.abstract", "error:%s", errno_name(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		report_set(p->report, "plant.abstract", "error:fork-%s", errno_name(errno));
	} else if (pid == 0) {
		holder_serve(fd, p->opt.hold_s);
		_exit(0);
	} else {
		report_set(p->report, "plant.abstract", "created:@%s,holder=%ld",
			   PROBE_ABSTRACT_NAME, (long)pid);
	}
	close(fd);
}

int plant_run(struct probe *p)
{
	report_set(p->report, "probe.mode", "plant");
	plant_shm(p);
	plant_sem_msg(p);
	plant_mq(p);
	plant_file(p);
	plant_abstract(p);
	return 0;
}
