/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libpcap: live and offline capture, and the packet dissector the printer uses. */
#ifndef FTNET_CAP_H
#define FTNET_CAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct packet {
	uint64_t	ts_ns;		/* wall clock, as pcap stamps it */
	uint32_t	len, caplen;
	uint16_t	family;		/* AF_INET, AF_INET6, 0: not IP */
	uint16_t	sport, dport;
	uint8_t		proto;		/* IPPROTO_* */
	uint8_t		tcp_flags;
	uint8_t		icmp_type, icmp_code;
	uint8_t		saddr[16], daddr[16];
	char		ifname[16];
	const char	*l2;		/* what it is when not IP ("ARP", "ethertype 0x88cc") */
	char		l2buf[24];
};

/*
 * Dissects one captured frame of a pcap link type (Ethernet, Linux cooked v1/v2, raw IP)
 * into p. Never reads past caplen; returns 0, or -1 for a link type it does not know.
 */
int cap_dissect(int linktype, const uint8_t *data, uint32_t caplen, uint32_t len,
		uint64_t ts_ns, const char *ifname, struct packet *p);
/* "SYN", "RST|ACK" style flag names, tcpdump's short form ("S", "R.") in *brief. */
void cap_tcp_flags(uint8_t flags, char *buf, size_t size, bool brief);

#endif
