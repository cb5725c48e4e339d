// SPDX-License-Identifier: MIT
/* mgr/net/mnl_subset.c (the static board build's part of libmnl's API)
 * against the real libmnl, side by side in one program: the subset is
 * compiled here under other names (sub_*), and every check gives both the
 * same input and wants the same bytes, return values and errno. */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define mnl_socket_open2 sub_socket_open2
#define mnl_socket_bind sub_socket_bind
#define mnl_socket_close sub_socket_close
#define mnl_socket_get_fd sub_socket_get_fd
#define mnl_socket_get_portid sub_socket_get_portid
#define mnl_socket_sendto sub_socket_sendto
#define mnl_socket_recvfrom sub_socket_recvfrom
#define mnl_socket_setsockopt sub_socket_setsockopt
#define mnl_nlmsg_size sub_nlmsg_size
#define mnl_nlmsg_put_header sub_nlmsg_put_header
#define mnl_nlmsg_put_extra_header sub_nlmsg_put_extra_header
#define mnl_nlmsg_get_payload sub_nlmsg_get_payload
#define mnl_nlmsg_get_payload_offset sub_nlmsg_get_payload_offset
#define mnl_nlmsg_get_payload_tail sub_nlmsg_get_payload_tail
#define mnl_nlmsg_ok sub_nlmsg_ok
#define mnl_nlmsg_next sub_nlmsg_next
#define mnl_nlmsg_seq_ok sub_nlmsg_seq_ok
#define mnl_nlmsg_portid_ok sub_nlmsg_portid_ok
#define mnl_attr_get_type sub_attr_get_type
#define mnl_attr_get_len sub_attr_get_len
#define mnl_attr_get_payload_len sub_attr_get_payload_len
#define mnl_attr_get_payload sub_attr_get_payload
#define mnl_attr_get_u32 sub_attr_get_u32
#define mnl_attr_get_str sub_attr_get_str
#define mnl_attr_ok sub_attr_ok
#define mnl_attr_next sub_attr_next
#define mnl_attr_validate sub_attr_validate
#define mnl_attr_put sub_attr_put
#define mnl_attr_put_u32 sub_attr_put_u32
#define mnl_attr_put_strz sub_attr_put_strz
#define mnl_attr_nest_start sub_attr_nest_start
#define mnl_attr_nest_end sub_attr_nest_end
#define mnl_cb_run sub_cb_run
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "../../mgr/net/mnl_subset.c"
#pragma GCC diagnostic pop
#undef mnl_socket_open2
#undef mnl_socket_bind
#undef mnl_socket_close
#undef mnl_socket_get_portid
#undef mnl_socket_sendto
#undef mnl_socket_recvfrom
#undef mnl_nlmsg_put_header
#undef mnl_nlmsg_put_extra_header
#undef mnl_nlmsg_get_payload
#undef mnl_nlmsg_get_payload_offset
#undef mnl_nlmsg_get_payload_tail
#undef mnl_nlmsg_ok
#undef mnl_nlmsg_next
#undef mnl_attr_get_type
#undef mnl_attr_get_payload_len
#undef mnl_attr_get_payload
#undef mnl_attr_get_u32
#undef mnl_attr_get_str
#undef mnl_attr_ok
#undef mnl_attr_next
#undef mnl_attr_validate
#undef mnl_attr_put
#undef mnl_attr_put_u32
#undef mnl_attr_put_strz
#undef mnl_attr_nest_start
#undef mnl_attr_nest_end
#undef mnl_cb_run

/* The same RTM_NEWLINK request as net.c builds (a veth pair), odd sizes
 * included, once with each implementation, into zeroed buffers: libmnl
 * 1.0.4 leaves an attribute's padding as the buffer had it, the subset
 * zeroes it (test_zeroes_the_padding). */
static void test_builds_the_same_bytes(void **state)
{
	char a[512], b[512];
	struct nlmsghdr *na, *nb;
	struct nlattr *la, *lb, *ia, *ib;
	const char odd[3] = {1, 2, 3};

	(void)state;
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	na = mnl_nlmsg_put_header(a);
	nb = sub_nlmsg_put_header(b);
	na->nlmsg_type = nb->nlmsg_type = RTM_NEWLINK;
	na->nlmsg_flags = nb->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE;
	mnl_nlmsg_put_extra_header(na, sizeof(struct ifinfomsg));
	sub_nlmsg_put_extra_header(nb, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(na, IFLA_IFNAME, "cv-work");
	sub_attr_put_strz(nb, IFLA_IFNAME, "cv-work");
	mnl_attr_put_u32(na, IFLA_MTU, 1500);
	sub_attr_put_u32(nb, IFLA_MTU, 1500);
	la = mnl_attr_nest_start(na, IFLA_LINKINFO);
	lb = sub_attr_nest_start(nb, IFLA_LINKINFO);
	ia = mnl_attr_nest_start(na, IFLA_INFO_DATA);
	ib = sub_attr_nest_start(nb, IFLA_INFO_DATA);
	mnl_attr_put(na, 7, sizeof(odd), odd);
	sub_attr_put(nb, 7, sizeof(odd), odd);
	mnl_attr_nest_end(na, ia);
	sub_attr_nest_end(nb, ib);
	mnl_attr_nest_end(na, la);
	sub_attr_nest_end(nb, lb);
	assert_int_equal(na->nlmsg_len, nb->nlmsg_len);
	assert_memory_equal(a, b, na->nlmsg_len);
}

static void test_zeroes_the_padding(void **state)
{
	char b[64];
	struct nlmsghdr *nlh;
	const char odd[3] = {1, 2, 3};

	(void)state;
	memset(b, 0xa5, sizeof(b));
	nlh = sub_nlmsg_put_header(b);
	sub_attr_put(nlh, 7, sizeof(odd), odd);
	assert_int_equal(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + MNL_ATTR_HDRLEN + 4);
	assert_int_equal(b[MNL_NLMSG_HDRLEN + MNL_ATTR_HDRLEN + 3], 0);
}

/* The walk net.c and rtnl.c do over a reply's attributes. */
static void test_walks_the_same_attributes(void **state)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *nest, *ra, *sa;
	int n = 0;

	(void)state;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, "eth0");
	nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put_u32(nlh, IFLA_MASTER, 42);
	ra = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct ifinfomsg));
	sa = sub_nlmsg_get_payload_offset(nlh, sizeof(struct ifinfomsg));
	for (;;) {
		int rlen = (int)((char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)ra);
		int slen = (int)((char *)sub_nlmsg_get_payload_tail(nlh) - (char *)sa);
		bool ok = mnl_attr_ok(ra, rlen);

		assert_ptr_equal(ra, sa);
		assert_int_equal(rlen, slen);
		assert_int_equal(ok, sub_attr_ok(sa, slen));
		if (!ok)
			break;
		assert_int_equal(mnl_attr_get_type(ra), sub_attr_get_type(sa));
		assert_int_equal(mnl_attr_get_payload_len(ra), sub_attr_get_payload_len(sa));
		assert_ptr_equal(mnl_attr_get_payload(ra), sub_attr_get_payload(sa));
		n++;
		ra = mnl_attr_next(ra);
		sa = sub_attr_next(sa);
	}
	assert_int_equal(n, 3);
	assert_int_equal(sub_attr_get_u32(sub_attr_next(sub_attr_next(
			     sub_nlmsg_get_payload_offset(nlh, sizeof(struct ifinfomsg))))),
			 42);
	assert_string_equal(
	    sub_attr_get_str(sub_nlmsg_get_payload_offset(nlh, sizeof(struct ifinfomsg))), "eth0");
}

/* Every type against payloads of every size 0-9, a string with and one
 * without its NUL. */
static void test_validates_the_same(void **state)
{
	char buf[64];

	(void)state;
	for (int type = 0; type <= MNL_TYPE_MAX; type++) {
		for (size_t len = 0; len < 10; len++) {
			for (int nul = 0; nul < 2; nul++) {
				struct nlattr *attr = (struct nlattr *)buf;
				int r, s, re, se;

				memset(buf, 'x', sizeof(buf));
				attr->nla_type = 1;
				attr->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + len);
				if (nul && len)
					buf[MNL_ATTR_HDRLEN + len - 1] = '\0';
				errno = 0;
				r = mnl_attr_validate(attr, (enum mnl_attr_data_type)type);
				re = errno;
				errno = 0;
				s = sub_attr_validate(attr, (enum mnl_attr_data_type)type);
				se = errno;
				if (r != s || (r < 0 && re != se))
					fail_msg("type %d, %zu bytes, nul %d: libmnl %d (%s), "
						 "subset %d (%s)",
						 type, len, nul, r, strerror(re), s, strerror(se));
			}
		}
	}
}

static int count_data(const struct nlmsghdr *nlh, void *data)
{
	(*(int *)data)++;
	return MNL_CB_OK;
}

/* Appends a message of type with flags, seq and pid to buf at *len. */
static struct nlmsghdr *put_msg(char *buf, int *len, uint16_t type, uint16_t flags, uint32_t seq,
				uint32_t pid, int error)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + *len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = pid;
	if (type == NLMSG_ERROR) {
		struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

		e->error = error;
	} else {
		mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	}
	*len += (int)MNL_ALIGN(nlh->nlmsg_len);
	return nlh;
}

/* Replies as rtnl_talk() reads them: data then the ack, an error, a
 * dump's end, another request's sequence or port, an interrupted dump, a
 * truncated error. */
static void test_runs_replies_the_same(void **state)
{
	struct {
		uint16_t type, flags;
		uint32_t seq, pid;
		int error;
	} cases[] = {
	    {RTM_NEWLINK, 0, 7, 99, 0},
	    {NLMSG_ERROR, 0, 7, 99, 0},
	    {NLMSG_ERROR, 0, 7, 99, -EPERM},
	    {NLMSG_DONE, 0, 7, 99, 0},
	    {RTM_NEWLINK, 0, 8, 99, 0},
	    {RTM_NEWLINK, 0, 7, 98, 0},
	    {RTM_NEWLINK, NLM_F_DUMP_INTR, 7, 99, 0},
	    {NLMSG_NOOP, 0, 0, 0, 0},
	};
	size_t n = sizeof(cases) / sizeof(cases[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		char buf[256];
		int len = 0, rn = 0, sn = 0, r, s, re, se;

		put_msg(buf, &len, RTM_NEWLINK, NLM_F_MULTI, 7, 99, 0);
		put_msg(buf, &len, cases[i].type, cases[i].flags, cases[i].seq, cases[i].pid,
			cases[i].error);
		errno = 0;
		r = mnl_cb_run(buf, (size_t)len, 7, 99, count_data, &rn);
		re = errno;
		errno = 0;
		s = sub_cb_run(buf, (size_t)len, 7, 99, count_data, &sn);
		se = errno;
		if (r != s || rn != sn || (r < 0 && re != se))
			fail_msg("case %zu: libmnl %d (%s, %d data), subset %d (%s, %d data)", i, r,
				 strerror(re), rn, s, strerror(se), sn);
	}
	{
		char buf[256];
		int len = 0, r, s;
		struct nlmsghdr *e = put_msg(buf, &len, NLMSG_ERROR, 0, 7, 99, -EPERM);

		e->nlmsg_len = MNL_NLMSG_HDRLEN + 2; /* cut short */
		r = mnl_cb_run(buf, e->nlmsg_len, 7, 99, NULL, NULL);
		s = sub_cb_run(buf, e->nlmsg_len, 7, 99, NULL, NULL);
		assert_int_equal(r, s);
		assert_int_equal(s, MNL_CB_ERROR);
		assert_int_equal(errno, EBADMSG);
	}
}

/* The socket half on the kernel: ask for lo (index 1) and read it back. */
static int lo_name(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct ifinfomsg))
	{
		if (sub_attr_get_type(attr) == IFLA_IFNAME &&
		    sub_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(data, IFNAMSIZ, "%s", sub_attr_get_str(attr));
	}
	return MNL_CB_OK;
}

static void test_socket_talks_to_the_kernel(void **state)
{
	char buf[8192], name[IFNAMSIZ] = "";
	struct mnl_socket *nl = sub_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int one = 1, r;
	ssize_t n;

	(void)state;
	assert_non_null(nl);
	assert_int_equal(sub_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
	assert_int_not_equal(sub_socket_get_portid(nl), 0);
	sub_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	nlh = sub_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 5;
	ifm = sub_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_index = 1;
	assert_int_equal(sub_socket_sendto(nl, nlh, nlh->nlmsg_len), (ssize_t)nlh->nlmsg_len);
	do {
		n = sub_socket_recvfrom(nl, buf, sizeof(buf));
		assert_true(n > 0);
		r = sub_cb_run(buf, (size_t)n, 5, sub_socket_get_portid(nl), lo_name, name);
	} while (r > 0);
	assert_int_equal(r, MNL_CB_STOP);
	assert_string_equal(name, "lo");
	assert_int_equal(sub_socket_close(nl), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builds_the_same_bytes),
	    cmocka_unit_test(test_zeroes_the_padding),
	    cmocka_unit_test(test_walks_the_same_attributes),
	    cmocka_unit_test(test_validates_the_same),
	    cmocka_unit_test(test_runs_replies_the_same),
	    cmocka_unit_test(test_socket_talks_to_the_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
