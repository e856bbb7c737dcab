/*
 * netpoke: the guest tier's packet maker (busybox nc has no UDP). Static, no options parsing
 * beyond what the guest script needs:
 *
 *   netpoke udp ADDR PORT N SPORT   N datagrams of 100 bytes from SPORT to ADDR:PORT
 *   netpoke udpfull ADDR PORT N SPORT  the same to a socket of its own on ADDR:PORT with the
 *                                   smallest receive buffer, never read (receive buffer drops)
 *   netpoke connect ADDR PORT N     N TCP connects to a listener of its own on ADDR:PORT,
 *                                   each accepted and closed before the next
 *
 * ADDR is IPv4 or IPv6. Exits 0 once all N were handed to the kernel, 1 on any error.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int main(int argc, char **argv)
{
	struct sockaddr_storage dst = { 0 }, src = { 0 };
	socklen_t len;
	char payload[100];
	int fd, family, dport, sport, rcv = -1, one = 1;
	long n;

	if (argc == 5 && !strcmp(argv[1], "connect"))
		return connects(argv[2], port_arg(argv[3]), strtol(argv[4], NULL, 10));
	if (argc != 6 || (strcmp(argv[1], "udp") && strcmp(argv[1], "udpfull"))) {
		fprintf(stderr, "usage: netpoke udp|udpfull ADDR PORT N SPORT | connect ADDR PORT N\n");
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
