/*
 * ftnet diagnose: the systematic approach in one run. Counters before and after, drops by
 * reason and location, resets and retransmits from tracefs, socket queues, conntrack, the
 * kernel log's rate limiting; then the findings ranked by how much each explains.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "cmds.h"
#include "groups.h"
#include "ksyms.h"
#include "nl.h"
#include "out.h"
#include "session.h"
#include "tfs.h"
#include "opt.h"
#include "util.h"

#define MAX_FINDINGS 64

struct finding {
	uint64_t	score;
	char		title[160];
	char		evidence[320];
	char		next[160];
};

struct diag {
	struct finding		f[MAX_FINDINGS];
	int			n;
	char			not_checked[8][200];
	int			nnc;
	struct agg		*drops;		/* (reason, location) */
	char			*reasons[1024];
	uint64_t		rst_sent, rst_recv, retrans, lost;
	const struct ksyms	*ks;
};

struct drop_key { int32_t reason; int32_t pad; uint64_t location; };

static void diagnose_usage(FILE *f)
{
	fprintf(f, "usage: ftnet diagnose [-d SECS] [--netns NAME|PID] [--json]\n\n"
		   "Watches for SECS seconds (default 10): counter deltas, drops by reason and\n"
		   "location, resets and retransmits (tracefs), socket queues, conntrack pressure and\n"
		   "'net_ratelimit: N callbacks suppressed' in the kernel log. Then prints the\n"
		   "findings ranked by how many packets each explains, with the evidence and the\n"
		   "ftnet command to dig further. What cannot be checked here is listed, with why.\n\n"
		   "EXAMPLES\n"
		   "  ftnet diagnose\n"
		   "  ftnet diagnose -d 30 --netns blue --json\n");
}

static struct finding *add(struct diag *d, uint64_t score)
{
	struct finding *f;

	if (d->n == MAX_FINDINGS)
		return NULL;
	f = &d->f[d->n++];
	memset(f, 0, sizeof(*f));
	f->score = score;
	return f;
}

static void not_checked(struct diag *d, const char *what, const char *why)
{
	if (d->nnc < 8)
		snprintf(d->not_checked[d->nnc++], sizeof(d->not_checked[0]), "%s: %s", what, why);
}

static void on_event(void *arg, const struct ftnet_event *ev)
{
	struct diag *d = arg;
	struct drop_key k;

	switch (ev->type) {
	case EV_DROP:
		memset(&k, 0, sizeof(k));
		k.reason = ev->reason;
		k.location = ev->location;
		agg_add(d->drops, &k, 1, 0);
		if (ev->reason >= 0 && ev->reason < 1024 && !d->reasons[ev->reason] &&
		    ev->reason_name)
			d->reasons[ev->reason] = xstrdup(ev->reason_name);
		break;
	case EV_RESET:
		if (ev->dir == DIR_SENT)
			d->rst_sent++;
		else
			d->rst_recv++;
		break;
	case EV_RETRANS:
		d->retrans++;
		break;
	case EV_LOST:
		d->lost += ev->count;
		break;
	default:
		break;
	}
}

static int64_t delta(const struct counter_kv *a, size_t na, const struct counter_kv *b, size_t nb,
		     const char *name)
{
	uint64_t x = 0, y = 0;

	for (size_t i = 0; i < na; i++)
		if (!strcmp(a[i].name, name))
			x = a[i].value;
	for (size_t i = 0; i < nb; i++)
		if (!strcmp(b[i].name, name))
			y = b[i].value;
	return (int64_t)(y - x);
}

/* What a drop reason usually means, which counter agrees, and where to look next. */
static const struct {
	const char *reason, *meaning, *counter, *next;
} hints[] = {
	{ "NO_SOCKET", "packets to ports nobody listens on", "UdpNoPorts",
	  "ftnet capture --drops (which flows), ftnet sockets --all (what listens)" },
	{ "NETFILTER_DROP", "the firewall drops them", NULL,
	  "nft list ruleset; ftnet capture --drops to see the flows" },
	{ "SOCKET_RCVBUFF", "a receive buffer is full: the reader is too slow", "UdpRcvbufErrors",
	  "ftnet sockets (who does not read)" },
	{ "TCP_CSUM", "bad TCP checksums", "TcpInCsumErrors", "ftnet capture -i IF" },
	{ "UDP_CSUM", "bad UDP checksums", "UdpInCsumErrors", "ftnet capture -i IF" },
	{ "NOT_SPECIFIED", "a drop the kernel gives no reason for", NULL,
	  "ftnet top drops --by location" },
	{ "OTHERHOST", "frames for another host's MAC", NULL, "ftnet capture -i IF" },
};

static void drop_findings(struct diag *d, const struct counter_kv *a, size_t na,
			  const struct counter_kv *b, size_t nb, bool *used_noports)
{
	struct agg_row **rows;
	size_t n;

	rows = agg_sorted(d->drops, &n);
	for (size_t i = 0; i < n; i++) {
		const struct drop_key *k = (const void *)rows[i]->key;
		const char *name = k->reason >= 0 && k->reason < 1024 ? d->reasons[k->reason] : NULL;
		struct finding *f = add(d, rows[i]->total);
		char loc[128], rbuf[16];

		if (!f)
			break;
		if (!name) {
			snprintf(rbuf, sizeof(rbuf), k->reason < 0 ? "no reason" : "reason %d",
				 k->reason);
			name = rbuf;
		}
		ksyms_format(d->ks, k->location, loc, sizeof(loc));
		snprintf(f->title, sizeof(f->title), "%" PRIu64 " packets dropped: %s at %s",
			 rows[i]->total, name, loc);
		snprintf(f->next, sizeof(f->next), "ftnet top drops --by reason,location");
		snprintf(f->evidence, sizeof(f->evidence), "skb:kfree_skb, %" PRIu64 " events",
			 rows[i]->total);
		for (size_t h = 0; h < ARRAY_SIZE(hints); h++) {
			size_t l;

			if (strcmp(hints[h].reason, name))
				continue;
			l = strlen(f->evidence);
			snprintf(f->evidence + l, sizeof(f->evidence) - l, "; %s", hints[h].meaning);
			/* a UDP counter speaks for drops in UDP code only */
			if (hints[h].counter && (strncmp(hints[h].counter, "Udp", 3) ||
						 strstr(loc, "udp"))) {
				l = strlen(f->evidence);
				snprintf(f->evidence + l, sizeof(f->evidence) - l, "; %s +%" PRId64,
					 hints[h].counter, delta(a, na, b, nb, hints[h].counter));
				if (!strcmp(hints[h].counter, "UdpNoPorts"))
					*used_noports = true;
			}
			snprintf(f->next, sizeof(f->next), "%s", hints[h].next);
		}
	}
}

/* Counters that mean trouble when they move, and what to run next. */
static const struct { const char *name, *what, *next; } bad_counters[] = {
	{ "UdpNoPorts", "UDP datagrams to closed ports", "ftnet capture --drops udp" },
	{ "UdpRcvbufErrors", "UDP datagrams dropped: receive buffer full", "ftnet sockets" },
	{ "UdpSndbufErrors", "UDP sends failed: send buffer full", "ftnet top udp" },
	{ "UdpInErrors", "UDP datagrams in error", "ftnet top drops" },
	{ "TcpRetransSegs", "TCP segments retransmitted", "ftnet top retrans" },
	{ "TcpExtListenOverflows", "accept queues overflowed", "ftnet sockets (LISTEN Recv-Q)" },
	{ "TcpExtListenDrops", "SYNs dropped at listeners", "ftnet sockets" },
	{ "TcpExtTCPBacklogDrop", "TCP segments dropped: socket backlog full", "ftnet sockets" },
	{ "TcpExtTCPTimeouts", "TCP retransmission timeouts", "ftnet top retrans" },
	{ "TcpOutRsts", "TCP resets sent", "ftnet top resets" },
	{ "TcpAttemptFails", "TCP connects failed", "ftnet hist connect" },
	{ "IpExtInNoRoutes", "packets with no route", "ip route" },
	{ "IpInDiscards", "IP packets discarded", "ftnet top drops" },
	{ "TcpExtTCPAbortOnData", "connections aborted with unread data", "ftnet stream resets" },
};

static int finding_cmp(const void *x, const void *y)
{
	const struct finding *a = x, *b = y;

	return a->score < b->score ? 1 : a->score > b->score ? -1 : 0;
}

/* "net_ratelimit: N callbacks suppressed" in the kernel log since start_us */
static uint64_t ratelimited(uint64_t start_us, int *err)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	uint64_t total = 0;
	char rec[8192];

	*err = 0;
	if (fd < 0) {
		*err = errno;
		return 0;
	}
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		unsigned long long ts;
		char *msg, *p;

		if (n < 0) {
			if (errno == EPIPE)	/* overwritten records: go on */
				continue;
			break;
		}
		rec[n] = '\0';
		if (sscanf(rec, "%*u,%*u,%llu", &ts) != 1 || ts < start_us)
			continue;
		msg = strchr(rec, ';');
		if (msg && (p = strstr(msg, "net_ratelimit: ")))
			total += strtoull(p + 15, NULL, 10);
	}
	close(fd);
	return total;
}

int cmd_diagnose(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "netns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct out_opts oo = { .mode = OUT_TEXT };
	struct counter_kv *kva = NULL, *kvb = NULL;
	struct link_stats *la = NULL, *lb = NULL;
	struct softnet *sa = NULL, *sb = NULL;
	struct conntrack_stats cta, ctb;
	size_t nka = 0, nkb = 0, nla = 0, nlb = 0, nsa = 0, nsb = 0, nrows;
	struct sock_row *rows;
	struct diag *d = xcalloc(1, sizeof(*d));
	struct ksyms *ks = NULL;
	struct session s;
	bool tracing = false, used_noports = false;
	uint64_t start_us, deadline;
	double secs = 10;
	char instance[64];
	int c, kerr;

	while ((c = getopt_long(argc, argv, "d:n:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_seconds(optarg, &secs) < 0)
				usage_error("diagnose", "invalid duration '%s': give seconds", optarg);
			break;
		case 'n':
			netns_or_die(optarg);
			break;
		case 'j': oo.mode = OUT_JSON; break;
		case 'h':
			diagnose_usage(stdout);
			free(d);
			return 0;
		default:
			diagnose_usage(stderr);
			free(d);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		usage_error("diagnose", "unexpected argument '%s'", argv[optind]);
	out_init(&oo);
	session_signals();
	start_us = mono_ns() / 1000;

	/* tracefs: a private instance with whichever of the groups this kernel can run */
	if (geteuid() != 0) {
		not_checked(d, "drops, resets, retransmits (tracefs)", "needs root (CAP_SYS_ADMIN)");
	} else if (tfs_mount(&ctx->tracefs) < 0) {
		not_checked(d, "drops, resets, retransmits (tracefs)", "tracefs cannot be mounted");
	} else {
		char *names[3];
		int nn = 0;
		struct session_opts so = { 0 };
		static const char *want[] = { "drops", "resets", "retrans" };

		for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
			char why[256];

			if (group_backend(group_find(want[i]), BK_AUTO, why, sizeof(why)) >= 0)
				names[nn++] = (char *)want[i];
			else
				not_checked(d, want[i], why);
		}
		snprintf(instance, sizeof(instance), "ftnet-diagnose-%d", (int)getpid());
		ctx->instance = instance;
		d->drops = agg_new(sizeof(struct drop_key), 1000);
		if (nn) {
			session_start(&s, ctx, names, nn, &so);
			s.on_event = on_event;
			s.arg = d;
			tracing = true;
		}
		ks = ksyms_load("/proc/kallsyms");
		d->ks = ks;
	}
	nl_links(&la, &nla);
	proc_counters(&kva, &nka);
	proc_softnet(&sa, &nsa);
	proc_conntrack(&cta);

	if (!out_is_json())
		fprintf(stderr, "%s: watching for %.0f seconds...\n", prog_name, secs);
	deadline = mono_ns() + (uint64_t)(secs * 1e9);
	while (!session_stop && mono_ns() < deadline) {
		if (tracing) {
			session_step(&s, deadline);
		} else {
			usleep(100000);
		}
	}
	if (tracing) {
		session_drain(&s);
		session_end(&s);
	}
	nl_links(&lb, &nlb);
	proc_counters(&kvb, &nkb);
	proc_softnet(&sb, &nsb);
	proc_conntrack(&ctb);
	nl_sockets(&rows, &nrows);

	if (d->drops)
		drop_findings(d, kva, nka, kvb, nkb, &used_noports);
	if (d->rst_sent + d->rst_recv) {
		struct finding *f = add(d, d->rst_sent + d->rst_recv);

		if (f) {
			snprintf(f->title, sizeof(f->title), "%" PRIu64 " TCP resets (%" PRIu64 " sent, %"
				 PRIu64 " received)", d->rst_sent + d->rst_recv, d->rst_sent,
				 d->rst_recv);
			snprintf(f->evidence, sizeof(f->evidence), "tcp:tcp_send_reset, "
				 "tcp:tcp_receive_reset; TcpOutRsts +%" PRId64,
				 delta(kva, nka, kvb, nkb, "TcpOutRsts"));
			snprintf(f->next, sizeof(f->next), "ftnet top resets");
		}
	}
	if (d->retrans) {
		struct finding *f = add(d, d->retrans);

		if (f) {
			snprintf(f->title, sizeof(f->title), "%" PRIu64 " TCP retransmissions", d->retrans);
			snprintf(f->evidence, sizeof(f->evidence), "tcp:tcp_retransmit_skb; "
				 "TcpRetransSegs +%" PRId64, delta(kva, nka, kvb, nkb, "TcpRetransSegs"));
			snprintf(f->next, sizeof(f->next), "ftnet top retrans");
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad_counters); i++) {
		int64_t v = delta(kva, nka, kvb, nkb, bad_counters[i].name);
		struct finding *f;

		/* counters the tracefs findings already explain are evidence there */
		if (v <= 0 || (used_noports && !strcmp(bad_counters[i].name, "UdpNoPorts")) ||
		    (d->retrans && !strcmp(bad_counters[i].name, "TcpRetransSegs")) ||
		    (d->rst_sent && !strcmp(bad_counters[i].name, "TcpOutRsts")) ||
		    !(f = add(d, (uint64_t)v)))
			continue;
		snprintf(f->title, sizeof(f->title), "%s +%" PRId64 ": %s", bad_counters[i].name, v,
			 bad_counters[i].what);
		snprintf(f->evidence, sizeof(f->evidence), "/proc/net/snmp, /proc/net/netstat");
		snprintf(f->next, sizeof(f->next), "%s", bad_counters[i].next);
	}
	for (size_t i = 0; i < nlb; i++) {
		for (size_t j = 0; j < nla; j++) {
			uint64_t dr, er;
			struct finding *f;

			if (strcmp(la[j].name, lb[i].name))
				continue;
			dr = (lb[i].rx_dropped - la[j].rx_dropped) + (lb[i].tx_dropped - la[j].tx_dropped);
			er = (lb[i].rx_errors - la[j].rx_errors) + (lb[i].tx_errors - la[j].tx_errors);
			if (!(dr + er) || !(f = add(d, dr + er)))
				continue;
			snprintf(f->title, sizeof(f->title), "device %s: %" PRIu64 " dropped, %" PRIu64
				 " errors", lb[i].name, dr, er);
			snprintf(f->evidence, sizeof(f->evidence), "link statistics (netlink)");
			snprintf(f->next, sizeof(f->next), "ftnet counters -i 1; ethtool -S %s",
				 lb[i].name);
		}
	}
	for (size_t i = 0; i < nsb && i < nsa; i++) {
		uint64_t dr = sb[i].dropped - sa[i].dropped, sq = sb[i].time_squeeze - sa[i].time_squeeze;
		struct finding *f;

		if (!(dr + sq) || !(f = add(d, dr + sq)))
			continue;
		snprintf(f->title, sizeof(f->title), "CPU %zu: %" PRIu64 " backlog drops, %" PRIu64
			 " time squeezes", i, dr, sq);
		snprintf(f->evidence, sizeof(f->evidence), "/proc/net/softnet_stat");
		snprintf(f->next, sizeof(f->next), "raise net.core.netdev_max_backlog / netdev_budget");
	}
	for (size_t i = 0; i < nrows; i++) {
		const struct sock_row *r = &rows[i];
		char ip[INET6_ADDRSTRLEN];
		struct finding *f;
		bool listen = r->proto == IPPROTO_TCP && r->state == 10;
		uint64_t q = r->rq + (listen ? 0 : r->wq);

		if (!(q + r->drops) || !(f = add(d, r->drops ? r->drops : 1)))
			continue;
		inet_ntop(r->family, r->saddr, ip, sizeof(ip));
		snprintf(f->title, sizeof(f->title), "%s socket %s:%u (%s/%d): Recv-Q %u, Send-Q %u%s",
			 r->proto == IPPROTO_TCP ? "TCP" : "UDP", ip, r->sport,
			 r->comm[0] ? r->comm : "?", r->pid, r->rq, listen ? 0 : r->wq,
			 r->drops ? ", drops" : "");
		snprintf(f->evidence, sizeof(f->evidence), "%s", r->proto == IPPROTO_TCP ?
			 "inet_diag" : "/proc/net/udp");
		snprintf(f->next, sizeof(f->next), "ftnet sockets");
	}
	if (ctb.present) {
		double pct = ctb.max ? 100.0 * ctb.count / ctb.max : 0;
		uint64_t bad = (ctb.drop - cta.drop) + (ctb.insert_failed - cta.insert_failed) +
			       (ctb.early_drop - cta.early_drop);
		struct finding *f;

		if ((pct > 90 || bad) && (f = add(d, bad ? bad : ctb.count))) {
			snprintf(f->title, sizeof(f->title), "conntrack: %.0f%% full, %" PRIu64
				 " drops or failed inserts", pct, bad);
			snprintf(f->evidence, sizeof(f->evidence), "/proc/net/stat/nf_conntrack");
			snprintf(f->next, sizeof(f->next), "ftnet conntrack");
		}
	} else {
		not_checked(d, "conntrack", "no conntrack in this namespace (nothing uses it)");
	}
	{
		uint64_t n = ratelimited(start_us, &kerr);
		struct finding *f;

		if (kerr)
			not_checked(d, "kernel log", strerror(kerr));
		else if (n && (f = add(d, n))) {
			snprintf(f->title, sizeof(f->title), "the kernel suppressed %" PRIu64
				 " network log messages (net_ratelimit)", n);
			snprintf(f->evidence, sizeof(f->evidence), "/dev/kmsg");
			snprintf(f->next, sizeof(f->next), "dmesg");
		}
	}
	if (d->lost)
		not_checked(d, "every event", "some were lost: counts are low");
	qsort(d->f, d->n, sizeof(d->f[0]), finding_cmp);

	out_begin("diagnose");
	out_double("duration_s", "ftnet diagnose: %.1f seconds, ", secs);
	out_int("findings_total", "%" PRId64 " findings\n", d->n);
	out_open("findings", true);
	for (int i = 0; i < d->n; i++) {
		out_open(NULL, false);
		out_int("rank", "\n%2" PRId64 ". ", i + 1);
		out_str("title", "%s\n", d->f[i].title);
		out_uint("score", "", d->f[i].score);
		out_str("evidence", "    evidence: %s\n", d->f[i].evidence);
		out_str("next", "    next:     %s\n", d->f[i].next);
		out_close(false);
	}
	if (!d->n)
		out_text("\nnothing found: no drops, resets, retransmits or troubled counters\n");
	out_close(true);
	out_open("not_checked", true);
	if (d->nnc)
		out_text("\nnot checked:\n");
	for (int i = 0; i < d->nnc; i++) {
		out_open(NULL, false);
		out_str("what", "  %s\n", d->not_checked[i]);
		out_close(false);
	}
	out_close(true);
	out_end();
	out_flush();

	agg_free(d->drops);
	for (size_t i = 0; i < ARRAY_SIZE(d->reasons); i++)
		free(d->reasons[i]);
	free(d);
	free(la); free(lb); free(kva); free(kvb); free(sa); free(sb); free(rows);
	ksyms_free(ks);
	return 0;
}

/* placeholder until the options move into a table */
static const struct opt diagnose_opts_tbl[] = { OPT_END };
const struct cmd_spec diagnose_spec = { .name = "diagnose", .opts = diagnose_opts_tbl, .max_args = -1 };
