/* ftnet top's views: the tables, their keys, and one interval drawn as text, JSON or Prometheus. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "view/agg.h"
#include "kernel/ksyms.h"
#include "base/out.h"
#include "view/print.h"
#include "base/prom.h"
#include "view/top.h"
#include "view/top-stack.h"
#include "top-int.h"
#include "base/util.h"

struct drop_key {
	int32_t		reason;
	uint16_t	protocol, family;
	uint64_t	location;
	uint8_t		saddr[16], daddr[16];
	uint16_t	sport, dport;
	uint8_t		ipproto, pad[3];
	uint64_t	stack;		/* --by stack: its id (top-stack.c), 0 for none */
};
_Static_assert(sizeof(struct drop_key) <= AGG_KEY_MAX, "agg keeps keys of AGG_KEY_MAX bytes");
struct addr_key { uint16_t family, sport, dport; uint8_t dir, pad; uint8_t saddr[16], daddr[16]; };
struct comm_key { char comm[FTNET_COMM_LEN]; int32_t pid; };
struct dev_key { char dev[FTNET_DEV_LEN]; uint8_t dir; };
struct state_key { int32_t from, to; };

union top_key {
	struct drop_key		d;
	struct addr_key		a;
	struct comm_key		c;
	struct dev_key		v;
	struct state_key	s;
};

static const struct {
	const char		*json, *title;
	enum group_view		gview;		/* the groups that feed it */
	size_t			keysize;
	const char		*other[4];	/* the other row's labels (drops: --by) */
} views[TOP_NVIEWS] = {
	[TV_DROPS] = { "drops", "DROPS", VIEW_DROPS, sizeof(struct drop_key), { NULL } },
	[TV_RESETS] = { "resets", "RESETS", VIEW_RESETS, sizeof(struct addr_key),
			{ "direction", "saddr", "daddr" } },
	[TV_RFLOW] = { "retransmits", "RETRANSMITS BY FLOW", VIEW_RETRANS, sizeof(struct addr_key),
		       { "saddr", "daddr" } },
	[TV_RCOMM] = { "retransmits_by_comm", "RETRANSMITS BY COMM", VIEW_RETRANS,
		       sizeof(struct comm_key), { "comm" } },
	[TV_DEV] = { "devices", "DEVICES", VIEW_DEVICES, sizeof(struct dev_key),
		     { "dev", "direction" } },
	[TV_UDP] = { "udp_senders", "UDP SENDERS", VIEW_UDP, sizeof(struct comm_key),
		     { "comm", "pid" } },
	[TV_STATES] = { "state_transitions", "TCP STATE TRANSITIONS", VIEW_STATES,
			sizeof(struct state_key), { "from", "to" } },
};

void top_tables(struct top *t, enum group_view gv, unsigned int max_keys)
{
	for (int v = 0; v < TOP_NVIEWS; v++)
		if (views[v].gview == gv && !t->agg[v])
			t->agg[v] = agg_new(views[v].keysize, max_keys);
	if (t->agg[TV_DROPS] && (t->drop_by & BY_STACK) && !t->stacks)
		t->stacks = top_stacks_new(sizeof(struct drop_key), max_keys);
}

void top_release(struct top *t)
{
	for (int v = 0; v < TOP_NVIEWS; v++)
		agg_free(t->agg[v]);
	for (size_t i = 0; i < ARRAY_SIZE(t->reasons); i++)
		free(t->reasons[i]);
	top_stacks_free(t->stacks);
}

/*
 * The interval counters are cleared when the next interval begins (its first event, or its
 * tick if none came), not when a table is drawn: the Prometheus file written after the
 * table then lists its rows in the order just shown.
 */
static void new_interval(struct top *t)
{
	for (int v = 0; v < TOP_NVIEWS; v++)
		if (t->agg[v])
			agg_interval(t->agg[v]);
	t->events = t->lost = 0;
	t->stale = false;
}

static void add_drop(struct top *t, const struct ftnet_event *ev, struct drop_key *k, uint64_t n)
{
	if (t->drop_by & BY_REASON) {
		k->reason = ev->reason;
		/* a copy: the name lives in the format parser, freed before the last table */
		if (ev->reason >= 0 && ev->reason < (int)ARRAY_SIZE(t->reasons) &&
		    !t->reasons[ev->reason] && ev->reason_name)
			t->reasons[ev->reason] = xstrdup(ev->reason_name);
	}
	if (t->drop_by & BY_LOCATION)
		k->location = ev->location;
	if (t->drop_by & BY_PROTOCOL)
		k->protocol = ev->protocol;
	if (t->drop_by & (BY_FLOW | BY_SADDR))
		memcpy(k->saddr, ev->saddr, 16);
	if (t->drop_by & BY_FLOW) {
		memcpy(k->daddr, ev->daddr, 16);
		k->sport = ev->sport;
	}
	if (t->drop_by & (BY_FLOW | BY_SADDR | BY_DPORT))
		k->family = ev->family;	/* 0: the packet was not read (shown as unknown) */
	if (t->drop_by & (BY_FLOW | BY_DPORT)) {
		k->ipproto = ev->ipproto;
		k->dport = ev->dport;
	}
	if (t->stacks) {	/* counted when its stack comes */
		struct drop_key none;

		if (top_stacks_hold(t->stacks, ev->cpu, k, &none))
			agg_add(t->agg[TV_DROPS], &none, 1, 0);
		return;
	}
	agg_add(t->agg[TV_DROPS], k, n, 0);
}

/* The stack record after a drop: the drop counted under its stack. */
static void add_stack(struct top *t, const struct ftnet_event *ev)
{
	struct drop_key k;
	uint64_t id;

	if (t->stacks && top_stacks_take(t->stacks, ev, t->ks, &k, &id)) {
		k.stack = id;
		agg_add(t->agg[TV_DROPS], &k, 1, 0);
	}
}

static void add_retrans(struct top *t, const struct ftnet_event *ev, union top_key *k)
{
	struct agg_row *r;

	k->a.family = ev->family;
	k->a.sport = ev->sport;
	k->a.dport = ev->dport;
	memcpy(k->a.saddr, ev->saddr, 16);
	memcpy(k->a.daddr, ev->daddr, 16);
	r = agg_add(t->agg[TV_RFLOW], k, 1, 0);
	r->extra = ev->state;
	memset(k, 0, sizeof(*k));
	memcpy(k->c.comm, ev->comm, FTNET_COMM_LEN);
	agg_add(t->agg[TV_RCOMM], k, 1, 0);
}

void top_add(struct top *t, const struct ftnet_event *ev)
{
	top_add_n(t, ev, 1, ev->len);
}

void top_add_other(struct top *t, enum top_view v, uint64_t n)
{
	if (t->stale)
		new_interval(t);
	if (!t->agg[v])
		return;
	agg_add_other(t->agg[v], n, 0);
	t->events += n;
	t->events_total += n;
}

void top_add_n(struct top *t, const struct ftnet_event *ev, uint64_t n, uint64_t bytes)
{
	union top_key k;

	if (t->stale)
		new_interval(t);
	memset(&k, 0, sizeof(k));
	if (ev->type == EV_LOST) {
		t->lost += ev->count;
		t->lost_total += ev->count;
		return;
	}
	if (ev->type == EV_STACK) {	/* a record of the drop before it, not an event */
		add_stack(t, ev);
		return;
	}
	t->events += n;
	t->events_total += n;
	switch (ev->type) {
	case EV_DROP:
		add_drop(t, ev, &k.d, n);
		break;
	case EV_RESET:
		k.a.dir = ev->dir;
		k.a.family = ev->family;
		memcpy(k.a.saddr, ev->saddr, 16);
		memcpy(k.a.daddr, ev->daddr, 16);
		agg_add(t->agg[TV_RESETS], &k, 1, 0);
		break;
	case EV_RETRANS:
		add_retrans(t, ev, &k);
		break;
	case EV_RX:
	case EV_TX:
		memcpy(k.v.dev, ev->dev, FTNET_DEV_LEN);
		k.v.dir = ev->type == EV_RX ? DIR_RECEIVED : DIR_SENT;
		agg_add(t->agg[TV_DEV], &k, n, bytes);
		break;
	case EV_UDP:
		memcpy(k.c.comm, ev->comm, FTNET_COMM_LEN);
		k.c.pid = ev->pid;
		agg_add(t->agg[TV_UDP], &k, n, bytes);
		break;
	case EV_STATE:
		k.s.from = ev->oldstate;
		k.s.to = ev->newstate;
		agg_add(t->agg[TV_STATES], &k, n, 0);
		break;
	default:
		break;
	}
}

static void addr_str(uint16_t family, const uint8_t *a, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (family == AF_INET || family == AF_INET6)
		inet_ntop(family, a, ip, sizeof(ip));
	snprintf(buf, size, "%s", ip);
}

static const char *reason_str(const struct top *t, int reason, char *buf, size_t size)
{
	if (reason < 0)
		return "-";
	if (reason < (int)ARRAY_SIZE(t->reasons) && t->reasons[reason])
		return t->reasons[reason];
	snprintf(buf, size, "%d", reason);
	return buf;
}

/* Appends the label name=val to the pairs in l; returns the new length. */
static int label(const char **l, int n, const char *name, const char *val)
{
	l[n] = name;
	l[n + 1] = val;
	return n + 2;
}

/* The packet's columns of --by flow, saddr and dport, in this order. */
static const struct { unsigned int by; const char *name, *title; } pkt_cols[] = {
	{ BY_FLOW | BY_DPORT, "ipproto", "IPPROTO" }, { BY_FLOW | BY_SADDR, "saddr", "SOURCE" },
	{ BY_FLOW, "sport", "SPORT" }, { BY_FLOW, "daddr", "DESTINATION" },
	{ BY_FLOW | BY_DPORT, "dport", "DPORT" },
};

/* The other row's labels: "other" for every key column. */
static int other_labels(const struct top *t, int v, const char **l)
{
	int n = 0;

	if (v == TV_DROPS) {
		if (t->drop_by & BY_REASON)
			n = label(l, n, "reason", "other");
		if (t->drop_by & BY_LOCATION)
			n = label(l, n, "location", "other");
		if (t->drop_by & BY_PROTOCOL)
			n = label(l, n, "protocol", "other");
		for (int i = 0; i < (int)ARRAY_SIZE(pkt_cols); i++)
			if (t->drop_by & pkt_cols[i].by)
				n = label(l, n, pkt_cols[i].name, "other");
		if (t->drop_by & BY_STACK)
			n = label(l, n, "stack", "other");
		return n;
	}
	for (int i = 0; i < (int)ARRAY_SIZE(views[v].other) && views[v].other[i]; i++)
		n = label(l, n, views[v].other[i], "other");
	return n;
}

static int packet_labels(const struct top *t, const struct drop_key *k, const char **l, int n,
			 char (*bufs)[TOP_LABEL_LEN])
{
	struct ftnet_event ev = { .family = k->family };
	int b = 3;

	memcpy(ev.saddr, k->saddr, 16);
	memcpy(ev.daddr, k->daddr, 16);
	for (int i = 0; i < (int)ARRAY_SIZE(pkt_cols); i++) {
		if (!(t->drop_by & pkt_cols[i].by))
			continue;
		char num[8];

		if (!k->family)
			snprintf(bufs[b], sizeof(bufs[b]), "unknown");
		else if (i == 0)
			snprintf(bufs[b], sizeof(bufs[b]), "%s", out_ipproto(k->ipproto, num, 8));
		else if (i == 1 || i == 3)
			out_fmt_addr(&ev, i == 1, bufs[b], sizeof(bufs[b]));
		else
			snprintf(bufs[b], sizeof(bufs[b]), "%u", i == 2 ? k->sport : k->dport);
		n = label(l, n, pkt_cols[i].name, bufs[b++]);
	}
	return n;
}

static int drop_labels(const struct top *t, const struct drop_key *k, const char **l,
		       char (*bufs)[TOP_LABEL_LEN])
{
	int n = 0;

	if (t->drop_by & BY_REASON)
		n = label(l, n, "reason", reason_str(t, k->reason, bufs[0], sizeof(bufs[0])));
	if (t->drop_by & BY_LOCATION) {
		ksyms_format(t->ks, k->location, bufs[1], sizeof(bufs[1]));
		n = label(l, n, "location", bufs[1]);
	}
	if (t->drop_by & BY_PROTOCOL)
		n = label(l, n, "protocol", strcpy(bufs[2], out_ethertype(k->protocol)));
	n = packet_labels(t, k, l, n, bufs);
	if ((t->drop_by & BY_STACK) && t->stacks) {
		top_stacks_label(t->stacks, k->stack, t->ks, bufs[8], sizeof(bufs[8]));
		n = label(l, n, "stack", bufs[8]);
	}
	return n;
}

static int flow_labels(const struct agg_row *r, const char **l, char (*bufs)[TOP_LABEL_LEN])
{
	const struct addr_key *k = (const void *)r->key;
	int n = 0;

	addr_str(k->family, k->saddr, bufs[0], sizeof(bufs[0]));
	snprintf(bufs[1], sizeof(bufs[1]), "%u", k->sport);
	addr_str(k->family, k->daddr, bufs[2], sizeof(bufs[2]));
	snprintf(bufs[3], sizeof(bufs[3]), "%u", k->dport);
	n = label(l, n, "saddr", bufs[0]);
	n = label(l, n, "sport", bufs[1]);
	n = label(l, n, "daddr", bufs[2]);
	n = label(l, n, "dport", bufs[3]);
	return label(l, n, "state", tcp_state_name((int)r->extra));
}

/* The key columns of one row; also its Prometheus labels (pairs, NULL-terminated). */
void top_row_keys(const struct top *t, int v, const struct agg_row *r, const char **l,
		  char (*bufs)[TOP_LABEL_LEN])
{
	const union top_key *k = (const void *)r->key;
	int n = 0;

	if (r->other)
		n = other_labels(t, v, l);
	else if (v == TV_DROPS)
		n = drop_labels(t, &k->d, l, bufs);
	else if (v == TV_RFLOW)
		n = flow_labels(r, l, bufs);
	else if (v == TV_RESETS) {
		addr_str(k->a.family, k->a.saddr, bufs[0], sizeof(bufs[0]));
		addr_str(k->a.family, k->a.daddr, bufs[1], sizeof(bufs[1]));
		n = label(l, n, "direction", k->a.dir == DIR_SENT ? "sent" : "received");
		n = label(l, n, "saddr", bufs[0]);
		n = label(l, n, "daddr", bufs[1]);
	} else if (v == TV_RCOMM) {
		n = label(l, n, "comm", k->c.comm);
	} else if (v == TV_DEV) {
		n = label(l, n, "dev", k->v.dev);
		n = label(l, n, "direction", k->v.dir == DIR_RECEIVED ? "rx" : "tx");
	} else if (v == TV_UDP) {
		snprintf(bufs[0], sizeof(bufs[0]), "%d", k->c.pid);
		n = label(l, n, "comm", k->c.comm);
		n = label(l, n, "pid", bufs[0]);
	} else if (v == TV_STATES) {
		n = label(l, n, "from", tcp_state_name(k->s.from));
		n = label(l, n, "to", tcp_state_name(k->s.to));
	}
	l[n] = NULL;
}

static bool has_bytes(int v)
{
	return v == TV_DEV || v == TV_UDP;
}

/* Text: one row's key columns, laid out per view. */
static void text_keys(int v, const char *const *l, const struct agg_row *r)
{
	char a[160], b[160];
	const char *o[16];

	/* the other row: "other" in the first column, the rest left blank */
	if (r->other && v != TV_RFLOW) {
		int i;

		for (i = 0; l[i] && i < (int)ARRAY_SIZE(o) - 2; i += 2) {
			o[i] = l[i];
			o[i + 1] = i ? "" : "other";
		}
		o[i] = NULL;
		l = o;
	}
	switch (v) {
	case TV_RFLOW:
		if (r->other) {
			out_text("%-46s %-47s %-12s ", "other", "", "");
			break;
		}
		snprintf(a, sizeof(a), strchr(l[1], ':') ? "[%s]:%s" : "%s:%s", l[1], l[3]);
		snprintf(b, sizeof(b), strchr(l[5], ':') ? "[%s]:%s" : "%s:%s", l[5], l[7]);
		out_text("%-46s %-47s %-12s ", a, b, l[9]);
		break;
	case TV_RESETS:
		out_text("%-9s %-40s %-40s ", l[1], l[3], l[5]);
		break;
	case TV_UDP:
		out_text("%-16s %8s ", l[1], l[3]);
		break;
	case TV_DEV:
		out_text("%-16s %-3s ", l[1], l[3]);
		break;
	case TV_STATES:
		out_text(r->other ? "%-12s    %-12s " : "%-12s -> %-12s ", l[1], l[3]);
		break;
	default:
		for (int i = 0; l[i]; i += 2)
			out_text(i == 0 ? "%-22s " : "%-40s ", l[i + 1]);
	}
}

static void text_header(const struct top *t, int v)
{
	const char *cnt = has_bytes(v) ? (v == TV_UDP ? "SENDS" : "PACKETS") : "COUNT";

	out_text("\n%s\n", views[v].title);
	switch (v) {
	case TV_DROPS:
		if (t->drop_by & BY_REASON)
			out_text("%-22s ", "REASON");
		if (t->drop_by & BY_LOCATION)
			out_text(t->drop_by & BY_REASON ? "%-40s " : "%-22s ", "LOCATION");
		if (t->drop_by & BY_PROTOCOL)
			out_text(t->drop_by == BY_PROTOCOL ? "%-22s " : "%-40s ", "PROTOCOL");
		for (int i = 0, first = !(t->drop_by & 7); i < (int)ARRAY_SIZE(pkt_cols); i++)
			if (t->drop_by & pkt_cols[i].by) {
				out_text(first ? "%-22s " : "%-40s ", pkt_cols[i].title);
				first = 0;
			}
		break;
	case TV_RESETS: out_text("%-9s %-40s %-40s ", "DIR", "SOURCE", "DESTINATION"); break;
	case TV_RFLOW: out_text("%-46s %-47s %-12s ", "SOURCE", "DESTINATION", "STATE"); break;
	case TV_RCOMM: out_text("%-22s ", "COMM"); break;
	case TV_DEV: out_text("%-16s %-3s ", "DEV", "DIR"); break;
	case TV_UDP: out_text("%-16s %8s ", "COMM", "PID"); break;
	case TV_STATES: out_text("%-12s    %-12s ", "FROM", "TO"); break;
	}
	out_text("%10s %10s %12s", cnt, "PER_SEC", "TOTAL");
	if (has_bytes(v))
		out_text(" %14s %14s %16s", "BYTES", "BYTES_PER_SEC", "TOTAL_BYTES");
	out_text("\n");
}

/* The line above the tables: when, how long, events and losses. */
static void render_head(const struct top *t, uint64_t ts, double secs, bool final)
{
	char tm[64];

	if (out_is_json()) {
		out_uint("ts_ns", "", ts);
		out_double("interval_s", "", secs);
		out_uint("events", "", t->events);
		out_uint("lost", "", t->lost);
		out_uint("events_total", "", t->events_total);
		out_uint("lost_total", "", t->lost_total);
		if (final)
			out_str("final", "", "true");
		return;
	}
	out_fmt_time(ts, tm, sizeof(tm));
	out_text("%s  interval %.2fs  events %" PRIu64 "  lost %" PRIu64 "  (total %" PRIu64
		 " events, %" PRIu64 " lost)%s\n", tm, secs, t->events, t->lost,
		 t->events_total, t->lost_total, final ? "  final" : "");
	if (t->lost)
		out_text("warning: %" PRIu64 " events lost in this interval: counts are low; "
			 "enlarge the buffer (--buffer-kb)\n", t->lost);
}

static void render_row(const struct top *t, int v, const struct agg_row *r, double secs)
{
	char bufs[9][TOP_LABEL_LEN];
	const char *labels[20];

	top_row_keys(t, v, r, labels, bufs);
	out_open(NULL, false);
	if (out_is_json()) {
		for (int j = 0; labels[j]; j += 2) {
			if (t->stacks && !r->other && !strcmp(labels[j], "stack"))
				top_stacks_json(t->stacks, ((const struct drop_key *)r->key)->stack,
						t->ks);
			else
				out_str(labels[j], "", labels[j + 1]);
		}
		if (r->other)
			out_str("other", "", "true");
	} else {
		text_keys(v, labels, r);
	}
	out_uint("count", "%10" PRIu64 " ", r->count);
	out_double("per_sec", "%10.1f ", secs > 0 ? r->count / secs : 0);
	out_uint("total", "%12" PRIu64, r->total);
	if (has_bytes(v)) {
		out_uint("bytes", " %14" PRIu64, r->bytes);
		out_double("bytes_per_sec", " %14.1f", secs > 0 ? r->bytes / secs : 0);
		out_uint("total_bytes", " %16" PRIu64, r->total_bytes);
	}
	out_text("\n");
	out_close(false);
}

/* Whether rows a and b differ in a key other than their stack. */
static bool other_keys_differ(const struct agg_row *a, const struct agg_row *b)
{
	struct drop_key x, y;

	memcpy(&x, a->key, sizeof(x));
	memcpy(&y, b->key, sizeof(y));
	x.stack = y.stack = 0;
	return a->other != b->other || memcmp(&x, &y, sizeof(x));
}

/*
 * --by stack in text: the rows of the same other keys drawn as one, with the call tree of
 * their stacks (totals, innermost frame first) under it, as perf report -g draws.
 */
static void render_stacks(struct top *t, double secs, struct agg_row **rows, size_t n)
{
	unsigned int by = t->drop_by;
	bool *done = xcalloc(n + 1, sizeof(*done));
	size_t shown = 0;

	for (size_t i = 0; i < n; i++) {
		struct agg_row g = *rows[i];
		struct tree *tree = NULL;

		if (done[i] || (shown >= (size_t)t->rows && !rows[i]->other))
			continue;
		g.count = g.total = 0;
		for (size_t j = i; j < n; j++) {
			if (done[j] || other_keys_differ(rows[i], rows[j]))
				continue;
			done[j] = true;
			g.count += rows[j]->count;
			g.total += rows[j]->total;
			if (!rows[j]->other)
				top_stacks_tree_add(t->stacks, &tree,
						    ((struct drop_key *)rows[j]->key)->stack,
						    rows[j]->total);
		}
		((struct drop_key *)g.key)->stack = 0;
		t->drop_by = by & ~(unsigned int)BY_STACK;
		render_row(t, TV_DROPS, &g, secs);
		t->drop_by = by;
		top_stacks_tree_draw(tree, t->ks);
		shown++;
	}
	free(done);
}

/* One table: the first --rows rows by count, and the other row. */
static void render_view(struct top *t, int v, double secs)
{
	struct agg_row **rows;
	size_t n, shown = 0;

	rows = agg_sorted(t->agg[v], &n);
	out_open(views[v].json, true);
	if (!out_is_json())
		text_header(t, v);
	if (v == TV_DROPS && t->stacks && !out_is_json()) {
		render_stacks(t, secs, rows, n);
		n = shown = 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (shown >= (size_t)t->rows && !rows[i]->other)
			continue;
		shown++;
		render_row(t, v, rows[i], secs);
	}
	if (n > shown)
		out_text("(%zu more rows)\n", n - shown);
	if (agg_other(t->agg[v])->total)
		out_text("(%" PRIu64 " events of keys past --max-keys are in 'other')\n",
			 agg_folded(t->agg[v]));
	out_close(true);
}

void top_render(struct top *t, uint64_t ts, double secs, bool final)
{
	struct drop_key k;

	if (t->stale)
		new_interval(t);	/* no event came in this interval */
	while (final && t->stacks && top_stacks_unstacked(t->stacks, &k))
		agg_add(t->agg[TV_DROPS], &k, 1, 0);	/* its stack never came */
	out_begin("top");
	render_head(t, ts, secs, final);
	for (int v = 0; v < TOP_NVIEWS; v++)
		if (t->agg[v])
			render_view(t, v, secs);
	out_end();
	out_flush();
	t->stale = true;
}
