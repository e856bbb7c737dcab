// SPDX-License-Identifier: GPL-2.0-or-later
/* The path table: skbs by address in a fixed table, oldest activity first for expiry. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "decode/decode.h"
#include "view/follow-paths.h"
#include "net/pkt.h"
#include "base/util.h"

struct slot {
	struct follow_path	p;
	uint64_t		id;		/* which path, as addresses come back */
	uint64_t		lost_gen;	/* f->lost_gen when the path began */
	int32_t			hnext;		/* hash chain, or the free list */
	int32_t			prev, next;	/* activity order: the head is the oldest */
};

/* Per CPU: a drop waiting for the stack record the trigger writes right after it, and the
 * skb received last (which sk_data_ready, right after, is about). */
struct cpu {
	struct follow_path	park;
	uint64_t		frames[FOLLOW_MAX_FRAMES];
	bool			waiting;
	bool			ticked;		/* a tick passed since it was parked */
	uint64_t		rx_id, rx_ts;	/* the path received last, 0: none */
	int32_t			rx_slot;
	int			rx_pid;
};

/* sk_data_ready comes microseconds after the receive; a backlog run a little later */
#define READY_NS 10000000ull
/* names of steps and drop reasons, copied: the formats they come from go before the end */
#define MAX_NAMES 512

struct follow {
	struct follow_opts	o;
	struct slot		*slots;
	int32_t			*heads;
	uint32_t		bits;
	int32_t			free_head;
	int32_t			oldest, newest;
	uint32_t		used;
	struct cpu		*cpus;
	int			ncpus;
	uint64_t		lost_gen, latest, next_id;
	struct follow_stats	st;
	const char		*name_from[MAX_NAMES];
	char			*names[MAX_NAMES];
	int			nnames;
};

static const char *const verdicts[FV_NVERDICTS] = {
	[FV_DROPPED] = "dropped", [FV_CONSUMED] = "consumed", [FV_DELIVERED] = "delivered",
	[FV_EXPIRED] = "expired",
};

const char *follow_verdict_name(enum follow_verdict v)
{
	return v < FV_NVERDICTS ? verdicts[v] : "unknown";
}

struct follow *follow_new(const struct follow_opts *o)
{
	struct follow *f = xcalloc(1, sizeof(*f));
	uint32_t n = o->max_paths ? o->max_paths : 1;

	f->o = *o;
	f->o.max_paths = n;
	/* calloc'd: pages of slots never used are never touched */
	f->slots = xcalloc(n, sizeof(*f->slots));
	for (f->bits = 4; (1u << f->bits) < 2 * n && f->bits < 30; f->bits++)
		;
	f->heads = xmalloc(sizeof(*f->heads) << f->bits);
	memset(f->heads, 0xff, sizeof(*f->heads) << f->bits);
	for (uint32_t i = 0; i < n; i++)
		f->slots[i].hnext = i + 1 < n ? (int32_t)(i + 1) : -1;
	f->free_head = 0;
	f->oldest = f->newest = -1;
	return f;
}

void follow_free(struct follow *f)
{
	if (!f)
		return;
	free(f->slots);
	free(f->heads);
	free(f->cpus);
	for (int i = 0; i < f->nnames; i++)
		free(f->names[i]);
	free(f);
}

/* Our copy of a name from an event (the tep's strings are freed before the last paths). */
static const char *intern(struct follow *f, const char *s)
{
	int i;

	if (!s)
		return NULL;
	for (i = 0; i < f->nnames; i++)
		if (f->name_from[i] == s && !strcmp(f->names[i], s))
			return f->names[i];
	for (i = 0; i < f->nnames; i++)
		if (!strcmp(f->names[i], s))
			return f->names[i];
	if (f->nnames == MAX_NAMES)
		return "?";
	f->name_from[f->nnames] = s;
	f->names[f->nnames] = xstrdup(s);
	return f->names[f->nnames++];
}

static uint32_t hash(const struct follow *f, uint64_t addr)
{
	return (uint32_t)((addr * 0x9e3779b97f4a7c15ull) >> (64 - f->bits));
}

static int32_t lookup(const struct follow *f, uint64_t addr)
{
	for (int32_t i = f->heads[hash(f, addr)]; i >= 0; i = f->slots[i].hnext)
		if (f->slots[i].p.skbaddr == addr)
			return i;
	return -1;
}

static void order_unlink(struct follow *f, int32_t i)
{
	struct slot *s = &f->slots[i];

	if (s->prev >= 0)
		f->slots[s->prev].next = s->next;
	else
		f->oldest = s->next;
	if (s->next >= 0)
		f->slots[s->next].prev = s->prev;
	else
		f->newest = s->prev;
}

static void order_append(struct follow *f, int32_t i)
{
	struct slot *s = &f->slots[i];

	s->prev = f->newest;
	s->next = -1;
	if (f->newest >= 0)
		f->slots[f->newest].next = i;
	else
		f->oldest = i;
	f->newest = i;
}

/* Takes the slot out of the hash and the order, back on the free list. */
static void slot_release(struct follow *f, int32_t i)
{
	int32_t *pp = &f->heads[hash(f, f->slots[i].p.skbaddr)];

	while (*pp != i)
		pp = &f->slots[*pp].hnext;
	*pp = f->slots[i].hnext;
	order_unlink(f, i);
	f->slots[i].id = 0;
	f->slots[i].hnext = f->free_head;
	f->free_head = i;
	f->used--;
}

static struct cpu *cpu_of(struct follow *f, int cpu)
{
	if (cpu < 0 || cpu > 65535)
		return NULL;
	if (cpu >= f->ncpus) {
		f->cpus = xrealloc(f->cpus, (cpu + 1) * sizeof(*f->cpus));
		memset(f->cpus + f->ncpus, 0, (cpu + 1 - f->ncpus) * sizeof(*f->cpus));
		f->ncpus = cpu + 1;
	}
	return &f->cpus[cpu];
}

static void emit(struct follow *f, const struct follow_path *p)
{
	f->st.ended[p->verdict]++;
	if (p->reused)
		f->st.reused++;
	if (!p->matched) {
		f->st.unmatched++;
		return;
	}
	f->o.emit(f->o.arg, p);
}

/* The drop parked on a CPU goes out now, with whatever stack it has. */
static void parked_flush(struct follow *f, int cpu)
{
	struct cpu *c = cpu >= 0 && cpu < f->ncpus ? &f->cpus[cpu] : NULL;

	if (!c || !c->waiting)
		return;
	c->waiting = false;
	c->park.frames = c->park.nframes ? c->frames : NULL;
	emit(f, &c->park);
}

/* The path ends: out now, or (a drop, stacks on) parked until its stack record comes. */
static void path_end(struct follow *f, int32_t i, enum follow_verdict v, int cpu)
{
	struct slot *s = &f->slots[i];
	struct cpu *c;

	s->p.verdict = v;
	s->p.lost = s->lost_gen != f->lost_gen;
	c = v == FV_DROPPED && f->o.stacks ? cpu_of(f, cpu) : NULL;
	if (c) {
		parked_flush(f, cpu);	/* its stack, had it one, came before this drop */
		c->park = s->p;
		c->park.nframes = 0;
		c->waiting = true;
		c->ticked = false;
	} else {
		s->p.frames = NULL;
		s->p.nframes = 0;
		emit(f, &s->p);
	}
	slot_release(f, i);
}

/* No end was seen: a path that reached a socket was delivered, the others expired. */
static void path_lapse(struct follow *f, int32_t i, bool reused)
{
	f->slots[i].p.reused = reused;
	path_end(f, i, f->slots[i].p.queued ? FV_DELIVERED : FV_EXPIRED, -1);
}

static void expire_before(struct follow *f, uint64_t limit)
{
	while (f->oldest >= 0 && f->slots[f->oldest].p.last_ts < limit)
		path_lapse(f, f->oldest, false);
}

static int32_t path_start(struct follow *f, const struct ftnet_event *ev)
{
	struct slot *s;
	int32_t i;

	if (f->free_head < 0 && f->latest > f->o.expire_ns)
		expire_before(f, f->latest - f->o.expire_ns);
	if (f->free_head < 0)
		return -1;
	i = f->free_head;
	s = &f->slots[i];
	f->free_head = s->hnext;
	memset(&s->p, 0, sizeof(s->p));
	s->p.skbaddr = ev->skbaddr;
	s->p.first_ts = ev->ts;
	s->p.reason = -1;
	s->p.matched = !f->o.match;
	s->id = ++f->next_id;
	s->lost_gen = f->lost_gen;
	s->hnext = f->heads[hash(f, ev->skbaddr)];
	f->heads[hash(f, ev->skbaddr)] = i;
	order_append(f, i);
	f->used++;
	f->st.started++;
	return i;
}

/* ev's step name, interned: paths compare names by pointer */
static const char *step_name(struct follow *f, const struct ftnet_event *ev)
{
	return intern(f, ev->event ? ev->event : event_type_name(ev->type));
}

static void step_add(struct follow *f, struct follow_path *p, const struct ftnet_event *ev,
		     const char *name)
{
	struct follow_step *st;

	if (p->nsteps == FOLLOW_MAX_STEPS) {
		p->omitted++;	/* the newest replaces the last kept: the end is always shown */
		p->nsteps--;
		while (p->nrewrites && p->rewrites[p->nrewrites - 1].step >= p->nsteps)
			p->nrewrites--;	/* read at the step replaced */
	}
	st = &p->steps[p->nsteps++];
	st->ts = ev->ts;
	st->name = name;
	st->len = ev->len;
	st->cpu = ev->cpu;
	st->type = (uint8_t)ev->type;
	st->dir = (uint8_t)ev->dir;
	memcpy(st->dev, ev->dev, sizeof(st->dev));
	st->dev[sizeof(st->dev) - 1] = '\0';
	st->nf_known = ev->nf_known;
	st->nf_hook = ev->nf_hook;
	st->nf_pf = ev->nf_pf;
	p->last_ts = ev->ts;
}

/*
 * Whether ev repeats step s: the same function on the same device, and for netfilter the same
 * hook (a packet meets several on one device: prerouting and input). A hook not known (no
 * BTF) is never taken for a repeat.
 */
static bool repeats(const struct follow_step *s, const char *name, const struct ftnet_event *ev)
{
	if (s->name != name || strcmp(s->dev, ev->dev))
		return false;
	if (strcmp(name, "nf_hook_slow"))
		return true;
	return s->nf_known && ev->nf_known && s->nf_hook == ev->nf_hook && s->nf_pf == ev->nf_pf;
}

/* Whether a known field of the flow (addr, port) differs from ev's, where ev knows it too. */
static bool flow_differs(uint32_t known, const uint8_t *saddr, const uint8_t *daddr,
			 uint16_t sport, uint16_t dport, const struct ftnet_event *ev)
{
	uint32_t both = known & ev->pkt_known;
	size_t alen = ev->family == AF_INET6 ? 16 : 4;

	return ((both & PKT_SADDR) && memcmp(saddr, ev->saddr, alen)) ||
	       ((both & PKT_DADDR) && memcmp(daddr, ev->daddr, alen)) ||
	       ((both & PKT_SPORT) && sport != ev->sport) ||
	       ((both & PKT_DPORT) && dport != ev->dport);
}

/* Whether ev read another flow than the path's latest (its first, or its last rewrite). */
static bool flow_changed(const struct follow_path *p, const struct ftnet_event *ev)
{
	const struct follow_rewrite *r = p->nrewrites ? &p->rewrites[p->nrewrites - 1] : NULL;

	if (!p->family || !ev->family || !ev->pkt_known)
		return false;
	if (ev->family != p->family || ev->ipproto != p->ipproto)
		return true;
	return r ? flow_differs(r->pkt_known, r->saddr, r->daddr, r->sport, r->dport, ev) :
		   flow_differs(p->pkt_known, p->saddr, p->daddr, p->sport, p->dport, ev);
}

/*
 * Whether ev cannot be a step of the same skb: a step it had already on that device (or, both
 * before any device, as ip_output of a local packet: a pure ACK freed unseen, then the next
 * segment), or a transmit on a device it was received on. Its address was freed unseen and
 * came back.
 */
static bool another_skb(const struct follow_path *p, const struct ftnet_event *ev,
			const char *name)
{
	/* another flow with no netfilter hook (NAT) between: another packet */
	if (!p->nf_since_flow && flow_changed(p, ev))
		return true;
	for (int k = 0; k < p->nsteps; k++) {
		const struct follow_step *s = &p->steps[k];

		if (repeats(s, name, ev))
			return true;
		if (strcmp(s->dev, ev->dev))
			continue;
		if (!ev->dev[0])
			continue;
		if (ev->dir == DIR_SENT && s->type == EV_RX)
			return true;
	}
	return false;
}

/* What the end step tells: the reason and place of a drop, the reader of a delivery. */
static void end_details(struct follow *f, struct follow_path *p, const struct ftnet_event *ev)
{
	if (ev->type == EV_DROP) {
		p->reason = ev->reason;
		p->reason_name = intern(f, ev->reason_name);
	}
	if ((ev->type == EV_DROP || ev->type == EV_CONSUME) && ev->location)
		p->location = ev->location;
	if (ev->type == EV_COPY) {
		p->read = true;
		p->pid = ev->pid;
		memcpy(p->comm, ev->comm, sizeof(p->comm));
		p->comm[sizeof(p->comm) - 1] = '\0';
	}
}

static void stack_attach(struct follow *f, const struct ftnet_event *ev)
{
	struct cpu *c = ev->cpu >= 0 && ev->cpu < f->ncpus ? &f->cpus[ev->cpu] : NULL;
	uint32_t n = ev->nframes < FOLLOW_MAX_FRAMES ? ev->nframes : FOLLOW_MAX_FRAMES;

	if (!c || !c->waiting) {
		f->st.orphan_stacks++;
		return;
	}
	for (uint32_t k = 0; k < n; k++)
		c->frames[k] = decode_frame(ev, k);
	c->park.nframes = n;
	parked_flush(f, ev->cpu);
}

/* sk_data_ready has no skb: it is about the skb its CPU received last, in the same task. */
static void data_ready(struct follow *f, const struct ftnet_event *ev)
{
	struct cpu *c = ev->cpu >= 0 && ev->cpu < f->ncpus ? &f->cpus[ev->cpu] : NULL;
	struct follow_path *p;
	int32_t i = -1;

	if (c && c->rx_id && f->slots[c->rx_slot].id == c->rx_id && c->rx_pid == ev->pid &&
	    ev->ts - c->rx_ts <= READY_NS)
		i = c->rx_slot;
	if (i < 0) {
		f->st.ready_unknown++;
		return;
	}
	c->rx_id = 0;
	p = &f->slots[i].p;
	step_add(f, p, ev, step_name(f, ev));
	p->queued = true;
	p->sock_protocol = ev->protocol;
	order_unlink(f, i);
	order_append(f, i);
}

/* The path of ev's skb: the one in flight, or a new one (the old ended if it was another). */
static int32_t path_of(struct follow *f, const struct ftnet_event *ev, const char *name)
{
	int32_t i = lookup(f, ev->skbaddr);

	if (i >= 0 && another_skb(&f->slots[i].p, ev, name)) {
		path_lapse(f, i, true);
		i = -1;
	}
	if (i < 0)
		return path_start(f, ev);
	order_unlink(f, i);
	order_append(f, i);
	return i;
}

/*
 * A step whose packet has another flow than the step before that read one: NAT rewrote it
 * (the path keeps its first flow, the step says what it became).
 */
static void rewrite_note(struct follow_path *p, const struct ftnet_event *ev)
{
	struct follow_rewrite *r;

	if (ev->family != p->family || ev->ipproto != p->ipproto ||
	    p->nrewrites == FOLLOW_MAX_REWRITES || !flow_changed(p, ev))
		return;
	r = &p->rewrites[p->nrewrites++];
	r->step = (uint8_t)(p->nsteps - 1);
	r->pkt_known = ev->pkt_known;
	r->sport = ev->sport;
	r->dport = ev->dport;
	memcpy(r->saddr, ev->saddr, 16);
	memcpy(r->daddr, ev->daddr, 16);
}

/* The packet's flow, from the first step a kprobe read it at; a later change is a rewrite. */
static void packet_note(struct follow_path *p, const struct ftnet_event *ev, const char *name)
{
	if (!ev->family || !ev->pkt_known)
		return;
	p->nf_since_flow = ev->nf_known || !strcmp(name, "nf_hook_slow");
	if (p->family) {
		rewrite_note(p, ev);
		return;
	}
	p->family = ev->family;
	p->arp_op = ev->arp_op;
	p->ipproto = ev->ipproto;
	p->pkt_known = ev->pkt_known;
	p->sport = ev->sport;
	p->dport = ev->dport;
	memcpy(p->saddr, ev->saddr, 16);
	memcpy(p->daddr, ev->daddr, 16);
}

static void step(struct follow *f, const struct ftnet_event *ev, enum follow_verdict v)
{
	const char *name;
	struct cpu *c;
	int32_t i;

	if (!ev->skbaddr)
		return;
	name = step_name(f, ev);
	i = path_of(f, ev, name);
	if (i < 0) {
		f->st.no_room++;
		return;
	}
	step_add(f, &f->slots[i].p, ev, name);
	packet_note(&f->slots[i].p, ev, name);
	if (!f->slots[i].p.matched && f->o.match(f->o.arg, ev))
		f->slots[i].p.matched = true;
	if (ev->type == EV_RX && (c = cpu_of(f, ev->cpu))) {
		c->rx_id = f->slots[i].id;
		c->rx_slot = i;
		c->rx_ts = ev->ts;
		c->rx_pid = ev->pid;
	}
	if (v != FV_NVERDICTS) {
		end_details(f, &f->slots[i].p, ev);
		path_end(f, i, v, ev->cpu);
	}
}

void follow_event(struct follow *f, const struct ftnet_event *ev)
{
	if (ev->ts > f->latest)
		f->latest = ev->ts;
	switch (ev->type) {
	case EV_LOST:	/* paths in flight may miss steps; a parked drop its stack */
		f->lost_gen++;
		parked_flush(f, ev->cpu);
		break;
	case EV_STACK:
		stack_attach(f, ev);
		break;
	case EV_DATA_READY:
		data_ready(f, ev);
		break;
	case EV_DROP:
		step(f, ev, FV_DROPPED);
		break;
	case EV_CONSUME:
		step(f, ev, FV_CONSUMED);
		break;
	case EV_COPY:
		step(f, ev, FV_DELIVERED);
		break;
	case EV_SKB: case EV_RX: case EV_TX:
		step(f, ev, FV_NVERDICTS);
		break;
	default:
		break;
	}
}

void follow_tick(struct follow *f, uint64_t now)
{
	for (int c = 0; c < f->ncpus; c++) {
		if (f->cpus[c].waiting && f->cpus[c].ticked)
			parked_flush(f, c);
		else if (f->cpus[c].waiting)
			f->cpus[c].ticked = true;
	}
	if (now > f->o.expire_ns)
		expire_before(f, now - f->o.expire_ns);
}

void follow_finish(struct follow *f)
{
	int32_t i, next;

	for (int c = 0; c < f->ncpus; c++)
		parked_flush(f, c);
	for (i = f->oldest; i >= 0; i = next) {
		next = f->slots[i].next;
		if (f->slots[i].p.queued)
			path_lapse(f, i, false);
	}
	f->st.in_flight = f->used;
}

uint64_t follow_latest(const struct follow *f)
{
	return f->latest;
}

const struct follow_stats *follow_stats(const struct follow *f)
{
	return &f->st;
}
