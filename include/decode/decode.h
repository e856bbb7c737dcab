/* SPDX-License-Identifier: GPL-2.0-or-later */
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

/*
 * Decodes the tracepoint (sys, name) of the handle as EV_TRACEPOINT (before the catalogue's
 * decoders: a group's event named this way shows its own fields). False when unknown.
 */
bool decoder_add_tracepoint(struct decoder *d, const char *sys, const char *name);
/* How many tracepoints decoder_add_tracepoint added; the i-th of them. */
int decoder_tracepoints(const struct decoder *d);
struct tep_event *decoder_tracepoint(const struct decoder *d, int i);

/*
 * An EV_TRACEPOINT's fields, as its format gives them (common_* left out): integers signed
 * or not, pointers and addresses in hex, strings (char arrays, __data_loc char[]), symbolic
 * values by the kernel's name (__print_symbolic), IP addresses (u8[4], u8[16] and sockaddr
 * arrays named *addr*), other arrays element by element.
 */
enum tp_kind { TP_INT, TP_UINT, TP_STR, TP_ARRAY };

struct tp_value {
	const char	*name;
	enum tp_kind	kind;
	int64_t		i;		/* TP_INT */
	uint64_t	u;		/* TP_UINT */
	char		str[256];	/* TP_STR; TP_ARRAY: its text, [1,2,3] */
	/* TP_ARRAY: n elements of elsize bytes at elems (unaligned), signed or not */
	const void	*elems;
	uint32_t	n, elsize;
	bool		elsigned;
};

/* The first field of ev's tracepoint, or NULL; tp_next gives the one after. */
const struct tep_format_field *tp_first(const struct ftnet_event *ev);
const struct tep_format_field *tp_next(const struct tep_format_field *f);
/* Field f's value in ev's record. */
void tp_value(const struct ftnet_event *ev, const struct tep_format_field *f,
	      struct tp_value *v);
/* Element i of a TP_ARRAY. */
int64_t tp_elem(const struct tp_value *v, uint32_t i);
/* ev's tracepoint as "system:name" into buf. */
const char *tp_name(const struct ftnet_event *ev, char *buf, size_t size);
/* The field called name of ev's tracepoint, or NULL. */
const struct tep_format_field *tp_find(const struct ftnet_event *ev, const char *name);

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
/* Whether the print fmt names the field's values (__print_symbolic). */
bool decode_has_symbols(struct tep_event *event, const char *field);
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
