// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netpoke: the guest tier's packet maker (busybox nc has no UDP). Static, no options parsing
 * beyond what the guest script needs:
 *
 *   netpoke udp ADDR PORT N SPORT   N datagrams of 100 bytes from SPORT to ADDR:PORT
 *   netpoke udpfull ADDR PORT N SPORT  the same to a socket of its own on ADDR:PORT with the
 *                                   smallest receive buffer, never read (receive buffer drops)
 *   netpoke connect ADDR PORT N     N TCP connects to a listener of its own on ADDR:PORT,
 *                                   each accepted and closed before the next
 *   netpoke tlp ADDR PORT MS        a connection to a listener of its own on ADDR:PORT whose
 *                                   client drops every segment it receives for MS ms (a
 *                                   socket filter) after sending 100 bytes: no ACK comes, so
 *                                   the kernel sends a tail loss probe, then RTO retransmits.
 *                                   Once all is acknowledged it prints "retransmits N" (the
 *                                   client's, from TCP_INFO) and keeps both ends open until
 *                                   it is killed: their close is no part of what was counted.
 *   netpoke echoflood IFACE DSTMAC SADDR DADDR SIZE N
 *                                   N IPv4 ICMP echo requests of SIZE bytes (the IP packet)
 *                                   from SADDR to DADDR at DSTMAC, out of IFACE through
 *                                   AF_PACKET as fast as it can, past the qdisc: a flood the
 *                                   receiving kernel handles without a drop of its own (it
 *                                   replies). Prints "sent N".
 *
 * ADDR is IPv4 or IPv6. Exits 0 once all N were handed to the kernel, 1 on any error.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <sys/ioctl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

static int port_arg(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *s && !*end && v > 0 && v < 65536 ? (int)v : -1;
}

/* N connects to a listener of our own: each completed, accepted and closed. */
static int connects(const char *addr, int port, long n)
{
	struct sockaddr_in a = { 0 };
	int ls, one = 1;

	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	if (port < 0 || n <= 0 || inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		fprintf(stderr, "netpoke: bad address, port or count\n");
		return 2;
	}
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 16) < 0) {
		perror("netpoke: listen");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0), s;

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("netpoke: connect");
			return 1;
		}
		s = accept(ls, NULL, NULL);
		if (s < 0) {
			perror("netpoke: accept");
			return 1;
		}
		close(c);
		close(s);
	}
	close(ls);
	return 0;
}

/* ADDR and PORT into a sockaddr; its length, or 0 when ADDR is no address. */
static socklen_t sockaddr_of(const char *addr, int port, struct sockaddr_storage *sa)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		return sizeof(*a4);
	}
	if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		return sizeof(*a6);
	}
	return 0;
}

/*
 * One connection whose client is deaf for ms milliseconds after it sent 100 bytes: the ACK is
 * dropped by a filter that keeps nothing, so the sender's loss probe timer fires (a tail loss
 * probe retransmits the segment) and then its RTO. The filter goes, the data is read.
 */
static int tail_loss(const char *addr, int port, long ms)
{
	struct sock_filter drop_all = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { 1, &drop_all };
	struct sockaddr_storage a;
	socklen_t len = sockaddr_of(addr, port, &a);
	char buf[100];
	int ls, c, s, one = 1;
	struct pollfd p;

	if (port < 0 || ms <= 0 || !len) {
		fprintf(stderr, "netpoke: bad address, port or time\n");
		return 2;
	}
	ls = socket(a.ss_family, SOCK_STREAM, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(ls, (struct sockaddr *)&a, len) < 0 || listen(ls, 1) < 0) {
		perror("netpoke: listen");
		return 1;
	}
	c = socket(a.ss_family, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, len) < 0 || (s = accept(ls, NULL, NULL)) < 0) {
		perror("netpoke: connect");
		return 1;
	}
	memset(buf, 't', sizeof(buf));
	if (setsockopt(c, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    send(c, buf, sizeof(buf), 0) != sizeof(buf)) {
		perror("netpoke: filter or send");
		return 1;
	}
	poll(NULL, 0, (int)ms);
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	if (setsockopt(c, SOL_SOCKET, SO_DETACH_FILTER, &one, sizeof(one)) < 0 ||
	    poll(&p, 1, 10000) != 1 || read(s, buf, sizeof(buf)) <= 0) {
		perror("netpoke: detach or read");
		return 1;
	}
	for (int i = 0; i < 100; i++) {	/* the retransmits end with the first ACK let in */
		struct tcp_info ti;
		socklen_t tl = sizeof(ti);

		if (getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &tl) < 0) {
			perror("netpoke: TCP_INFO");
			return 1;
		}
		if (!ti.tcpi_unacked) {
			printf("retransmits %u\n", ti.tcpi_total_retrans);
			fflush(stdout);
			for (;;)
				pause();
		}
		poll(NULL, 0, 100);
	}
	fprintf(stderr, "netpoke: data still unacknowledged after 10 s\n");
	return 1;
}

/* The Internet checksum of len bytes at p. */
static uint16_t csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		s += (uint32_t)(b[len - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

/* n echo requests of size bytes from saddr to daddr at dstmac, out of ifname (AF_PACKET). */
static int echo_flood(char **argv)
{
	const char *ifname = argv[2], *mac = argv[3];
	long size = strtol(argv[6], NULL, 10), n = strtol(argv[7], NULL, 10), sent = 0;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	unsigned char *f, d[6];
	struct ifreq ifr = { 0 };
	struct iphdr *ip;
	struct icmphdr *ic;
	int fd, one = 1;

	if (size < 64 || size > 9000 || n <= 0 ||
	    sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &d[0], &d[1], &d[2], &d[3], &d[4], &d[5]) != 6) {
		fprintf(stderr, "netpoke: bad MAC address, size or count\n");
		return 2;
	}
	f = calloc(1, ETH_HLEN + size);
	if (!f)
		return 1;
	ip = (struct iphdr *)(f + ETH_HLEN);
	ic = (struct icmphdr *)(ip + 1);
	if (inet_pton(AF_INET, argv[4], &ip->saddr) != 1 || inet_pton(AF_INET, argv[5], &ip->daddr) != 1) {
		fprintf(stderr, "netpoke: bad IPv4 address\n");
		return 2;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
	if (fd < 0 || !sll.sll_ifindex || ioctl(fd, SIOCGIFHWADDR, &ifr) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("netpoke: packet socket");
		return 1;
	}
	memcpy(f, d, 6);
	memcpy(f + 6, ifr.ifr_hwaddr.sa_data, 6);
	f[12] = ETH_P_IP >> 8;
	f[13] = ETH_P_IP & 0xff;
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)size);
	ip->frag_off = htons(IP_DF);
	ip->ttl = 64;
	ip->protocol = IPPROTO_ICMP;
	memset(ic + 1, 'e', (size_t)size - sizeof(*ip) - sizeof(*ic));
	ic->type = ICMP_ECHO;
	ic->un.echo.id = htons(0x4e50);
	for (long i = 0; i < n; i++) {
		ip->id = htons((uint16_t)i);
		ip->check = 0;
		ip->check = csum(ip, sizeof(*ip));
		ic->un.echo.sequence = htons((uint16_t)i);
		ic->checksum = 0;
		ic->checksum = csum(ic, (size_t)size - sizeof(*ip));
		if (send(fd, f, ETH_HLEN + (size_t)size, 0) == ETH_HLEN + size)
			sent++;
	}
	printf("sent %ld\n", sent);
	return sent == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage dst = { 0 }, src = { 0 };
	socklen_t len;
	char payload[100];
	int fd, family, dport, sport, rcv = -1, one = 1;
	long n;

	if (argc == 5 && !strcmp(argv[1], "connect"))
		return connects(argv[2], port_arg(argv[3]), strtol(argv[4], NULL, 10));
	if (argc == 5 && !strcmp(argv[1], "tlp"))
		return tail_loss(argv[2], port_arg(argv[3]), strtol(argv[4], NULL, 10));
	if (argc == 8 && !strcmp(argv[1], "echoflood"))
		return echo_flood(argv);
	if (argc != 6 || (strcmp(argv[1], "udp") && strcmp(argv[1], "udpfull"))) {
		fprintf(stderr, "usage: netpoke udp|udpfull ADDR PORT N SPORT | connect ADDR PORT N | "
			"tlp ADDR PORT MS | echoflood IFACE DSTMAC SADDR DADDR SIZE N\n");
		return 2;
	}
	dport = port_arg(argv[3]);
	sport = port_arg(argv[5]);
	n = strtol(argv[4], NULL, 10);
	if (dport < 0 || sport < 0 || n <= 0) {
		fprintf(stderr, "netpoke: bad port or count\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[2], &((struct sockaddr_in *)&dst)->sin_addr) == 1) {
		family = AF_INET;
		((struct sockaddr_in *)&dst)->sin_port = htons(dport);
		((struct sockaddr_in *)&src)->sin_port = htons(sport);
		len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, argv[2], &((struct sockaddr_in6 *)&dst)->sin6_addr) == 1) {
		family = AF_INET6;
		((struct sockaddr_in6 *)&dst)->sin6_port = htons(dport);
		((struct sockaddr_in6 *)&src)->sin6_port = htons(sport);
		len = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "netpoke: '%s' is no IPv4 or IPv6 address\n", argv[2]);
		return 2;
	}
	dst.ss_family = src.ss_family = family;
	if (!strcmp(argv[1], "udpfull") &&
	    ((rcv = socket(family, SOCK_DGRAM, 0)) < 0 ||
	     setsockopt(rcv, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one)) < 0 ||
	     bind(rcv, (struct sockaddr *)&dst, len) < 0)) {
		perror("netpoke: receiver");
		return 1;
	}
	fd = socket(family, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, len) < 0) {
		perror("netpoke: socket");
		return 1;
	}
	memset(payload, 'p', sizeof(payload));
	for (long i = 0; i < n; i++) {
		if (sendto(fd, payload, sizeof(payload), 0, (struct sockaddr *)&dst, len) < 0) {
			perror("netpoke: sendto");
			return 1;
		}
	}
	close(fd);
	if (rcv >= 0)
		close(rcv);
	return 0;
}
