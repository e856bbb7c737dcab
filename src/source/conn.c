// SPDX-License-Identifier: GPL-2.0-or-later
/* Pending starts keyed by a kernel pointer, and the two latencies built on them. */
#include <stdlib.h>

#include "source/conn.h"
#include "base/util.h"

#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define PROBE 16

struct slot {
	uint64_t	key;	/* 0: free */
	uint64_t	ts;
	int		pid;	/* the task at the start: ends often run in softirq */
};

struct pending {
	struct slot	*slots;
	unsigned int	mask;
	uint64_t	expire_ns;
	uint64_t	evicted;
};

struct pending *pending_new(unsigned int slots, uint64_t expire_ns)
{
	struct pending *t = xcalloc(1, sizeof(*t));
	unsigned int n = 16;

	while (n < slots)
		n <<= 1;
	t->slots = xcalloc(n, sizeof(*t->slots));
	t->mask = n - 1;
	t->expire_ns = expire_ns;
	return t;
}

void pending_free(struct pending *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t);
}

uint64_t pending_evicted(const struct pending *t)
{
	return t->evicted;
}

static unsigned int hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (unsigned int)k;
}

void pending_start(struct pending *t, uint64_t key, uint64_t ts, int pid)
{
	unsigned int h = hash(key), victim = h & t->mask;

	if (!key)
		return;
	for (unsigned int i = 0; i < PROBE; i++) {
		struct slot *p = &t->slots[(h + i) & t->mask];

		if (p->key && p->key != key && ts - p->ts > t->expire_ns) {
			p->key = 0;	/* its end was never seen: expire it */
			t->evicted++;
		}
		if (!p->key || p->key == key) {
			p->key = key;
			p->ts = ts;
			p->pid = pid;
			return;
		}
		if (p->ts < t->slots[victim].ts)
			victim = (h + i) & t->mask;
	}
	/* window full: the oldest pending start gives way; memory stays bounded */
	t->evicted++;
	t->slots[victim].key = key;
	t->slots[victim].ts = ts;
	t->slots[victim].pid = pid;
}

int pending_take(struct pending *t, uint64_t key, uint64_t *ts, int *pid)
{
	unsigned int h = hash(key);

	for (unsigned int i = 0; key && i < PROBE; i++) {
		struct slot *p = &t->slots[(h + i) & t->mask];

		if (p->key == key) {
			*ts = p->ts;
			*pid = p->pid;
			p->key = 0;
			return 1;
		}
	}
	return 0;
}

int conn_feed(struct pending *t, const struct ftnet_event *ev, struct ftnet_event *out)
{
	uint64_t start;
	int pid;

	if (ev->type != EV_STATE || !ev->skaddr)
		return 0;
	if (ev->newstate == TCP_SYN_SENT) {
		pending_start(t, ev->skaddr, ev->ts, ev->pid);
		return 0;
	}
	if (ev->oldstate != TCP_SYN_SENT || !pending_take(t, ev->skaddr, &start, &pid))
		return 0;
	*out = *ev;
	out->type = EV_CONNECT;
	out->latency_ns = ev->ts >= start ? ev->ts - start : 0;
	out->ok = ev->newstate == TCP_ESTABLISHED;
	out->pid = pid;
	return 1;
}

int rxlat_feed(struct pending *t, const struct ftnet_event *ev, struct ftnet_event *out)
{
	uint64_t start;
	int pid;

	if (ev->type == EV_RX) {
		pending_start(t, ev->skbaddr, ev->ts, ev->pid);
		return 0;
	}
	if (ev->type != EV_COPY || !pending_take(t, ev->skbaddr, &start, &pid))
		return 0;
	*out = *ev;	/* the copying task, its pid and the length copied */
	out->type = EV_RXLAT;
	out->latency_ns = ev->ts >= start ? ev->ts - start : 0;
	out->ok = 1;
	return 1;
}
