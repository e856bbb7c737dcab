// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the header rebuild on arbitrary skb offsets and windows, the two layouts,
 * tcpdump filters on them, the kernel-filter helper (its conditions must hold on every packet
 * libpcap accepts), and a pcapng file of the packet read back by libpcap.
 *
 * Input: a 24-byte header (as struct input says, little-endian, then 2 spare bytes), the
 * comment, then the window's bytes.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/pcapng.h"
#include "net/pkt.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const exprs[] = {
	"udp and dst port 53", "tcp[tcpflags] & tcp-syn != 0", "ip6 and icmp6", "not port 53",
	"net 10.0.0.0/8 or ip6 net 2001:db8::/32", "ip[6:2] & 0x1fff != 0", "greater 100",
	"ip6 protochain 17", "icmp[icmptype] == icmp-echo", "", "arp and arp[7] = 1",
	"arp or udp",
};
static struct pkt_filter *filters[sizeof(exprs) / sizeof(exprs[0])];

struct input {
	uint8_t		mode;		/* 1: head near the top, 2: tail, 4: kernel filter, 8: pcapng */
	uint8_t		proto;
	uint16_t	nh, th, mh;
	int16_t		win_from;
	uint16_t	data, tail;
	uint32_t	len;
	uint16_t	bufsize;
	uint8_t		comment_len;
	uint8_t		expr;
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void input_read(struct input *in, const uint8_t *p)
{
	in->mode = p[0];
	in->proto = p[1];
	in->nh = le16(p + 2);
	in->th = le16(p + 4);
	in->mh = le16(p + 6);
	in->win_from = (int16_t)le16(p + 8);
	in->data = le16(p + 10);
	in->tail = le16(p + 12);
	in->len = le16(p + 14) | (uint32_t)le16(p + 16) << 16;
	in->bufsize = le16(p + 18);
	in->comment_len = p[20];
	in->expr = p[21];
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[PCAP_ERRBUF_SIZE];

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		filters[i] = pkt_filter_new(exprs[i], err, sizeof(err));
		if (!filters[i]) {
			fprintf(stderr, "'%s': %s\n", exprs[i], err);
			abort();
		}
	}
	return 0;
}

#define ASSERT(c) do { if (!(c)) { fprintf(stderr, "assertion failed: %s\n", #c); abort(); } } \
	while (0)

/* Rebuilding the rebuilt layout gives back the same fields (a fragment state may appear). */
static void check_rebuilt(const struct pkt_info *pi)
{
	uint8_t *buf = malloc(PKT_REBUILT_MAX);
	struct pkt_info pi2;
	uint32_t n, len;
	struct pkt_skb s;

	n = pkt_layout_rebuilt(pi, buf, PKT_REBUILT_MAX, &len);
	ASSERT(n <= PKT_REBUILT_MAX && n <= len);
	/* ARP (AF_PACKET) is never laid out as IP */
	ASSERT(!n == (!(pi->known & PKT_FAMILY) || pi->family == AF_PACKET));
	memset(&s, 0, sizeof(s));
	s.head = s.data = s.win_addr = 0x1000;
	s.win = buf;
	s.win_len = n;
	s.len = n;
	s.transport_header = s.mac_header = PKT_UNSET;
	if (n && pkt_rebuild(&s, &pi2) == 0) {
		uint32_t mask = ~(uint32_t)(PKT_FRAG | PKT_LEN);

		ASSERT((pi2.known & mask) == (pi->known & mask));
		ASSERT(!(pi->known & PKT_SPORT) || pi2.sport == pi->sport);
		ASSERT(!(pi->known & PKT_DPORT) || pi2.dport == pi->dport);
		ASSERT(!(pi->known & PKT_DADDR) || !memcmp(pi2.daddr, pi->daddr, 16));
	}
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		pkt_filter_match(filters[i], buf, n, len);
	free(buf);
}

/* An expression the kernel helper takes, made from the packet's own fields (or near them). */
static void check_kfilter(const struct pkt_skb *s, const struct pkt_info *pi, uint8_t sel)
{
	static const char *const protos[] = { "tcp", "udp", "icmp" };
	static const char *const dirs[] = { "", "src ", "dst ", "" };
	char expr[256], addr[INET6_ADDRSTRLEN], err[PCAP_ERRBUF_SIZE];
	uint16_t port = (uint16_t)((sel & 4 ? pi->dport : pi->sport) + (sel >> 7));
	struct pkt_filter *f;
	struct pkt_kfilter kf;
	size_t al;
	int n;

	inet_ntop(pi->family, sel & 8 ? pi->daddr : pi->saddr, addr, sizeof(addr));
	n = snprintf(expr, sizeof(expr), "%s%s%sport %u", sel & 1 ? protos[(sel >> 5) % 3] : "",
		     sel & 1 ? " and " : "", dirs[(sel >> 1) & 3], port);
	if (sel & 16)
		snprintf(expr + n, sizeof(expr) - (size_t)n, " and %shost %s",
			 dirs[(sel >> 2) & 3], addr);
	/* every expression made here is one the helper must take */
	ASSERT(pkt_kfilter_parse(expr, &kf));
	/* libpcap refuses what can match nothing ('icmp and port 1'), as tcpdump does */
	f = pkt_filter_new(expr, err, sizeof(err));
	if (!f && strstr(err, "rejects all packets"))
		return;
	if (!f)
		fprintf(stderr, "'%s': %s\n", expr, err);
	ASSERT(f);
	if (pkt_filter_match_skb(f, s, pi)) {
		al = kf.family == AF_INET ? 4 : 16;
		ASSERT(!(kf.fields & PKT_KF_PROTO) ||
		       ((pi->known & PKT_PROTO) && pi->ipproto == kf.proto));
		ASSERT(!(kf.fields & PKT_KF_SPORT) ||
		       ((pi->known & PKT_SPORT) && pi->sport == kf.sport));
		ASSERT(!(kf.fields & PKT_KF_DPORT) ||
		       ((pi->known & PKT_DPORT) && pi->dport == kf.dport));
		ASSERT(!(kf.fields & PKT_KF_PORT) ||
		       ((pi->known & PKT_SPORT) && pi->sport == kf.port) ||
		       ((pi->known & PKT_DPORT) && pi->dport == kf.port));
		ASSERT(!(sel & 16) || pi->family == kf.family);
		ASSERT(!(kf.fields & PKT_KF_SADDR) ||
		       ((pi->known & PKT_SADDR) && !memcmp(pi->saddr, kf.saddr, al)));
		ASSERT(!(kf.fields & PKT_KF_DADDR) ||
		       ((pi->known & PKT_DADDR) && !memcmp(pi->daddr, kf.daddr, al)));
		ASSERT(!(kf.fields & PKT_KF_ADDR) ||
		       ((pi->known & PKT_SADDR) && !memcmp(pi->saddr, kf.addr, al)) ||
		       ((pi->known & PKT_DADDR) && !memcmp(pi->daddr, kf.addr, al)));
	}
	pkt_filter_free(f);
}

/* The packet in a pcapng file, read back by libpcap. */
static void check_pcapng(const uint8_t *pkt, uint32_t n, uint32_t len, const char *comment)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	struct pcapng *w;
	pcap_t *pc;
	FILE *f;
	int fd;

	fd = memfd_create("fuzz-pkt", 0);
	ASSERT(fd >= 0);
	w = pcapng_open(fd, comment);
	ASSERT(w);
	ASSERT(pcapng_interface(w, PCAPNG_LINKTYPE_RAW, 65535, comment) == 0);
	ASSERT(pcapng_packet(w, 0, 1234567890123456789ull, pkt, n, len, comment) == 0);
	ASSERT(pcapng_close(w) == 0);
	lseek(fd, 0, SEEK_SET);
	f = fdopen(fd, "rb");
	ASSERT(f);
	pc = pcap_fopen_offline(f, err);
	if (!pc)
		fprintf(stderr, "%s\n", err);
	ASSERT(pc);
	ASSERT(pcap_next_ex(pc, &h, &d) == 1);
	ASSERT(h->caplen == n && h->len == len && !memcmp(d, pkt, n));
	pcap_close(pc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t protos[] = { 0, ETH_P_IP, ETH_P_IPV6, ETH_P_ARP };
	char comment[256];
	struct pkt_info pi;
	struct pkt_skb s;
	struct input in;
	uint8_t *win, *buf, frame[256];
	uint32_t n, len, fn, flen;
	int ret;

	if (size < 24)
		return 0;
	input_read(&in, data);
	data += 24;
	size -= 24;
	if (in.comment_len > size)
		return 0;
	memcpy(comment, data, in.comment_len);
	comment[in.comment_len] = '\0';
	data += in.comment_len;
	size -= in.comment_len;

	/* the window in a buffer of exactly its size: reads past it are what ASan catches */
	win = malloc(size ? size : 1);
	memcpy(win, data, size);
	memset(&s, 0, sizeof(s));
	s.head = in.mode & 1 ? UINT64_MAX - in.len : 0xffff888012340000ull;
	s.data = s.head + in.data;
	s.win_addr = s.head + (uint64_t)(int64_t)in.win_from;
	s.win = win;
	s.win_len = (uint32_t)size;
	s.len = in.len;
	s.tail = in.mode & 2 ? in.tail : 0;
	s.network_header = in.nh;
	s.transport_header = in.th;
	s.mac_header = in.mh;
	s.protocol = protos[in.proto & 3];

	ret = pkt_rebuild(&s, &pi);
	ASSERT(ret == 0 || pi.known == 0);
	ASSERT(!pi.known || (pi.known & PKT_FAMILY));
	ASSERT(pi.net_off <= size && pi.hdr_len <= size - pi.net_off);

	buf = malloc(in.bufsize ? in.bufsize : 1);
	n = pkt_layout_raw(&s, &pi, buf, in.bufsize, &len);
	ASSERT(n <= in.bufsize && n <= len && n <= pi.hdr_len);
	ASSERT(!n || !memcmp(buf, win + pi.net_off, n));
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		pkt_filter_match(filters[i], buf, n, len);
		pkt_filter_match_skb(filters[i], &s, &pi);
		pkt_filter_match_skb(filters[i], NULL, &pi);
	}
	/* ARP's frame: its Ethernet header and ARP header, all from the window */
	fn = pkt_layout_frame(&s, &pi, frame, sizeof(frame), &flen);
	ASSERT(!fn || (pi.family == AF_PACKET && pi.net_off >= 14 && fn <= flen &&
		       !memcmp(frame, win + pi.net_off - 14, fn)));
	for (size_t i = 0; fn && i < sizeof(filters) / sizeof(filters[0]); i++)
		pkt_filter_match_frame(filters[i], frame, fn, flen);
	check_rebuilt(&pi);
	if (ret == 0 && (in.mode & 4))
		check_kfilter(&s, &pi, in.expr);
	if (in.mode & 8)
		check_pcapng(buf, n, len, comment);
	pkt_kfilter_parse(comment, &(struct pkt_kfilter){ 0 });
	free(buf);
	free(win);
	return 0;
}
