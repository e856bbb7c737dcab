// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of packet identity: headers rebuilt from skb offsets and windows laid out as the
 * kernel has them (Debian 6.1's NO_SOCKET drops), cut at every byte and given hostile values;
 * tcpdump filters on the rebuilt packets; the pcapng writer read back by libpcap and tshark.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/pcapng.h"
#include "net/pkt.h"
#include "tap.h"

/* Kernel memory as a kprobe sees it: the skb's buffer at HEAD, fetched windows from mem. */
#define BASE	0xffff888012340000ull
#define HEAD	(BASE + 128)
static uint8_t mem[2048];

struct flow {
	int		family;
	uint8_t		proto;
	const char	*src, *dst;
	uint16_t	sport, dport;
	uint8_t		type, code, flags;
};

static const struct flow udp4 = { AF_INET, IPPROTO_UDP, "192.0.2.1", "198.51.100.7", 40000, 53,
				  0, 0, 0 };
static const struct flow tcp4 = { AF_INET, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 33000, 80,
				  0, 0, 0x02 };
static const struct flow icmp4 = { AF_INET, IPPROTO_ICMP, "127.0.0.1", "127.0.0.1", 0, 0,
				   8, 0, 0 };
static const struct flow udp6 = { AF_INET6, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 5353, 53,
				  0, 0, 0 };
static const struct flow tcp6 = { AF_INET6, IPPROTO_TCP, "::1", "::1", 44321, 22, 0, 0, 0x14 };
static const struct flow icmp6 = { AF_INET6, IPPROTO_ICMPV6, "fe80::1", "ff02::1", 0, 0,
				   135, 0, 0 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t l4_size(uint8_t proto)
{
	return proto == IPPROTO_TCP ? 20 : 8;
}

static void build_l4(uint8_t *l4, const struct flow *f, uint32_t payload)
{
	memset(l4, 0, l4_size(f->proto));
	if (f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6) {
		l4[0] = f->type;
		l4[1] = f->code;
		return;
	}
	put16(l4, f->sport);
	put16(l4 + 2, f->dport);
	if (f->proto == IPPROTO_UDP) {
		put16(l4 + 4, (uint16_t)(8 + payload));
	} else {
		l4[12] = 5 << 4;
		l4[13] = f->flags;
	}
}

/* Lays f out at p as the wire has it, with payload bytes of 0xaa; returns the IP length. */
static uint32_t build(uint8_t *p, const struct flow *f, uint32_t payload)
{
	uint32_t l4 = l4_size(f->proto), hl = f->family == AF_INET ? 20 : 40;

	memset(p, 0, hl);
	if (f->family == AF_INET) {
		p[0] = 0x45;
		put16(p + 2, (uint16_t)(hl + l4 + payload));
		put16(p + 4, 0x1234);
		put16(p + 6, 0x4000);	/* DF */
		p[8] = 64;
		p[9] = f->proto;
		inet_pton(AF_INET, f->src, p + 12);
		inet_pton(AF_INET, f->dst, p + 16);
	} else {
		p[0] = 0x60;
		put16(p + 4, (uint16_t)(l4 + payload));
		p[6] = f->proto;
		p[7] = 64;
		inet_pton(AF_INET6, f->src, p + 8);
		inet_pton(AF_INET6, f->dst, p + 24);
	}
	build_l4(p + hl, f, payload);
	memset(p + hl + l4, 0xaa, payload);
	return hl + l4 + payload;
}

/* An skb whose window was fetched from head + from, len bytes (from may be negative). */
static void skb(struct pkt_skb *s, uint16_t nh, uint16_t th, uint16_t data, int from, uint32_t len)
{
	memset(s, 0, sizeof(*s));
	s->head = HEAD;
	s->data = HEAD + data;
	s->network_header = nh;
	s->transport_header = th;
	s->mac_header = PKT_UNSET;
	s->len = 100;
	s->win_addr = (uint64_t)((int64_t)HEAD + from);
	s->win = mem + (s->win_addr - BASE);
	s->win_len = len;
}

/* Every known field of pi holds f's value. */
static void check_fields(const struct pkt_info *pi, const struct flow *f, int line)
{
	uint8_t a[16] = { 0 };
	int bad = 0;

	if ((pi->known & PKT_FAMILY) && pi->family != f->family)
		bad |= PKT_FAMILY;
	inet_pton(f->family, f->src, a);
	if ((pi->known & PKT_SADDR) && memcmp(pi->saddr, a, 16))
		bad |= PKT_SADDR;
	memset(a, 0, 16);
	inet_pton(f->family, f->dst, a);
	if ((pi->known & PKT_DADDR) && memcmp(pi->daddr, a, 16))
		bad |= PKT_DADDR;
	if ((pi->known & PKT_PROTO) && pi->ipproto != f->proto)
		bad |= PKT_PROTO;
	if ((pi->known & PKT_SPORT) && pi->sport != f->sport)
		bad |= PKT_SPORT;
	if ((pi->known & PKT_DPORT) && pi->dport != f->dport)
		bad |= PKT_DPORT;
	if ((pi->known & PKT_ICMP_TYPE) && pi->icmp_type != f->type)
		bad |= PKT_ICMP_TYPE;
	if ((pi->known & PKT_ICMP_CODE) && pi->icmp_code != f->code)
		bad |= PKT_ICMP_CODE;
	if ((pi->known & PKT_TCP_FLAGS) && pi->tcp_flags != f->flags)
		bad |= PKT_TCP_FLAGS;
	tap_run++;
	if (bad) {
		tap_failed++;
		fprintf(stderr, "FAIL %s:%d: wrong fields 0x%x\n", __FILE__, line, bad);
	}
}

/* The fields a window of c bytes from the network header must give, by where each ends. */
static uint32_t expected(const struct flow *f, uint32_t c)
{
	uint32_t hl = f->family == AF_INET ? 20 : 40, k = 0;
	bool icmp = f->proto == IPPROTO_ICMP || f->proto == IPPROTO_ICMPV6;

	if (f->family == AF_INET) {
		k |= c >= 4 ? PKT_FAMILY | PKT_LEN : 0;
		k |= c >= 8 ? PKT_FRAG : 0;
		k |= c >= 10 ? PKT_PROTO : 0;
		k |= c >= 16 ? PKT_SADDR : 0;
	} else {
		k |= c >= 8 ? PKT_FAMILY | PKT_LEN | PKT_PROTO | PKT_FRAG : 0;
		k |= c >= 24 ? PKT_SADDR : 0;
	}
	k |= c >= hl ? PKT_DADDR : 0;
	if (icmp) {
		k |= c >= hl + 1 ? PKT_ICMP_TYPE : 0;
		k |= c >= hl + 2 ? PKT_ICMP_CODE : 0;
	} else {
		k |= c >= hl + 2 ? PKT_SPORT : 0;
		k |= c >= hl + 4 ? PKT_DPORT : 0;
	}
	if (f->proto == IPPROTO_TCP)
		k |= c >= hl + 14 ? PKT_TCP_FLAGS : 0;
	return k;
}

static uint32_t all_fields(const struct flow *f)
{
	return expected(f, 1000);
}

/* The kernel's layout of a NO_SOCKET drop on 6.1, then every cut of the window. */
static void test_rebuild(const struct flow *f, uint16_t nh, uint16_t th, uint16_t data)
{
	uint32_t hl = f->family == AF_INET ? 20 : 40, tot, full;
	struct pkt_info pi;
	struct pkt_skb s;

	memset(mem, 0x5a, sizeof(mem));
	tot = build(mem + (HEAD - BASE) + nh, f, 24);
	full = hl + l4_size(f->proto);

	/* the probe's window: 64 bytes from data - 64, data at the transport header */
	skb(&s, nh, th, data, data - 64, 128);
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pi.frag, PKT_FRAG_NONE);
	CHECK_INT(pi.known, all_fields(f));
	CHECK_INT(pi.len, tot);
	CHECK_INT(pi.l4_off, hl);
	CHECK_INT(pi.hdr_len, full);
	CHECK_INT(pi.net_off, 64 - (data - nh));
	check_fields(&pi, f, __LINE__);

	/* a window from the network header, c bytes long: exactly what fits is known */
	for (uint32_t c = 0; c <= full + 4; c++) {
		int ret;

		skb(&s, nh, th, data, nh, c);
		ret = pkt_rebuild(&s, &pi);
		CHECK_INT(ret, expected(f, c) ? 0 : -ENODATA);
		CHECK_INT(pi.known, expected(f, c));
		if (ret == 0)
			CHECK_INT(pi.hdr_len, c < full ? c : full);
		check_fields(&pi, f, __LINE__);
		/* the same cut in a window that starts 40 bytes before */
		skb(&s, nh, th, data, nh - 40, c + 40);
		CHECK_INT(pkt_rebuild(&s, &pi), ret);
		CHECK_INT(pi.known, expected(f, c));
		check_fields(&pi, f, __LINE__);
	}
	/* a window that starts inside the network header knows nothing */
	for (uint32_t k = 1; k < full; k++) {
		skb(&s, nh, th, data, nh + (int)k, 64);
		CHECK_INT(pkt_rebuild(&s, &pi), -ENODATA);
		CHECK_INT(pi.known, 0);
	}
}

static void test_kernel_windows(void)
{
	struct pkt_info pi;
	struct pkt_skb s;

	test_rebuild(&udp4, 16, 36, 36);
	test_rebuild(&tcp4, 16, 36, 36);
	test_rebuild(&icmp4, 16, 36, 36);
	test_rebuild(&udp6, 24, 64, 64);
	test_rebuild(&tcp6, 24, 64, 64);
	test_rebuild(&icmp6, 24, 64, 64);
	/* before the IP layer ran: transport_header reset to the network header, data there */
	test_rebuild(&udp4, 16, 16, 16);
	test_rebuild(&udp6, 24, PKT_UNSET, 24);

	/* the probe of DESIGN.md: win=-32(data) x 64; IPv6 needs more than that before data */
	memset(mem, 0, sizeof(mem));
	build(mem + 128 + 16, &udp4, 10);
	skb(&s, 16, 36, 36, 36 - 32, 64);
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pi.known, all_fields(&udp4));
	build(mem + 128 + 24, &udp6, 10);
	skb(&s, 24, 64, 64, 64 - 32, 64);
	CHECK_INT(pkt_rebuild(&s, &pi), -ENODATA);
	CHECK_INT(pi.known, 0);
	skb(&s, 24, 64, 64, 64 - 40, 64);
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pi.known, all_fields(&udp6));
	CHECK_INT(pi.dport, 53);
}

/* A UDP/IPv4 packet at head + 16, window from head with n bytes; returns the rebuild's result. */
static int v4(struct pkt_info *pi, uint16_t th, uint32_t n)
{
	struct pkt_skb s;

	skb(&s, 16, th, th, 0, n);
	return pkt_rebuild(&s, pi);
}

static void test_hostile_ipv4(void)
{
	uint8_t *ip = mem + 128 + 16;
	struct pkt_info pi;
	struct pkt_skb s;

	memset(mem, 0, sizeof(mem));
	build(ip, &udp4, 0);
	CHECK_INT(v4(&pi, 36, 200), 0);
	CHECK_INT(pi.known, all_fields(&udp4));

	for (int ihl = 0; ihl < 5; ihl++) {
		ip[0] = (uint8_t)(0x40 | ihl);
		CHECK_INT(v4(&pi, 36, 200), -EINVAL);
		CHECK_INT(pi.known, 0);
	}
	ip[0] = 0x45;
	/* total length under the header; 0 is BIG TCP's, not UDP's */
	for (int tot = 0; tot < 20; tot += 1) {
		put16(ip + 2, (uint16_t)tot);
		CHECK_INT(v4(&pi, 36, 200), -EINVAL);
		CHECK_INT(pi.known, 0);
	}
	/* a total length that ends inside the UDP header: the ports past it are unknown */
	put16(ip + 2, 22);
	CHECK_INT(v4(&pi, 36, 200), 0);
	CHECK(pi.known & PKT_SPORT);
	CHECK(!(pi.known & PKT_DPORT));
	CHECK_INT(pi.hdr_len, 22);
	put16(ip + 2, 20);
	CHECK_INT(v4(&pi, 36, 200), 0);
	CHECK(!(pi.known & (PKT_SPORT | PKT_DPORT)));
	CHECK(pi.known & PKT_DADDR);
	CHECK_INT(pi.hdr_len, 20);
	put16(ip + 2, 28);

	/* IHL 15 claims options the total length does not hold */
	ip[0] = 0x4f;
	CHECK_INT(v4(&pi, 36, 200), -EINVAL);
	/* IHL 6: one option word; the transport header (and the kernel's) 24 bytes in */
	ip[0] = 0x46;
	memmove(ip + 24, ip + 20, 8);
	memset(ip + 20, 1, 4);
	put16(ip + 2, 32);
	CHECK_INT(v4(&pi, 40, 200), 0);
	CHECK_INT(pi.known, all_fields(&udp4));
	CHECK_INT(pi.dport, 53);
	CHECK_INT(pi.l4_off, 24);
	CHECK_INT(pi.hdr_len, 32);
	/* a transport_header that disagrees (inside the options): ports unknown, not misread */
	CHECK_INT(v4(&pi, 36, 200), 0);
	CHECK(!(pi.known & (PKT_SPORT | PKT_DPORT)));
	CHECK(pi.known & PKT_PROTO);
	CHECK_INT(pi.hdr_len, 24);	/* nor laid out for a filter to read */
	/* transport_header before the network header: not this packet's, ignored */
	CHECK_INT(v4(&pi, 8, 200), 0);
	CHECK_INT(pi.known, all_fields(&udp4));
	CHECK_INT(v4(&pi, 0, 200), 0);
	CHECK_INT(pi.known, all_fields(&udp4));

	build(ip, &udp4, 0);
	/* offsets far outside the window, or unset, or wrapping */
	skb(&s, 60000, 36, 36, 0, 200);
	CHECK_INT(pkt_rebuild(&s, &pi), -ENODATA);
	skb(&s, PKT_UNSET, 36, 36, 0, 200);
	CHECK_INT(pkt_rebuild(&s, &pi), -ENODATA);
	skb(&s, 16, 36, 36, 0, 200);
	s.head = UINT64_MAX - 4;
	CHECK_INT(pkt_rebuild(&s, &pi), -ENODATA);
	skb(&s, 16, 36, 36, 0, 0);
	CHECK_INT(pkt_rebuild(&s, &pi), -ENODATA);
	skb(&s, 16, 36, 36, 0, 200);
	s.win = NULL;
	CHECK_INT(pkt_rebuild(&s, &pi), -ENODATA);
	CHECK_INT(pi.known, 0);
}

/* What was fetched besides the window: the skb's tail and protocol. */
static void test_tail_protocol(void)
{
	uint8_t *ip = mem + 128 + 16;
	struct pkt_info pi;
	struct pkt_skb s;

	memset(mem, 0, sizeof(mem));
	build(ip, &udp4, 0);
	/* the skb's tail bounds the window: bytes past it are not the packet's */
	skb(&s, 16, 36, 36, 0, 200);
	s.tail = 16 + 22;
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK(pi.known & PKT_SPORT);
	CHECK(!(pi.known & PKT_DPORT));
	CHECK_INT(pi.hdr_len, 22);
	s.tail = 16 + 28;
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pi.known, all_fields(&udp4));
	s.tail = 16;
	CHECK_INT(pkt_rebuild(&s, &pi), -ENODATA);
	s.tail = 3;
	CHECK_INT(pkt_rebuild(&s, &pi), -ENODATA);

	/* skb->protocol decides when it was fetched */
	skb(&s, 16, 36, 36, 0, 200);
	s.protocol = ETH_P_ARP;
	CHECK_INT(pkt_rebuild(&s, &pi), -EPROTONOSUPPORT);
	s.protocol = ETH_P_IPV6;
	CHECK_INT(pkt_rebuild(&s, &pi), -EINVAL);
	s.protocol = ETH_P_IP;
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	ip[0] = 0x55;
	s.protocol = 0;
	CHECK_INT(pkt_rebuild(&s, &pi), -EPROTONOSUPPORT);
	CHECK_INT(pi.known, 0);
}

static void test_fragments_ipv4(void)
{
	uint8_t *ip = mem + 128 + 16;
	struct pkt_info pi;
	struct pkt_skb s;

	memset(mem, 0, sizeof(mem));
	build(ip, &udp4, 100);
	put16(ip + 6, 0x2000);	/* first fragment: MF, offset 0 */
	CHECK_INT(v4(&pi, 36, 200), 0);
	CHECK_INT(pi.frag, PKT_FRAG_FIRST);
	CHECK(pi.known & PKT_DPORT);
	put16(ip + 6, 185);	/* a later fragment: its "ports" are payload */
	CHECK_INT(v4(&pi, 36, 200), 0);
	CHECK_INT(pi.frag, PKT_FRAG_LATER);
	CHECK_INT(pi.frag_off, 1480);
	CHECK(pi.known & PKT_PROTO);
	CHECK(!(pi.known & (PKT_SPORT | PKT_DPORT)));
	CHECK_INT(pi.hdr_len, 20);

	/* BIG TCP: total length 0, the length is the skb's (data at the IP header here) */
	build(ip, &tcp4, 0);
	put16(ip + 2, 0);
	skb(&s, 16, 36, 16, 0, 200);
	s.len = 70000;
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pi.len, 70000);
	CHECK(pi.known & PKT_DPORT);
	s.data = HEAD + 36;	/* data past the headers: skb->len counts from there */
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pi.len, 70020);
	s.data = HEAD - 1;	/* data before head: no length */
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK(!(pi.known & PKT_LEN));
	/* whether a zero length is valid depends on the protocol: not in the window, unknown */
	skb(&s, 16, 36, 16, 16, 9);
	CHECK_INT(pkt_rebuild(&s, &pi), -ENODATA);
	ip[9] = IPPROTO_UDP;
	skb(&s, 16, 36, 16, 16, 10);
	CHECK_INT(pkt_rebuild(&s, &pi), -EINVAL);
}

/* IPv6 with extension headers: a chain of (next, bytes) laid out after the fixed header. */
static uint32_t build6_chain(uint8_t *ip, const uint8_t *kinds, int n, uint16_t frag_off)
{
	uint32_t off = 40;

	build(ip, &udp6, 0);
	ip[6] = n ? kinds[0] : IPPROTO_UDP;
	for (int i = 0; i < n; i++) {
		uint8_t next = i + 1 < n ? kinds[i + 1] : IPPROTO_UDP;

		memset(ip + off, 0, 16);
		ip[off] = next;
		if (kinds[i] == IPPROTO_FRAGMENT) {
			put16(ip + off + 2, (uint16_t)(frag_off | 1));
			off += 8;
		} else {
			ip[off + 1] = 1;	/* 16 bytes */
			off += 16;
		}
	}
	build_l4(ip + off, &udp6, 0);
	put16(ip + 4, (uint16_t)(off + 8 - 40));
	return off;
}

static void test_ipv6_chain(void)
{
	static const uint8_t exts[] = { IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING,
					IPPROTO_FRAGMENT, IPPROTO_DSTOPTS };
	static const uint8_t nine[9] = { 60, 60, 60, 60, 60, 60, 60, 60, 60 };
	uint8_t *ip = mem + 128 + 24;
	struct pkt_info pi;
	struct pkt_skb s;
	uint32_t l4;

	memset(mem, 0, sizeof(mem));
	l4 = build6_chain(ip, exts, 5, 0);
	CHECK_INT(l4, 40 + 16 * 4 + 8);
	skb(&s, 24, (uint16_t)(24 + l4), (uint16_t)(24 + l4), 0, 400);
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pi.known, all_fields(&udp6));
	CHECK_INT(pi.frag, PKT_FRAG_FIRST);
	CHECK_INT(pi.l4_off, l4);
	CHECK_INT(pi.hdr_len, l4 + 8);
	CHECK_INT(pi.dport, 53);
	/* the kernel part way along the chain (ip6_rcv_core set it past the fixed header) */
	s.transport_header = 24 + 40;
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK(pi.known & PKT_DPORT);
	s.transport_header = 24 + 48;	/* inside the hop-by-hop header: disagrees */
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK(!(pi.known & PKT_DPORT));
	CHECK(pi.known & PKT_PROTO);

	/* every cut of the chain: addresses once present, the protocol only at its end */
	for (uint32_t c = 8; c <= l4 + 8; c++) {
		skb(&s, 24, PKT_UNSET, 24, 24, c);
		CHECK_INT(pkt_rebuild(&s, &pi), 0);
		CHECK_INT(!!(pi.known & PKT_PROTO), c >= l4 - 16 + 2);
		CHECK_INT(!!(pi.known & PKT_DPORT), c >= l4 + 4);
		CHECK_INT(!!(pi.known & PKT_SADDR), c >= 24);
		CHECK_INT(!!(pi.known & PKT_DADDR), c >= 40);
		check_fields(&pi, &udp6, __LINE__);
	}

	/* a later fragment: protocol known, no transport header */
	l4 = build6_chain(ip, exts + 3, 1, 1448);
	skb(&s, 24, PKT_UNSET, 24, 0, 400);
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pi.frag, PKT_FRAG_LATER);
	CHECK_INT(pi.frag_off, 1448);
	CHECK_INT(pi.ipproto, IPPROTO_UDP);
	CHECK(!(pi.known & (PKT_SPORT | PKT_DPORT)));
	CHECK_INT(pi.hdr_len, 48);

	/* more than 8 extension headers: the protocol is not looked for further */
	build6_chain(ip, nine, 9, 0);
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK(!(pi.known & PKT_PROTO));
	CHECK(pi.known & PKT_SADDR);

	/* an extension header whose length runs past the payload length */
	build6_chain(ip, exts, 1, 0);
	ip[41] = 200;
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK(!(pi.known & PKT_PROTO));

	/* ICMP (1) inside IPv6 is not ICMPv6: no type */
	build(ip, &icmp6, 0);
	ip[6] = IPPROTO_ICMP;
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK(!(pi.known & PKT_ICMP_TYPE));
	/* version mismatch with the fetched protocol, and a jumbogram's zero payload length */
	build(ip, &udp6, 0);
	ip[0] = 0x40;
	s.protocol = ETH_P_IPV6;
	CHECK_INT(pkt_rebuild(&s, &pi), -EINVAL);
	ip[0] = 0x60;
	put16(ip + 4, 0);
	skb(&s, 24, PKT_UNSET, 24, 0, 400);
	s.len = 100000;
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pi.len, 100000);
}

/* Rebuilds the raw IP bytes in buf as if a probe had fetched them from a network header. */
static int rebuild_bytes(const uint8_t *buf, uint32_t n, struct pkt_info *pi)
{
	struct pkt_skb s = { .head = BASE, .data = BASE, .win_addr = BASE, .win = buf,
			     .win_len = n, .len = n, .network_header = 0,
			     .transport_header = PKT_UNSET, .mac_header = PKT_UNSET };

	return pkt_rebuild(&s, pi);
}

static void test_layout_flow(const struct flow *f, uint16_t nh)
{
	uint32_t hl = f->family == AF_INET ? 20 : 40, full = hl + l4_size(f->proto), tot;
	uint8_t buf[256], rb[PKT_REBUILT_MAX + 8];
	struct pkt_info pi, pi2;
	uint32_t n, len;
	struct pkt_skb s;

	memset(mem, 0x5a, sizeof(mem));
	tot = build(mem + 128 + nh, f, 24);
	for (uint32_t c = 0; c <= full + 30; c++) {
		skb(&s, nh, PKT_UNSET, nh, nh - 8, c + 8);
		pkt_rebuild(&s, &pi);
		/* raw: the headers as fetched, no payload, the IP length on the wire */
		n = pkt_layout_raw(&s, &pi, buf, sizeof(buf), &len);
		CHECK_INT(n, pi.known ? (c < full ? c : full) : 0);
		CHECK_INT(len, pi.known ? tot : 0);
		CHECK(!memcmp(buf, mem + 128 + nh, n));
		/* a buffer too small takes what fits */
		if (n > 10) {
			CHECK_INT(pkt_layout_raw(&s, &pi, buf, 10, &len), 10);
			CHECK_INT(len, tot);
		}
		/* rebuilt from the fields: read back, the same fields */
		memset(rb, 0xee, sizeof(rb));
		n = pkt_layout_rebuilt(&pi, rb, sizeof(rb), &len);
		CHECK(n <= PKT_REBUILT_MAX);
		CHECK_INT(rb[n], 0xee);
		if (!pi.known) {
			CHECK_INT(n, 0);
			continue;
		}
		CHECK_INT(len, tot);
		CHECK_INT(rebuild_bytes(rb, n, &pi2), 0);
		/* a rebuilt IPv4 header says "no fragment" where that was not known */
		CHECK_INT(pi2.known & ~(uint32_t)PKT_FRAG, pi.known & ~(uint32_t)PKT_FRAG);
		check_fields(&pi2, f, __LINE__);
		if (c >= full)
			CHECK_INT(n, full);
	}
	/* a pkt_info that does not belong to the window lays out nothing */
	skb(&s, nh, PKT_UNSET, nh, nh, 64);
	pkt_rebuild(&s, &pi);
	pi.net_off = 60;
	CHECK_INT(pkt_layout_raw(&s, &pi, buf, sizeof(buf), &len), 0);
	CHECK_INT(pkt_layout_raw(NULL, &pi, buf, sizeof(buf), &len), 0);
}

static void test_layout(void)
{
	static const struct flow *flows[] = { &udp4, &tcp4, &icmp4, &udp6, &tcp6, &icmp6 };
	uint8_t *ip = mem + 128 + 16, buf[256];
	struct pkt_info pi, pi2;
	struct pkt_skb s;
	uint32_t n, len;

	for (size_t i = 0; i < sizeof(flows) / sizeof(flows[0]); i++)
		test_layout_flow(flows[i], flows[i]->family == AF_INET ? 16 : 24);

	/* TCP options and IPv4 options are headers: laid out whole */
	memset(mem, 0, sizeof(mem));
	build(ip, &tcp4, 0);
	ip[0] = 0x46;
	memmove(ip + 24, ip + 20, 20);
	ip[24 + 12] = 8 << 4;
	put16(ip + 2, 24 + 32 + 10);
	skb(&s, 16, 40, 40, 0, 200);
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pkt_layout_raw(&s, &pi, buf, sizeof(buf), &len), 24 + 32);
	CHECK_INT(len, 66);

	/* fragments: IPv4 keeps its fragment fields, IPv6 gets a fragment header */
	build(ip, &udp4, 100);
	put16(ip + 6, 185);
	CHECK_INT(v4(&pi, 36, 200), 0);
	n = pkt_layout_rebuilt(&pi, buf, sizeof(buf), &len);
	CHECK_INT(n, 20);
	CHECK_INT(rebuild_bytes(buf, n, &pi2), 0);
	CHECK_INT(pi2.frag, PKT_FRAG_LATER);
	CHECK_INT(pi2.frag_off, 1480);
	pi.family = AF_INET6;
	n = pkt_layout_rebuilt(&pi, buf, sizeof(buf), &len);
	CHECK_INT(n, 48);
	CHECK_INT(buf[6], IPPROTO_FRAGMENT);
	CHECK_INT(rebuild_bytes(buf, n, &pi2), 0);
	CHECK_INT(pi2.frag, PKT_FRAG_LATER);
	CHECK_INT(pi2.frag_off, 1480);
	CHECK_INT(pi2.ipproto, IPPROTO_UDP);

	/* fields alone (a tracepoint's): no length known, the packet is its headers */
	memset(&pi, 0, sizeof(pi));
	pi.known = PKT_FAMILY | PKT_PROTO | PKT_SADDR | PKT_DADDR | PKT_SPORT | PKT_DPORT;
	pi.family = AF_INET;
	pi.ipproto = IPPROTO_UDP;
	pi.sport = 1;
	pi.dport = 2;
	n = pkt_layout_rebuilt(&pi, buf, sizeof(buf), &len);
	CHECK_INT(n, 28);
	CHECK_INT(len, 28);
	CHECK_INT(rebuild_bytes(buf, n, &pi2), 0);
	CHECK_INT(pi2.known, pi.known | PKT_LEN | PKT_FRAG);
	CHECK_INT(pi2.dport, 2);
	pi.known &= ~(uint32_t)PKT_SADDR;	/* stops before the first unknown field */
	CHECK_INT(pkt_layout_rebuilt(&pi, buf, sizeof(buf), &len), 12);
	pi.known = 0;
	CHECK_INT(pkt_layout_rebuilt(&pi, buf, sizeof(buf), &len), 0);
}

/* Whether pi meets every condition of kf, as a kernel filter on the rebuilt fields would. */
static bool kf_holds(const struct pkt_kfilter *kf, const struct pkt_info *pi)
{
	size_t al = kf->family == AF_INET ? 4 : 16;
	bool fam = (pi->known & PKT_FAMILY) && pi->family == kf->family;
	bool s = (pi->known & PKT_SADDR) && !memcmp(pi->saddr, kf->saddr, al);
	bool d = (pi->known & PKT_DADDR) && !memcmp(pi->daddr, kf->daddr, al);
	bool sa = (pi->known & PKT_SADDR) && !memcmp(pi->saddr, kf->addr, al);
	bool da = (pi->known & PKT_DADDR) && !memcmp(pi->daddr, kf->addr, al);

	if ((kf->fields & PKT_KF_PROTO) && !((pi->known & PKT_PROTO) && pi->ipproto == kf->proto))
		return false;
	if ((kf->fields & PKT_KF_SPORT) && !((pi->known & PKT_SPORT) && pi->sport == kf->sport))
		return false;
	if ((kf->fields & PKT_KF_DPORT) && !((pi->known & PKT_DPORT) && pi->dport == kf->dport))
		return false;
	if ((kf->fields & PKT_KF_PORT) && !((pi->known & PKT_SPORT) && pi->sport == kf->port) &&
	    !((pi->known & PKT_DPORT) && pi->dport == kf->port))
		return false;
	if ((kf->fields & PKT_KF_SADDR) && !(fam && s))
		return false;
	if ((kf->fields & PKT_KF_DADDR) && !(fam && d))
		return false;
	if ((kf->fields & PKT_KF_ADDR) && !(fam && (sa || da)))
		return false;
	return true;
}

static bool match_flow(const char *expr, const struct flow *f, uint32_t cut, uint16_t frag)
{
	uint16_t nh = f->family == AF_INET ? 16 : 24;
	struct pkt_filter *flt;
	char err[PCAP_ERRBUF_SIZE];
	struct pkt_info pi;
	struct pkt_skb s;
	bool m;

	memset(mem, 0, sizeof(mem));
	build(mem + 128 + nh, f, 24);
	if (frag)
		put16(mem + 128 + nh + 6, frag);
	skb(&s, nh, PKT_UNSET, nh, 0, nh + cut);
	pkt_rebuild(&s, &pi);
	flt = pkt_filter_new(expr, err, sizeof(err));
	if (!flt) {
		fprintf(stderr, "FAIL: '%s' does not compile: %s\n", expr, err);
		tap_failed++;
		return false;
	}
	m = pkt_filter_match_skb(flt, &s, &pi);
	pkt_filter_free(flt);
	return m;
}

static void test_filter(void)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pkt_filter *flt;
	uint8_t buf[64];
	struct pkt_info pi;
	uint32_t n, len;

	CHECK(match_flow("udp and dst port 53", &udp4, 200, 0));
	CHECK(match_flow("udp and dst port 53", &udp6, 200, 0));
	CHECK(!match_flow("udp and dst port 53", &tcp4, 200, 0));
	CHECK(!match_flow("udp and dst port 53", &tcp6, 200, 0));
	CHECK(!match_flow("udp and dst port 54", &udp4, 200, 0));
	CHECK(match_flow("host 192.0.2.1", &udp4, 200, 0));
	CHECK(!match_flow("host 192.0.2.1", &tcp4, 200, 0));
	CHECK(match_flow("net 10.0.0.0/8 and tcp", &tcp4, 200, 0));
	CHECK(match_flow("ip6 and tcp and port 22", &tcp6, 200, 0));
	CHECK(match_flow("icmp6", &icmp6, 200, 0));
	CHECK(match_flow("icmp[icmptype] == icmp-echo", &icmp4, 200, 0));
	CHECK(match_flow("tcp[tcpflags] & tcp-syn != 0", &tcp4, 200, 0));
	CHECK(match_flow("greater 50 and less 60", &udp4, 200, 0));
	CHECK(match_flow("", &udp4, 200, 0));
	/* cut after the source port: a filter on the destination port fails either way */
	CHECK(match_flow("src port 40000", &udp4, 22, 0));
	CHECK(!match_flow("dst port 53", &udp4, 22, 0));
	CHECK(!match_flow("not dst port 53", &udp4, 22, 0));
	CHECK(match_flow("udp", &udp4, 22, 0));
	/* a later fragment has no ports to match */
	CHECK(!match_flow("port 53", &udp4, 200, 185));
	CHECK(match_flow("not port 53", &udp4, 200, 185));
	CHECK(match_flow("udp and ip[6:2] & 0x1fff != 0", &udp4, 200, 185));
	/* not IP in the window at all: nothing matches */
	CHECK(!match_flow("", &udp4, 0, 0));

	/* fields alone: the rebuilt layout, an unknown port matches neither way */
	memset(&pi, 0, sizeof(pi));
	pi.known = PKT_FAMILY | PKT_PROTO | PKT_SADDR | PKT_DADDR | PKT_SPORT;
	pi.family = AF_INET6;
	pi.ipproto = IPPROTO_UDP;
	pi.saddr[15] = 1;
	pi.daddr[15] = 2;
	pi.sport = 53;
	flt = pkt_filter_new("ip6 src host ::1 and udp src port 53", err, sizeof(err));
	CHECK(flt && pkt_filter_match_skb(flt, NULL, &pi));
	pkt_filter_free(flt);
	flt = pkt_filter_new("not dst port 1", err, sizeof(err));
	CHECK(flt && !pkt_filter_match_skb(flt, NULL, &pi));
	n = pkt_layout_rebuilt(&pi, buf, sizeof(buf), &len);
	CHECK(flt && !pkt_filter_match(flt, buf, n, len));
	pkt_filter_free(flt);

	/* libpcap's words on a bad expression */
	errno = 0;
	flt = pkt_filter_new("udp and", err, sizeof(err));
	CHECK(!flt);
	CHECK_INT(errno, EINVAL);
	CHECK(strstr(err, "syntax error") != NULL);
	flt = pkt_filter_new("port 99999", err, sizeof(err));
	CHECK(!flt && err[0]);
	/* IP packets have no Ethernet header here: MAC addresses are refused, with why */
	flt = pkt_filter_new("ether host 00:11:22:33:44:55", err, sizeof(err));
	CHECK(!flt && strstr(err, "ethernet addresses") != NULL);
	flt = pkt_filter_new("udp and arp", err, sizeof(err));	/* none can match: libpcap says */
	CHECK(!flt && strstr(err, "rejects all packets") != NULL);
	pkt_filter_free(NULL);
}

/*
 * The fields a kernel filter of pkt_kfilter_expr() reads at a step, as the kprobe fetches
 * them from the packet's bytes there (u16 and u32 in this machine's order), and an evaluator
 * of the expressions it writes: ( ), ||, &&, FIELD == N, FIELD != N.
 */
enum { KV, KP, KS, KD, KSP, KDP, KSKB, KN };
static const char *const knames[KN] = { "kv", "kp", "ks", "kd", "ksp", "kdp", "skbaddr" };

struct kfields {
	unsigned long	v[KN];
};

static struct kfields kfields_at(const uint8_t *p, enum pkt_kat at)
{
	struct kfields k = { .v = { [KSKB] = 0xffff888000001000ul } };
	uint16_t v16;
	uint32_t v32;

	if (at == PKT_KAT_NET) {
		k.v[KV] = p[0];
		k.v[KP] = p[9];
		memcpy(&v32, p + 12, 4);
		k.v[KS] = v32;
		memcpy(&v32, p + 16, 4);
		k.v[KD] = v32;
		p += 20;
	}
	memcpy(&v16, p, 2);
	k.v[KSP] = v16;
	memcpy(&v16, p + 2, 2);
	k.v[KDP] = v16;
	return k;
}

static bool k_or(const char **s, const struct kfields *k);

static void k_ws(const char **s)
{
	while (**s == ' ')
		(*s)++;
}

static bool k_factor(const char **s, const struct kfields *k)
{
	unsigned long v = 0, want;
	bool eq, m;
	size_t n;

	k_ws(s);
	if (**s == '(') {
		(*s)++;
		m = k_or(s, k);
		k_ws(s);
		if (**s == ')')
			(*s)++;
		else
			tap_failed++;
		return m;
	}
	n = strspn(*s, "abcdefghijklmnopqrstuvwxyz");
	for (int i = 0; i < KN; i++)
		if (strlen(knames[i]) == n && !strncmp(*s, knames[i], n))
			v = k->v[i];
	*s += n;
	k_ws(s);
	eq = (*s)[0] == '=';
	*s += 2;
	want = strtoul(*s, (char **)s, 10);
	return eq ? v == want : v != want;
}

static bool k_and(const char **s, const struct kfields *k)
{
	bool m = k_factor(s, k);

	for (k_ws(s); !strncmp(*s, "&&", 2); k_ws(s)) {
		*s += 2;
		m = k_factor(s, k) && m;
	}
	return m;
}

static bool k_or(const char **s, const struct kfields *k)
{
	bool m = k_and(s, k);

	for (k_ws(s); !strncmp(*s, "||", 2); k_ws(s)) {
		*s += 2;
		m = k_and(s, k) || m;
	}
	return m;
}

/* Whether the kernel filter written for kf at `at` lets the packet at p through. */
static bool k_passes(const struct pkt_kfilter *kf, enum pkt_kat at, uint8_t proto,
		    const uint8_t *p)
{
	struct kfields k = kfields_at(p, at);
	char expr[512];
	const char *s = expr;
	int r = pkt_kfilter_expr(kf, at, proto, expr, sizeof(expr));

	if (r <= 0)
		return r == 0;
	return k_or(&s, &k) && (*s == '\0' || (tap_failed++, false));
}

/* What the steps' kernel filters keep out: the other flows, where they can tell. */
static void test_kfilter_drops(void)
{
	struct pkt_kfilter kf;
	uint8_t udp[64], tcp[64], v6[64];
	char expr[512];

	build(udp, &udp4, 0);
	build(tcp, &tcp4, 0);
	build(v6, &udp6, 0);
	CHECK(pkt_kfilter_parse("udp and dst port 53", &kf));
	CHECK(k_passes(&kf, PKT_KAT_NET, 0, udp));
	CHECK(!k_passes(&kf, PKT_KAT_NET, 0, tcp));
	CHECK(k_passes(&kf, PKT_KAT_NET, 0, v6));	/* not IPv4: not read there, passes */
	CHECK(k_passes(&kf, PKT_KAT_L4, 17, udp + 20));
	CHECK(!k_passes(&kf, PKT_KAT_L4, 6, tcp + 20));	/* tcp_v4_rcv: no UDP there */
	CHECK(!k_passes(&kf, PKT_KAT_L4, 1, udp + 20));	/* icmp_rcv */
	udp[9 + 0] = 17;
	udp[20 + 3] = 54;	/* dport 54 */
	CHECK(!k_passes(&kf, PKT_KAT_NET, 0, udp));
	CHECK(!k_passes(&kf, PKT_KAT_L4, 17, udp + 20));
	udp[0] = 0x46;	/* options: the ports are elsewhere, it passes */
	CHECK(k_passes(&kf, PKT_KAT_NET, 0, udp));
	CHECK(pkt_kfilter_parse("host 10.0.0.2", &kf));
	CHECK(k_passes(&kf, PKT_KAT_NET, 0, tcp));
	build(udp, &udp4, 0);	/* 192.0.2.1 > 198.51.100.7 */
	CHECK(!k_passes(&kf, PKT_KAT_NET, 0, udp));
	CHECK_INT(pkt_kfilter_expr(&kf, PKT_KAT_L4, 6, expr, sizeof(expr)), 0);	/* no address there */
	CHECK(pkt_kfilter_parse("host ::1", &kf));
	CHECK(!k_passes(&kf, PKT_KAT_NET, 0, tcp));
	CHECK(k_passes(&kf, PKT_KAT_NET, 0, v6));
	CHECK(pkt_kfilter_parse("icmp", &kf));
	CHECK(!k_passes(&kf, PKT_KAT_L4, 17, udp + 20));
	CHECK(k_passes(&kf, PKT_KAT_L4, 1, udp + 20));
	CHECK_INT(pkt_kfilter_expr(&kf, PKT_KAT_NET, 0, expr, 8), -ENOSPC);
	CHECK_INT(pkt_kfilter_expr(NULL, PKT_KAT_NET, 0, expr, sizeof(expr)), 0);
	CHECK_INT(pkt_kfilter_expr(&kf, PKT_KAT_NONE, 0, expr, sizeof(expr)), 0);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	CHECK(pkt_kfilter_parse("udp and dst port 53", &kf));
	CHECK_INT(pkt_kfilter_expr(&kf, PKT_KAT_L4, 17, expr, sizeof(expr)), 1);
	CHECK_STR(expr, "skbaddr != 0 && kdp == 13568");
#endif
}

static void test_kfilter(void)
{
	static const char *const no[] = {
		"", "udp and", "and udp", "udp or tcp", "not udp", "(udp)", "tcp port 80",
		"port 053", "port 0x35", "port domain", "port 65536", "port -1", "port",
		"net 10.0.0.0/8", "port 53 and port 54", "udp and tcp", "UDP", "host",
		"host 010.0.0.1", "host 10.1", "host example.com", "host fe80::1%lo",
		"src host 10.0.0.1 and dst host ::1", "host 10.0.0.1 and host 10.0.0.2",
		"src or dst port 53", "ip", "udp && && port 1", "portrange 1-2",
	};
	static const char *const yes[] = {
		"port 53", "dst port 53", "src port 40000", "udp and dst port 53", "tcp && port 80",
		"host 192.0.2.1", "src host 10.0.0.1 and dst host 10.0.0.2", "icmp",
		"host 2001:db8::2 and udp", "dst host ::1 and tcp and src port 44321", "port 0",
		"port 65535", "udp\tand\tsrc port 5353",
	};
	static const struct flow *flows[] = { &udp4, &tcp4, &icmp4, &udp6, &tcp6, &icmp6 };
	struct pkt_kfilter kf;

	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		tap_run++;
		if (pkt_kfilter_parse(no[i], &kf)) {
			tap_failed++;
			fprintf(stderr, "FAIL: '%s' taken as kernel-expressible\n", no[i]);
		}
	}
	CHECK(!pkt_kfilter_parse(NULL, &kf));
	CHECK(pkt_kfilter_parse("udp and dst port 53", &kf) == &kf);
	CHECK_INT(kf.fields, PKT_KF_PROTO | PKT_KF_DPORT);
	CHECK_INT(kf.proto, IPPROTO_UDP);
	CHECK_INT(kf.dport, 53);
	CHECK(pkt_kfilter_parse("port 53", &kf));
	CHECK_INT(kf.fields, PKT_KF_PORT);
	CHECK_INT(kf.port, 53);
	CHECK(pkt_kfilter_parse("src host 10.0.0.1 and dst host 10.0.0.2", &kf));
	CHECK_INT(kf.fields, PKT_KF_SADDR | PKT_KF_DADDR);
	CHECK_INT(kf.family, AF_INET);
	CHECK_INT(kf.daddr[3], 2);
	CHECK(pkt_kfilter_parse("host 2001:db8::2", &kf));
	CHECK_INT(kf.fields, PKT_KF_ADDR);
	CHECK_INT(kf.family, AF_INET6);
	CHECK_INT(kf.addr[15], 2);

	/* every packet libpcap accepts meets the conditions (a kernel filter loses none) */
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		int hits = 0;

		CHECK(pkt_kfilter_parse(yes[i], &kf) != NULL);
		for (size_t j = 0; j < sizeof(flows) / sizeof(flows[0]); j++) {
			for (uint32_t cut = 0; cut <= 64; cut += 2) {
				uint16_t nh = flows[j]->family == AF_INET ? 16 : 24;
				struct pkt_info pi;
				struct pkt_skb s;

				if (!match_flow(yes[i], flows[j], cut, 0))
					continue;
				hits++;
				skb(&s, nh, PKT_UNSET, nh, 0, nh + cut);
				pkt_rebuild(&s, &pi);
				tap_run++;
				if (!kf_holds(&kf, &pi)) {
					tap_failed++;
					fprintf(stderr, "FAIL: '%s' matches flow %zu cut %u, kernel "
						"conditions do not hold\n", yes[i], j, cut);
				}
				/* nor does a step's kernel filter drop it, where it reads */
				tap_run++;
				if (!k_passes(&kf, PKT_KAT_NET, 0, mem + 128 + nh) ||
				    (pi.known & PKT_PROTO &&
				     !k_passes(&kf, PKT_KAT_L4, flows[j]->proto, mem + 128 + nh +
					       (flows[j]->family == AF_INET ? 20 : 40)))) {
					tap_failed++;
					fprintf(stderr, "FAIL: '%s' matches flow %zu, a step's kernel "
						"filter drops it\n", yes[i], j);
				}
			}
		}
		/* the sample has a match for the expressions meant to match it */
		if (strcmp(yes[i], "port 0") && strcmp(yes[i], "port 65535"))
			CHECK(hits > 0);
	}
	test_kfilter_drops();
}
/* A pcapng file of the drops: what libpcap and tshark read back. */
struct drop {
	const struct flow	*f;
	uint64_t		ts_ns;
	const char		*comment;
};

static const struct drop drops[] = {
	{ &udp4, 1700000000123456789ull, "NO_SOCKET __udp4_lib_rcv+0x6e1 dev lo netns 4026531840" },
	{ &udp6, 1700000000123456790ull, "NO_SOCKET __udp6_lib_rcv+0x3d9 dev lo netns 4026531840" },
	{ &udp4, 1700000001000000000ull, NULL },
	{ &udp4, 1700000001000000001ull, "a" },
	{ &udp4, 1700000001000000002ull, "ab" },
	{ &udp4, 1700000001000000003ull, "abc" },
	{ &udp6, 1700000001000000004ull, "abcd" },
};

static uint32_t drop_packet(const struct drop *d, uint8_t *buf, uint32_t *len)
{
	uint16_t nh = d->f->family == AF_INET ? 16 : 24;
	struct pkt_info pi;
	struct pkt_skb s;

	memset(mem, 0, sizeof(mem));
	build(mem + 128 + nh, d->f, 24);
	skb(&s, nh, PKT_UNSET, nh, 0, 200);
	pkt_rebuild(&s, &pi);
	return pkt_layout_raw(&s, &pi, buf, 256, len);
}

static void pcapng_write_file(const char *path)
{
	uint8_t buf[256];
	struct pcapng *w;
	uint32_t n, len;
	int fd;

	fd = open(path, O_WRONLY | O_TRUNC);
	CHECK(fd >= 0);
	w = pcapng_open(fd, "ftnet test");
	CHECK(w != NULL);
	if (!w)
		return;
	/* one interface: libpcap 1.10 refuses a second one of LINKTYPE_RAW */
	CHECK_INT(pcapng_interface(w, PCAPNG_LINKTYPE_RAW, 262144, "lo"), 0);
	for (size_t i = 0; i < sizeof(drops) / sizeof(drops[0]); i++) {
		n = drop_packet(&drops[i], buf, &len);
		CHECK_INT(pcapng_packet(w, 0, drops[i].ts_ns, buf, n, len,
					drops[i].comment), 0);
	}
	/* more than the writer buffers, and one packet larger than its buffer */
	for (int i = 0; i < 3000; i++)
		CHECK_INT(pcapng_packet(w, 0, 1, buf, 28, 28, "bulk"), 0);
	{
		static uint8_t big[100000];

		memset(big, 0x45, sizeof(big));
		CHECK_INT(pcapng_packet(w, 0, 2, big, sizeof(big), sizeof(big), "big"), 0);
	}
	/* what the writer refuses */
	CHECK_INT(pcapng_packet(w, 1, 0, buf, 1, 1, NULL), -EINVAL);
	CHECK_INT(pcapng_packet(w, 0, 0, buf, 2, 1, NULL), -EINVAL);
	{
		static uint8_t big[300000];

		CHECK_INT(pcapng_packet(w, 0, 0, big, sizeof(big), sizeof(big), NULL), -EINVAL);
	}
	{
		char *c = malloc(65537);

		memset(c, 'x', 65536);
		c[65536] = '\0';
		CHECK_INT(pcapng_packet(w, 0, 0, buf, 1, 1, c), -EINVAL);
		free(c);
	}
	CHECK_INT(pcapng_close(w), 0);
	close(fd);
}

static void pcapng_read_libpcap(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t buf[256];
	uint32_t n, len;
	int count = 0, ret;
	pcap_t *pc;

	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
	CHECK(pc != NULL);
	if (!pc) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	CHECK_INT(pcap_datalink(pc), DLT_RAW);
	while ((ret = pcap_next_ex(pc, &h, &data)) == 1) {
		if (count < (int)(sizeof(drops) / sizeof(drops[0]))) {
			n = drop_packet(&drops[count], buf, &len);
			CHECK_INT(h->caplen, n);
			CHECK_INT(h->len, len);
			CHECK(!memcmp(data, buf, n));
			CHECK_INT(h->ts.tv_sec, drops[count].ts_ns / 1000000000);
			CHECK_INT(h->ts.tv_usec, drops[count].ts_ns % 1000000000);
		}
		count++;
	}
	CHECK_INT(ret, PCAP_ERROR_BREAK);
	if (ret != PCAP_ERROR_BREAK)
		fprintf(stderr, "libpcap: %s\n", pcap_geterr(pc));
	CHECK_INT(count, sizeof(drops) / sizeof(drops[0]) + 3001);
	CHECK_INT(h->caplen, 100000);
	pcap_close(pc);
}

/* tshark, when installed: the comments and the ports. */
static void pcapng_read_tshark(const char *path)
{
	char cmd[512], line[256], want[256];
	int fail = tap_failed;
	size_t i = 0;
	FILE *p;

	/* in CI nothing may be missing (TESTING.md): there a missing tshark fails */
	if (system("command -v tshark >/dev/null 2>&1")) {
		printf("# skip: tshark is not installed (scripts/bootstrap installs it)\n");
		CHECK(!getenv("CI"));
		return;
	}
	/* its stderr (a warning about running as root) is shown only when the check fails */
	snprintf(cmd, sizeof(cmd), "tshark -r %s -c %zu -T fields -e frame.comment "
		 "-e udp.dstport 2>%s.err", path, sizeof(drops) / sizeof(drops[0]), path);
	p = popen(cmd, "r");
	CHECK(p != NULL);
	if (!p)
		return;
	while (fgets(line, sizeof(line), p)) {
		if (i < sizeof(drops) / sizeof(drops[0])) {
			snprintf(want, sizeof(want), "%s\t53\n",
				 drops[i].comment ? drops[i].comment : "");
			CHECK_STR(line, want);
		} else {
			CHECK_STR(line, "(nothing more)");
		}
		i++;
	}
	fail = tap_failed;
	CHECK_INT(pclose(p), 0);
	CHECK_INT(i, sizeof(drops) / sizeof(drops[0]));
	snprintf(cmd, sizeof(cmd), "%s.err", path);
	if (tap_failed != fail && (p = fopen(cmd, "r"))) {
		while (fgets(line, sizeof(line), p))
			fprintf(stderr, "tshark: %s", line);
		fclose(p);
	}
	unlink(cmd);
}

static void test_pcapng(void)
{
	char path[] = "/tmp/ftnet-test-pkt.XXXXXX";
	uint8_t buf[128] = { 0x45 };
	struct pcapng *w;
	int fd;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	pcapng_write_file(path);
	pcapng_read_libpcap(path);
	pcapng_read_tshark(path);
	unlink(path);

	/* interfaces are numbered in order */
	fd = open("/dev/null", O_WRONLY);
	w = pcapng_open(fd, NULL);
	CHECK_INT(pcapng_interface(w, PCAPNG_LINKTYPE_RAW, 100, "lo"), 0);
	CHECK_INT(pcapng_interface(w, PCAPNG_LINKTYPE_RAW, 0, "eth0"), 1);
	CHECK_INT(pcapng_packet(w, 1, 0, buf, 64, 64, NULL), 0);
	CHECK_INT(pcapng_packet(w, 0, 0, buf, 64, 64, NULL), 0);
	CHECK_INT(pcapng_packet(w, 0, 0, buf, 101, 101, NULL), -EINVAL);
	CHECK_INT(pcapng_packet(w, 2, 0, buf, 64, 64, NULL), -EINVAL);
	CHECK_INT(pcapng_close(w), 0);
	close(fd);

	/* a full disk: the error comes back from the write that hit it, and stays */
	fd = open("/dev/full", O_WRONLY);
	CHECK(fd >= 0);
	w = pcapng_open(fd, NULL);
	CHECK(w != NULL);
	CHECK_INT(pcapng_interface(w, PCAPNG_LINKTYPE_RAW, 0, "lo"), 0);
	CHECK_INT(pcapng_packet(w, 0, 0, buf, 20, 20, "x"), 0);
	CHECK_INT(pcapng_flush(w), -ENOSPC);
	CHECK_INT(pcapng_packet(w, 0, 0, buf, 20, 20, "x"), -ENOSPC);
	CHECK_INT(pcapng_interface(w, PCAPNG_LINKTYPE_RAW, 0, "lo"), -ENOSPC);
	CHECK_INT(pcapng_close(w), -ENOSPC);
	w = pcapng_open(fd, "ftnet");
	{
		static uint8_t big[100000];

		CHECK_INT(pcapng_interface(w, PCAPNG_LINKTYPE_RAW, 0, NULL), 0);
		CHECK_INT(pcapng_packet(w, 0, 0, big, sizeof(big), sizeof(big), NULL), -ENOSPC);
	}
	CHECK_INT(pcapng_close(w), -ENOSPC);
	/* without a flush: a packet call returns it once the buffer is full */
	w = pcapng_open(fd, NULL);
	CHECK_INT(pcapng_interface(w, PCAPNG_LINKTYPE_RAW, 0, NULL), 0);
	{
		int ret = 0, i;

		for (i = 0; i < 100000 && !ret; i++)
			ret = pcapng_packet(w, 0, 0, buf, 20, 20, NULL);
		CHECK_INT(ret, -ENOSPC);
		CHECK(i > 1000);
	}
	CHECK_INT(pcapng_close(w), -ENOSPC);
	close(fd);
	/* a descriptor that cannot be written */
	w = pcapng_open(-1, NULL);
	CHECK_INT(pcapng_close(w), -EBADF);
	CHECK_INT(pcapng_close(NULL), 0);
}

/*
 * An ARP request as arp_rcv sees it: skb->data and the network header at the ARP header, the
 * Ethernet header 14 bytes before; protocol ETH_P_ARP (the kprobe's proto).
 */
static void arp_skb(struct pkt_skb *s, uint16_t op, uint16_t mac_gap)
{
	static const uint8_t eth[14] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x06 };
	uint8_t *a = mem + (HEAD - BASE) + 64;

	memset(mem, 0, sizeof(mem));
	memcpy(a - 14, eth, 14);
	put16(a, 1);		/* Ethernet */
	put16(a + 2, 0x0800);	/* IPv4 */
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, eth + 6, 6);
	inet_pton(AF_INET, "10.0.0.1", a + 14);
	inet_pton(AF_INET, "169.254.0.1", a + 24);
	skb(s, 64, 64, 64, 0, 128);
	s->mac_header = (uint16_t)(64 - mac_gap);
	s->protocol = 0x0806;
}

/* ARP: who asks for whom, its frame for a filter with the link layer ('arp and arp[7] = 1') */
static void test_arp(void)
{
	uint8_t buf[256], want[4];
	struct pkt_filter *flt;
	struct pkt_info pi;
	struct pkt_skb s;
	uint32_t n, len;
	char err[256];

	arp_skb(&s, 1, 14);
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pi.family, AF_PACKET);
	CHECK_INT(pi.arp_op, 1);
	CHECK_INT(pi.known, PKT_FAMILY | PKT_SADDR | PKT_DADDR | PKT_LEN);
	inet_pton(AF_INET, "10.0.0.1", want);
	CHECK(!memcmp(pi.saddr, want, 4));
	inet_pton(AF_INET, "169.254.0.1", want);
	CHECK(!memcmp(pi.daddr, want, 4));
	CHECK_INT(pkt_layout_raw(&s, &pi, buf, sizeof(buf), &len), 0);	/* not IP */
	n = pkt_layout_frame(&s, &pi, buf, sizeof(buf), &len);
	CHECK_INT(n, 14 + 28);
	CHECK_INT(len, 14 + 28);
	CHECK(buf[12] == 0x08 && buf[13] == 0x06 && buf[14 + 7] == 1);
	flt = pkt_filter_new("arp and arp[7] = 1 and arp[24] = 169 and arp[25] = 254 and "
			     "arp[26] = 0 and arp[27] = 1", err, sizeof(err));
	CHECK(flt && pkt_filter_match_frame(flt, buf, n, len));
	CHECK(flt && pkt_filter_match_skb(flt, &s, &pi));
	CHECK(flt && !pkt_filter_match(flt, buf + 14, n - 14, len - 14));	/* never as IP */
	pkt_filter_free(flt);
	flt = pkt_filter_new("arp or udp", err, sizeof(err));
	CHECK(flt && pkt_filter_match_frame(flt, buf, n, len));
	pkt_filter_free(flt);
	flt = pkt_filter_new("not arp", err, sizeof(err));
	CHECK(flt && !pkt_filter_match_frame(flt, buf, n, len));
	pkt_filter_free(flt);
	flt = pkt_filter_new("udp", err, sizeof(err));
	CHECK(flt && !pkt_filter_match_frame(flt, buf, n, len));
	CHECK(flt && !pkt_filter_match_skb(flt, &s, &pi));
	pkt_filter_free(flt);
	/* a reply; the target's address cut off by the window */
	arp_skb(&s, 2, 14);
	s.win_len = 64 + 20;
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pi.arp_op, 2);
	CHECK_INT(pi.known, PKT_FAMILY | PKT_SADDR | PKT_LEN);
	CHECK_INT(pkt_layout_frame(&s, &pi, buf, sizeof(buf), &len), 14 + 20);
	/* no Ethernet header where the mac header says (or none): no frame, never one made up */
	arp_skb(&s, 1, 18);
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pkt_layout_frame(&s, &pi, buf, sizeof(buf), &len), 0);
	arp_skb(&s, 1, 14);
	s.mac_header = PKT_UNSET;
	CHECK_INT(pkt_rebuild(&s, &pi), 0);
	CHECK_INT(pkt_layout_frame(&s, &pi, buf, sizeof(buf), &len), 0);
	/* ARP for something else than IPv4 over Ethernet; ARP's bytes taken for IP */
	arp_skb(&s, 1, 14);
	mem[(HEAD - BASE) + 64 + 3] = 0xdd;
	CHECK_INT(pkt_rebuild(&s, &pi), -EPROTONOSUPPORT);
	CHECK_INT(pi.known, 0);
	arp_skb(&s, 1, 14);
	s.protocol = 0;
	CHECK_INT(pkt_rebuild(&s, &pi), -EPROTONOSUPPORT);
}

int main(void)
{
	test_kernel_windows();
	test_hostile_ipv4();
	test_tail_protocol();
	test_fragments_ipv4();
	test_ipv6_chain();
	test_layout();
	test_filter();
	test_arp();
	test_kfilter();
	test_pcapng();
	printf("pkt: %d checks, %d failed\n", tap_run, tap_failed);
	return tap_failed ? 1 : 0;
}
