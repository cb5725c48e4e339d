// SPDX-License-Identifier: MIT
/* The cell's anti-spoofing classifier: see netguard.h. */
#include "netguard.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpfprog.h"
#include "log.h"
#include "rtnl.h"

/* Registers: R0 what a packet load gives, R1-R5 scratch (packet loads
 * clobber them), R6 the context (packet loads need it there), R7 the
 * frame's length, R8 an IPv6 next header, then the ICMPv6 type, R9 an
 * offset into the frame. */
enum { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9 };

/* Where the program goes: the verdicts and the per-protocol parts. */
enum label {
	L_PASS,
	L_DROP,
	L_ARP,
	L_ARP_PROBE,
	L_IPV4,
	L_IPV6,
	L_V6_SOURCE_OK,
	L_V6_FRAGMENT,
	L_V6_UPPER,
	L_ICMP6,
	L_ICMP6_UNSPEC,
	L_ND_TARGET,
	L_COUNT
};

#define FIXUPS_MAX 256

/* Offsets in the frame: Ethernet, then ARP or IPv4 or IPv6. */
enum {
	ETH_SRC = 6,
	ETH_TYPE = 12,
	ARP_HEAD = 14, /* hardware type, protocol type: 4 bytes */
	ARP_LENS = 18, /* hardware and protocol address lengths */
	ARP_SHA = 22,
	ARP_SPA = 28,
	ARP_TPA = 38,
	ARP_END = 42,
	IP4_SRC = 26,
	IP4_END = 34,
	IP6_NEXT = 20,
	IP6_SRC = 22,
	IP6_END = 54, /* the upper header when there are no extension headers */
	FRAG_LEN = 8,
	NA_TARGET = IP6_END + 8, /* an NS's target too */
	NA_END = NA_TARGET + 16,
};

/* The IPv6 header chain, as the program reads it (issue 13, finding 4:
 * whatever it does not know is dropped, since a receiver that knows it may
 * find ICMPv6 behind it).  It walks at most EXT_WALK of these extension
 * headers, ICMPv6 being read where the walk ends: */
static const int ext_headers[] = {0 /* hop-by-hop */, 43 /* routing */, 60 /* destination */};
#define EXT_WALK 2

/* Where the chain may end instead, right behind the IPv6 header, the
 * walked ones or a Fragment header (44): upper-layer protocols, behind
 * which no receiver looks for ICMPv6 (a tunnel's inner packet is the
 * business of the host that decapsulates it, as over IPv4).  Behind a
 * Fragment header only these: ICMPv6 in any fragment is dropped (neighbour
 * discovery is never fragmented, RFC 6980, and a fragment that is not the
 * first cannot be read), so are extension headers, which could hide it. */
static const int upper_layer[] = {
    IPPROTO_TCP, IPPROTO_UDP, IPPROTO_DCCP, IPPROTO_SCTP, IPPROTO_UDPLITE,
    IPPROTO_ESP, IPPROTO_GRE, IPPROTO_IPIP, IPPROTO_IPV6,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum {
	ICMP6_MLD1_REPORT = 131,
	ICMP6_MLD1_DONE = 132,
	ICMP6_RA = 134,
	ICMP6_NS = 135,
	ICMP6_NA = 136,
	ICMP6_REDIRECT = 137,
	ICMP6_MLD2_REPORT = 143,
};

struct addrs {
	uint32_t v4[1 + NET_ADDRS_MAX];
	unsigned n4;
	uint32_t v6[1 + NET_ADDRS_MAX + 1][4]; /* the cell's, its link-local */
	unsigned n6;
	uint32_t mac_hi; /* bytes 0-3 */
	uint32_t mac_lo; /* bytes 4-5 */
};

struct assembler {
	struct bpf_insn *p;
	unsigned n;
	int at[L_COUNT]; /* where each label is, -1 = not yet */
	struct {
		unsigned insn;
		enum label to;
	} fix[FIXUPS_MAX];
	unsigned n_fix;
	bool full;
};

static uint32_t be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void cell_addrs(const struct cell_net *n, const unsigned char mac[6], struct addrs *a)
{
	unsigned char ll[16] = {0xfe, 0x80};

	memset(a, 0, sizeof(*a));
	for (unsigned i = 0; i <= n->n_more; i++) {
		const struct net_cidr *c = i == 0 ? &n->addr : &n->more[i - 1];

		if (c->family == AF_INET) {
			a->v4[a->n4++] = be32(c->addr);
		} else if (c->family == AF_INET6) {
			for (unsigned w = 0; w < 4; w++)
				a->v6[a->n6][w] = be32(c->addr + 4 * w);
			a->n6++;
		}
	}
	a->mac_hi = be32(mac);
	a->mac_lo = (uint32_t)mac[4] << 8 | mac[5];
	/* The link-local address the kernel derives from the MAC (EUI-64,
	 * addr_gen_mode 0, the default). */
	ll[8] = mac[0] ^ 0x02;
	ll[9] = mac[1];
	ll[10] = mac[2];
	ll[11] = 0xff;
	ll[12] = 0xfe;
	ll[13] = mac[3];
	ll[14] = mac[4];
	ll[15] = mac[5];
	for (unsigned w = 0; w < 4; w++)
		a->v6[a->n6][w] = be32(ll + 4 * w);
	a->n6++;
}

static unsigned emit(struct assembler *as, uint8_t code, uint8_t dst, uint8_t src, int16_t off,
		     int32_t imm)
{
	if (as->n == NETGUARD_INSNS_MAX) {
		as->full = true;
		return as->n - 1;
	}
	as->p[as->n] =
	    (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
	return as->n++;
}

static void label(struct assembler *as, enum label l)
{
	as->at[l] = (int)as->n;
}

/* A jump (code, dst, src, imm) to label to, resolved at the end. */
static void jump(struct assembler *as, uint8_t code, uint8_t dst, uint8_t src, int32_t imm,
		 enum label to)
{
	unsigned i = emit(as, code, dst, src, 0, imm);

	if (as->n_fix == FIXUPS_MAX) {
		as->full = true;
		return;
	}
	as->fix[as->n_fix].insn = i;
	as->fix[as->n_fix++].to = to;
}

static void go(struct assembler *as, enum label to)
{
	jump(as, BPF_JMP | BPF_JA, 0, 0, 0, to);
}

/* Packet loads: big-endian bytes as a number; out of the frame, the
 * program would end with 0 (TC_ACT_OK), so every load is preceded by a
 * length check. */
static void load_abs(struct assembler *as, uint8_t size, int32_t off)
{
	emit(as, BPF_LD | BPF_ABS | size, 0, 0, 0, off);
}

static void load_ind(struct assembler *as, uint8_t size, uint8_t reg, int32_t off)
{
	emit(as, BPF_LD | BPF_IND | size, 0, reg, 0, off);
}

/* Frames shorter than len are dropped. */
static void need(struct assembler *as, int32_t len)
{
	jump(as, BPF_JMP | BPF_JLT | BPF_K, R7, 0, len, L_DROP);
}

/* 32-bit compares: an address's top bit set would not match a 64-bit
 * compare with its sign-extended immediate. */
static void if_eq32(struct assembler *as, uint32_t v, enum label to)
{
	jump(as, BPF_JMP32 | BPF_JEQ | BPF_K, R0, 0, (int32_t)v, to);
}

static void unless_eq32(struct assembler *as, uint32_t v, enum label to)
{
	jump(as, BPF_JMP32 | BPF_JNE | BPF_K, R0, 0, (int32_t)v, to);
}

/* The 16 bytes at off equal to a: go to label to; otherwise go on. */
static void match_v6(struct assembler *as, int32_t off, const uint32_t a[4], enum label to)
{
	unsigned miss[4];

	for (unsigned w = 0; w < 4; w++) {
		load_abs(as, BPF_W, off + 4 * (int32_t)w);
		miss[w] = emit(as, BPF_JMP32 | BPF_JNE | BPF_K, R0, 0, 0, (int32_t)a[w]);
	}
	go(as, to);
	for (unsigned w = 0; w < 4; w++)
		as->p[miss[w]].off = (int16_t)(as->n - miss[w] - 1);
}

/* The frame's Ethernet header: the cell's MAC, untagged; then by type. */
static void assemble_ethernet(struct assembler *as, const struct addrs *a)
{
	emit(as, BPF_ALU64 | BPF_MOV | BPF_X, R6, R1, 0, 0);
	emit(as, BPF_LDX | BPF_W | BPF_MEM, R7, R6, (int16_t)offsetof(struct __sk_buff, len), 0);
	/* A VLAN tag is taken out of the frame before tc sees it. */
	emit(as, BPF_LDX | BPF_W | BPF_MEM, R2, R6,
	     (int16_t)offsetof(struct __sk_buff, vlan_present), 0);
	jump(as, BPF_JMP | BPF_JNE | BPF_K, R2, 0, 0, L_DROP);
	need(as, ETH_HLEN);
	load_abs(as, BPF_W, ETH_SRC);
	unless_eq32(as, a->mac_hi, L_DROP);
	load_abs(as, BPF_H, ETH_SRC + 4);
	unless_eq32(as, a->mac_lo, L_DROP);
	load_abs(as, BPF_H, ETH_TYPE);
	if_eq32(as, ETH_P_ARP, L_ARP);
	if_eq32(as, ETH_P_IP, L_IPV4);
	if_eq32(as, ETH_P_IPV6, L_IPV6);
	go(as, L_DROP);
}

static void assemble_arp(struct assembler *as, const struct addrs *a)
{
	label(as, L_ARP);
	need(as, ARP_END);
	load_abs(as, BPF_W, ARP_HEAD); /* Ethernet, IPv4 */
	unless_eq32(as, (uint32_t)ARPHRD_ETHER << 16 | ETH_P_IP, L_DROP);
	load_abs(as, BPF_H, ARP_LENS);
	unless_eq32(as, ETH_ALEN << 8 | 4, L_DROP);
	load_abs(as, BPF_W, ARP_SHA);
	unless_eq32(as, a->mac_hi, L_DROP);
	load_abs(as, BPF_H, ARP_SHA + 4);
	unless_eq32(as, a->mac_lo, L_DROP);
	load_abs(as, BPF_W, ARP_SPA);
	if_eq32(as, 0, L_ARP_PROBE);
	for (unsigned i = 0; i < a->n4; i++)
		if_eq32(as, a->v4[i], L_PASS);
	go(as, L_DROP);

	/* A probe (RFC 5227), "who has X" from nobody yet: only for its own
	 * X, since a host probing for X takes another's probe as a conflict. */
	label(as, L_ARP_PROBE);
	load_abs(as, BPF_W, ARP_TPA);
	for (unsigned i = 0; i < a->n4; i++)
		if_eq32(as, a->v4[i], L_PASS);
	go(as, L_DROP);
}

static void assemble_ipv4(struct assembler *as, const struct addrs *a)
{
	label(as, L_IPV4);
	need(as, IP4_END);
	load_abs(as, BPF_W, IP4_SRC);
	for (unsigned i = 0; i < a->n4; i++)
		if_eq32(as, a->v4[i], L_PASS);
	go(as, L_DROP);
}

/* R8 equal to v: go to label to. */
static void if_r8(struct assembler *as, int32_t v, enum label to)
{
	jump(as, BPF_JMP | BPF_JEQ | BPF_K, R8, 0, v, to);
}

/* The source is the cell's or ::: walk the chain (R9 the offset of the
 * header R8 names) to ICMPv6, a Fragment header or its end. */
static void walk_v6_chain(struct assembler *as)
{
	label(as, L_V6_SOURCE_OK);
	emit(as, BPF_ALU64 | BPF_MOV | BPF_K, R9, 0, 0, IP6_END);
	for (int k = 0; k <= EXT_WALK; k++) {
		unsigned not_ext;

		if_r8(as, IPPROTO_ICMPV6, L_ICMP6);
		if_r8(as, IPPROTO_FRAGMENT, L_V6_FRAGMENT);
		if (k == EXT_WALK) { /* a third extension header: dropped there */
			go(as, L_V6_UPPER);
			break;
		}
		/* Anything but an extension header the walk reads: the end. */
		not_ext = as->n;
		for (size_t i = 0; i < COUNT(ext_headers); i++)
			emit(as, BPF_JMP | BPF_JEQ | BPF_K, R8, 0, 0, ext_headers[i]);
		go(as, L_V6_UPPER);
		for (unsigned i = not_ext; i < as->n - 1; i++)
			as->p[i].off = (int16_t)(as->n - i - 1);
		/* next header, length in 8 octets less the first */
		emit(as, BPF_ALU64 | BPF_MOV | BPF_X, R2, R9, 0, 0);
		emit(as, BPF_ALU64 | BPF_ADD | BPF_K, R2, 0, 0, 2);
		jump(as, BPF_JMP | BPF_JGT | BPF_X, R2, R7, 0, L_DROP);
		load_ind(as, BPF_B, R9, 0);
		emit(as, BPF_ALU64 | BPF_MOV | BPF_X, R8, R0, 0, 0);
		load_ind(as, BPF_B, R9, 1);
		emit(as, BPF_ALU64 | BPF_ADD | BPF_K, R0, 0, 0, 1);
		emit(as, BPF_ALU64 | BPF_LSH | BPF_K, R0, 0, 0, 3);
		emit(as, BPF_ALU64 | BPF_ADD | BPF_X, R9, R0, 0, 0);
	}
}

/* ICMPv6 and the neighbour discovery it may carry. */
static void assemble_icmp6(struct assembler *as, const struct addrs *a)
{
	static const uint32_t unspecified[4];

	/* ICMPv6 at R9 (its type into R8), not behind a Fragment header.
	 * From the cell's addresses: no router advertisements or redirects; a
	 * neighbour advertisement only right behind the IPv6 header, for one
	 * of the cell's own addresses. */
	label(as, L_ICMP6);
	emit(as, BPF_ALU64 | BPF_MOV | BPF_X, R2, R9, 0, 0);
	emit(as, BPF_ALU64 | BPF_ADD | BPF_K, R2, 0, 0, 1);
	jump(as, BPF_JMP | BPF_JGT | BPF_X, R2, R7, 0, L_DROP);
	load_ind(as, BPF_B, R9, 0);
	emit(as, BPF_ALU64 | BPF_MOV | BPF_X, R8, R0, 0, 0);
	match_v6(as, IP6_SRC, unspecified, L_ICMP6_UNSPEC);
	if_r8(as, ICMP6_RA, L_DROP);
	if_r8(as, ICMP6_REDIRECT, L_DROP);
	if_r8(as, ICMP6_NA, L_ND_TARGET);
	go(as, L_PASS);

	/* From :: (no address yet): MLD reports (RFC 3590, v1 and v2) and
	 * DAD, a neighbour solicitation right behind the IPv6 header for one
	 * of the cell's own addresses (a host testing an address gives it
	 * up on another's, RFC 4862 5.4.3). */
	label(as, L_ICMP6_UNSPEC);
	if_r8(as, ICMP6_MLD2_REPORT, L_PASS);
	if_r8(as, ICMP6_MLD1_REPORT, L_PASS);
	if_r8(as, ICMP6_MLD1_DONE, L_PASS);
	jump(as, BPF_JMP | BPF_JNE | BPF_K, R8, 0, ICMP6_NS, L_DROP);

	/* An NA's or a DAD NS's target: one of the cell's own addresses. */
	label(as, L_ND_TARGET);
	jump(as, BPF_JMP | BPF_JNE | BPF_K, R9, 0, IP6_END, L_DROP);
	need(as, NA_END);
	for (unsigned i = 0; i < a->n6; i++)
		match_v6(as, NA_TARGET, a->v6[i], L_PASS);
	go(as, L_DROP);
}

static void assemble_ipv6(struct assembler *as, const struct addrs *a)
{
	static const uint32_t unspecified[4];

	label(as, L_IPV6);
	need(as, IP6_END);
	load_abs(as, BPF_B, IP6_NEXT);
	emit(as, BPF_ALU64 | BPF_MOV | BPF_X, R8, R0, 0, 0);
	for (unsigned i = 0; i < a->n6; i++)
		match_v6(as, IP6_SRC, a->v6[i], L_V6_SOURCE_OK);
	/* :: too, but only for DAD and MLD: L_V6_UPPER and L_ICMP6 look again. */
	match_v6(as, IP6_SRC, unspecified, L_V6_SOURCE_OK);
	go(as, L_DROP);

	walk_v6_chain(as);

	/* A Fragment header at R9, whole: what it names must be an upper
	 * layer (so not ICMPv6, not an extension header), in every fragment. */
	label(as, L_V6_FRAGMENT);
	emit(as, BPF_ALU64 | BPF_MOV | BPF_X, R2, R9, 0, 0);
	emit(as, BPF_ALU64 | BPF_ADD | BPF_K, R2, 0, 0, FRAG_LEN);
	jump(as, BPF_JMP | BPF_JGT | BPF_X, R2, R7, 0, L_DROP);
	load_ind(as, BPF_B, R9, 0);
	emit(as, BPF_ALU64 | BPF_MOV | BPF_X, R8, R0, 0, 0);

	/* The chain ends in R8: one of the listed upper layers, from the
	 * cell's own address (never ::), passes. */
	label(as, L_V6_UPPER);
	match_v6(as, IP6_SRC, unspecified, L_DROP);
	for (size_t i = 0; i < COUNT(upper_layer); i++)
		if_r8(as, upper_layer[i], L_PASS);
	go(as, L_DROP);

	assemble_icmp6(as, a);
}

int netguard_assemble(const struct cell_net *n, const unsigned char mac[6], struct bpf_insn *insns)
{
	struct assembler as = {.p = insns};
	struct addrs a;

	for (unsigned l = 0; l < L_COUNT; l++)
		as.at[l] = -1;
	cell_addrs(n, mac, &a);
	assemble_ethernet(&as, &a);
	assemble_arp(&as, &a);
	assemble_ipv4(&as, &a);
	assemble_ipv6(&as, &a);
	label(&as, L_PASS);
	emit(&as, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, TC_ACT_OK);
	emit(&as, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	label(&as, L_DROP);
	emit(&as, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, TC_ACT_SHOT);
	emit(&as, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	if (as.full)
		return -ENOSPC;
	for (unsigned i = 0; i < as.n_fix; i++) {
		int to = as.at[as.fix[i].to];

		insns[as.fix[i].insn].off = (int16_t)(to - (int)as.fix[i].insn - 1);
	}
	return (int)as.n;
}

int netguard_load(const struct cell_net *n, const unsigned char mac[6], char *err, size_t errlen)
{
	struct bpf_insn prog[NETGUARD_INSNS_MAX];
	char why[256];
	int len, fd;

	err[0] = '\0';
	if ((len = netguard_assemble(n, mac, prog)) < 0)
		return len;
	fd = bpfprog_load(BPF_PROG_TYPE_SCHED_CLS, 0, "cellar_guard", prog, (unsigned)len, why,
			  sizeof(why));
	if (fd < 0 && *why)
		snprintf(err, errlen, "verifier: %s", why);
	return fd;
}

static struct nlmsghdr *tc_msg(char *buf, uint16_t type, int ifindex, uint32_t parent,
			       uint32_t handle, uint32_t info)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tcm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	tcm->tcm_handle = handle;
	tcm->tcm_info = info;
	return nlh;
}

/* A kernel without the part: name the module (and the way out). */
static int missing(int r, const char *module, char *err, size_t errlen)
{
	char kernel[120];

	if (r != -ENOENT && r != -EOPNOTSUPP)
		return r;
	snprintf(kernel, sizeof(kernel), "%s", err);
	snprintf(err, errlen, "%s%sthe kernel lacks %s (or set net_filter = no)", kernel,
		 *kernel ? "; " : "", module);
	return r;
}

int netguard_attach(struct mnl_socket *nl, int ifindex, const char *host, const struct cell_net *n,
		    const unsigned char mac[6], char *what, size_t whatlen, char *err,
		    size_t errlen)
{
	char buf[NL_BUF_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *opts;
	int fd, r;

	snprintf(what, whatlen, "load the spoofing filter for %s", host);
	if ((r = fd = netguard_load(n, mac, err, errlen)) < 0)
		return r;
	snprintf(what, whatlen, "add a clsact qdisc to %s", host);
	nlh = tc_msg(buf, RTM_NEWQDISC, ifindex, TC_H_CLSACT, TC_H_MAKE(TC_H_CLSACT, 0), 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "clsact");
	if ((r = rtnl_talk(nl, nlh, NULL, NULL, err, errlen)) < 0) {
		r = missing(r, "sch_ingress", err, errlen);
		goto out;
	}
	snprintf(what, whatlen, "attach the spoofing filter to %s ingress", host);
	nlh = tc_msg(buf, RTM_NEWTFILTER, ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS), 1,
		     TC_H_MAKE(1u << 16, htons(ETH_P_ALL)));
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u32(nlh, TCA_BPF_FD, (uint32_t)fd);
	mnl_attr_put_strz(nlh, TCA_BPF_NAME, "cellar_guard");
	mnl_attr_put_u32(nlh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	mnl_attr_nest_end(nlh, opts);
	if ((r = rtnl_talk(nl, nlh, NULL, NULL, err, errlen)) < 0)
		r = missing(r, "cls_bpf", err, errlen);
out:
	close(fd); /* the filter holds the program */
	return r;
}
