// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet nftrace: nftables trace messages (rules with 'meta nftrace set 1'), like nft monitor trace. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <poll.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/cap.h"
#include "cmd/commands.h"
#include "base/out.h"
#include "source/session.h"
#include "base/opt.h"
#include "base/util.h"

struct nftrace_opts {
	bool		json;
	uint64_t	count;
	double		duration;
	const char	*netns;
};

static const struct opt nftrace_opts[] = {
	OPT_COUNT(struct nftrace_opts, count, "stop after N trace messages"),
	OPT_DURATION(struct nftrace_opts, duration),
	OPT_NETNS(struct nftrace_opts, netns),
	OPT_JSON(struct nftrace_opts, json),
	OPT_END,
};

const struct cmd_spec nftrace_spec = {
	.name = "nftrace",
	.about = "Prints the nftables trace messages the kernel sends over netlink: table, chain,\n"
		 "rule handle, verdict and the packet's headers, like 'nft monitor trace'. Only\n"
		 "packets marked by a rule with 'meta nftrace set 1' are traced, for example:\n"
		 "  nft add rule inet filter input tcp dport 443 meta nftrace set 1\n",
	.opts = nftrace_opts,
	.examples = "  ftnet nftrace\n"
		    "  ftnet nftrace --netns blue --json -c 100\n",
	.max_args = 0,
};

struct nftrace {
	uint64_t	seen, limit;
};

static const char *verdict_name(int32_t v, char *buf, size_t size)
{
	switch (v) {
	case NF_DROP: return "drop";
	case NF_ACCEPT: return "accept";
	case NF_STOLEN: return "stolen";
	case NF_QUEUE: return "queue";
	case NF_REPEAT: return "repeat";
	case NFT_CONTINUE: return "continue";
	case NFT_BREAK: return "break";
	case NFT_JUMP: return "jump";
	case NFT_GOTO: return "goto";
	case NFT_RETURN: return "return";
	}
	snprintf(buf, size, "%d", v);
	return buf;
}

static const char *type_name(uint32_t t)
{
	switch (t) {
	case NFT_TRACETYPE_RULE: return "rule";
	case NFT_TRACETYPE_RETURN: return "return";
	case NFT_TRACETYPE_POLICY: return "policy";
	}
	return "unknown";
}

/* The verdict of a trace message, when it has one. */
static bool trace_verdict(struct nlattr *attr, int32_t *verdict)
{
	struct nlattr *vt[NFTA_VERDICT_MAX + 1];

	if (!attr || nla_parse_nested(vt, NFTA_VERDICT_MAX, attr, NULL) || !vt[NFTA_VERDICT_CODE])
		return false;
	*verdict = (int32_t)ntohl(nla_get_u32(vt[NFTA_VERDICT_CODE]));
	return true;
}

/* The network and transport headers, joined, through the capture dissector. */
static void trace_packet(struct nlattr *nh, struct nlattr *th)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	uint8_t hdr[256];
	struct packet p;
	size_t hl, n;

	if (!nh)
		return;
	n = (size_t)nla_len(nh);
	hl = n < sizeof(hdr) ? n : sizeof(hdr);
	memcpy(hdr, nla_data(nh), hl);
	if (th) {
		n = (size_t)nla_len(th);
		if (n > sizeof(hdr) - hl)
			n = sizeof(hdr) - hl;
		memcpy(hdr + hl, nla_data(th), n);
		hl += n;
	}
	if (!hl)
		return;
	cap_dissect(DLT_RAW, hdr, (uint32_t)hl, (uint32_t)hl, 0, "", &p);
	if (!p.family)
		return;
	inet_ntop(p.family, p.saddr, s, sizeof(s));
	inet_ntop(p.family, p.daddr, d, sizeof(d));
	out_uint(PRINT_ANY, "ip_proto", "proto %" PRIu64 " ", p.proto);
	out_str(PRINT_ANY, "saddr", "%s", s);
	if (p.proto == IPPROTO_TCP || p.proto == IPPROTO_UDP)
		out_uint(PRINT_ANY, "sport", ":%" PRIu64, p.sport);
	out_str(PRINT_ANY, "daddr", " > %s", d);
	if (p.proto == IPPROTO_TCP || p.proto == IPPROTO_UDP)
		out_uint(PRINT_ANY, "dport", ":%" PRIu64, p.dport);
}

/* Table, chain, kind, rule, verdict, interfaces and mark of one trace message. */
static void trace_print(struct nlattr **tb)
{
	char ifn[IF_NAMESIZE] = "", vbuf[16];
	int32_t verdict = NFT_CONTINUE;

	out_uint(PRINT_ANY, "trace_id", "trace %08" PRIx64 " ",
		 tb[NFTA_TRACE_ID] ? ntohl(nla_get_u32(tb[NFTA_TRACE_ID])) : 0);
	out_str(PRINT_ANY, "table", "%s ",
		tb[NFTA_TRACE_TABLE] ? nla_get_string(tb[NFTA_TRACE_TABLE]) : "?");
	out_str(PRINT_ANY, "chain", "%s ",
		tb[NFTA_TRACE_CHAIN] ? nla_get_string(tb[NFTA_TRACE_CHAIN]) : "?");
	out_str(PRINT_ANY, "kind", "%s ",
		tb[NFTA_TRACE_TYPE] ? type_name(ntohl(nla_get_u32(tb[NFTA_TRACE_TYPE]))) : "unknown");
	if (tb[NFTA_TRACE_RULE_HANDLE])
		out_uint(PRINT_ANY, "rule_handle", "handle %" PRIu64 " ",
			 be64toh(nla_get_u64(tb[NFTA_TRACE_RULE_HANDLE])));
	if (trace_verdict(tb[NFTA_TRACE_VERDICT], &verdict))
		out_str(PRINT_ANY, "verdict", "verdict %s ",
			verdict_name(verdict, vbuf, sizeof(vbuf)));
	if (tb[NFTA_TRACE_IIF] && if_indextoname(ntohl(nla_get_u32(tb[NFTA_TRACE_IIF])), ifn))
		out_str(PRINT_ANY, "iif", "iif %s ", ifn);
	if (tb[NFTA_TRACE_OIF] && if_indextoname(ntohl(nla_get_u32(tb[NFTA_TRACE_OIF])), ifn))
		out_str(PRINT_ANY, "oif", "oif %s ", ifn);
	if (tb[NFTA_TRACE_MARK])
		out_uint(PRINT_ANY, "mark", "mark 0x%" PRIx64 " ",
			 ntohl(nla_get_u32(tb[NFTA_TRACE_MARK])));
	trace_packet(tb[NFTA_TRACE_NETWORK_HEADER], tb[NFTA_TRACE_TRANSPORT_HEADER]);
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct nftrace *t = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[NFTA_TRACE_MAX + 1];

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_TRACE ||
	    NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES)
		return NL_OK;
	if (nlmsg_parse(nlh, sizeof(struct nfgenmsg), tb, NFTA_TRACE_MAX, NULL) < 0)
		return NL_OK;
	if (t->limit && t->seen >= t->limit)
		return NL_STOP;
	t->seen++;
	out_begin("nftrace");
	trace_print(tb);
	out_end();
	out_flush();
	return NL_OK;
}

/* A netfilter netlink socket in the nftables trace group, calling on_msg. */
static struct nl_sock *trace_socket(struct nftrace *t)
{
	struct nl_sock *sk = nl_socket_alloc();
	int ret;

	if (!sk)
		die(EXIT_FAIL, "out of memory");
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, t);
	if ((ret = nl_connect(sk, NETLINK_NETFILTER)) < 0)
		die(EXIT_FAIL, "cannot open a netfilter netlink socket: %s", nl_geterror(ret));
	if ((ret = nl_socket_add_membership(sk, NFNLGRP_NFTRACE)) < 0)
		die(EXIT_FAIL, "cannot join the nftables trace group: %s: it needs root (CAP_NET_ADMIN) and nf_tables in the kernel",
		    nl_geterror(ret));
	nl_socket_set_nonblocking(sk);
	return sk;
}

int cmd_nftrace(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct out_opts oo = { .mode = OUT_TEXT };
	struct nftrace_opts o = { 0 };
	struct nftrace t = { 0 };
	uint64_t deadline = 0;
	struct nl_sock *sk;

	(void)ctx;
	opt_parse(&nftrace_spec, argc, argv, &o);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	if (o.netns)
		netns_or_die(o.netns);
	t.limit = o.count;
	sk = trace_socket(&t);
	fprintf(stderr, "%s: waiting for nftables trace messages; only packets marked by a rule with 'meta nftrace set 1' are traced, e.g.\n  nft add rule inet filter input tcp dport 443 meta nftrace set 1\n",
		prog_name);
	session_signals();
	if (o.duration)
		deadline = mono_ns() + (uint64_t)(o.duration * 1e9);
	while (!session_stop && !(t.limit && t.seen >= t.limit)) {
		struct pollfd pfd = { nl_socket_get_fd(sk), POLLIN, 0 };

		if (deadline && mono_ns() >= deadline)
			break;
		if (poll(&pfd, 1, 100) > 0)
			nl_recvmsgs_default(sk);
	}
	nl_socket_free(sk);
	fprintf(stderr, "%s: %" PRIu64 " trace messages\n", prog_name, t.seen);
	return 0;
}
