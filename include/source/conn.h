/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Start/end pairing for latencies: a bounded table of pending starts keyed by a kernel pointer
 * (socket or skb address), with expiry, so a missed end never grows memory.
 */
#ifndef FTNET_CONN_H
#define FTNET_CONN_H

#include "base/event.h"

struct pending;

/* slots: the most starts tracked at once (rounded up to a power of two). */
struct pending *pending_new(unsigned int slots, uint64_t expire_ns);
void pending_free(struct pending *t);
void pending_start(struct pending *t, uint64_t key, uint64_t ts, int pid);
/* Takes the start of key: 1 with its time and pid, 0 when none is pending. */
int pending_take(struct pending *t, uint64_t key, uint64_t *ts, int *pid);
/* Starts dropped because the table was full or they expired. */
uint64_t pending_evicted(const struct pending *t);

/*
 * Connect latency from inet_sock_set_state: CLOSE -> SYN_SENT starts, SYN_SENT -> ESTABLISHED
 * (ok) or SYN_SENT -> CLOSE (failed) ends; keyed by the socket, since the end runs in softirq.
 * Returns 1 and fills out (type EV_CONNECT) when the state event completes a connect.
 */
int conn_feed(struct pending *t, const struct ftnet_event *state, struct ftnet_event *out);
/* Receive latency: netif_receive_skb (EV_RX) starts, skb_copy_datagram_iovec (EV_COPY) ends. */
int rxlat_feed(struct pending *t, const struct ftnet_event *ev, struct ftnet_event *out);

#endif
