// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet sockets: sockets with data waiting in their queues (inet_diag), UDP with drops. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "base/event.h"
#include "net/nl.h"
#include "base/out.h"
#include "base/opt.h"
#include "base/util.h"

struct sockets_opts {
	bool		all, json;
	const char	*netns;
};

static const struct opt sockets_opts[] = {
	OPT_F('a', "all", struct sockets_opts, all, "every socket, queues empty or not"),
	OPT_NETNS(struct sockets_opts, netns),
	OPT_JSON(struct sockets_opts, json),
	OPT_END,
};

const struct cmd_spec sockets_spec = {
	.name = "sockets",
	.about = "TCP sockets whose receive or send queue holds data (inet_diag over libnl), and\n"
		 "UDP sockets with queued data or drops (/proc/net/udp, udp6), with the process\n"
		 "that owns each where /proc shows it: who is not reading, who cannot send.\n",
	.opts = sockets_opts,
	.examples = "  ftnet sockets\n"
		    "  ftnet sockets --netns blue --json\n",
	.max_args = 0,
};

static void addr(const struct sock_row *r, const uint8_t *a, uint16_t port, char *buf,
		 size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(r->family, a, ip, sizeof(ip));
	snprintf(buf, size, r->family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, port);
}

/* A socket with data waiting or drops; a listener's Send-Q is its backlog, not data. */
static bool sock_busy(const struct sock_row *r)
{
	return r->rq || (r->wq && !(r->proto == IPPROTO_TCP && r->state == 10)) || r->drops;
}

static void sock_print(const struct sock_row *r)
{
	char l[80], p[80], proc[48];

	addr(r, r->saddr, r->sport, l, sizeof(l));
	addr(r, r->daddr, r->dport, p, sizeof(p));
	out_begin("socket");
	out_str(PRINT_ANY, "protocol", "%-5s ", r->proto == IPPROTO_TCP ? "tcp" : "udp");
	out_str(PRINT_ANY, "state", "%-12s ",
		r->proto == IPPROTO_TCP ? tcp_state_name(r->state) :
		(r->state == 7 ? "UNCONN" : "ESTAB"));
	out_uint(PRINT_ANY, "recv_q", "%9" PRIu64 " ", r->rq);
	out_uint(PRINT_ANY, "send_q", "%9" PRIu64 " ", r->wq);
	out_uint(PRINT_ANY, "drops", "%8" PRIu64 " ", r->drops);
	out_str(PRINT_ANY, "local", "%-46s ", l);
	out_uint(PRINT_JSON, "sport", NULL, r->sport);
	out_str(PRINT_ANY, "peer", "%-46s ", p);
	out_uint(PRINT_JSON, "dport", NULL, r->dport);
	if (r->pid) {
		snprintf(proc, sizeof(proc), "%s/%d", r->comm, r->pid);
		out_str(PRINT_JSON, "comm", NULL, r->comm);
		out_int(PRINT_JSON, "pid", NULL, r->pid);
		out_text_str("%s", proc);
	} else {
		out_text("-");
	}
	out_end();
}

int cmd_sockets(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct out_opts oo = { .mode = OUT_TEXT };
	struct sockets_opts o = { 0 };
	struct sock_row *rows;
	size_t n;

	(void)ctx;
	opt_parse(&sockets_spec, argc, argv, &o);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	if (o.netns)
		netns_or_die(o.netns);
	nl_sockets(&rows, &n);
	if (!out_is_json())
		out_printf("%-5s %-12s %9s %9s %8s %-46s %-46s %s\n", "PROTO", "STATE", "RECV-Q",
			   "SEND-Q", "DROPS", "LOCAL", "PEER", "PROCESS");
	for (size_t i = 0; i < n; i++)
		if (o.all || sock_busy(&rows[i]))
			sock_print(&rows[i]);
	out_flush();
	free(rows);
	return 0;
}
