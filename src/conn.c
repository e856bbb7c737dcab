/*
 * Connect latency from inet_sock_set_state: the start is the CLOSE -> SYN_SENT change of a
 * socket, the end is its SYN_SENT -> ESTABLISHED (ok) or SYN_SENT -> CLOSE (failed). Keyed by
 * the socket address, not the thread: the end runs in softirq on any CPU.
 */
#include <stdlib.h>

#include "conn.h"
#include "util.h"

#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2

struct pending {
	uint64_t	skaddr;	/* 0: free */
	uint64_t	ts;
	int		pid;	/* the connecting task: the end runs in softirq */
};

struct conn_tracker {
	struct pending	*slots;
	unsigned int	mask;
	uint64_t	expire_ns;
	uint64_t	evicted;
};

#define PROBE 16

struct conn_tracker *conn_new(unsigned int slots, uint64_t expire_ns)
{
	struct conn_tracker *t = xcalloc(1, sizeof(*t));
	unsigned int n = 16;

	while (n < slots)
		n <<= 1;
	t->slots = xcalloc(n, sizeof(*t->slots));
	t->mask = n - 1;
	t->expire_ns = expire_ns;
	return t;
}

void conn_free(struct conn_tracker *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t);
}

uint64_t conn_evicted(const struct conn_tracker *t)
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

static void start(struct conn_tracker *t, uint64_t sk, uint64_t ts, int pid)
{
	unsigned int h = hash(sk), victim = h & t->mask;

	for (unsigned int i = 0; i < PROBE; i++) {
		struct pending *p = &t->slots[(h + i) & t->mask];

		if (p->skaddr && p->skaddr != sk && ts - p->ts > t->expire_ns) {
			p->skaddr = 0;	/* its end was never seen: expire it */
			t->evicted++;
		}
		if (!p->skaddr || p->skaddr == sk) {
			p->skaddr = sk;
			p->ts = ts;
			p->pid = pid;
			return;
		}
		if (p->ts < t->slots[victim].ts)
			victim = (h + i) & t->mask;
	}
	/* window full: the oldest pending connect gives way; memory stays bounded */
	t->evicted++;
	t->slots[victim].skaddr = sk;
	t->slots[victim].ts = ts;
	t->slots[victim].pid = pid;
}

static struct pending *find(struct conn_tracker *t, uint64_t sk)
{
	unsigned int h = hash(sk);

	for (unsigned int i = 0; i < PROBE; i++) {
		struct pending *p = &t->slots[(h + i) & t->mask];

		if (p->skaddr == sk)
			return p;
	}
	return NULL;
}

int conn_feed(struct conn_tracker *t, const struct ftnet_event *ev, struct ftnet_event *out)
{
	struct pending *p;

	if (ev->type != EV_STATE || !ev->skaddr)
		return 0;
	if (ev->newstate == TCP_SYN_SENT) {
		start(t, ev->skaddr, ev->ts, ev->pid);
		return 0;
	}
	if (ev->oldstate != TCP_SYN_SENT)
		return 0;
	p = find(t, ev->skaddr);
	if (!p)
		return 0;
	*out = *ev;
	out->type = EV_CONNECT;
	out->latency_ns = ev->ts >= p->ts ? ev->ts - p->ts : 0;
	out->ok = ev->newstate == TCP_ESTABLISHED;
	out->pid = p->pid;
	p->skaddr = 0;
	return 1;
}
