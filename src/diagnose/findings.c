// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diagnose's findings: one per cause, joining every source that counts the same packets (drop
 * events, the counters the catalogue names, the object and the setting that decide), each
 * absorbing the symptoms it explains; what no cause explains stays, below the causes.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "view/agg.h"
#include "diagnose/diag.h"
#include "kernel/ksyms.h"
#include "base/util.h"

/* A destination unreachable sent: the port (UDP) or the destination it was about. */
static void icmp_sent(struct diag *d, const struct ftnet_event *ev)
{
	int kind;

	if (ev->icmp_type != 3 || ev->family != AF_INET)
		return;
	switch (ev->icmp_code) {
	case 0: kind = PC_ICMP_NET; break;
	case 1: kind = PC_ICMP_HOST; break;
	case 3: kind = PC_ICMP_PORT; break;
	case 4: kind = PC_ICMP_FRAG; break;
	default: kind = PC_ICMP_ADMIN; break;
	}
	diag_count_port(d, kind, ev->sport || ev->dport ? IPPROTO_UDP : 0, ev->dport, ev->daddr);
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
		/* the port the reset was for: ours when we sent it, the peer's when received */
		if (ev->dir == DIR_SENT) {
			d->rst_sent++;
			diag_count_port(d, PC_RST_SENT, IPPROTO_TCP, ev->sport, NULL);
		} else {
			d->rst_recv++;
			diag_count_port(d, PC_RST_RECV, IPPROTO_TCP, ev->dport, NULL);
		}
		break;
	case EV_RETRANS:
		d->retrans++;
		diag_count_port(d, PC_RETRANS, IPPROTO_TCP, ev->dport, NULL);
		break;
	case EV_ICMP:
		icmp_sent(d, ev);
		break;
	case EV_LOST:
		d->lost += ev->count;
		break;
	default:
		break;
	}
}

static bool used(const struct diag *d, const char *counter)
{
	for (int i = 0; i < d->nused; i++)
		if (!strcmp(d->used[i], counter))
			return true;
	return false;
}

static void use(struct diag *d, const char *counter)
{
	if (d->nused < (int)ARRAY_SIZE(d->used) && !used(d, counter))
		d->used[d->nused++] = counter;
}

/* Drops of one cause: a reason (or a known site of NOT_SPECIFIED), its top locations. */
struct group {
	const struct drop_entry	*e;
	const char		*name;
	uint64_t		n, locn[3];
	char			loc[3][96];
	int			nloc;
};

static struct group *group_of(struct group *g, int *ng, const struct drop_entry *e,
			      const char *name)
{
	for (int i = 0; i < *ng; i++)
		if (e ? g[i].e == e : !strcmp(g[i].name, name))
			return &g[i];
	if (*ng == MAX_FINDINGS)
		return NULL;
	memset(&g[*ng], 0, sizeof(g[0]));
	g[*ng].e = e;
	g[*ng].name = name;
	return &g[(*ng)++];
}

static int group_cmp(const void *x, const void *y)
{
	const struct group *a = x, *b = y;

	return a->n < b->n ? 1 : a->n > b->n ? -1 : 0;
}

static int drop_groups(struct diag *d, struct group *g)
{
	struct agg_row **rows;
	size_t n;
	int ng = 0;

	rows = agg_sorted(d->drops, &n);
	for (size_t i = 0; i < n; i++) {
		const struct drop_key *k = (const void *)rows[i]->key;
		const char *name = k->reason >= 0 && k->reason < 1024 ? d->reasons[k->reason] : NULL;
		const struct drop_entry *e = catalogue_find(name);
		char loc[96], fn[96];
		struct group *gr;

		ksyms_format(d->ks, k->location, loc, sizeof(loc));
		snprintf(fn, sizeof(fn), "%.*s", (int)strcspn(loc, "+."), loc);
		if (catalogue_site(fn, name))
			e = catalogue_site(fn, name);
		gr = group_of(g, &ng, e, name ? name : "no reason");
		if (!gr)
			break;
		gr->n += rows[i]->total;
		if (gr->nloc < 3) {
			snprintf(gr->loc[gr->nloc], sizeof(gr->loc[0]), "%s", loc);
			gr->locn[gr->nloc++] = rows[i]->total;
		}
	}
	qsort(g, ng, sizeof(*g), group_cmp);
	return ng;
}

/* The counters of a list ("A,B") that moved, as evidence (or as what it explains). */
static void counters(struct diag *d, struct finding *f, const char *list, const char *loc,
		     bool explains)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *c = strtok_r(buf, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		int64_t v = diag_delta(d, c);

		/* a protocol's counter speaks only for drops in that protocol's code */
		if (v <= 0 || used(d, c) || (!strncmp(c, "Udp", 3) && !strstr(loc, "udp")) ||
		    (!strncmp(c, "Tcp", 3) && strstr(loc, "udp")))
			continue;
		if (explains)
			diag_ex(f, "snmp", c, v, "%s +%" PRId64, c, v);
		else
			diag_ev(f, "snmp", c, v, "%s +%" PRId64, c, v);
		for (size_t i = 0; i < d->after.nkv; i++)
			if (!strcmp(d->after.kv[i].name, c))
				use(d, d->after.kv[i].name);
	}
}

/* Retransmissions and resets that the drops of this cause explain. */
static void tcp_explained(struct diag *d, struct finding *f)
{
	const struct port_count *p;

	if (d->retrans && !d->retrans_used && f->entry && strstr(f->entry->explains,
								 "TcpRetransSegs")) {
		p = diag_top_port(d, PC_RETRANS);
		diag_ex(f, "tcp:tcp_retransmit_skb", "retransmits", (int64_t)d->retrans,
			"%" PRIu64 " retransmissions (%" PRIu64 " to port %u)", d->retrans,
			p ? p->n : 0, p ? p->port : 0);
		d->retrans_used = true;
		use(d, "TcpRetransSegs");
	}
	if (d->rst_recv && !d->rst_recv_used && f->kind == OBJ_RULE && strstr(f->title, "reject")) {
		p = diag_top_port(d, PC_RST_RECV);
		diag_ex(f, "tcp:tcp_receive_reset", "resets_received", (int64_t)d->rst_recv,
			"%" PRIu64 " resets received (%" PRIu64 " for port %u)", d->rst_recv,
			p ? p->n : 0, p ? p->port : 0);
		d->rst_recv_used = true;
	}
	if (d->rst_sent && f->kind == OBJ_PORT && !strcmp(f->proto, "tcp"))
		d->rst_sent_used = true;
}

/* "<object>: <the meaning> (N packets dropped)" */
static void title(struct finding *f, const struct group *g)
{
	char m[200];

	if (f->title[0])
		return;
	snprintf(m, sizeof(m), "%s", g->e ? g->e->meaning : "the kernel gave a reason ftnet's catalogue does not know.");
	/* after the object, the sentence goes on in lower case (not its acronyms: TCP, IPv6) */
	if (f->object[0] && m[0] >= 'A' && m[0] <= 'Z' && !(m[1] >= 'A' && m[1] <= 'Z'))
		m[0] = (char)(m[0] - 'A' + 'a');
	if (*m && m[strlen(m) - 1] == '.')
		m[strlen(m) - 1] = '\0';
	snprintf(f->title, sizeof(f->title), "%s%s%s (%" PRIu64 " packets dropped)", f->object,
		 f->object[0] ? ": " : "", m, g->n);
}

/* A cause from drop events (nloc > 0) or from its counter alone. */
static void counter_finding(struct diag *d, const struct group *g)
{
	struct finding *f = diag_add(d, g->n, g->e && g->e->harmless ? CL_SYMPTOM :
				     g->e && strcmp(g->e->reason, "NOT_SPECIFIED") ? CL_CAUSE : CL_UNKNOWN);

	if (!f)
		return;
	f->entry = g->e;
	f->kind = g->e ? g->e->object : OBJ_NONE;
	/* a drop site's own name (MTU_EXCEEDED) says more than NOT_SPECIFIED */
	snprintf(f->reason, sizeof(f->reason), "%s", g->e ? g->e->reason : g->name);
	for (int i = 0; i < g->nloc; i++)
		diag_ev(f, "skb:kfree_skb", g->name, (int64_t)g->locn[i], "%s at %s: %" PRIu64,
			g->name, g->loc[i], g->locn[i]);
	diag_name_object(d, f, g->loc[0]);
	if (g->e) {
		counters(d, f, g->e->counters, g->loc[0], false);
		counters(d, f, g->e->explains, g->loc[0], true);
	}
	title(f, g);
	tcp_explained(d, f);
	snprintf(f->fix, sizeof(f->fix), "%s", g->e ? g->e->fix :
		 "see where the kernel drops them: the location names the check");
	if (g->e)
		diag_next(d, f, g->e->next);
	/* the object was not found, or says little: the drops themselves, with their flows */
	if (!g->e || f->cls == CL_UNKNOWN || !f->nnext)
		diag_next1(d, f, "ftnet capture --drops -d 5");
}

/* Counters that name a cause by themselves, for kernels (or paths) that count the drop
 * without a drop event: the listen queue's overflow is one on 6.18. */
static const struct { const char *counter, *reason; } counter_causes[] = {
	{ "TcpExtListenOverflows", "TCP_LISTEN_OVERFLOW" },
	{ "UdpNoPorts", "NO_SOCKET" },
	{ "UdpRcvbufErrors", "SOCKET_RCVBUFF" },
	{ "TcpExtTCPBacklogDrop", "SOCKET_BACKLOG" },
	{ "IpExtInNoRoutes", "IP_INNOROUTES" },
	{ "IpOutNoRoutes", "IP_OUTNOROUTES" },
	{ "IpInAddrErrors", "IP_INADDRERRORS" },
	{ "TcpExtIPReversePathFilter", "IP_RPFILTER" },
	{ "TcpInCsumErrors", "TCP_CSUM" },
	{ "UdpInCsumErrors", "UDP_CSUM" },
	{ "TcpExtTCPZeroWindowDrop", "TCP_ZEROWINDOW" },
	{ "TcpExtTCPReqQFullDoCookies", "SYN_QUEUE_FULL" },
	{ "TcpExtTCPReqQFullDrop", "SYN_QUEUE_FULL" },
};

static void counter_causes_find(struct diag *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(counter_causes); i++) {
		const char *c = counter_causes[i].counter;
		int64_t v = diag_delta(d, c);
		struct group g;

		if (v <= 0 || used(d, c))
			continue;
		memset(&g, 0, sizeof(g));
		g.e = catalogue_find(counter_causes[i].reason);
		if (!g.e)
			g.e = catalogue_counted(counter_causes[i].reason);
		g.name = counter_causes[i].reason;
		g.n = (uint64_t)v;
		/* no drop event: the counter's protocol stands for the location */
		snprintf(g.loc[0], sizeof(g.loc[0]), "%s", !strncmp(c, "Udp", 3) ? "udp" :
			 !strncmp(c, "Tcp", 3) ? "tcp" : "ip");
		counter_finding(d, &g);
	}
}

/* The packets the rules named on a NETFILTER_DROP finding counted meanwhile. */
static uint64_t rule_moves(const struct finding *g)
{
	uint64_t n = 0;

	for (int i = 0; i < g->nev; i++)
		if (!strcmp(g->ev[i].source, "nft") && !strcmp(g->ev[i].name, "rule_counter") &&
		    g->ev[i].value > 0)
			n += (uint64_t)g->ev[i].value;
	return n;
}

/*
 * NETFILTER_DROP drops that a rule and the full conntrack table both made: the rule's counter
 * tells its share, the table has the rest (its own counters say how many it refused). Each
 * finding says how much of the drops it explains, and the rule's counts only its share.
 */
static void weigh_rule_and_table(struct finding *table, struct finding *g, uint64_t rules,
				 uint64_t bad)
{
	uint64_t d = g->packets, r = rules < d ? rules : d;
	char *paren = strrchr(g->title, '(');

	diag_ev(table, "skb:kfree_skb", "NETFILTER_DROP", (int64_t)(d - r),
		"%" PRIu64 " of the %" PRIu64 " NETFILTER_DROP drops were no rule's (the rules' counters moved %" PRIu64 ")",
		d - r, d, r);
	diag_ev(g, "nf_conntrack", "drop", (int64_t)bad,
		"of the %" PRIu64 " NETFILTER_DROP drops, the rule's counter explains %" PRIu64 "; the conntrack table was full meanwhile and dropped %" PRIu64,
		d, r, bad);
	g->packets = r;
	if (paren && paren > g->title)
		snprintf(paren, sizeof(g->title) - (size_t)(paren - g->title),
			 "(%" PRIu64 " of the %" PRIu64 " packets dropped at the hook)", r, d);
}

/* A full conntrack table: it explains the NETFILTER_DROP drops of the hook (not a rule's). */
static void conntrack_finding(struct diag *d)
{
	const struct conntrack_stats *a = &d->before.ct, *b = &d->after.ct;
	uint64_t bad = (b->drop - a->drop) + (b->insert_failed - a->insert_failed) +
		       (b->early_drop - a->early_drop);
	struct finding *f;
	char max[32];

	if (!b->present) {
		diag_not_checked(d, "conntrack", "no conntrack in this namespace (nothing uses it)");
		return;
	}
	if (!bad || !(f = diag_add(d, bad, CL_CAUSE)))
		return;
	f->kind = OBJ_CONNTRACK;
	diag_sysctl("net.netfilter.nf_conntrack_max", max, sizeof(max));
	snprintf(f->object, sizeof(f->object), "conntrack table (%" PRIu64 " of %s entries)",
		 b->count, max);
	snprintf(f->title, sizeof(f->title), "%s: the conntrack table is full: new flows are dropped (%" PRIu64 " packets dropped)",
		 f->object, bad);
	diag_ev(f, "nf_conntrack", "drop", (int64_t)(b->drop - a->drop), "conntrack drop +%" PRIu64
		", insert_failed +%" PRIu64 ", early_drop +%" PRIu64, b->drop - a->drop,
		b->insert_failed - a->insert_failed, b->early_drop - a->early_drop);
	diag_cfg(f, "sysctl", "net.netfilter.nf_conntrack_max", strtoll(max, NULL, 10),
		 "net.netfilter.nf_conntrack_max = %s", max);
	diag_cfg(f, "sysctl", "net.netfilter.nf_conntrack_count", (int64_t)b->count,
		 "net.netfilter.nf_conntrack_count = %" PRIu64, b->count);
	snprintf(f->fix, sizeof(f->fix), "raise net.netfilter.nf_conntrack_max (and the hash size), or shorten the timeouts of the flows that fill it");
	diag_next1(d, f, "ftnet conntrack");
	diag_next1(d, f, "sysctl net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_count");
	for (int i = 0; i < d->n; i++) {
		struct finding *g = &d->f[i];
		uint64_t rules;

		if (!g->entry || strcmp(g->entry->reason, "NETFILTER_DROP") || g->absorbed)
			continue;
		rules = rule_moves(g);
		if (rules) {	/* two causes of the same drops: both, each with its share */
			weigh_rule_and_table(f, g, rules, bad);
			continue;
		}
		if (g->packets <= bad + bad / 10 && !strstr(g->ev[0].text, "nft_do_chain")) {
			g->absorbed = true;
			diag_ex(f, "skb:kfree_skb", "NETFILTER_DROP", (int64_t)g->packets, "%s",
				g->ev[0].text);
		}
	}
}

/* A connected TCP socket whose program stopped reading: its queue full, the peer's window 0. */
static void stopped_reader(struct diag *d)
{
	for (size_t i = 0; i < d->after.nsocks; i++) {
		const struct sock_row *r = &d->after.socks[i];
		struct finding *f;
		char port[8];

		if (r->proto != IPPROTO_TCP || r->state == 10 || r->rq < 65536 ||
		    !(f = diag_add(d, r->rq / 1448, CL_CAUSE)))
			continue;
		f->kind = OBJ_SOCKET;
		snprintf(port, sizeof(port), "%u", r->sport);
		snprintf(f->object, sizeof(f->object), "TCP port %u (%s/%d, Recv-Q %u bytes)",
			 r->sport, r->comm[0] ? r->comm : "?", r->pid, r->rq);
		snprintf(f->title, sizeof(f->title), "%s: data received but not read: the program stopped reading and its peer sees a zero window",
			 f->object);
		snprintf(f->port, sizeof(f->port), "%s", port);
		diag_ev(f, "inet_diag", "recv_q", r->rq, "Recv-Q %u bytes at the end", r->rq);
		counters(d, f, "TcpExtTCPZeroWindowDrop,TcpExtTCPWantZeroWindowAdv,"
			 "TcpExtTCPToZeroWindowAdv", "tcp", false);
		snprintf(f->fix, sizeof(f->fix), "find why the program does not read (blocked, busy, or a bug); the sender resumes once it does");
		diag_next(d, f, "ss -tnpmi '( sport = :{port} )'");
	}
}

/* Counters that mean trouble when they move; those a cause holds are not repeated. */
static const struct { const char *name, *what, *next; } bad_counters[] = {
	{ "UdpNoPorts", "UDP datagrams to closed ports", "ss -ulnp" },
	{ "UdpRcvbufErrors", "UDP datagrams dropped: receive buffer full", "ss -uanpm" },
	{ "UdpSndbufErrors", "UDP sends failed: send buffer or device queue full", "tc -s qdisc" },
	{ "UdpInErrors", "UDP datagrams in error", "ftnet top drops -d 5" },
	{ "TcpExtListenOverflows", "accept queues overflowed", "ss -ltn" },
	{ "TcpExtListenDrops", "SYNs dropped at listeners", "ss -ltn" },
	{ "TcpExtTCPBacklogDrop", "TCP segments dropped: socket backlog full", "ss -tnm" },
	{ "TcpExtTCPTimeouts", "TCP retransmission timeouts", "ftnet top retrans -d 5" },
	{ "TcpAttemptFails", "TCP connects failed", "ftnet hist connect -d 5" },
	{ "IpExtInNoRoutes", "packets with no route", "ip route show" },
	{ "IpOutNoRoutes", "packets sent with no route", "ip route show" },
	{ "IpInDiscards", "IP packets discarded", "ftnet top drops -d 5" },
	{ "TcpExtTCPAbortOnData", "connections aborted with unread data", "ftnet top resets -d 5" },
};

static void symptom(struct diag *d, uint64_t n, const char *title, const char *src,
		    const char *next)
{
	struct finding *f = diag_add(d, n, CL_SYMPTOM);

	if (!f)
		return;
	snprintf(f->title, sizeof(f->title), "%s", title);
	diag_ev(f, src, src, (int64_t)n, "%s", src);
	snprintf(f->fix, sizeof(f->fix), "no cause was seen: watch longer while it happens");
	diag_next1(d, f, next);
}

static void counter_symptoms(struct diag *d)
{
	char t[200];

	if (d->retrans && !d->retrans_used) {
		snprintf(t, sizeof(t), "%" PRIu64 " TCP retransmissions, no drop on this host explains them",
			 d->retrans);
		symptom(d, d->retrans, t, "tcp:tcp_retransmit_skb", "ftnet top retrans -d 5");
		use(d, "TcpRetransSegs");
	}
	if (d->rst_sent + d->rst_recv && !d->rst_sent_used && !d->rst_recv_used) {
		snprintf(t, sizeof(t), "%" PRIu64 " TCP resets (%" PRIu64 " sent, %" PRIu64
			 " received)", d->rst_sent + d->rst_recv, d->rst_sent, d->rst_recv);
		symptom(d, d->rst_sent + d->rst_recv, t, "tcp:tcp_send_reset", "ftnet top resets -d 5");
		use(d, "TcpOutRsts");
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad_counters); i++) {
		int64_t v = diag_delta(d, bad_counters[i].name);

		if (v <= 0 || used(d, bad_counters[i].name))
			continue;
		snprintf(t, sizeof(t), "%s +%" PRId64 ": %s", bad_counters[i].name, v,
			 bad_counters[i].what);
		symptom(d, (uint64_t)v, t, "snmp", bad_counters[i].next);
	}
}

static bool dev_named(const struct diag *d, const char *dev)
{
	for (int i = 0; i < d->n; i++)
		if (d->f[i].cls == CL_CAUSE && !strcmp(d->f[i].dev, dev))
			return true;
	return false;
}

/* Devices that dropped or erred, where no cause names the device. */
static void link_symptoms(struct diag *d)
{
	for (size_t i = 0; i < d->after.nlinks; i++) {
		const struct link_stats *b = &d->after.links[i];

		for (size_t j = 0; j < d->before.nlinks; j++) {
			const struct link_stats *a = &d->before.links[j];
			uint64_t dr, er;
			char t[160], next[64];

			if (strcmp(a->name, b->name))
				continue;
			dr = (b->rx_dropped - a->rx_dropped) + (b->tx_dropped - a->tx_dropped);
			er = (b->rx_errors - a->rx_errors) + (b->tx_errors - a->tx_errors);
			if (!(dr + er) || dev_named(d, b->name))
				continue;
			snprintf(t, sizeof(t), "device %s: %" PRIu64 " dropped, %" PRIu64 " errors",
				 b->name, dr, er);
			snprintf(next, sizeof(next), "ip -s link show dev %s", b->name);
			symptom(d, dr + er, t, "link statistics", next);
		}
	}
}

static void softnet_symptoms(struct diag *d)
{
	for (int i = 0; i < d->n; i++)
		if (d->f[i].kind == OBJ_CPU)
			return;
	for (size_t i = 0; i < d->after.nsn && i < d->before.nsn; i++) {
		uint64_t dr = d->after.sn[i].dropped - d->before.sn[i].dropped;
		uint64_t sq = d->after.sn[i].time_squeeze - d->before.sn[i].time_squeeze;
		char t[160];

		if (!(dr + sq))
			continue;
		snprintf(t, sizeof(t), "CPU %zu: %" PRIu64 " backlog drops, %" PRIu64
			 " time squeezes", i, dr, sq);
		symptom(d, dr + sq, t, "/proc/net/softnet_stat", "cat /proc/net/softnet_stat");
	}
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
	char t[160];

	if (err) {
		diag_not_checked(d, "kernel log", strerror(err));
		return;
	}
	if (!n)
		return;
	snprintf(t, sizeof(t), "the kernel suppressed %" PRIu64 " network log messages (net_ratelimit)",
		 n);
	symptom(d, n, t, "/dev/kmsg", "dmesg");
}

/* Causes first, then drops of unknown cause, then symptoms; by packets within each. */
static int finding_cmp(const void *x, const void *y)
{
	const struct finding *a = x, *b = y;

	if (a->absorbed != b->absorbed)
		return a->absorbed ? 1 : -1;
	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	return a->packets < b->packets ? 1 : a->packets > b->packets ? -1 : 0;
}

void diag_findings(struct diag *d)
{
	struct group g[MAX_FINDINGS];
	int ng = d->drops ? drop_groups(d, g) : 0;

	for (int i = 0; i < ng; i++)
		counter_finding(d, &g[i]);
	counter_causes_find(d);
	conntrack_finding(d);
	stopped_reader(d);
	diag_nic_findings(d);
	counter_symptoms(d);
	link_symptoms(d);
	softnet_symptoms(d);
	ratelimit_finding(d);
	if (d->lost)
		diag_not_checked(d, "every event", "some were lost: counts are low");
	qsort(d->f, d->n, sizeof(d->f[0]), finding_cmp);
	while (d->n && d->f[d->n - 1].absorbed)
		d->n--;
}
