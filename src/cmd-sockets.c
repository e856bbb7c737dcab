/* ftnet sockets: sockets with data waiting in their queues (inet_diag), UDP with drops. */
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "event.h"
#include "nl.h"
#include "out.h"
#include "opt.h"
#include "util.h"

static void sockets_usage(FILE *f)
{
	fprintf(f, "usage: ftnet sockets [--all] [--netns NAME|PID] [--json]\n\n"
		   "TCP sockets whose receive or send queue holds data (inet_diag over libnl), and\n"
		   "UDP sockets with queued data or drops (/proc/net/udp, udp6), with the process\n"
		   "that owns each where /proc shows it: who is not reading, who cannot send.\n\n"
		   "  -a, --all        every socket, queues empty or not\n"
		   "  -n, --netns NS   the sockets of another network namespace\n"
		   "  -j, --json       one object per socket\n\n"
		   "EXAMPLES\n"
		   "  ftnet sockets\n"
		   "  ftnet sockets --netns blue --json\n");
}

static void addr(const struct sock_row *r, const uint8_t *a, uint16_t port, char *buf,
		 size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(r->family, a, ip, sizeof(ip));
	snprintf(buf, size, r->family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, port);
}

int cmd_sockets(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "netns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct out_opts oo = { .mode = OUT_TEXT };
	struct sock_row *rows;
	bool all = false;
	size_t n;
	int c;

	(void)ctx;
	while ((c = getopt_long(argc, argv, "an:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 'n':
			netns_or_die(optarg);
			break;
		case 'j': oo.mode = OUT_JSON; break;
		case 'h':
			sockets_usage(stdout);
			return 0;
		default:
			sockets_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		usage_error("sockets", "unexpected argument '%s'", argv[optind]);
	out_init(&oo);
	nl_sockets(&rows, &n);
	if (!out_is_json())
		printf("%-5s %-12s %9s %9s %8s %-46s %-46s %s\n", "PROTO", "STATE", "RECV-Q",
		       "SEND-Q", "DROPS", "LOCAL", "PEER", "PROCESS");
	for (size_t i = 0; i < n; i++) {
		const struct sock_row *r = &rows[i];
		char l[80], p[80], proc[48];

		/* a listener's Send-Q is its backlog, not data: only its accept queue counts */
		if (!all && !r->rq && (!r->wq || (r->proto == IPPROTO_TCP && r->state == 10)) &&
		    !r->drops)
			continue;
		addr(r, r->saddr, r->sport, l, sizeof(l));
		addr(r, r->daddr, r->dport, p, sizeof(p));
		out_begin("socket");
		out_str("protocol", "%-5s ", r->proto == IPPROTO_TCP ? "tcp" : "udp");
		out_str("state", "%-12s ", r->proto == IPPROTO_TCP ? tcp_state_name(r->state) :
			(r->state == 7 ? "UNCONN" : "ESTAB"));
		out_uint("recv_q", "%9" PRIu64 " ", r->rq);
		out_uint("send_q", "%9" PRIu64 " ", r->wq);
		out_uint("drops", "%8" PRIu64 " ", r->drops);
		out_str("local", "%-46s ", l);
		out_uint("sport", "", r->sport);
		out_str("peer", "%-46s ", p);
		out_uint("dport", "", r->dport);
		if (r->pid) {
			snprintf(proc, sizeof(proc), "%s/%d", r->comm, r->pid);
			out_str("comm", "", r->comm);
			out_int("pid", "", r->pid);
			out_text("%s", proc);
		} else {
			out_text("-");
		}
		out_end();
	}
	out_flush();
	free(rows);
	return 0;
}

/* placeholder until the options move into a table */
static const struct opt sockets_opts_tbl[] = { OPT_END };
const struct cmd_spec sockets_spec = { .name = "sockets", .opts = sockets_opts_tbl, .max_args = -1 };
