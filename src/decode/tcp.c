// SPDX-License-Identifier: GPL-2.0-or-later
/* tcp:tcp_send_reset, tcp_receive_reset, tcp_retransmit_skb and sock:inet_sock_set_state. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "decode-int.h"

int decode_tcp_sk(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;

	if (f->skbaddr)
		ev->skbaddr = field_u64(f->skbaddr, data);
	if (f->skaddr)
		ev->skaddr = field_u64(f->skaddr, data);
	if (f->state)
		ev->state = field_s64(f->state, data);
	if (f->reason) {
		ev->reason = field_s64(f->reason, data);
		ev->reason_name = symtab_name(&ed->reasons, ev->reason);
	}
	decode_addrs(f, data, ev);
	return 1;
}

/*
 * The events that only teach flows (INTERNAL_IDENT): a TCP socket's skaddr, addresses (the
 * socket's: saddr is the local end) and cookie, or a packet's addresses (udp_fail_queue_rcv_skb,
 * tcp_bad_csum: saddr is the packet's source). Never delivered.
 */
int decode_ident(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;

	ev->internal = INTERNAL_IDENT;
	ev->state = IDENT_SOCK + (ed->variant - ID_SOCK);	/* enum ident_kind */
	if (f->skbaddr)
		ev->skbaddr = field_u64(f->skbaddr, data);
	if (f->skaddr)
		ev->skaddr = field_u64(f->skaddr, data);
	if (f->sock_cookie)
		ev->cookie = field_u64(f->sock_cookie, data);
	if (f->rc)
		ev->rc = (int)field_s64(f->rc, data);
	/* udp_fail_queue_rcv_skb before 6.10: rc and lport only, no addresses */
	if (ed->variant == ID_UDP_FAIL && !(f->saddr && f->saddr->size >= 16))
		return 1;
	decode_addrs(f, data, ev);
	return 1;
}

int decode_set_state(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;

	if (f->skaddr)
		ev->skaddr = field_u64(f->skaddr, data);
	if (f->oldstate)
		ev->oldstate = field_s64(f->oldstate, data);
	if (f->newstate)
		ev->newstate = field_s64(f->newstate, data);
	/* protocol was one byte before 5.x and two bytes since; read by size */
	ev->protocol = f->protocol ? field_u64(f->protocol, data) : IPPROTO_TCP;
	decode_addrs(f, data, ev);
	return 1;
}

/*
 * ftnet/ kprobes: skaddr and struct sock_common's daddr, saddr (network order), dport (network
 * order), sport (host order), family and state, fetched at the probed function's entry.
 */
int decode_kprobe_sk(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;
	int state = f->state ? (int)field_u64(f->state, data) : -1;

	if (f->skaddr)
		ev->skaddr = field_u64(f->skaddr, data);
	if (f->skbaddr)
		ev->skbaddr = field_u64(f->skbaddr, data);
	if (f->family)
		ev->family = field_u64(f->family, data);
	if (ev->family == AF_INET && f->saddr && f->daddr) {
		uint32_t s = field_u64(f->saddr, data), d = field_u64(f->daddr, data);

		memcpy(ev->saddr, &s, 4);	/* bytes as in memory: network order */
		memcpy(ev->daddr, &d, 4);
	} else if (ev->family == AF_INET6 && f->saddr6a && f->saddr6b && f->daddr6a &&
		   f->daddr6b) {
		/* the 8-byte halves as they are in memory: the address bytes in order */
		memcpy(ev->daddr, (const uint8_t *)data + f->daddr6a->offset, 8);
		memcpy(ev->daddr + 8, (const uint8_t *)data + f->daddr6b->offset, 8);
		memcpy(ev->saddr, (const uint8_t *)data + f->saddr6a->offset, 8);
		memcpy(ev->saddr + 8, (const uint8_t *)data + f->saddr6b->offset, 8);
		v4_mapped_settle(ev);
	} else if (ev->family != AF_INET6) {
		ev->family = 0;	/* probes of an older ftnet have no IPv6 addresses: family only */
	}
	if (f->sport)
		ev->sport = field_u64(f->sport, data);
	if (f->dport)
		ev->dport = ntohs((uint16_t)field_u64(f->dport, data));
	if (f->len)
		ev->len = field_u64(f->len, data);
	ev->state = state;
	switch (ed->variant) {
	case KP_SET_STATE:
		ev->oldstate = state;
		ev->newstate = f->newstate ? (int)field_s64(f->newstate, data) : -1;
		break;
	case KP_CONNECT:	/* tcp_connect: the SYN is about to go out */
		ev->internal = INTERNAL_STEP;
		ev->oldstate = 7;
		ev->newstate = 2;
		break;
	case KP_FINISH:		/* tcp_finish_connect: SYN_SENT -> ESTABLISHED */
		ev->internal = INTERNAL_STEP;
		ev->oldstate = 2;
		ev->newstate = 1;
		break;
	case KP_PORT_NOTE:	/* tcp_set_state(CLOSE): the port, before the socket lets it go */
		ev->internal = INTERNAL_PORT_NOTE;
		break;
	case KP_FAILED:		/* SYN_SENT -> CLOSE (the probe's filter): a failed connect */
		ev->internal = INTERNAL_STEP;
		ev->oldstate = 2;
		ev->newstate = 7;
		break;
	}
	return 1;
}
