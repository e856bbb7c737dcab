// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capture --drops: packets from libpcap and the kernel's drop events from a private tracefs
 * instance, through the run loop, printed merged by time. Each source has a watermark, a time
 * before which it can deliver nothing more; an item is printed only once both have passed it.
 * So a drop never overtakes the packet it dropped, though the packet socket may hand packets
 * over in blocks, long after the drop event can be read.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/cap.h"
#include "capture-int.h"
#include "kernel/ksyms.h"
#include "base/out.h"
#include "view/print.h"
#include "source/run.h"
#include "base/util.h"

/*
 * Blocks (TPACKET_V3, libpcap's mode unless immediate): the kernel hands a block over when it
 * is full, or when its timer (the read timeout) finds it open twice, 200 ms at most (measured
 * here: 100 ms, also under load). Past this bound a packet it took has surely been handed over.
 */
#define BLOCK_BOUND_NS (5ull * CAPTURE_TIMEOUT_MS * 1000000ull)
/* the longest a round of the trace buffers waits for the pcap handle */
#define WAKE_MS 20

/* The items of one source, each beginning with its key (mono ns), in key order from head. */
struct queue {
	char		*buf;
	size_t		size;		/* of an item */
	size_t		head, n, cap;	/* in items */
};

struct pkt_item {
	uint64_t		key;
	struct packet		pkt;
};

struct drop_item {
	uint64_t		key;
	bool			named;		/* ev has a reason name, kept in reason */
	struct ftnet_event	ev;
	char			reason[64];	/* outlives the session's format tables */
};

struct merge {
	struct capture	*c;
	struct queue	pkts, drops;
	int64_t		wall_offset;	/* wall clock minus mono clock */
	/* watermarks (mono ns): each source has delivered everything older than its own */
	uint64_t	wm_trace, wm_pcap;
	uint64_t	last_idle;	/* before the latest round of the trace buffers */
	uint64_t	recv_at;	/* when the kernel's count of packets taken became recv */
	unsigned int	recv;
	bool		counted;	/* recv is valid */
};

static void raise_to(uint64_t *wm, uint64_t t)
{
	if (t > *wm)
		*wm = t;
}

static uint64_t key_at(const struct queue *q, size_t i)
{
	uint64_t key;

	memcpy(&key, q->buf + i * q->size, sizeof(key));
	return key;
}

/* The head item, or NULL when the queue is empty. */
static void *peek(const struct queue *q)
{
	return q->head < q->n ? q->buf + q->head * q->size : NULL;
}

static void pop(struct queue *q)
{
	if (++q->head == q->n)
		q->head = q->n = 0;
}

/*
 * A new item in its place by key, after its equals. Each source delivers nearly in order
 * (the ring's order, the reader's merge), so the place is found at once from the tail.
 */
static void *push(struct queue *q, uint64_t key)
{
	size_t i;
	char *it;

	if (q->head && q->n == q->cap) {
		memmove(q->buf, q->buf + q->head * q->size, (q->n - q->head) * q->size);
		q->n -= q->head;
		q->head = 0;
	}
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 256;
		q->buf = xrealloc(q->buf, q->cap * q->size);
	}
	for (i = q->n; i > q->head && key < key_at(q, i - 1); i--)
		;
	it = q->buf + i * q->size;
	memmove(it + q->size, it, (q->n - i) * q->size);
	q->n++;
	memset(it, 0, q->size);
	memcpy(it, &key, sizeof(key));
	return it;
}

/*
 * Prints the items of both queues up to upto (mono ns), in key order; a packet goes before a
 * drop at the same time, as the packet socket sees a packet before it is dropped.
 */
static void flush(struct merge *m, uint64_t upto)
{
	for (;;) {
		struct pkt_item *p = peek(&m->pkts);
		struct drop_item *d = peek(&m->drops);

		if (p && p->key <= upto && (!d || p->key <= d->key)) {
			out_packet(&p->pkt);
			pop(&m->pkts);
		} else if (d && d->key <= upto) {
			struct ftnet_event ev = d->ev;

			ev.reason_name = d->named ? d->reason : NULL;
			out_event(&ev);
			pop(&m->drops);
		} else {
			break;
		}
	}
}

static void on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct merge *m = (struct merge *)arg;
	struct capture *c = m->c;
	uint64_t ts = capture_ts(h);
	int64_t k = (int64_t)ts - m->wall_offset;
	uint64_t key = k > 0 ? (uint64_t)k : 0;
	struct pkt_item *it;

	/*
	 * The ring holds packets in the order the kernel took them, each stamped no later than
	 * taken: none taken before this one's time can come after it.
	 */
	raise_to(&m->wm_pcap, key);
	if (c->limit && c->count >= c->limit)
		return;
	c->count++;
	it = push(&m->pkts, key);
	cap_dissect(c->linktype, data, h->caplen, h->len, ts, c->ifname, &it->pkt);
}

static void on_drop(void *arg, const struct ftnet_event *ev)
{
	struct merge *m = arg;
	struct drop_item *it;

	if (ev->type != EV_DROP && ev->type != EV_LOST)
		return;
	m->c->drops += ev->type == EV_DROP;
	it = push(&m->drops, ev->ts);
	it->ev = *ev;
	it->ev.pkt = NULL;	/* valid during delivery only; the fields rebuilt from it stay */
	it->ev.pkt_len = 0;
	if (ev->reason_name) {
		snprintf(it->reason, sizeof(it->reason), "%s", ev->reason_name);
		it->named = true;
	}
}

/* Takes what the pcap handle holds, and moves its watermark as far as is known to be safe. */
static void pcap_read(struct merge *m)
{
	struct capture *c = m->c;
	uint64_t t0 = mono_ns();
	struct pcap_stat st;
	bool counted = pcap_stats(c->pc, &st) == 0;

	if (pcap_dispatch(c->pc, -1, on_packet, (u_char *)m) == PCAP_ERROR) {
		if (!c->failed)
			error("capture failed: %s", pcap_geterr(c->pc));
		c->failed = true;
		return;
	}
	if (c->immediate) {
		/* per-packet frames (TPACKET_V2): readable once taken, so all before t0 were read */
		raise_to(&m->wm_pcap, t0);
		return;
	}
	raise_to(&m->wm_pcap, t0 > BLOCK_BOUND_NS ? t0 - BLOCK_BOUND_NS : 0);
	if (!counted) {
		m->counted = false;
		return;
	}
	/* ps_recv counts packets as the kernel takes them, before they reach a block */
	if (!m->counted || st.ps_recv != m->recv) {
		m->counted = true;
		m->recv = st.ps_recv;
		m->recv_at = t0;
	} else if (m->wm_pcap >= m->recv_at) {
		/* all taken before the count last moved were read, and none since: all of them */
		raise_to(&m->wm_pcap, t0);
	}
}

/* After each round of the trace buffers: read pcap, print what both sources have passed. */
static void idle(void *arg, uint64_t now)
{
	struct merge *m = arg;

	/* the round came after the previous idle: every drop older than that has been read */
	raise_to(&m->wm_trace, m->last_idle);
	m->last_idle = now;
	pcap_read(m);
	flush(m, m->wm_trace < m->wm_pcap ? m->wm_trace : m->wm_pcap);
}

static void started(void *arg, struct session *s)
{
	struct merge *m = arg;

	(void)s;
	m->last_idle = mono_ns();
}

static bool done(void *arg)
{
	const struct capture *c = ((struct merge *)arg)->c;

	return c->failed || (c->limit && c->count >= c->limit);
}

/*
 * The end, with the trace buffers drained: wait (bounded) until pcap has handed over what the
 * kernel took before the last drop, then print everything.
 */
static void finish(void *arg, uint64_t now, double secs, bool final)
{
	struct merge *m = arg;
	uint64_t last = m->drops.n ? key_at(&m->drops, m->drops.n - 1) : 0;
	uint64_t until = now + 2 * BLOCK_BOUND_NS;

	(void)secs;
	if (!final)
		return;
	pcap_read(m);
	while (m->wm_pcap < last && !m->c->failed && mono_ns() < until) {
		struct pollfd p = { .fd = pcap_get_selectable_fd(m->c->pc), .events = POLLIN };

		poll(&p, 1, WAKE_MS);
		pcap_read(m);
	}
	flush(m, UINT64_MAX);
}

/* Wall minus mono clock, from the closest of a few reads of one between two of the other. */
static int64_t clock_offset(void)
{
	uint64_t best = UINT64_MAX;
	int64_t off = 0;

	for (int i = 0; i < 16; i++) {
		uint64_t a = mono_ns(), w = wall_ns(), b = mono_ns();

		if (b - a < best) {
			best = b - a;
			off = (int64_t)(w - (a + (b - a) / 2));
		}
	}
	return off;
}

int capture_drops_run(struct ftnet_ctx *ctx, struct capture *c, struct out_opts *oo,
		      double duration)
{
	struct run_spec r = { .cmd = "capture", .private_instance = true, .quiet = true };
	struct merge m = { .c = c, .pkts.size = sizeof(struct pkt_item),
			   .drops.size = sizeof(struct drop_item) };
	char *names[] = { "drops" };
	struct ksyms *ks;
	int ret;

	ks = ksyms_load("/proc/kallsyms");
	oo->ksyms = ks;
	oo->wall_offset_ns = m.wall_offset = clock_offset();
	out_init(oo);
	r.groups = names;
	r.ngroups = 1;
	r.duration = duration;
	r.arg = &m;
	r.started = started;
	r.on_event = on_drop;
	r.idle = idle;
	r.done = done;
	r.tick = finish;
	r.wake_fd = pcap_get_selectable_fd(c->pc);
	r.wake_ms = WAKE_MS;
	ret = run_or_exit(ctx, &r, NULL);
	free(m.pkts.buf);
	free(m.drops.buf);
	oo->ksyms = NULL;
	out_init(oo);
	ksyms_free(ks);
	return c->failed ? EXIT_FAIL : ret;
}
