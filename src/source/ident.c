// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Flows for drops from tracepoints: what each record tells, and when a drop may take it.
 *
 * - Sockets by address: inet_sock_set_state, tcp_probe, tcp_rcv_space_adjust, tcp_retransmit_skb
 *   and tcp_send_reset name a TCP socket with its addresses (saddr the local end), the middle two
 *   with its cookie; tcp_destroy_sock ends it. A drop whose rx_sk is such a socket was received
 *   on it: its source is the socket's remote end, its destination the local one. A socket's
 *   memory is used again only after its end, and a new TCP socket changes state before it
 *   receives anything (SYN_SENT, LISTEN, SYN_RECV), so an address never names an old socket.
 *   UDP sockets have no events of their own: they are never kept.
 * - A datagram: udp_fail_queue_rcv_skb is written right before the drop of the datagram the
 *   socket could not take, on the same CPU; it carries no skb address, so the drop must be the
 *   very next record of that CPU, within IDENT_PAIR_NS, with a receive buffer reason.
 * - A segment: tcp_bad_csum and tcp_send_reset (with an skb: 6.10+) name the incoming skb
 *   about to be dropped. The drop of that address must come on the same CPU within
 *   IDENT_PAIR_NS with no receive of the address between (a new packet there) and a reason of
 *   that path (TCP_CSUM; a TCP reason or NO_SOCKET after a reset): an skb freed unseen and
 *   allocated again at the same address (the slab gives the last freed first) for a packet
 *   dropped on its way out is refused by these.
 *   tcp_probe and tcp_retransmit_skb name skbs too, but never lend them: a segment tcp_probe
 *   saw is dropped with its rx_sk, and the retransmitted skb stays in the write queue (the
 *   packet sent is a clone at another address).
 * - A device: netif_receive_skb gives each received skb's; a drop on the receive side (a flow
 *   from above, an rx_sk, or a reason only the receive path gives) takes the device of the
 *   last receive of its address.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/util.h"
#include "net/nl.h"
#include "net/pkt.h"
#include "source/ident.h"

#define SOCK_SLOTS 4096
#define RX_SLOTS 4096
#define REDUMP_NS 1000000000ull	/* at most one inet_diag dump a second, on a cookie missed */

struct flow {
	uint32_t	known;		/* PKT_* bits */
	uint16_t	family;
	uint8_t		proto;
	uint16_t	sport, dport;
	uint8_t		saddr[16], daddr[16];
};

struct sock_slot {
	uint64_t	skaddr, cookie;
	struct flow	f;		/* the socket's: saddr is the local end */
};

struct rx_slot {
	uint64_t	skbaddr, ts;
	char		dev[FTNET_DEV_LEN];
};

struct cpu_state {
	uint64_t	seq;		/* records read on this CPU */
	uint64_t	udp_seq, udp_ts;
	struct flow	udp;		/* the packet's: saddr is its source; known 0: none */
	uint64_t	skb, skb_ts;
	int		skb_kind;	/* IDENT_BAD_CSUM or the reset's (IDENT_SOCK) */
	struct flow	skbf;
};

struct ident {
	struct sock_slot	socks[SOCK_SLOTS];
	struct rx_slot		rx[RX_SLOTS];
	struct cpu_state	*cpus;
	int			ncpus;
	struct sock_row		*owners;
	size_t			nowners;
	bool			want_owners;
	uint64_t		dumped_ns;
	uint8_t			pkt[PKT_REBUILT_MAX];
	struct ident_stats	st;
};

static unsigned int slot_of(uint64_t addr, unsigned int n)
{
	return (unsigned int)((addr >> 6 ^ addr >> 18) % n);
}

static void owners_load(struct ident *id)
{
	free(id->owners);
	id->owners = NULL;
	id->nowners = 0;
	nl_tcp_cookies(&id->owners, &id->nowners);
	id->dumped_ns = mono_ns();
}

struct ident *ident_new(bool owners)
{
	struct ident *id = xcalloc(1, sizeof(*id));

	id->want_owners = owners;
	if (owners)
		owners_load(id);
	return id;
}

void ident_free(struct ident *id)
{
	if (!id)
		return;
	free(id->owners);
	free(id->cpus);
	free(id);
}

static struct cpu_state *cpu_of(struct ident *id, int cpu)
{
	if (cpu < 0 || cpu > 4095)
		return NULL;
	if (cpu >= id->ncpus) {
		int n = cpu + 1;

		id->cpus = xrealloc(id->cpus, n * sizeof(*id->cpus));
		memset(id->cpus + id->ncpus, 0, (n - id->ncpus) * sizeof(*id->cpus));
		id->ncpus = n;
	}
	return &id->cpus[cpu];
}

void ident_tick(struct ident *id, int cpu)
{
	struct cpu_state *c = cpu_of(id, cpu);

	if (c)
		c->seq++;
}

static bool zero(const uint8_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i])
			return false;
	return true;
}

/* A flow from an event's addresses: an address or port of zeros is one nobody knows. */
static void flow_from_event(const struct ftnet_event *ev, uint8_t proto, bool reverse,
			    struct flow *f)
{
	size_t alen = ev->family == AF_INET6 ? 16 : 4;
	const uint8_t *s = reverse ? ev->daddr : ev->saddr, *d = reverse ? ev->saddr : ev->daddr;

	memset(f, 0, sizeof(*f));
	if (ev->family != AF_INET && ev->family != AF_INET6)
		return;
	f->family = ev->family;
	f->proto = proto;
	f->known = PKT_FAMILY | PKT_PROTO;
	memcpy(f->saddr, s, alen);
	memcpy(f->daddr, d, alen);
	f->sport = reverse ? ev->dport : ev->sport;
	f->dport = reverse ? ev->sport : ev->dport;
	f->known |= (zero(f->saddr, alen) ? 0 : PKT_SADDR) | (zero(f->daddr, alen) ? 0 : PKT_DADDR);
	f->known |= (f->sport ? PKT_SPORT : 0) | (f->dport ? PKT_DPORT : 0);
}

static void sock_learn(struct ident *id, const struct ftnet_event *ev, bool fresh)
{
	struct sock_slot *s = &id->socks[slot_of(ev->skaddr, SOCK_SLOTS)];
	uint64_t cookie = s->skaddr == ev->skaddr && !fresh ? s->cookie : 0;

	if (!ev->skaddr || (ev->family != AF_INET && ev->family != AF_INET6))
		return;
	s->skaddr = ev->skaddr;
	flow_from_event(ev, IPPROTO_TCP, false, &s->f);
	s->cookie = ev->cookie ? ev->cookie : cookie;
}

static void sock_gone(struct ident *id, uint64_t skaddr)
{
	struct sock_slot *s = &id->socks[slot_of(skaddr, SOCK_SLOTS)];

	if (s->skaddr == skaddr)
		memset(s, 0, sizeof(*s));
}

static void skb_note(struct ident *id, const struct ftnet_event *ev, int kind, bool reverse)
{
	struct cpu_state *c = cpu_of(id, ev->cpu);

	if (!c || !ev->skbaddr)
		return;
	c->skb = ev->skbaddr;
	c->skb_ts = ev->ts;
	c->skb_kind = kind;
	flow_from_event(ev, IPPROTO_TCP, reverse, &c->skbf);
}

static void rx_note(struct ident *id, const struct ftnet_event *ev)
{
	struct rx_slot *r = &id->rx[slot_of(ev->skbaddr, RX_SLOTS)];

	r->skbaddr = ev->skbaddr;
	r->ts = ev->ts;
	memcpy(r->dev, ev->dev, sizeof(r->dev));
}

/* A socket that is not full (time-wait, a request) lends the reset the skb's addresses. */
static bool full_state(int state)
{
	return state > 0 && state != 6 && state != 12;	/* TIME_WAIT, NEW_SYN_RECV */
}

void ident_learn(struct ident *id, const struct ftnet_event *ev)
{
	struct cpu_state *c;

	if (ev->internal == INTERNAL_IDENT) {
		switch (ev->state) {
		case IDENT_SOCK:
			sock_learn(id, ev, false);
			break;
		case IDENT_SOCK_GONE:
			sock_gone(id, ev->skaddr);
			break;
		case IDENT_BAD_CSUM:
			skb_note(id, ev, IDENT_BAD_CSUM, false);
			break;
		case IDENT_UDP_FAIL:
			if (!(c = cpu_of(id, ev->cpu)))
				break;
			c->udp_seq = c->seq;
			c->udp_ts = ev->ts;
			flow_from_event(ev, IPPROTO_UDP, false, &c->udp);
			break;
		}
		return;
	}
	if (ev->type == EV_STATE && ev->protocol == IPPROTO_TCP && ev->newstate > 0)
		/* a new lifetime: connect, listen, or a child of a listener */
		sock_learn(id, ev, ev->newstate == 2 || ev->newstate == 10 || ev->newstate == 3);
	else if (ev->type == EV_RETRANS)
		sock_learn(id, ev, false);
	else if (ev->type == EV_RESET && ev->dir == DIR_SENT) {
		if (full_state(ev->state))
			sock_learn(id, ev, false);
		skb_note(id, ev, IDENT_SOCK, true);	/* saddr is the reset's sender */
	} else if (ev->type == EV_RX && ev->skbaddr)
		rx_note(id, ev);
}

static bool reason_is(const struct ftnet_event *ev, const char *const *names)
{
	if (!ev->reason_name)
		return false;
	for (; *names; names++) {
		size_t n = strlen(*names);

		/* "TCP_" stands for every TCP reason */
		if ((*names)[n - 1] == '_' ? !strncmp(ev->reason_name, *names, n) :
		    !strcmp(ev->reason_name, *names))
			return true;
	}
	return false;
}

static const char *const udp_reasons[] = { "SOCKET_RCVBUFF", "PROTO_MEM", NULL };
static const char *const csum_reasons[] = { "TCP_CSUM", NULL };
static const char *const reset_reasons[] = { "TCP_", "NO_SOCKET", "NOT_SPECIFIED", NULL };
/* reasons only the receive path gives: the skb came in, its last receive is its own */
static const char *const rx_reasons[] = {
	"NO_SOCKET", "PKT_TOO_SMALL", "TCP_", "UDP_CSUM", "IP_CSUM", "ICMP_CSUM", "IP_INHDR",
	"IP_RPFILTER", "OTHERHOST", "IP_NOPROTO", "IP_INADDRERRORS", "IP_INNOROUTES",
	"SOCKET_RCVBUFF", "SOCKET_BACKLOG", "SOCKET_FILTER", "UNICAST_IN_L2_MULTICAST", NULL,
};

/* The pairs of this CPU: the datagram just before, the segment named just before. */
static const struct flow *pair_flow(struct ident *id, struct cpu_state *c,
				    const struct ftnet_event *ev, int *from)
{
	const struct rx_slot *r = &id->rx[slot_of(ev->skbaddr, RX_SLOTS)];

	if (c->udp.known && c->seq == c->udp_seq + 1 && ev->ts - c->udp_ts <= IDENT_PAIR_NS &&
	    reason_is(ev, udp_reasons)) {
		*from = FLOW_UDP_FAIL;
		return &c->udp;
	}
	if (!c->skbf.known || c->skb != ev->skbaddr || ev->ts - c->skb_ts > IDENT_PAIR_NS)
		return NULL;
	if (r->skbaddr == ev->skbaddr && r->ts > c->skb_ts)
		return NULL;	/* received again since: another packet at that address */
	if (!reason_is(ev, c->skb_kind == IDENT_BAD_CSUM ? csum_reasons : reset_reasons))
		return NULL;
	*from = FLOW_TCP_EVENT;
	return &c->skbf;
}

/* The owner of a socket by its cookie; once a second a new dump for one not found. */
static void owner_of(struct ident *id, uint64_t cookie, struct ftnet_event *ev)
{
	for (int pass = 0; pass < 2 && id->want_owners && cookie; pass++) {
		for (size_t i = 0; i < id->nowners; i++) {
			if (id->owners[i].cookie != cookie)
				continue;
			if (!id->owners[i].pid)
				return;
			ev->sk_pid = id->owners[i].pid;
			memcpy(ev->sk_comm, id->owners[i].comm, sizeof(ev->sk_comm));
			id->st.procs++;
			return;
		}
		if (mono_ns() - id->dumped_ns < REDUMP_NS)
			return;
		owners_load(id);
	}
}

static void flow_put(struct ident *id, const struct flow *f, struct ftnet_event *ev)
{
	struct pkt_info pi = { 0 };

	ev->family = f->family;
	ev->ipproto = f->proto;
	memcpy(ev->saddr, f->saddr, 16);
	memcpy(ev->daddr, f->daddr, 16);
	ev->sport = f->sport;
	ev->dport = f->dport;
	ev->pkt_known = f->known;
	pi.known = f->known;
	pi.family = f->family;
	pi.ipproto = f->proto;
	pi.sport = f->sport;
	pi.dport = f->dport;
	memcpy(pi.saddr, f->saddr, 16);
	memcpy(pi.daddr, f->daddr, 16);
	/* for packet filters: headers up to the first field not known, so they cannot match it */
	ev->pkt_len = pkt_layout_rebuilt(&pi, id->pkt, sizeof(id->pkt), &ev->pkt_wirelen);
	ev->pkt = ev->pkt_len ? id->pkt : NULL;
}

int ident_drop(struct ident *id, struct ftnet_event *ev)
{
	struct cpu_state *c = cpu_of(id, ev->cpu);
	struct rx_slot *r = &id->rx[slot_of(ev->skbaddr, RX_SLOTS)];
	const struct sock_slot *s = &id->socks[slot_of(ev->skaddr, SOCK_SLOTS)];
	int from = FLOW_NONE;
	const struct flow *f = c ? pair_flow(id, c, ev, &from) : NULL;
	struct flow sf;

	id->st.drops++;
	if (ev->skaddr && s->skaddr == ev->skaddr) {
		if (!f) {	/* received on the socket: from its remote end to its local one */
			sf = s->f;
			memcpy(sf.saddr, s->f.daddr, 16);
			memcpy(sf.daddr, s->f.saddr, 16);
			sf.sport = s->f.dport;
			sf.dport = s->f.sport;
			sf.known &= ~(PKT_SADDR | PKT_DADDR | PKT_SPORT | PKT_DPORT);
			sf.known |= (s->f.known & PKT_SADDR ? PKT_DADDR : 0) |
				    (s->f.known & PKT_DADDR ? PKT_SADDR : 0) |
				    (s->f.known & PKT_SPORT ? PKT_DPORT : 0) |
				    (s->f.known & PKT_DPORT ? PKT_SPORT : 0);
			f = &sf;
			from = FLOW_RX_SK;
		}
		owner_of(id, s->cookie, ev);
	}
	if (f)
		flow_put(id, f, ev);
	if (r->skbaddr == ev->skbaddr && r->ts <= ev->ts &&
	    (f || ev->skaddr || reason_is(ev, rx_reasons))) {
		memcpy(ev->dev, r->dev, sizeof(ev->dev));
		id->st.devs++;
	}
	if (r->skbaddr == ev->skbaddr)
		r->skbaddr = 0;	/* the skb ends here */
	if (c) {	/* each pair is one drop's */
		c->udp.known = 0;
		if (c->skb == ev->skbaddr || from == FLOW_TCP_EVENT)
			c->skbf.known = 0;
	}
	ev->flow_from = (uint8_t)from;
	id->st.from[from]++;
	return from;
}

void ident_stats(const struct ident *id, struct ident_stats *st)
{
	*st = id->st;
}
