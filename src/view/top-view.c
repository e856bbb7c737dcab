// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet top's views: the tables, their keys, and one interval drawn as text, JSON or Prometheus. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "view/agg.h"
#include "net/pkt.h"
#include "kernel/ksyms.h"
#include "base/out.h"
#include "view/print.h"
#include "base/prom.h"
#include "view/top-view.h"
#include "view/top-fields.h"
#include "view/top-stack.h"
#include "top-int.h"
#include "base/util.h"

const struct top_view_info top_views[TOP_NVIEWS] = {
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

const struct top_pkt_col top_pkt_cols[TOP_NPKT_COLS] = {
	{ BY_FLOW | BY_DPORT, "ipproto", "IPPROTO" }, { BY_FLOW | BY_SADDR, "saddr", "SOURCE" },
	{ BY_FLOW, "sport", "SPORT" }, { BY_FLOW, "daddr", "DESTINATION" },
	{ BY_FLOW | BY_DPORT, "dport", "DPORT" },
};


void top_tables(struct top *t, enum group_view gv, unsigned int max_keys)
{
	for (int v = 0; v < TOP_NVIEWS; v++)
		if (top_views[v].gview == gv && !t->agg[v])
			t->agg[v] = agg_new(top_views[v].keysize, max_keys);
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
	top_fields_free(t->fields);
}

/*
 * The interval counters are cleared when the next interval begins (its first event, or its
 * tick if none came), not when a table is drawn: the Prometheus file written after the
 * table then lists its rows in the order just shown.
 */
void top_new_interval(struct top *t)
{
	for (int v = 0; v < TOP_NVIEWS; v++)
		if (t->agg[v])
			agg_interval(t->agg[v]);
	if (t->fields)
		top_fields_interval(t->fields);
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
	if (t->drop_by & (BY_FLOW | BY_SADDR | BY_DPORT)) {
		k->family = ev->family;	/* 0: the packet was not read (shown as unknown) */
		/* a packet read whole has all it has (ICMP's ports: 0); a socket's flow may lack ends */
		k->known = ev->flow_from == FLOW_KPROBE ? KEY_SADDR | KEY_DADDR | KEY_SPORT | KEY_DPORT :
			   (ev->pkt_known & PKT_SADDR ? KEY_SADDR : 0) |
			   (ev->pkt_known & PKT_DADDR ? KEY_DADDR : 0) |
			   (ev->pkt_known & PKT_SPORT ? KEY_SPORT : 0) |
			   (ev->pkt_known & PKT_DPORT ? KEY_DPORT : 0);
	}
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
		top_new_interval(t);
	if (!t->agg[v])
		return;
	agg_add_other(t->agg[v], n, 0);
	t->events += n;
	t->events_total += n;
}

/* The table an event is counted in; TOP_NVIEWS for events no table counts. */
static enum top_view view_of(int type)
{
	switch (type) {
	case EV_DROP:
		return TV_DROPS;
	case EV_RESET:
		return TV_RESETS;
	case EV_RETRANS:
		return TV_RFLOW;
	case EV_RX:
	case EV_TX:
		return TV_DEV;
	case EV_UDP:
		return TV_UDP;
	case EV_STATE:
		return TV_STATES;
	default:
		return TOP_NVIEWS;
	}
}

void top_add_n(struct top *t, const struct ftnet_event *ev, uint64_t n, uint64_t bytes)
{
	enum top_view v = view_of(ev->type);
	union top_key k;

	if (t->stale)
		top_new_interval(t);
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
	/*
	 * Events of groups without a table: a file of another command's groups (follow's
	 * netif_receive_skb, kfree_skb) decodes into drops and rx that no table was made for.
	 */
	if (ev->type == EV_TRACEPOINT) {	/* counted by their fields, in no agg of the views */
		if (t->fields) {
			top_fields_add(t->fields, ev);
			t->events += n;
			t->events_total += n;
		}
		return;
	}
	if (v == TOP_NVIEWS || !t->agg[v])
		return;
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
		for (int i = 0; i < (int)ARRAY_SIZE(top_pkt_cols); i++)
			if (t->drop_by & top_pkt_cols[i].by)
				n = label(l, n, top_pkt_cols[i].name, "other");
		if (t->drop_by & BY_STACK)
			n = label(l, n, "stack", "other");
		return n;
	}
	for (int i = 0; i < (int)ARRAY_SIZE(top_views[v].other) && top_views[v].other[i]; i++)
		n = label(l, n, top_views[v].other[i], "other");
	return n;
}

static int packet_labels(const struct top *t, const struct drop_key *k, const char **l, int n,
			 char (*bufs)[TOP_LABEL_LEN])
{
	/* what each column of top_pkt_cols needs known */
	static const uint8_t need[] = { 0, KEY_SADDR, KEY_SPORT, KEY_DADDR, KEY_DPORT };
	struct ftnet_event ev = { .family = k->family };
	int b = 3;

	memcpy(ev.saddr, k->saddr, 16);
	memcpy(ev.daddr, k->daddr, 16);
	for (int i = 0; i < (int)ARRAY_SIZE(top_pkt_cols); i++) {
		if (!(t->drop_by & top_pkt_cols[i].by))
			continue;
		char num[8];

		if (!k->family || (k->known & need[i]) != need[i])
			snprintf(bufs[b], sizeof(bufs[b]), "unknown");
		else if (i == 0)
			snprintf(bufs[b], sizeof(bufs[b]), "%s", out_ipproto(k->ipproto, num, 8));
		else if (i == 1 || i == 3)
			out_fmt_addr(&ev, i == 1, bufs[b], sizeof(bufs[b]));
		else
			snprintf(bufs[b], sizeof(bufs[b]), "%u", i == 2 ? k->sport : k->dport);
		n = label(l, n, top_pkt_cols[i].name, bufs[b++]);
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
