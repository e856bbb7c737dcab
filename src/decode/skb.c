// SPDX-License-Identifier: GPL-2.0-or-later
/* skb:kfree_skb -> drop events: location always, reason where the kernel has it (5.17+). */
#include <string.h>
#include <sys/socket.h>

#include "decode-int.h"
#include "net/pkt.h"

int decode_kfree_skb(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	const struct evfields *f = &ed->f;
	const void *data = rec->data;

	if (f->skbaddr)
		ev->skbaddr = field_u64(f->skbaddr, data);
	if (f->location)
		ev->location = field_u64(f->location, data);
	if (f->protocol)
		ev->protocol = field_u64(f->protocol, data);
	if (f->rx_sk)	/* the socket it was received on, where the drop came after the lookup */
		ev->skaddr = field_u64(f->rx_sk, data);
	if (f->reason) {
		ev->reason = field_s64(f->reason, data);
		ev->reason_name = symtab_name(&ed->reasons, ev->reason);
	}
	return 1;
}

#define DROP_FUNC_MAX 0x400	/* the drop functions are shorter (kfree_skb: 0x9c on arm64) */

uint64_t decode_drop_location(uint64_t location, uint64_t probe_ip, uint64_t ret_ip)
{
	if (ret_ip && probe_ip && location >= probe_ip && location - probe_ip < DROP_FUNC_MAX)
		return ret_ip;
	return location;
}

/*
 * ftnet/drop_pkt, a kprobe on the drop function: the skb's header offsets and the bytes
 * around skb->data (win0 from data - 64, win1 from data), rebuilt into the flow here: a fetch
 * argument cannot add head and network_header itself.
 */
int decode_drop_pkt(const struct evdecoder *ed, struct tep_record *rec, struct ftnet_event *ev)
{
	static uint8_t win[2 * DROP_PKT_WIN], raw[2 * DROP_PKT_WIN + 14];
	const struct evfields *f = &ed->f;
	const void *data = rec->data;
	struct pkt_skb s = { 0 };
	struct pkt_info pi;

	if (!f->skbaddr || !f->head || !f->data || !f->nh || !f->th || !f->win0 || !f->win1 ||
	    f->win0->size != DROP_PKT_WIN || f->win1->size != DROP_PKT_WIN)
		return 0;
	/* a drop's packet waits for its kfree_skb; a step of follow is an event of its own */
	ev->internal = ed->variant == KP_PKT_STEP ? 0 : INTERNAL_DROP_PKT;
	ev->skbaddr = field_u64(f->skbaddr, data);
	memcpy(win, (const uint8_t *)data + f->win0->offset, DROP_PKT_WIN);
	memcpy(win + DROP_PKT_WIN, (const uint8_t *)data + f->win1->offset, DROP_PKT_WIN);
	s.head = field_u64(f->head, data);
	s.data = field_u64(f->data, data);
	s.network_header = (uint16_t)field_u64(f->nh, data);
	s.transport_header = (uint16_t)field_u64(f->th, data);
	s.mac_header = f->mh ? (uint16_t)field_u64(f->mh, data) : PKT_UNSET;
	s.len = f->len ? (uint32_t)field_u64(f->len, data) : 0;
	s.win = win;
	s.win_len = sizeof(win);
	s.win_addr = s.data - DROP_PKT_WIN;
	if (f->dev)
		field_str(f->dev, rec, ev->dev, sizeof(ev->dev));
	if (!strcmp(ev->dev, "(fault)"))
		ev->dev[0] = 0;	/* no device (skb->dev NULL) */
	if (f->netns)
		ev->netns = (uint32_t)field_u64(f->netns, data);
	if (f->__probe_ip && f->ret_ip) {
		ev->probe_ip = field_u64(f->__probe_ip, data);
		ev->ret_ip = field_u64(f->ret_ip, data);
	}
	if (f->hook && f->pf) {
		ev->nf_known = 1;
		ev->nf_hook = (uint8_t)field_u64(f->hook, data);
		ev->nf_pf = (uint8_t)field_u64(f->pf, data);
	}
	if (f->proto) {	/* __be16, its bytes as in memory */
		const uint8_t *b = (const uint8_t *)data + f->proto->offset;

		s.protocol = f->proto->size == 2 ? (uint16_t)(b[0] << 8 | b[1]) : 0;
	}
	if (pkt_rebuild(&s, &pi) < 0)
		return 1;	/* not IP, or its header outside the window: no flow, never a guess */
	ev->pkt_known = pi.known;
	ev->family = pi.family;
	ev->ipproto = pi.ipproto;
	memcpy(ev->saddr, pi.saddr, 16);
	memcpy(ev->daddr, pi.daddr, 16);
	ev->sport = pi.sport;
	ev->dport = pi.dport;
	ev->len = pi.len;
	ev->arp_op = pi.arp_op;
	ev->pkt_eth = pi.family == AF_PACKET;
	ev->pkt_len = ev->pkt_eth ? pkt_layout_frame(&s, &pi, raw, sizeof(raw), &ev->pkt_wirelen) :
		      pkt_layout_raw(&s, &pi, raw, sizeof(raw), &ev->pkt_wirelen);
	ev->pkt = ev->pkt_len ? raw : NULL;
	return 1;
}
