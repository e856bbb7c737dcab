// SPDX-License-Identifier: GPL-2.0-or-later
/* The dissector behind 'ftnet capture': link layer, IPv4/IPv6, then TCP, UDP or ICMP headers. */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "net/cap.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void transport(struct packet *p, const uint8_t *l4, size_t n)
{
	switch (p->proto) {
	case IPPROTO_TCP:
		if (n < 14)
			return;
		p->sport = be16(l4);
		p->dport = be16(l4 + 2);
		p->tcp_flags = l4[13];
		break;
	case IPPROTO_UDP:
		if (n < 4)
			return;
		p->sport = be16(l4);
		p->dport = be16(l4 + 2);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (n < 2)
			return;
		p->icmp_type = l4[0];
		p->icmp_code = l4[1];
		break;
	}
}

static void ip(struct packet *p, const uint8_t *d, size_t n)
{
	if (n >= 20 && (d[0] >> 4) == 4) {
		size_t ihl = (size_t)(d[0] & 0x0f) * 4;

		if (ihl < 20 || ihl > n)
			return;
		p->family = AF_INET;
		p->proto = d[9];
		memcpy(p->saddr, d + 12, 4);
		memcpy(p->daddr, d + 16, 4);
		/* only the first fragment carries the transport header */
		if (!(be16(d + 6) & 0x1fff))
			transport(p, d + ihl, n - ihl);
	} else if (n >= 40 && (d[0] >> 4) == 6) {
		uint8_t next = d[6];
		size_t off = 40;

		p->family = AF_INET6;
		memcpy(p->saddr, d + 8, 16);
		memcpy(p->daddr, d + 24, 16);
		/* skip hop-by-hop, routing and destination options headers */
		while ((next == 0 || next == 43 || next == 60) && off + 8 <= n) {
			size_t hl = ((size_t)d[off + 1] + 1) * 8;

			next = d[off];
			off += hl;
		}
		p->proto = next;
		if (off <= n)
			transport(p, d + off, n - off);
	}
}

static void ethertype(struct packet *p, uint16_t type, const uint8_t *d, size_t n)
{
	if (type == 0x0800 || type == 0x86dd) {
		ip(p, d, n);
	} else if (type == 0x0806) {
		p->l2 = "ARP";
	} else {
		snprintf(p->l2buf, sizeof(p->l2buf), "ethertype 0x%04x", type);
		p->l2 = p->l2buf;
	}
}

int cap_dissect(int linktype, const uint8_t *d, uint32_t caplen, uint32_t len,
		uint64_t ts_ns, const char *ifname, struct packet *p)
{
	memset(p, 0, sizeof(*p));
	p->ts_ns = ts_ns;
	p->len = len;
	p->caplen = caplen;
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname ? ifname : "");
	switch (linktype) {
	case DLT_EN10MB: {
		size_t off = 12;
		uint16_t type;

		if (caplen < 14)
			return 0;
		type = be16(d + off);
		while ((type == 0x8100 || type == 0x88a8) && off + 6 <= caplen) {	/* VLAN tags */
			off += 4;
			type = be16(d + off);
		}
		ethertype(p, type, d + off + 2, caplen - off - 2);
		return 0;
	}
	case DLT_LINUX_SLL:
		if (caplen < 16)
			return 0;
		ethertype(p, be16(d + 14), d + 16, caplen - 16);
		return 0;
	case DLT_LINUX_SLL2: {
		char name[IF_NAMESIZE];

		if (caplen < 20)
			return 0;
		/* the any device: each packet names its interface by index */
		if (if_indextoname(be32(d + 4), name))
			snprintf(p->ifname, sizeof(p->ifname), "%s", name);
		ethertype(p, be16(d), d + 20, caplen - 20);
		return 0;
	}
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		ip(p, d, caplen);
		return 0;
	}
	snprintf(p->l2buf, sizeof(p->l2buf), "linktype %d", linktype);
	p->l2 = p->l2buf;
	return -1;
}

void cap_tcp_flags(uint8_t f, char *buf, size_t size, bool brief)
{
	static const struct { uint8_t bit; const char *name, *brief; } names[] = {
		{ 0x02, "SYN", "S" }, { 0x01, "FIN", "F" }, { 0x04, "RST", "R" },
		{ 0x08, "PSH", "P" }, { 0x80, "CWR", "W" }, { 0x40, "ECE", "E" },
		{ 0x20, "URG", "U" }, { 0x10, "ACK", "." },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(f & names[i].bit))
			continue;
		n += snprintf(buf + n, n < size ? size - n : 0, "%s%s", !brief && n ? "|" : "",
			      brief ? names[i].brief : names[i].name);
	}
	if (!buf[0])
		snprintf(buf, size, brief ? "none" : "none");
}
