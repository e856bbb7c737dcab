// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net:netif_receive_skb, net:net_dev_xmit and the other net events with an skb,
 * skb:skb_copy_datagram_iovec, sock:sock_send_length and sock:sk_data_ready.
 */
#include "decode-int.h"

int decode_netdev(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;

	if (f->skbaddr)
		ev->skbaddr = field_u64(f->skbaddr, data);
	if (f->len)	/* skb_copy_datagram_iovec's len is signed */
		ev->len = f->len->flags & TEP_FIELD_IS_SIGNED ? (uint32_t)(field_s64(f->len, data) < 0 ?
			  0 : field_s64(f->len, data)) : (uint32_t)field_u64(f->len, data);
	if (f->rc)
		ev->rc = field_s64(f->rc, data);
	if (f->name)
		field_str(f->name, rec, ev->dev, sizeof(ev->dev));
	return 1;
}

/* sock_send_length (6.3+): the udp group keeps protocol 17 with a kernel filter */
int decode_sock_length(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;
	long long ret = f->ret ? field_s64(f->ret, data) : 0;

	if (f->sk)
		ev->skaddr = field_u64(f->sk, data);
	if (f->family)
		ev->family = field_u64(f->family, data);
	if (f->protocol)
		ev->protocol = field_u64(f->protocol, data);
	ev->len = ret > 0 ? (uint32_t)ret : 0;
	ev->rc = ret < 0 ? (int)ret : 0;
	return 1;
}

/* sk_data_ready (6.3+): the socket, its family and protocol, and who queued the data */
int decode_data_ready(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;

	if (f->skaddr)
		ev->skaddr = field_u64(f->skaddr, data);
	if (f->family)
		ev->family = field_u64(f->family, data);
	if (f->protocol)
		ev->protocol = field_u64(f->protocol, data);
	if (f->ip)
		ev->location = field_u64(f->ip, data);
	return 1;
}

/* icmp_send (6.8+): the error's type and code, and the packet it answers: its addresses, and
 * its ports when it was UDP (0 otherwise) */
int decode_icmp_send(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;

	if (f->skbaddr)
		ev->skbaddr = field_u64(f->skbaddr, data);
	if (f->type)
		ev->icmp_type = (uint8_t)field_s64(f->type, data);
	if (f->code)
		ev->icmp_code = (uint8_t)field_s64(f->code, data);
	decode_addrs(f, data, ev);
	return 1;
}
