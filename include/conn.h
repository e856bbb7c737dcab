/* Connect tracking: SYN_SENT -> ESTABLISHED (or CLOSE) per socket address, in a bounded table. */
#ifndef FTNET_CONN_H
#define FTNET_CONN_H

#include "event.h"

struct conn_tracker;

/* slots: the most connects in flight tracked at once (rounded up to a power of two). */
struct conn_tracker *conn_new(unsigned int slots, uint64_t expire_ns);
void conn_free(struct conn_tracker *t);
/* Feeds a state event; returns 1 and fills out when it completes a connect. */
int conn_feed(struct conn_tracker *t, const struct ftnet_event *state, struct ftnet_event *out);
/* Pending entries dropped because the table was full or they expired. */
uint64_t conn_evicted(const struct conn_tracker *t);

#endif
