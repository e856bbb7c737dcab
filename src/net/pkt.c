// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet identity from kprobe fetches: the IP and transport headers of an skb rebuilt from its
 * header offsets and a window of bytes, and laid out again as raw IP for filters and pcapng.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt.h"

#define ARP_LEN 28	/* ARP for IPv4 over Ethernet */

/* The bytes from the network header to the end of the window (or the IP length). */
struct hdrs {
	const uint8_t	*p;
	uint32_t	n;		/* in the window */
	uint32_t	ip_len;		/* from the IP header, or 0 when it does not say */
	uint32_t	bounds[10];	/* header starts on the chain, for the transport_header check */
	int		nbounds;
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Whether n bytes at off are in the window and, when the IP length is known, in the packet. */
static bool have(const struct hdrs *h, uint32_t off, uint32_t n)
{
	uint32_t end = h->ip_len && h->ip_len < h->n ? h->ip_len : h->n;

	return off <= end && n <= end - off;
}

static void mark(struct hdrs *h, uint32_t off)
{
	if (h->nbounds < (int)(sizeof(h->bounds) / sizeof(h->bounds[0])))
		h->bounds[h->nbounds++] = off;
}

/* The length of the transport header laid out, for the protocols whose fields ftnet reads. */
static uint32_t l4_hdr_len(const struct pkt_info *pi, const uint8_t *l4, uint32_t avail)
{
	switch (pi->ipproto) {
	case IPPROTO_TCP:
		if (avail > 12 && (l4[12] >> 4) > 5)
			return (uint32_t)(l4[12] >> 4) * 4;
		return 20;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 8;
	case IPPROTO_SCTP:
		return 12;
	}
	return 0;
}

static void transport(struct pkt_info *pi, const struct hdrs *h)
{
	const uint8_t *l4 = h->p + pi->l4_off;
	uint32_t off = pi->l4_off;

	switch (pi->ipproto) {
	case IPPROTO_TCP:
		if (have(h, off + 13, 1)) {
			pi->tcp_flags = l4[13];
			pi->known |= PKT_TCP_FLAGS;
		}
		/* fall through */
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (have(h, off, 2)) {
			pi->sport = be16(l4);
			pi->known |= PKT_SPORT;
		}
		if (have(h, off + 2, 2)) {
			pi->dport = be16(l4 + 2);
			pi->known |= PKT_DPORT;
		}
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if ((pi->ipproto == IPPROTO_ICMP) != (pi->family == AF_INET))
			break;
		if (have(h, off, 1)) {
			pi->icmp_type = l4[0];
			pi->known |= PKT_ICMP_TYPE;
		}
		if (have(h, off + 1, 1)) {
			pi->icmp_code = l4[1];
			pi->known |= PKT_ICMP_CODE;
		}
		break;
	}
}

static int ipv4(struct pkt_info *pi, struct hdrs *h)
{
	const uint8_t *d = h->p;
	uint32_t ihl, tot;

	if (!have(h, 0, 4))
		return -ENODATA;
	if ((d[0] >> 4) != 4)
		return -EINVAL;
	ihl = (uint32_t)(d[0] & 0x0f) * 4;
	tot = be16(d + 2);
	if (ihl < 20)
		return -EINVAL;
	pi->family = AF_INET;
	pi->known |= PKT_FAMILY;
	if (have(h, 9, 1)) {
		pi->ipproto = d[9];
		pi->known |= PKT_PROTO;
	}
	/* tot_len 0 is BIG TCP's (GSO TCP over 64k): the length is the skb's */
	if (tot && tot < ihl)
		return -EINVAL;
	if (!tot && !(pi->known & PKT_PROTO))
		return -ENODATA;
	if (!tot && pi->ipproto != IPPROTO_TCP)
		return -EINVAL;
	h->ip_len = tot;
	if (tot) {
		pi->len = tot;
		pi->known |= PKT_LEN;
	}
	if (have(h, 12, 4)) {
		memcpy(pi->saddr, d + 12, 4);
		pi->known |= PKT_SADDR;
	}
	if (have(h, 16, 4)) {
		memcpy(pi->daddr, d + 16, 4);
		pi->known |= PKT_DADDR;
	}
	pi->l4_off = ihl;
	mark(h, ihl);
	if (have(h, 6, 2)) {
		uint16_t fo = be16(d + 6);

		pi->frag_off = (uint16_t)((fo & 0x1fff) * 8);
		pi->frag = fo & 0x1fff ? PKT_FRAG_LATER : fo & 0x2000 ? PKT_FRAG_FIRST : PKT_FRAG_NONE;
		pi->known |= PKT_FRAG;
	}
	return 0;
}

/* Walks the IPv6 extension headers to the transport header, when the window holds them. */
static void ipv6_chain(struct pkt_info *pi, struct hdrs *h, uint8_t next)
{
	const uint8_t *d = h->p;
	uint32_t off = 40;

	pi->frag = PKT_FRAG_NONE;
	for (int i = 0; i < 8; i++) {
		mark(h, off);
		switch (next) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if (!have(h, off, 2))
				return;
			next = d[off];
			off += ((uint32_t)d[off + 1] + 1) * 8;
			if (h->ip_len && off > h->ip_len)
				return;		/* runs past the packet: invalid */
			continue;
		case IPPROTO_FRAGMENT:
			if (!have(h, off, 4))
				return;
			next = d[off];
			pi->frag_off = be16(d + off + 2) & 0xfff8;
			pi->frag = pi->frag_off ? PKT_FRAG_LATER : PKT_FRAG_FIRST;
			off += 8;
			if (h->ip_len && off > h->ip_len)
				return;
			if (pi->frag == PKT_FRAG_LATER) {
				/* the rest is payload: its protocol is known, its headers are not */
				pi->ipproto = next;
				pi->known |= PKT_PROTO | PKT_FRAG;
				pi->l4_off = off;
				return;
			}
			continue;
		}
		pi->ipproto = next;
		pi->l4_off = off;
		pi->known |= PKT_PROTO | PKT_FRAG;
		return;
	}
}

static int ipv6(struct pkt_info *pi, struct hdrs *h)
{
	const uint8_t *d = h->p;
	uint32_t plen;

	if (!have(h, 0, 8))
		return -ENODATA;
	if ((d[0] >> 4) != 6)
		return -EINVAL;
	pi->family = AF_INET6;
	pi->known |= PKT_FAMILY;
	plen = be16(d + 4);
	/* payload length 0: a jumbogram or BIG TCP, whose length is the skb's */
	if (plen) {
		h->ip_len = plen + 40;
		pi->len = h->ip_len;
		pi->known |= PKT_LEN;
	}
	if (have(h, 8, 16)) {
		memcpy(pi->saddr, d + 8, 16);
		pi->known |= PKT_SADDR;
	}
	if (have(h, 24, 16)) {
		memcpy(pi->daddr, d + 24, 16);
		pi->known |= PKT_DADDR;
	}
	ipv6_chain(pi, h, d[6]);
	return 0;
}

/* ARP for IPv4 over Ethernet: the operation, the sender's (saddr) and target's (daddr) IP. */
static int arp(struct pkt_info *pi, const struct hdrs *h)
{
	const uint8_t *d = h->p;

	if (!have(h, 0, 8))
		return -ENODATA;
	if (be16(d) != 1 || be16(d + 2) != ETH_P_IP || d[4] != ETH_ALEN || d[5] != 4)
		return -EPROTONOSUPPORT;	/* not Ethernet and IPv4: nothing ftnet reads */
	pi->family = AF_PACKET;
	pi->known |= PKT_FAMILY;
	pi->arp_op = be16(d + 6);
	if (have(h, 14, 4)) {
		memcpy(pi->saddr, d + 14, 4);
		pi->known |= PKT_SADDR;
	}
	if (have(h, 24, 4)) {
		memcpy(pi->daddr, d + 24, 4);
		pi->known |= PKT_DADDR;
	}
	pi->len = ARP_LEN;
	pi->known |= PKT_LEN;
	pi->hdr_len = h->n < ARP_LEN ? h->n : ARP_LEN;
	return 0;
}

/*
 * The kernel's transport_header must agree with the chain: unset, reset to the network header
 * (before the IP layer ran), or at a header start on the way (IPv6 walks it header by header).
 */
static bool transport_header_agrees(const struct pkt_skb *s, const struct hdrs *h)
{
	uint32_t th = s->transport_header;

	if (th == PKT_UNSET || th <= s->network_header)
		return true;
	for (int i = 0; i < h->nbounds; i++)
		if (th - s->network_header == h->bounds[i])
			return true;
	return false;
}

/*
 * The network header's place in the window, and the bytes from there that are the skb's (up to
 * its tail when that was fetched); -ENODATA when it has none or they are outside.
 */
static int locate(const struct pkt_skb *s, struct hdrs *h, uint32_t *net_off)
{
	uint64_t addr;

	if (!s->win || s->network_header == PKT_UNSET || s->head > UINT64_MAX - 0xffffffffull)
		return -ENODATA;
	addr = s->head + s->network_header;
	if (addr < s->win_addr || addr - s->win_addr >= s->win_len)
		return -ENODATA;
	if (s->tail && s->tail <= s->network_header)
		return -ENODATA;
	*net_off = (uint32_t)(addr - s->win_addr);
	h->p = s->win + *net_off;
	h->n = s->win_len - *net_off;
	if (s->tail && s->tail - s->network_header < h->n)
		h->n = s->tail - s->network_header;
	return 0;
}

/* The skb's bytes from the network header, when the IP header does not give a length. */
static void skb_length(const struct pkt_skb *s, struct pkt_info *pi)
{
	uint64_t net = s->head + s->network_header;

	if (s->data >= s->head && s->data <= UINT64_MAX - s->len && s->data + s->len >= net &&
	    s->data + s->len - net <= UINT32_MAX) {
		pi->len = (uint32_t)(s->data + s->len - net);
		pi->known |= PKT_LEN;
	}
}

int pkt_rebuild(const struct pkt_skb *s, struct pkt_info *pi)
{
	struct hdrs h = { 0 };
	int version, ret;
	bool l4;

	memset(pi, 0, sizeof(*pi));
	ret = locate(s, &h, &pi->net_off);
	if (ret < 0)
		return ret;
	version = h.p[0] >> 4;
	if (s->protocol == ETH_P_ARP)
		ret = arp(pi, &h);
	else if (s->protocol == ETH_P_IP || (!s->protocol && version == 4))
		ret = ipv4(pi, &h);
	else if (s->protocol == ETH_P_IPV6 || (!s->protocol && version == 6))
		ret = ipv6(pi, &h);
	else
		ret = -EPROTONOSUPPORT;
	if (ret < 0) {
		uint32_t off = pi->net_off;

		memset(pi, 0, sizeof(*pi));
		pi->net_off = off;
		return ret;
	}
	if (pi->family == AF_PACKET)	/* ARP: no transport header, its length is its own */
		return 0;
	if (!(pi->known & PKT_LEN))
		skb_length(s, pi);
	/* a transport_header elsewhere: the bytes there may not be what they seem, leave them */
	l4 = (pi->known & (PKT_PROTO | PKT_FRAG)) == (PKT_PROTO | PKT_FRAG) &&
	     pi->frag != PKT_FRAG_LATER && transport_header_agrees(s, &h);
	if (l4)
		transport(pi, &h);
	pi->hdr_len = pi->l4_off ? pi->l4_off : h.n;
	if (l4 && have(&h, pi->l4_off, 0))
		pi->hdr_len = pi->l4_off + l4_hdr_len(pi, h.p + pi->l4_off, h.n - pi->l4_off);
	if (h.ip_len && pi->hdr_len > h.ip_len)
		pi->hdr_len = h.ip_len;
	if (pi->hdr_len > h.n)
		pi->hdr_len = h.n;
	return 0;
}

uint32_t pkt_layout_raw(const struct pkt_skb *s, const struct pkt_info *pi, uint8_t *buf,
			size_t size, uint32_t *wirelen)
{
	uint32_t n = pi->hdr_len;

	*wirelen = 0;
	if (!s || !s->win || !(pi->known & PKT_FAMILY) || pi->family == AF_PACKET ||
	    pi->net_off > s->win_len ||
	    n > s->win_len - pi->net_off)
		return 0;
	*wirelen = (pi->known & PKT_LEN) && pi->len > n ? pi->len : n;
	if (n > size)
		n = (uint32_t)size;
	memcpy(buf, s->win + pi->net_off, n);
	return n;
}

uint32_t pkt_layout_frame(const struct pkt_skb *s, const struct pkt_info *pi, uint8_t *buf,
			  size_t size, uint32_t *wirelen)
{
	uint32_t n = ETH_HLEN + pi->hdr_len;

	*wirelen = 0;
	if (!s || !s->win || pi->family != AF_PACKET || s->mac_header == PKT_UNSET ||
	    s->network_header - s->mac_header != ETH_HLEN || pi->net_off < ETH_HLEN ||
	    pi->net_off > s->win_len || pi->hdr_len > s->win_len - pi->net_off)
		return 0;
	*wirelen = ETH_HLEN + ARP_LEN;
	if (n > size)
		n = (uint32_t)size;
	memcpy(buf, s->win + pi->net_off - ETH_HLEN, n);
	return n;
}

/* The transport header from pi's fields at l4; its length up to the first unknown field. */
static uint32_t rebuilt_l4(const struct pkt_info *pi, uint8_t *l4, uint32_t l4_len)
{
	bool icmp = pi->ipproto == (pi->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);

	if (!(pi->known & PKT_PROTO) || ((pi->known & PKT_FRAG) && pi->frag == PKT_FRAG_LATER))
		return 0;
	if (icmp) {
		if (!(pi->known & PKT_ICMP_TYPE))
			return 0;
		l4[0] = pi->icmp_type;
		if (!(pi->known & PKT_ICMP_CODE))
			return 1;
		l4[1] = pi->icmp_code;
		return 8;
	}
	if (pi->ipproto != IPPROTO_TCP && pi->ipproto != IPPROTO_UDP &&
	    pi->ipproto != IPPROTO_SCTP)
		return 0;
	if (!(pi->known & PKT_SPORT))
		return 0;
	put16(l4, pi->sport);
	if (!(pi->known & PKT_DPORT))
		return 2;
	put16(l4 + 2, pi->dport);
	if (pi->ipproto == IPPROTO_UDP) {
		put16(l4 + 4, (uint16_t)l4_len);
		return 8;
	}
	if (pi->ipproto == IPPROTO_SCTP)
		return 12;
	l4[12] = 5 << 4;
	if (!(pi->known & PKT_TCP_FLAGS))
		return 13;
	l4[13] = pi->tcp_flags;
	return 20;
}

/* An IPv4 header from pi: its length, or where the first unknown field begins. */
static uint32_t rebuilt_ipv4(const struct pkt_info *pi, uint8_t *d, bool *whole)
{
	d[0] = 0x45;
	if ((pi->known & PKT_FRAG) && pi->frag != PKT_FRAG_NONE)
		put16(d + 6, (uint16_t)((pi->frag == PKT_FRAG_FIRST ? 0x2000 : 0) |
					((pi->frag_off / 8) & 0x1fff)));
	*whole = false;
	if (!(pi->known & PKT_PROTO))
		return 9;
	d[9] = pi->ipproto;
	if (!(pi->known & PKT_SADDR))
		return 12;
	memcpy(d + 12, pi->saddr, 4);
	if (!(pi->known & PKT_DADDR))
		return 16;
	memcpy(d + 16, pi->daddr, 4);
	*whole = true;
	return 20;
}

/* An IPv6 header from pi, and a fragment header for fragments. */
static uint32_t rebuilt_ipv6(const struct pkt_info *pi, uint8_t *d, bool *whole)
{
	bool frag = (pi->known & PKT_FRAG) && pi->frag != PKT_FRAG_NONE;

	d[0] = 0x60;
	*whole = false;
	if (!(pi->known & PKT_PROTO))
		return 6;
	d[6] = frag ? IPPROTO_FRAGMENT : pi->ipproto;
	if (!(pi->known & PKT_SADDR))
		return 8;
	memcpy(d + 8, pi->saddr, 16);
	if (!(pi->known & PKT_DADDR))
		return 24;
	memcpy(d + 24, pi->daddr, 16);
	*whole = true;
	if (!frag)
		return 40;
	d[40] = pi->ipproto;
	put16(d + 42, (uint16_t)((pi->frag_off & 0xfff8) | (pi->frag == PKT_FRAG_FIRST)));
	return 48;
}

uint32_t pkt_layout_rebuilt(const struct pkt_info *pi, uint8_t *buf, size_t size,
			    uint32_t *wirelen)
{
	uint8_t d[PKT_REBUILT_MAX] = { 0 };
	uint32_t n, tot, l4_len;
	bool whole;

	*wirelen = 0;
	if (!(pi->known & PKT_FAMILY) || (pi->family != AF_INET && pi->family != AF_INET6))
		return 0;
	n = pi->family == AF_INET ? rebuilt_ipv4(pi, d, &whole) : rebuilt_ipv6(pi, d, &whole);
	if (whole) {
		l4_len = (pi->known & PKT_LEN) && pi->len >= n && pi->len - n <= 0xffff ?
			 pi->len - n : 8;
		n += rebuilt_l4(pi, d + n, l4_len);
	}
	/* the IP length: the packet's when it holds these headers, else the headers' */
	tot = (pi->known & PKT_LEN) && pi->len >= n ? pi->len : n;
	if (pi->family == AF_INET && tot <= 0xffff)
		put16(d + 2, (uint16_t)tot);
	else if (pi->family == AF_INET6 && n >= 40 && tot - 40 <= 0xffff)
		put16(d + 4, (uint16_t)(tot - 40));
	*wirelen = (pi->known & PKT_LEN) && pi->len > n ? pi->len : n;
	if (n > size)
		n = (uint32_t)size;
	memcpy(buf, d, n);
	return n;
}
