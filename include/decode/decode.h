/* tep_record -> struct ftnet_event, one decoder per event family; no I/O, no globals. */
#ifndef FTNET_DECODE_H
#define FTNET_DECODE_H

#include <event-parse.h>
#include <stdbool.h>

#include "base/event.h"

struct decoder;

/* The drop packet probe fetches this many bytes before skb->data and as many from it. */
#define DROP_PKT_WIN 64


/* Builds a decoder for every event of the catalogue (both backends) that the handle knows. */
struct decoder *decoder_new(struct tep_handle *tep);
void decoder_free(struct decoder *d);

/*
 * Decodes one record. Returns 1 when ev was filled, 0 when the record is not
 * an event ftnet decodes (or is an uninteresting state change), -1 on a short record.
 */
int decode_record(struct decoder *d, struct tep_record *rec, struct ftnet_event *ev);
/* The enum ftnet_type of the events of this id, -1 for an event d does not decode. */
int decoder_type(struct decoder *d, int id);
/* Whether d decodes the event (sys, name): what the unit tests check for every group. */
bool decoder_has(const struct decoder *d, const char *sys, const char *name);
/* Whether an event that reads packet headers (the kprobes of drops and follow) is known. */
bool decoder_has_packets(const struct decoder *d);

/*
 * Decodes ftrace's kernel_stack records (what a stacktrace trigger or the stacktrace option
 * writes) as EV_STACK, once the handle has the format (ftrace/kernel_stack is no system the
 * commands load: parse it into the handle first). False when the handle lacks it.
 */
bool decoder_add_stacks(struct decoder *d);
/* Frame i (< ev->nframes) of an EV_STACK event, a kernel text address. */
uint64_t decode_frame(const struct ftnet_event *ev, uint32_t i);

/*
 * A drop's location as the kernel gave it, or, where that lies inside the drop function itself
 * (the drop probe at probe_ip; Debian's arm64 5.10 says kfree_skb+0x2c for every drop), the
 * return address the probe read there (ret_ip; 0 when it did not).
 */
uint64_t decode_drop_location(uint64_t location, uint64_t probe_ip, uint64_t ret_ip);

/* True when this kernel's kfree_skb carries a drop reason (5.17+). */
bool decode_has_reason(const struct decoder *d);

/* True when tcp_send_reset records resets sent without a socket (6.10+, sockaddr fields). */
bool decode_traces_nosock_reset(const struct decoder *d);

/* The kernel's symbolic name for a value of a field, from the event's print fmt. */
const char *decode_symbol(struct tep_event *event, const char *field, long long value);
/* The reverse: a symbol name to its number; accepts a trailing or leading prefix-less name. */
int decode_symbol_value(struct tep_event *event, const char *field, const char *name,
			long long *value);

/* The longest filter a user may give (opt.c checks it) */
#define FILTER_TEXT_MAX 2048

/*
 * Translates names (drop reasons, TCP states, AF_*) to the numbers the kernel's filter takes.
 * -ENOENT, with the name in out, for a value that is no name this kernel has (reason == BOGUS).
 */
int filter_translate(struct tep_event *event, const char *expr, char *out, size_t size);

#endif
