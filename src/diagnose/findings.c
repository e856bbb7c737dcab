/*
 * diagnose's findings: each source of evidence (drops, resets, retransmits, counters, links,
 * softnet, socket queues, conntrack, the kernel log) turned into ranked findings.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "view/agg.h"
#include "diagnose/findings.h"
#include "kernel/ksyms.h"
#include "base/util.h"

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

void diag_not_checked(struct diag *d, const char *what, const char *why)
{
	if (d->nnc < MAX_NOT_CHECKED)
		snprintf(d->not_checked[d->nnc++], sizeof(d->not_checked[0]), "%s: %s", what, why);
}

void diag_on_event(void *arg, const struct ftnet_event *ev)
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

static int64_t delta(const struct snapshot *a, const struct snapshot *b, const char *name)
{
	uint64_t x = 0, y = 0;

	for (size_t i = 0; i < a->nkv; i++)
		if (!strcmp(a->kv[i].name, name))
			x = a->kv[i].value;
	for (size_t i = 0; i < b->nkv; i++)
		if (!strcmp(b->kv[i].name, name))
			y = b->kv[i].value;
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

/* Drops by reason and location; *used_noports when UdpNoPorts went into their evidence. */
static void drop_findings(struct diag *d, bool *used_noports)
{
	const struct snapshot *a = &d->before, *b = &d->after;
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
					 hints[h].counter, delta(a, b, hints[h].counter));
				if (!strcmp(hints[h].counter, "UdpNoPorts"))
					*used_noports = true;
			}
			snprintf(f->next, sizeof(f->next), "%s", hints[h].next);
		}
	}
}

/* Resets and retransmits seen in tracefs, with the counters that agree. */
static void tcp_findings(struct diag *d)
{
	struct finding *f;

	if (d->rst_sent + d->rst_recv && (f = add(d, d->rst_sent + d->rst_recv))) {
		snprintf(f->title, sizeof(f->title), "%" PRIu64 " TCP resets (%" PRIu64 " sent, %"
			 PRIu64 " received)", d->rst_sent + d->rst_recv, d->rst_sent, d->rst_recv);
		snprintf(f->evidence, sizeof(f->evidence), "tcp:tcp_send_reset, "
			 "tcp:tcp_receive_reset; TcpOutRsts +%" PRId64,
			 delta(&d->before, &d->after, "TcpOutRsts"));
		snprintf(f->next, sizeof(f->next), "ftnet top resets");
	}
	if (d->retrans && (f = add(d, d->retrans))) {
		snprintf(f->title, sizeof(f->title), "%" PRIu64 " TCP retransmissions", d->retrans);
		snprintf(f->evidence, sizeof(f->evidence), "tcp:tcp_retransmit_skb; "
			 "TcpRetransSegs +%" PRId64, delta(&d->before, &d->after, "TcpRetransSegs"));
		snprintf(f->next, sizeof(f->next), "ftnet top retrans");
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

static void counter_findings(struct diag *d, bool used_noports)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_counters); i++) {
		int64_t v = delta(&d->before, &d->after, bad_counters[i].name);
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
}

/* Devices that dropped or erred, from their link statistics. */
static void link_findings(struct diag *d)
{
	const struct snapshot *a = &d->before, *b = &d->after;

	for (size_t i = 0; i < b->nlinks; i++) {
		for (size_t j = 0; j < a->nlinks; j++) {
			const struct link_stats *la = &a->links[j], *lb = &b->links[i];
			uint64_t dr, er;
			struct finding *f;

			if (strcmp(la->name, lb->name))
				continue;
			dr = (lb->rx_dropped - la->rx_dropped) + (lb->tx_dropped - la->tx_dropped);
			er = (lb->rx_errors - la->rx_errors) + (lb->tx_errors - la->tx_errors);
			if (!(dr + er) || !(f = add(d, dr + er)))
				continue;
			snprintf(f->title, sizeof(f->title), "device %s: %" PRIu64 " dropped, %" PRIu64
				 " errors", lb->name, dr, er);
			snprintf(f->evidence, sizeof(f->evidence), "link statistics (netlink)");
			snprintf(f->next, sizeof(f->next), "ftnet counters -i 1; ethtool -S %s",
				 lb->name);
		}
	}
}

/* CPUs whose backlog overflowed or whose softirq ran out of budget. */
static void softnet_findings(struct diag *d)
{
	const struct snapshot *a = &d->before, *b = &d->after;

	for (size_t i = 0; i < b->nsn && i < a->nsn; i++) {
		uint64_t dr = b->sn[i].dropped - a->sn[i].dropped;
		uint64_t sq = b->sn[i].time_squeeze - a->sn[i].time_squeeze;
		struct finding *f;

		if (!(dr + sq) || !(f = add(d, dr + sq)))
			continue;
		snprintf(f->title, sizeof(f->title), "CPU %zu: %" PRIu64 " backlog drops, %" PRIu64
			 " time squeezes", i, dr, sq);
		snprintf(f->evidence, sizeof(f->evidence), "/proc/net/softnet_stat");
		snprintf(f->next, sizeof(f->next), "raise net.core.netdev_max_backlog / netdev_budget");
	}
}

/* Sockets with data waiting in their queues, or UDP sockets that dropped. */
static void socket_findings(struct diag *d)
{
	for (size_t i = 0; i < d->nsocks; i++) {
		const struct sock_row *r = &d->socks[i];
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
}

static void conntrack_finding(struct diag *d)
{
	const struct conntrack_stats *a = &d->before.ct, *b = &d->after.ct;
	double pct = b->max ? 100.0 * b->count / b->max : 0;
	uint64_t bad = (b->drop - a->drop) + (b->insert_failed - a->insert_failed) +
		       (b->early_drop - a->early_drop);
	struct finding *f;

	if (!b->present) {
		diag_not_checked(d, "conntrack", "no conntrack in this namespace (nothing uses it)");
		return;
	}
	if ((pct > 90 || bad) && (f = add(d, bad ? bad : b->count))) {
		snprintf(f->title, sizeof(f->title), "conntrack: %.0f%% full, %" PRIu64
			 " drops or failed inserts", pct, bad);
		snprintf(f->evidence, sizeof(f->evidence), "/proc/net/stat/nf_conntrack");
		snprintf(f->next, sizeof(f->next), "ftnet conntrack");
	}
}

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

static void ratelimit_finding(struct diag *d)
{
	int err;
	uint64_t n = ratelimited(d->start_us, &err);
	struct finding *f;

	if (err)
		diag_not_checked(d, "kernel log", strerror(err));
	else if (n && (f = add(d, n))) {
		snprintf(f->title, sizeof(f->title), "the kernel suppressed %" PRIu64
			 " network log messages (net_ratelimit)", n);
		snprintf(f->evidence, sizeof(f->evidence), "/dev/kmsg");
		snprintf(f->next, sizeof(f->next), "dmesg");
	}
}

void diag_findings(struct diag *d)
{
	bool used_noports = false;

	if (d->drops)
		drop_findings(d, &used_noports);
	tcp_findings(d);
	counter_findings(d, used_noports);
	link_findings(d);
	softnet_findings(d);
	socket_findings(d);
	conntrack_finding(d);
	ratelimit_finding(d);
	if (d->lost)
		diag_not_checked(d, "every event", "some were lost: counts are low");
	qsort(d->f, d->n, sizeof(d->f[0]), finding_cmp);
}
