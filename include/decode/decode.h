/* tep_record -> struct ftnet_event, one decoder per event family; no I/O, no globals. */
#ifndef FTNET_DECODE_H
#define FTNET_DECODE_H

#include <event-parse.h>
#include <stdbool.h>

#include "base/event.h"

struct decoder;

/* The drop packet probe fetches this many bytes before skb->data and as many from it. */
#define DROP_PKT_WIN 64

/* How an event of the catalogue (src/kernel/groups.c) is decoded: the catalogue names each event once. */
enum decode_kind {
	DK_NONE,
	DK_DROP, DK_RESET_SENT, DK_RESET_RECEIVED, DK_RETRANS, DK_STATE, DK_RX, DK_TX,
	DK_SOCK_LENGTH, DK_COPY,
	/* the kprobe backend: socket fields from struct sock_common */
	DK_KP_RESET_SENT, DK_KP_RESET_RECEIVED, DK_KP_PORT_NOTE, DK_KP_RETRANS, DK_KP_SET_STATE,
	DK_KP_CONNECT, DK_KP_FINISH, DK_KP_FAILED, DK_KP_UDP,
	DK_KP_DROP_PKT,		/* the packet of a drop: skb offsets and a window of its bytes */
	DK_KP_PKT_STEP,		/* a stack function a packet passed (follow), with its packet */
	/* a step of an skb's path (follow), its end as consumed, a kernel stack record, data
	 * queued to a socket */
	DK_SKB_RX, DK_SKB_TX, DK_CONSUME, DK_STACK, DK_DATA_READY,
	/* a task's new name (exec, prctl) or a new task (fork): comm names as they were */
	DK_COMM_RENAME, DK_COMM_FORK, DK_COMM_EXIT,
	DK_NKINDS
};

/* Builds a decoder for every event of the catalogue (both backends) that the handle knows. */
struct decoder *decoder_new(struct tep_handle *tep);
void decoder_free(struct decoder *d);

/*
 * Decodes one record. Returns 1 when ev was filled, 0 when the record is not
 * an event ftnet decodes (or is an uninteresting state change), -1 on a short record.
 */
int decode_record(struct decoder *d, struct tep_record *rec, struct ftnet_event *ev);
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

#endif
