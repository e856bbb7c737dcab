/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Packet identity from what a kprobe fetched: the headers of an skb rebuilt from its offsets and
 * a window of bytes, laid out as raw IP (LINKTYPE_RAW), and tcpdump filters applied to them.
 */
#ifndef FTNET_PKT_H
#define FTNET_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An skb header offset the kernel has not set ((typeof(skb->network_header))~0U). */
#define PKT_UNSET	0xffff

/* Room for the headers pkt_layout_rebuilt() writes (IPv6, a fragment header, TCP). */
#define PKT_REBUILT_MAX	(40 + 8 + 20)

/* What a kprobe fetched of one skb. Addresses are kernel addresses. */
struct pkt_skb {
	uint64_t	head;		/* skb->head */
	uint64_t	data;		/* skb->data */
	uint64_t	win_addr;	/* the kernel address win[0] was fetched from */
	const uint8_t	*win;		/* the bytes fetched, win_len of them */
	uint32_t	win_len;
	uint32_t	len;		/* skb->len: bytes from data on (linear and paged) */
	uint32_t	tail;		/* skb->tail (from head): bytes past it are not the skb's
					 * (0: not fetched, the window is taken as the skb's) */
	uint16_t	network_header;	/* offsets from head, PKT_UNSET when not set */
	uint16_t	transport_header;
	uint16_t	mac_header;	/* not needed by the rebuild (raw IP starts at the network header) */
	uint16_t	protocol;	/* ntohs(skb->protocol) (ETH_P_IP, ETH_P_IPV6, ETH_P_ARP); 0: not
					 * fetched (IP then told by its version) */
};

/* The fields of struct pkt_info that are known: a field without its bit is unknown. */
enum pkt_field {
	PKT_FAMILY	= 1 << 0,
	PKT_SADDR	= 1 << 1,
	PKT_DADDR	= 1 << 2,
	PKT_PROTO	= 1 << 3,
	PKT_SPORT	= 1 << 4,	/* TCP, UDP, SCTP */
	PKT_DPORT	= 1 << 5,
	PKT_ICMP_TYPE	= 1 << 6,	/* ICMP in IPv4, ICMPv6 in IPv6 */
	PKT_ICMP_CODE	= 1 << 7,
	PKT_TCP_FLAGS	= 1 << 8,
	PKT_LEN		= 1 << 9,
	PKT_FRAG	= 1 << 10,	/* whether the packet is a fragment, and which */
};

enum pkt_frag { PKT_FRAG_NONE, PKT_FRAG_FIRST, PKT_FRAG_LATER };

struct pkt_info {
	uint32_t	known;		/* PKT_* bits */
	uint16_t	family;		/* AF_INET, AF_INET6, AF_PACKET (ARP); 0 when not known */
	uint8_t		ipproto;	/* the last next-header of the chain: IPPROTO_TCP, ... */
	uint8_t		frag;		/* enum pkt_frag: a later fragment has no transport fields */
	uint16_t	frag_off;	/* bytes, for fragments */
	uint16_t	sport, dport;	/* host order */
	uint8_t		icmp_type, icmp_code;
	uint8_t		tcp_flags;
	uint16_t	arp_op;		/* ARP: 1 request, 2 reply (saddr, daddr: sender, target) */
	uint32_t	len;		/* the IP packet's total length, header included */
	uint8_t		saddr[16];	/* network order; IPv4 in the first 4 bytes */
	uint8_t		daddr[16];
	/* where the headers are in the window, for pkt_layout_raw() */
	uint32_t	net_off;	/* offset of the network header in win */
	uint32_t	l4_off;		/* offset of the transport header from the network header */
	uint32_t	hdr_len;	/* header bytes present from the network header on */
};

/*
 * Rebuilds the network and transport headers of s into pi from the bytes of the window that
 * hold them: a field partly or wholly outside the window, past the skb's tail or the IP length,
 * or behind an invalid header stays unknown, and so do the transport fields when the kernel's
 * transport_header points elsewhere. The IPv6 chain is followed over hop-by-hop, routing,
 * fragment and destination options headers. 0 when the network header is valid IPv4 or IPv6, or
 * ARP for IPv4 over Ethernet (protocol ETH_P_ARP: family AF_PACKET) (fields may still be
 * unknown); -ENODATA when it is not set, not in the window, or cut before what proves it valid
 * (IPv4's first 4 bytes, IPv6's and ARP's first 8); -EPROTONOSUPPORT when it is neither;
 * -EINVAL when it is an invalid IP header. pi is filled in every case.
 */
int pkt_rebuild(const struct pkt_skb *s, struct pkt_info *pi);

/*
 * Copies the headers pkt_rebuild() found in s's window (network header, options or extension
 * headers, transport header; no payload) into buf as raw IP. Returns the bytes written (the
 * capture length, 0 when there is no valid IP header) and sets *wirelen to the packet's length.
 */
uint32_t pkt_layout_raw(const struct pkt_skb *s, const struct pkt_info *pi, uint8_t *buf,
			size_t size, uint32_t *wirelen);

/*
 * The Ethernet frame of an ARP packet pkt_rebuild() found (family AF_PACKET): its Ethernet
 * header, where the skb's mac header lies 14 bytes before the network header in the window,
 * then the ARP header. 0 when the frame is not all in the window: a filter never sees a
 * link-layer header ftnet made up.
 */
uint32_t pkt_layout_frame(const struct pkt_skb *s, const struct pkt_info *pi, uint8_t *buf,
			  size_t size, uint32_t *wirelen);

/*
 * Lays out headers made from pi's fields alone (for events that carry fields, not bytes): an
 * IPv4 header without options or an IPv6 header (with a fragment header for fragments), then
 * the TCP, UDP, SCTP or ICMP header. Bytes ftnet does not know (TTL, sequence numbers,
 * checksums) are zero; the layout ends before the first unknown field, so that a filter reading
 * it fails to match. Returns the bytes written (at most PKT_REBUILT_MAX), *wirelen as above.
 */
uint32_t pkt_layout_rebuilt(const struct pkt_info *pi, uint8_t *buf, size_t size,
			    uint32_t *wirelen);

/* A tcpdump filter compiled for raw IP, run in this process (nothing goes into the kernel). */
struct pkt_filter;

/*
 * Compiles expr (tcpdump's syntax) with libpcap twice: for LINKTYPE_RAW, which IP packets are
 * matched with, and for LINKTYPE_ETHERNET, which ARP frames are ('arp and arp[7] = 1'). It
 * fails only when both do: NULL with errno set and, for an expression libpcap rejects
 * (EINVAL), libpcap's message in err (raw IP's, unless that one rejects all packets).
 */
struct pkt_filter *pkt_filter_new(const char *expr, char *err, size_t errsize);
void pkt_filter_free(struct pkt_filter *f);
/* Whether the raw IP bytes (caplen of them, of a packet wirelen long) match. */
bool pkt_filter_match(const struct pkt_filter *f, const uint8_t *pkt, uint32_t caplen,
		      uint32_t wirelen);
/* Whether an Ethernet frame (ARP: pkt_layout_frame) matches. */
bool pkt_filter_match_frame(const struct pkt_filter *f, const uint8_t *frame, uint32_t caplen,
			    uint32_t wirelen);
/*
 * Matches the packet of s (its raw headers), or when s is NULL or its window holds no valid IP
 * header, the headers rebuilt from pi. A packet whose fields are unknown does not match.
 */
bool pkt_filter_match_skb(const struct pkt_filter *f, const struct pkt_skb *s,
			  const struct pkt_info *pi);

/*
 * Where a kprobe step reads the header a kernel filter checks: skb->data at the network
 * header (fields kv, kp, ks, kd, ksp, kdp: IPv4's first byte, protocol, addresses and ports
 * when it has no options), or at the transport header of a known protocol (ksp, kdp).
 */
enum pkt_kat { PKT_KAT_NONE, PKT_KAT_NET, PKT_KAT_L4 };

/* Conditions on a packet's rebuilt fields that a kernel event filter could check. */
enum pkt_kfield {
	PKT_KF_PROTO	= 1 << 0,	/* ipproto == proto */
	PKT_KF_SPORT	= 1 << 1,	/* sport == sport */
	PKT_KF_DPORT	= 1 << 2,	/* dport == dport */
	PKT_KF_PORT	= 1 << 3,	/* sport == port || dport == port */
	PKT_KF_SADDR	= 1 << 4,	/* family == family && saddr == saddr */
	PKT_KF_DADDR	= 1 << 5,	/* family == family && daddr == daddr */
	PKT_KF_ADDR	= 1 << 6,	/* family == family && (saddr == addr || daddr == addr) */
};

struct pkt_kfilter {
	uint32_t	fields;		/* PKT_KF_*: all must hold */
	uint8_t		proto;
	uint16_t	sport, dport, port;	/* host order */
	uint16_t	family;		/* of the addresses */
	uint8_t		saddr[16], daddr[16], addr[16];
};

/*
 * For an expression made of 'tcp', 'udp', 'icmp', '[src|dst] port N' and '[src|dst] host ADDR'
 * (numeric) joined by 'and': fills kf with conditions every packet the expression accepts
 * meets, and returns kf. A kernel filter on them only saves ring buffer: the exact filter must
 * still run in ftnet. NULL when the expression is anything else (not expressible).
 */
struct pkt_kfilter *pkt_kfilter_parse(const char *expr, struct pkt_kfilter *kf);

/*
 * The kernel filter of a step at `at` (proto: the transport protocol there, for PKT_KAT_L4)
 * that lets through every packet kf's expression could match and drops what it cannot: a
 * packet it cannot read there (not IPv4 without options, at the network header) passes.
 * Written into buf for this machine's byte order; 0 when it has no condition to write
 * (everything passes), 1 when written, -ENOSPC when buf is too small.
 */
int pkt_kfilter_expr(const struct pkt_kfilter *kf, enum pkt_kat at, uint8_t proto, char *buf,
		     size_t size);

#endif
