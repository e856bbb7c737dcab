/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The path table of ftnet follow: skbs followed by address from step to step until their
 * end (dropped, consumed, delivered to a socket) or until no step came for a while (expired).
 * Fed with decoded events; no I/O. Memory is bounded: at most max_paths paths in flight.
 *
 * Tracepoints miss some frees (__kfree_skb, the deferred frees of UDP and TCP): the address
 * then comes back on a new packet. A step on a device that the path already had at the same
 * tracepoint, or a transmit on a device the path was received on (netif_receive_skb), starts
 * a new path: the old one ends as delivered when it reached a socket, else as expired
 * (reused). Where sock:sk_data_ready exists (6.3+), it marks the path of the skb received
 * last on its CPU by the same task as queued to a socket.
 */
#ifndef FTNET_FOLLOW_H
#define FTNET_FOLLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "base/event.h"

#define FOLLOW_MAX_STEPS 32	/* steps kept per path: past it, the last one is replaced */
#define FOLLOW_MAX_FRAMES 64	/* frames kept of the kernel stack at a drop */
#define FOLLOW_MAX_REWRITES 2	/* changes of a packet's flow kept: a DNAT, then an SNAT */

enum follow_verdict { FV_DROPPED, FV_CONSUMED, FV_DELIVERED, FV_EXPIRED, FV_NVERDICTS };

struct follow_step {
	uint64_t	ts;
	const char	*name;		/* the tracepoint (or kprobe) */
	uint32_t	len;		/* the skb's length where the event has it, else 0 */
	int		cpu;
	uint8_t		type;		/* enum ftnet_type */
	uint8_t		dir;		/* enum ftnet_dir */
	char		dev[FTNET_DEV_LEN];	/* "" where the event has no device */
	uint8_t		nf_known, nf_hook, nf_pf;	/* nf_hook_slow: which hook */
};

/* The packet's flow as a later step read it, when NAT (or a tunnel) changed it on the way. */
struct follow_rewrite {
	uint8_t		step;		/* the first step that read the new flow */
	uint16_t	sport, dport;
	uint32_t	pkt_known;
	uint8_t		saddr[16], daddr[16];
};

struct follow_path {
	uint64_t		skbaddr;
	uint64_t		first_ts, last_ts;
	uint64_t		location;	/* dropped, consumed: where (kernel text), or 0 */
	const char		*reason_name;	/* dropped: the kernel's name for reason, or NULL */
	int			reason;		/* dropped: -1 when the kernel has no reasons */
	int			pid;		/* delivered: the task that read it */
	char			comm[FTNET_COMM_LEN];
	int			sock_protocol;	/* queued: the socket's IP protocol, 0 unknown */
	enum follow_verdict	verdict;
	bool			queued;		/* reached a socket's queue (sk_data_ready) */
	bool			read;		/* copied to user space, by comm and pid */
	bool			reused;		/* ended as its address came back on a new skb */
	bool			matched;	/* a step matched the filter (all do without one) */
	/* the packet, where kprobes read it: from the first step that had it (family 0: none) */
	uint16_t		family, sport, dport, arp_op;
	uint8_t			ipproto;
	uint32_t		pkt_known;
	uint8_t			saddr[16], daddr[16];
	uint8_t			nrewrites;
	bool			nf_since_flow;	/* a netfilter hook ran since a step read the flow */
	struct follow_rewrite	rewrites[FOLLOW_MAX_REWRITES];
	bool			lost;		/* events were lost while it was in flight */
	uint32_t		omitted;	/* steps past FOLLOW_MAX_STEPS, not kept */
	int			nsteps;
	struct follow_step	steps[FOLLOW_MAX_STEPS];
	/* dropped, with stacks on: the kernel stack at kfree_skb, innermost first */
	const uint64_t		*frames;
	uint32_t		nframes;
};

struct follow_stats {
	uint64_t	started;		/* paths begun */
	uint64_t	ended[FV_NVERDICTS];	/* paths ended, by verdict */
	uint64_t	unmatched;		/* ended without a step matching the filter */
	uint64_t	no_room;		/* events of skbs not followed: no room */
	uint64_t	orphan_stacks;		/* stack records with no drop just before them */
	uint64_t	reused;			/* paths ended as their address came back */
	uint64_t	ready_unknown;		/* sk_data_ready with no receive to tie it to */
	uint64_t	in_flight;		/* paths not ended when follow_finish was called */
};

struct follow_opts {
	uint32_t	max_paths;	/* paths in flight at once */
	uint64_t	expire_ns;	/* a path with no step for this long ends as expired */
	bool		stacks;		/* a drop waits for the stack record after it */
	/* a path that ended; p and its frames are valid during the call only */
	void		(*emit)(void *arg, const struct follow_path *p);
	/* whether ev makes its path one to show (a packet filter); NULL: every path is */
	bool		(*match)(void *arg, const struct ftnet_event *ev);
	void		*arg;
};

struct follow;

struct follow *follow_new(const struct follow_opts *o);
void follow_free(struct follow *f);
/*
 * One decoded event: a step (EV_SKB, EV_RX, EV_TX), an end (EV_DROP, EV_CONSUME, EV_COPY), a
 * kernel stack for the drop just before it on its CPU (EV_STACK), data queued to a socket
 * (EV_DATA_READY), or a loss (EV_LOST).
 */
void follow_event(struct follow *f, const struct ftnet_event *ev);
/*
 * Called every fraction of expire: ends as expired the paths with no step since
 * now - expire_ns (now: the trace clock), and emits the drops that waited a whole call for
 * their stack.
 */
void follow_tick(struct follow *f, uint64_t now);
/*
 * The run ended: emits the drops waiting for their stack and the paths that reached a socket
 * (delivered), and counts the other paths in flight.
 */
void follow_finish(struct follow *f);
/* The time of the latest event seen (trace clock), 0 before any. */
uint64_t follow_latest(const struct follow *f);
const struct follow_stats *follow_stats(const struct follow *f);
const char *follow_verdict_name(enum follow_verdict v);

struct ksyms;
/* src/view/follow-out.c: a path as one block of text or one JSON object (through out.h). */
void follow_out_path(const struct follow_path *p, const struct ksyms *ks);
/* The drop's location, or its caller from the stack where the kernel located it in the
 * function that wrote the event. */
uint64_t follow_drop_location(const struct follow_path *p, const struct ksyms *ks);

#endif
