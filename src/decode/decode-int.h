/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the decode-*.c families: resolved fields and the helpers that read them. */
#ifndef FTNET_DECODE_INT_H
#define FTNET_DECODE_INT_H

#include <event-parse.h>

#include "decode/decode.h"

/* Symbol table of one field, taken from the event's __print_symbolic. */
struct symtab {
	const char	**by_value;	/* direct index, NULL when absent */
	long long	max;
};

/* Every field a network event may carry; NULL when this kernel's format lacks it. */
struct evfields {
	struct tep_format_field *skbaddr, *skaddr, *location, *protocol, *reason;
	struct tep_format_field *state, *oldstate, *newstate;
	struct tep_format_field *sport, *dport, *family;
	struct tep_format_field *saddr, *daddr, *saddr_v6, *daddr_v6;
	struct tep_format_field *len, *rc, *name, *sk, *ret;
	struct tep_format_field *saddr6a, *saddr6b, *daddr6a, *daddr6b;	/* kprobes: halves */
	/* the drop packet probe: skb fields and the bytes around skb->data */
	struct tep_format_field *head, *data, *nh, *th, *mh, *dev, *netns, *win0, *win1, *proto;
	struct tep_format_field *size, *caller;	/* ftrace's kernel_stack */
	struct tep_format_field *ip;		/* sk_data_ready: its caller */
	/* task_rename, sched_process_fork: whose name, and the name */
	struct tep_format_field *pid, *newcomm, *child_pid, *child_comm, *comm;
	struct tep_format_field *hook, *pf;	/* nf_hook_slow's step: its nf_hook_state */
	struct tep_format_field *type, *code;	/* icmp_send */
	/* the drop probe: where it is (every kprobe event has it), the return address there */
	struct tep_format_field *__probe_ip, *ret_ip;
	struct tep_format_field *rx_sk, *sock_cookie;	/* kfree_skb (6.12+); tcp events */
};

struct evdecoder;
typedef int (*decode_fn)(const struct evdecoder *ed, struct tep_record *rec,
			 struct ftnet_event *ev);

struct evdecoder {
	struct tep_event	*event;
	decode_fn		fn;
	struct evfields		f;
	struct symtab		reasons;
	enum ftnet_dir		dir;
	enum ftnet_type		type;
	int			min_size;	/* end of the last fixed field */
	int			variant;	/* kprobe events: which step (enum kp_variant) */
};

enum kp_variant { KP_PLAIN, KP_CONNECT, KP_FINISH, KP_FAILED, KP_SET_STATE, KP_PORT_NOTE,
		  KP_PKT_STEP, ID_SOCK, ID_SOCK_GONE, ID_UDP_FAIL, ID_BAD_CSUM };

unsigned long long field_u64(const struct tep_format_field *f, const void *data);
long long field_s64(const struct tep_format_field *f, const void *data);
/* Copies a __data_loc or fixed char array into dst (NUL-terminated). */
void field_str(const struct tep_format_field *f, const struct tep_record *rec, char *dst,
	       size_t size);
/* Fills family, addresses and ports from whichever layout the format has. */
void decode_addrs(const struct evfields *f, const void *data, struct ftnet_event *ev);
/* A v6 pair of v4-mapped addresses (a dual-stack socket's IPv4 flow) becomes AF_INET. */
void v4_mapped_settle(struct ftnet_event *ev);
const char *symtab_name(const struct symtab *t, long long v);

int decode_kfree_skb(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev);
int decode_tcp_sk(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev);
int decode_ident(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev);
int decode_set_state(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev);
int decode_sock_length(const struct evdecoder *ed, struct tep_record *rec,
		       struct ftnet_event *ev);
int decode_kprobe_sk(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev);
int decode_drop_pkt(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev);
int decode_netdev(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev);
int decode_data_ready(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev);
int decode_icmp_send(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev);
int decode_comm(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev);
int decode_kernel_stack(const struct evdecoder *ed, struct tep_record *rec,
			struct ftnet_event *ev);

#endif
