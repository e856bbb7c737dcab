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

#include "cap.h"
#include "capture-int.h"
#include "ksyms.h"
#include "out.h"
#include "run.h"
#include "util.h"

/*
 * Blocks (TPACKET_V3): the kernel hands a block over when it is full, or when its timer (the
 * read timeout) finds it open twice. Past this bound a packet it took is surely handed over.
 */
#define BLOCK_BOUND_NS (5ull * CAPTURE_TIMEOUT_MS * 1000000ull)
/* the longest a round of the trace buffers waits for the pcap handle */
#define WAKE_MS 20

struct item {
	uint64_t		key;		/* mono ns: the order of output */
	bool			is_drop;
	bool			named;		/* ev has a reason name, kept in reason */
	struct packet		pkt;
	struct ftnet_event	ev;
	char			reason[64];	/* outlives the session's format tables */
};

struct merge {
	struct capture	*c;
	struct item	*q;		/* in key order, printed from head */
	size_t		head, n, cap;
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

/* Packets before drops at the same time: the packet socket sees a packet before its drop. */
static bool before(uint64_t key, bool is_drop, const struct item *it)
{
	return key < it->key || (key == it->key && !is_drop && it->is_drop);
}

/* A new item in its place by key (after its equals): both sources deliver nearly in order. */
static struct item *insert(struct merge *m, uint64_t key, bool is_drop)
{
	size_t i;

	if (m->head && m->n == m->cap) {
		memmove(m->q, m->q + m->head, (m->n - m->head) * sizeof(*m->q));
		m->n -= m->head;
		m->head = 0;
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->q = xrealloc(m->q, m->cap * sizeof(*m->q));
	}
	for (i = m->n; i > m->head && before(key, is_drop, &m->q[i - 1]); i--)
		;
	memmove(m->q + i + 1, m->q + i, (m->n - i) * sizeof(*m->q));
	m->n++;
	memset(&m->q[i], 0, sizeof(m->q[i]));
	m->q[i].key = key;
	m->q[i].is_drop = is_drop;
	return &m->q[i];
}

/* Prints the items up to upto (mono ns), in order. */
static void flush(struct merge *m, uint64_t upto)
{
	while (m->head < m->n && m->q[m->head].key <= upto) {
		struct item *it = &m->q[m->head++];

		if (it->is_drop) {
			struct ftnet_event ev = it->ev;

			ev.reason_name = it->named ? it->reason : NULL;
			out_event(&ev);
		} else {
			out_packet(&it->pkt);
		}
	}
	if (m->head == m->n)
		m->head = m->n = 0;
}

static void on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct merge *m = (struct merge *)arg;
	struct capture *c = m->c;
	uint64_t ts = capture_ts(h);
	int64_t k = (int64_t)ts - m->wall_offset;
	uint64_t key = k > 0 ? (uint64_t)k : 0;
	struct item *it;

	/*
	 * The ring holds packets in the order the kernel took them, each stamped no later than
	 * taken: none taken before this one's time can come after it.
	 */
	raise_to(&m->wm_pcap, key);
	if (c->limit && c->count >= c->limit)
		return;
	c->count++;
	it = insert(m, key, false);
	cap_dissect(c->linktype, data, h->caplen, h->len, ts, c->ifname, &it->pkt);
}

static void on_drop(void *arg, const struct ftnet_event *ev)
{
	struct merge *m = arg;
	struct item *it;

	if (ev->type != EV_DROP && ev->type != EV_LOST)
		return;
	m->c->drops += ev->type == EV_DROP;
	it = insert(m, ev->ts, true);
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
		/* each packet is readable as soon as it is taken: all before t0 were read */
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
	uint64_t last = 0, until = now + 2 * BLOCK_BOUND_NS;

	(void)secs;
	if (!final)
		return;
	for (size_t i = m->n; i > m->head && !last; i--)
		if (m->q[i - 1].is_drop)
			last = m->q[i - 1].key;
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
	struct merge m = { .c = c };
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
	ret = run_events(ctx, &r, NULL);
	free(m.q);
	oo->ksyms = NULL;
	out_init(oo);
	ksyms_free(ks);
	return c->failed ? EXIT_FAIL : ret;
}
