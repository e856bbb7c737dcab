// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SYNs to a closed loopback port from N distinct source addresses in 127.0.0.0/8, through a
 * raw socket: each draws a RST with a new address pair, feeding flow-keyed tables N keys.
 * Loopback only; bounded by count.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static uint16_t csum(const void *data, size_t len, uint32_t sum)
{
	const uint16_t *p = data;

	for (; len > 1; len -= 2)
		sum += *p++;
	if (len)
		sum += *(const uint8_t *)p;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int main(int argc, char **argv)
{
	struct { struct iphdr ip; struct tcphdr tcp; } pkt;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned long n, sent = 0;
	int fd, one = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: synflood PORT COUNT\n");
		return 2;
	}
	n = strtoul(argv[2], NULL, 10);
	if (!n || n > 16000000)
		return 2;
	dst.sin_port = htons(atoi(argv[1]));
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)) < 0) {
		perror("raw socket");
		return 1;
	}
	for (unsigned long i = 0; i < n; i++) {
		struct { uint32_t s, d; uint8_t z, p; uint16_t l; } ph;
		uint8_t buf[sizeof(ph) + sizeof(struct tcphdr)];
		uint32_t src = 0x7f000000u | (uint32_t)((i % 0xfffffd) + 2);	/* 127.0.0.2 .. */

		memset(&pkt, 0, sizeof(pkt));
		pkt.ip.version = 4;
		pkt.ip.ihl = 5;
		pkt.ip.ttl = 64;
		pkt.ip.protocol = IPPROTO_TCP;
		pkt.ip.tot_len = htons(sizeof(pkt));
		pkt.ip.saddr = htonl(src);
		pkt.ip.daddr = dst.sin_addr.s_addr;
		pkt.ip.check = csum(&pkt.ip, sizeof(pkt.ip), 0);
		pkt.tcp.source = htons(40000);
		pkt.tcp.dest = dst.sin_port;
		pkt.tcp.seq = htonl(1);
		pkt.tcp.doff = 5;
		pkt.tcp.syn = 1;
		pkt.tcp.window = htons(1024);
		ph.s = pkt.ip.saddr;
		ph.d = pkt.ip.daddr;
		ph.z = 0;
		ph.p = IPPROTO_TCP;
		ph.l = htons(sizeof(struct tcphdr));
		memcpy(buf, &ph, sizeof(ph));
		memcpy(buf + sizeof(ph), &pkt.tcp, sizeof(pkt.tcp));
		pkt.tcp.check = csum(buf, sizeof(buf), 0);
		if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&dst, sizeof(dst)) > 0)
			sent++;
	}
	printf("%lu\n", sent);
	return 0;
}
