/* ftnet nftrace: nftables trace messages (rules with 'meta nftrace set 1'), like nft monitor trace. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
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

#include "cap.h"
#include "cmds.h"
#include "out.h"
#include "session.h"
#include "opt.h"
#include "util.h"

static void nftrace_usage(FILE *f)
{
	fprintf(f, "usage: ftnet nftrace [-c N] [-d SECS] [--netns NAME|PID] [--json]\n\n"
		   "Prints the nftables trace messages the kernel sends over netlink: table, chain,\n"
		   "rule handle, verdict and the packet's headers, like 'nft monitor trace'. Only\n"
		   "packets marked by a rule with 'meta nftrace set 1' are traced, for example:\n"
		   "  nft add rule inet filter input tcp dport 443 meta nftrace set 1\n\n"
		   "EXAMPLES\n"
		   "  ftnet nftrace\n"
		   "  ftnet nftrace --netns blue --json -c 100\n");
}

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

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct nftrace *t = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[NFTA_TRACE_MAX + 1];
	char ifn[IF_NAMESIZE] = "", vbuf[16];
	uint8_t hdr[256];
	size_t hl = 0;
	int32_t verdict = NFT_CONTINUE;
	bool has_verdict = false;

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_TRACE ||
	    NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES)
		return NL_OK;
	if (nlmsg_parse(nlh, sizeof(struct nfgenmsg), tb, NFTA_TRACE_MAX, NULL) < 0)
		return NL_OK;
	if (t->limit && t->seen >= t->limit)
		return NL_STOP;
	t->seen++;
	if (tb[NFTA_TRACE_VERDICT]) {
		struct nlattr *vt[NFTA_VERDICT_MAX + 1];

		if (!nla_parse_nested(vt, NFTA_VERDICT_MAX, tb[NFTA_TRACE_VERDICT], NULL) &&
		    vt[NFTA_VERDICT_CODE]) {
			verdict = (int32_t)ntohl(nla_get_u32(vt[NFTA_VERDICT_CODE]));
			has_verdict = true;
		}
	}
	out_begin("nftrace");
	out_uint("trace_id", "trace %08" PRIx64 " ", tb[NFTA_TRACE_ID] ?
		 ntohl(nla_get_u32(tb[NFTA_TRACE_ID])) : 0);
	out_str("table", "%s ", tb[NFTA_TRACE_TABLE] ? nla_get_string(tb[NFTA_TRACE_TABLE]) : "?");
	out_str("chain", "%s ", tb[NFTA_TRACE_CHAIN] ? nla_get_string(tb[NFTA_TRACE_CHAIN]) : "?");
	out_str("kind", "%s ", tb[NFTA_TRACE_TYPE] ?
		type_name(ntohl(nla_get_u32(tb[NFTA_TRACE_TYPE]))) : "unknown");
	if (tb[NFTA_TRACE_RULE_HANDLE])
		out_uint("rule_handle", "handle %" PRIu64 " ",
			 be64toh(nla_get_u64(tb[NFTA_TRACE_RULE_HANDLE])));
	if (has_verdict)
		out_str("verdict", "verdict %s ", verdict_name(verdict, vbuf, sizeof(vbuf)));
	if (tb[NFTA_TRACE_IIF] && if_indextoname(ntohl(nla_get_u32(tb[NFTA_TRACE_IIF])), ifn))
		out_str("iif", "iif %s ", ifn);
	if (tb[NFTA_TRACE_OIF] && if_indextoname(ntohl(nla_get_u32(tb[NFTA_TRACE_OIF])), ifn))
		out_str("oif", "oif %s ", ifn);
	if (tb[NFTA_TRACE_MARK])
		out_uint("mark", "mark 0x%" PRIx64 " ", ntohl(nla_get_u32(tb[NFTA_TRACE_MARK])));
	/* the network and transport headers, joined, through the capture dissector */
	if (tb[NFTA_TRACE_NETWORK_HEADER]) {
		size_t n = (size_t)nla_len(tb[NFTA_TRACE_NETWORK_HEADER]);

		hl = n < sizeof(hdr) ? n : sizeof(hdr);
		memcpy(hdr, nla_data(tb[NFTA_TRACE_NETWORK_HEADER]), hl);
		if (tb[NFTA_TRACE_TRANSPORT_HEADER]) {
			size_t m = (size_t)nla_len(tb[NFTA_TRACE_TRANSPORT_HEADER]);

			if (m > sizeof(hdr) - hl)
				m = sizeof(hdr) - hl;
			memcpy(hdr + hl, nla_data(tb[NFTA_TRACE_TRANSPORT_HEADER]), m);
			hl += m;
		}
	}
	if (hl) {
		struct packet p;
		char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

		cap_dissect(DLT_RAW, hdr, (uint32_t)hl, (uint32_t)hl, 0, "", &p);
		if (p.family) {
			inet_ntop(p.family, p.saddr, s, sizeof(s));
			inet_ntop(p.family, p.daddr, d, sizeof(d));
			out_uint("ip_proto", "proto %" PRIu64 " ", p.proto);
			out_str("saddr", "%s", s);
			if (p.proto == IPPROTO_TCP || p.proto == IPPROTO_UDP)
				out_uint("sport", ":%" PRIu64, p.sport);
			out_str("daddr", " > %s", d);
			if (p.proto == IPPROTO_TCP || p.proto == IPPROTO_UDP)
				out_uint("dport", ":%" PRIu64, p.dport);
		}
	}
	out_end();
	out_flush();
	return NL_OK;
}

int cmd_nftrace(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "netns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct out_opts oo = { .mode = OUT_TEXT };
	struct nftrace t = { 0 };
	struct nl_sock *sk;
	uint64_t deadline = 0;
	int c, ret;

	(void)ctx;
	while ((c = getopt_long(argc, argv, "c:d:n:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_u64(optarg, &t.limit) < 0 || !t.limit)
				usage_error("nftrace", "invalid count '%s'", optarg);
			break;
		case 'd':
			deadline = (uint64_t)(seconds_or_die("nftrace", "duration", optarg) * 1e9);
			break;
		case 'n':
			netns_or_die(optarg);
			break;
		case 'j': oo.mode = OUT_JSON; break;
		case 'h':
			nftrace_usage(stdout);
			return 0;
		default:
			nftrace_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		usage_error("nftrace", "unexpected argument '%s'", argv[optind]);
	out_init(&oo);
	sk = nl_socket_alloc();
	if (!sk)
		die(EXIT_FAIL, "out of memory");
	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, &t);
	if ((ret = nl_connect(sk, NETLINK_NETFILTER)) < 0)
		die(EXIT_FAIL, "cannot open a netfilter netlink socket: %s", nl_geterror(ret));
	if ((ret = nl_socket_add_membership(sk, NFNLGRP_NFTRACE)) < 0)
		die(EXIT_FAIL, "cannot join the nftables trace group: %s: it needs root "
			       "(CAP_NET_ADMIN) and nf_tables in the kernel", nl_geterror(ret));
	nl_socket_set_nonblocking(sk);
	fprintf(stderr, "%s: waiting for nftables trace messages; only packets marked by a rule "
		"with 'meta nftrace set 1' are traced, e.g.\n  nft add rule inet filter input "
		"tcp dport 443 meta nftrace set 1\n", prog_name);
	session_signals();
	if (deadline)
		deadline += mono_ns();
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

/* placeholder until the options move into a table */
static const struct opt nftrace_opts_tbl[] = { OPT_END };
const struct cmd_spec nftrace_spec = { .name = "nftrace", .opts = nftrace_opts_tbl, .max_args = -1 };
