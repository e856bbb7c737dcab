/* tep_record -> struct ftnet_event, one decoder per event family; no I/O, no globals. */
#ifndef FTNET_DECODE_H
#define FTNET_DECODE_H

#include <event-parse.h>
#include <stdbool.h>

#include "event.h"

struct decoder;

/* Builds the decoders for every event of interest that the handle knows. */
struct decoder *decoder_new(struct tep_handle *tep);
void decoder_free(struct decoder *d);

/*
 * Decodes one record. Returns 1 when ev was filled, 0 when the record is not
 * an event ftnet decodes (or is an uninteresting state change), -1 on a short record.
 */
int decode_record(struct decoder *d, struct tep_record *rec, struct ftnet_event *ev);

/* True when this kernel's kfree_skb carries a drop reason (5.17+). */
bool decode_has_reason(const struct decoder *d);

/* True when tcp_send_reset records resets sent without a socket (6.10+, sockaddr fields). */
bool decode_traces_nosock_reset(const struct decoder *d);

/* The kernel's symbolic name for a value of a field, from the event's print fmt. */
const char *decode_symbol(struct tep_event *event, const char *field, long long value);
/* The reverse: a symbol name to its number; accepts a trailing or leading prefix-less name. */
int decode_symbol_value(struct tep_event *event, const char *field, const char *name,
			long long *value);

#endif
