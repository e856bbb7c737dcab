/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flows for drops from tracepoints alone, where no kprobe reads the dropped packet: the socket
 * a drop was received on (kfree_skb's rx_sk, 6.12+) as its TCP events named it, the datagram a
 * UDP socket could not take (udp_fail_queue_rcv_skb, the record just before its drop on the
 * same CPU), the segment a TCP event named just before its drop (a bad checksum, a reset), and
 * the device the skb came in on. Nothing is guessed: a flow is lent only where the order of the
 * records, their CPU, the time between them and the drop's reason all fit (see ident.c).
 */
#ifndef FTNET_IDENT_H
#define FTNET_IDENT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/event.h"

struct ident;

/*
 * Records of one CPU further apart than this are no pair. The kernel writes the two together,
 * but a virtual CPU may be descheduled between them (an emulated guest on a busy host); what
 * pairs them is that nothing else came between on the CPU, the bound only keeps a drop the
 * filter hid from lending its flow to one much later.
 */
#define IDENT_PAIR_NS 10000000ull

/* A tracker; with owners, TCP sockets' processes by cookie from inet_diag (one dump now). */
struct ident *ident_new(bool owners);
void ident_free(struct ident *id);
/* Every record read on cpu, decoded or not, in the order read: before ident_learn/drop. */
void ident_tick(struct ident *id, int cpu);
/* A decoded record that is no drop: what it tells of sockets, packets and devices. */
void ident_learn(struct ident *id, const struct ftnet_event *ev);
/*
 * A drop: its flow, device and socket process where the records before it tell them. Sets
 * ev->flow_from (FLOW_NONE when nothing is known) and returns it. ev->pkt points into the
 * tracker (headers laid out from the flow, for packet filters) until the next call.
 */
int ident_drop(struct ident *id, struct ftnet_event *ev);

/* The counts of a run: drops seen, and how many carried a flow from each source. */
struct ident_stats {
	uint64_t	drops, from[FLOW_TCP_EVENT + 1], devs, procs;
};
void ident_stats(const struct ident *id, struct ident_stats *st);

#endif
