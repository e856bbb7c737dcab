/* ftnet selftest: provoke every group on loopback from inside ftnet and check it was seen. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "groups.h"
#include "ksyms.h"
#include "out.h"
#include "session.h"
#include "opt.h"
#include "util.h"

#define UDP_SENDS 3
#define SYN_CLIENTS 2

static void selftest_usage(FILE *f)
{
	fprintf(f, "usage: ftnet selftest [--json]\n\n"
		   "Enables every group in a private instance, provokes each on loopback (UDP to\n"
		   "a closed port, TCP to a closed port, a TCP connect, SYN retransmits against a\n"
		   "full backlog, rx/tx on lo), and prints PASS or FAIL per group with the counts\n"
		   "expected and seen. Needs no other tool; exits 0 only when all pass.\n\n"
		   "EXAMPLES\n"
		   "  ftnet selftest\n"
		   "  ftnet selftest --json\n");
}

struct probe {
	const struct ksyms	*ks;
	uint16_t	closed_udp, closed_tcp, rst_client;	/* ports */
	uint16_t	listen_port, client_port, backlog_port, abort_port;
	uint64_t	drops, drops_noreason, drops_invented, drops_at_udp, rst_sent, rst_recv;
	uint64_t	abort_sent, abort_recv, retrans, states, connects;
	uint64_t	connect_bad_latency, rx_lo, tx_lo, lost, udp_sends;
	int		pid;
	bool		reasons;	/* this kernel's kfree_skb has a reason */
	bool		nosock_rst;	/* tcp_send_reset sees resets sent without a socket (6.10+) */
};

static uint16_t closed_port(int type)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	uint16_t port = 0;

	if (fd < 0)
		return 0;
	/* the kernel hands out a free port; once closed, nothing listens there */
	if (!bind(fd, (struct sockaddr *)&a, sizeof(a)) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static uint16_t local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		return 0;
	return ntohs(a.sin_port);
}

static struct sockaddr_in lo_addr(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return a;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !session_stop)
		;
}

static int provoke(struct probe *p)
{
	int fds[10 + SYN_CLIENTS], nfd = 0, fd, lfd, bfd, ret = -1;
	struct sockaddr_in a;
	const char msg[] = "ftnet-selftest";

	/* drops: UDP datagrams to a port nobody listens on (NO_SOCKET) */
	p->closed_udp = closed_port(SOCK_DGRAM);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || !p->closed_udp)
		goto out;
	fds[nfd++] = fd;
	a = lo_addr(p->closed_udp);
	for (int i = 0; i < UDP_SENDS; i++)
		if (sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&a, sizeof(a)) < 0)
			goto out;

	/* resets: TCP connect to a closed port, refused with a RST */
	p->closed_tcp = closed_port(SOCK_STREAM);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || !p->closed_tcp)
		goto out;
	fds[nfd++] = fd;
	a = lo_addr(p->closed_tcp);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != ECONNREFUSED)
		goto out;
	p->rst_client = local_port(fd);

	/* connect and states: a connect that succeeds */
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	a = lo_addr(0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 4))
		goto out;
	fds[nfd++] = lfd;
	p->listen_port = local_port(lfd);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	a = lo_addr(p->listen_port);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		goto out;
	fds[nfd++] = fd;
	p->client_port = local_port(fd);

	/* resets with a socket: the client aborts (linger 0), its peer receives the RST */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
		goto out;
	p->abort_port = local_port(fd);
	{
		struct linger lg = { 1, 0 };
		int peer = accept(lfd, NULL, NULL);

		if (peer >= 0)
			fds[nfd++] = peer;
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
	}

	/* retrans: listen(0) that never accepts; the queue fills and SYNs go unanswered */
	bfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	a = lo_addr(0);
	if (bfd < 0 || bind(bfd, (struct sockaddr *)&a, sizeof(a)) || listen(bfd, 0))
		goto out;
	fds[nfd++] = bfd;
	p->backlog_port = local_port(bfd);
	a = lo_addr(p->backlog_port);
	for (int i = 0; i < SYN_CLIENTS + 1; i++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			goto out;
		fds[nfd++] = fd;
		connect(fd, (struct sockaddr *)&a, sizeof(a));
	}
	/* the first SYN retransmit comes after the initial RTO of one second */
	sleep_ms(1400);
	ret = 0;
out:
	if (ret < 0)
		error("selftest: cannot provoke the events on loopback: %s", strerror(errno));
	while (nfd)
		close(fds[--nfd]);
	return ret;
}

static bool lo_v4(const struct ftnet_event *ev)
{
	return ev->family == AF_INET && ev->saddr[0] == 127 && ev->daddr[0] == 127;
}

static void count_event(void *arg, const struct ftnet_event *ev)
{
	struct probe *p = arg;

	switch (ev->type) {
	case EV_DROP: {
		char loc[128];

		if (ev->reason_name && !strcmp(ev->reason_name, "NO_SOCKET"))
			p->drops++;
		else if (ev->reason < 0)
			p->drops_noreason++;
		if (!p->reasons && ev->reason >= 0)
			p->drops_invented++;
		ksyms_format(p->ks, ev->location, loc, sizeof(loc));
		if (!strncmp(loc, "__udp4_lib_rcv+", 15))
			p->drops_at_udp++;
		break;
	}
	case EV_RESET:
		if (!lo_v4(ev))
			break;
		if (ev->dir == DIR_SENT && ev->sport == p->closed_tcp && ev->dport == p->rst_client)
			p->rst_sent++;
		if (ev->dir == DIR_RECEIVED && ev->sport == p->rst_client &&
		    ev->dport == p->closed_tcp)
			p->rst_recv++;
		if (ev->dir == DIR_SENT && ev->sport == p->abort_port && ev->dport == p->listen_port)
			p->abort_sent++;
		if (ev->dir == DIR_RECEIVED && ev->sport == p->listen_port &&
		    ev->dport == p->abort_port)
			p->abort_recv++;
		break;
	case EV_RETRANS:
		if (lo_v4(ev) && ev->dport == p->backlog_port)
			p->retrans++;
		break;
	case EV_STATE:
		if (lo_v4(ev) && ev->sport == p->client_port && ev->dport == p->listen_port)
			p->states++;
		break;
	case EV_CONNECT:
		if (lo_v4(ev) && ev->sport == p->client_port && ev->dport == p->listen_port &&
		    ev->ok) {
			p->connects++;
			if (!ev->latency_ns)
				p->connect_bad_latency++;
		}
		break;
	case EV_RX:
		if (!strcmp(ev->dev, "lo"))
			p->rx_lo++;
		break;
	case EV_TX:
		if (!strcmp(ev->dev, "lo"))
			p->tx_lo++;
		break;
	case EV_UDP:
		if (ev->pid == p->pid)
			p->udp_sends++;
		break;
	case EV_LOST:
		p->lost += ev->count ? ev->count : 1;
		break;
	default:
		break;
	}
}

/* The groups the selftest provokes, and the backend each gets on this kernel. */
static struct gstate {
	const char	*name;
	int		backend;	/* -1: cannot run here (why says so) */
	char		why[256];
} gst[] = {
	{ "drops", 0, "" }, { "resets", 0, "" }, { "retrans", 0, "" }, { "states", 0, "" },
	{ "connect", 0, "" }, { "rx", 0, "" }, { "tx", 0, "" }, { "udp", 0, "" },
};

static struct gstate *gstate_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(gst); i++)
		if (!strcmp(gst[i].name, name))
			return &gst[i];
	return NULL;
}

static int unavailable;

static bool result(const char *group, const char *what, uint64_t expected, uint64_t seen,
		   bool exact)
{
	const struct gstate *g = gstate_of(group);
	bool pass = exact ? seen == expected : seen >= expected;
	char exp[32];

	out_begin("selftest");
	out_str("group", "%-9s ", group);
	if (!g || g->backend < 0) {
		/* what the kernel cannot do is reported, not failed */
		unavailable++;
		out_str("backend", "%-11s ", "n/a");
		out_str("check", "%-38s ", what);
		out_str("result", "n/a: %s", g ? g->why : "unknown group");
		out_end();
		return true;
	}
	snprintf(exp, sizeof(exp), "%s%" PRIu64, exact ? "" : ">=", expected);
	out_str("backend", "%-11s ", backend_name(g->backend));
	out_str("check", "%-38s ", what);
	out_str("expected", "%-9s ", exp);
	out_uint("seen", "%-6" PRIu64 " ", seen);
	out_str("result", "%s", pass ? "PASS" : "FAIL");
	out_end();
	return pass;
}

int cmd_selftest(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *names[ARRAY_SIZE(gst)];
	int nnames = 0;
	struct out_opts oo = { .mode = OUT_TEXT };
	struct session_opts so = { 0 };
	struct probe p = { 0 };
	char instance[64];
	struct ksyms *ks;
	struct session s;
	bool ok = true;
	int c;

	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			oo.mode = OUT_JSON;
			break;
		case 'h':
			selftest_usage(stdout);
			return 0;
		default:
			selftest_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		usage_error("selftest", "unexpected argument '%s'", argv[optind]);
	/* a private instance: never the user's, and never read by anyone else */
	snprintf(instance, sizeof(instance), "ftnet-selftest-%d", (int)getpid());
	ctx->instance = instance;
	session_signals();
	for (size_t i = 0; i < ARRAY_SIZE(gst); i++) {
		gst[i].backend = group_backend(group_find(gst[i].name), ctx->backend, gst[i].why,
					       sizeof(gst[i].why));
		if (gst[i].backend >= 0)
			names[nnames++] = (char *)gst[i].name;
	}
	session_start(&s, ctx, names, nnames, &so);
	s.on_event = count_event;
	s.arg = &p;
	p.pid = getpid();
	p.reasons = decode_has_reason(s.dec);
	p.nosock_rst = decode_traces_nosock_reset(s.dec);
	ks = ksyms_load("/proc/kallsyms");
	p.ks = ks;

	if (provoke(&p) < 0)
		ok = false;
	/* read until the buffers stay empty for a moment */
	while (!session_stop && session_round(&s, 200) > 0)
		;
	session_drain(&s);
	session_end(&s);
	if (session_stop)
		die(EXIT_FAIL, "selftest interrupted; the kernel is restored");

	out_init(&oo);
	if (oo.mode == OUT_TEXT)
		printf("%-9s %-11s %-38s %-9s %-6s %s\n", "GROUP", "BACKEND", "CHECK", "EXPECTED",
		       "SEEN", "RESULT");
	if (p.reasons) {
		ok &= result("drops", "NO_SOCKET drops of UDP to closed port", UDP_SENDS, p.drops,
			     false);
	} else {
		ok &= result("drops", "drops (kernel has no reason field)", UDP_SENDS,
			     p.drops_noreason, false);
		ok &= result("drops", "drops given a reason anyway", 0, p.drops_invented, true);
	}
	if (ks)
		ok &= result("drops", "drops located at __udp4_lib_rcv+0x..", UDP_SENDS,
			     p.drops_at_udp, false);
	ok &= result("resets", "RST sent by an aborted connection", 1, p.abort_sent, true);
	ok &= result("resets", "RST received by its peer", 1, p.abort_recv, true);
	/* before 6.10 tcp_send_reset fires only when a socket sends the reset */
	if (p.nosock_rst)
		ok &= result("resets", "RST sent by closed port", 1, p.rst_sent, true);
	ok &= result("resets", "RST received by refused client", 1, p.rst_recv, true);
	ok &= result("retrans", "SYN retransmits to full backlog", 1, p.retrans, false);
	ok &= result("states", "state changes of the connect", 2, p.states, false);
	ok &= result("connect", "connects with latency > 0", 1, p.connects - p.connect_bad_latency,
		     true);
	ok &= result("rx", "packets received on lo", UDP_SENDS, p.rx_lo, false);
	ok &= result("tx", "packets sent on lo", UDP_SENDS, p.tx_lo, false);
	ok &= result("udp", "UDP sends by this process", UDP_SENDS, p.udp_sends, false);
	if (p.lost)
		warn("%" PRIu64 " events were lost during the selftest", p.lost);
	out_begin("summary");
	if (!ok)
		out_str("result", "\nselftest: %s", "FAILED");
	else if (unavailable)
		out_str("result", "\nselftest: %s", "all groups that run here passed "
			"(n/a: what this kernel lacks)");
	else
		out_str("result", "\nselftest: %s", "all groups passed");
	out_end();
	out_flush();
	ksyms_free(ks);
	return ok ? 0 : EXIT_FAIL;
}

/* placeholder until the options move into a table */
static const struct opt selftest_opts_tbl[] = { OPT_END };
const struct cmd_spec selftest_spec = { .name = "selftest", .opts = selftest_opts_tbl, .max_args = -1 };
