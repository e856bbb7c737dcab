// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Load for the benchmarks, on loopback only, bounded in time: a UDP flood to a closed port
 * (flood PORT SECONDS CPU), or with PORT "tcp" a loop of TCP connects and closes to a
 * listener of its own. Prints the count and the rate. "flood now" prints CLOCK_MONOTONIC in ns.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* connect, accept, close both: each round is a handful of state changes and a connect */
static int tcp_loop(double secs, int cpu)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	unsigned long n = 0;
	double t0, t;
	int lfd;

	if (secs <= 0 || secs > 60)
		return 2;
	pin(cpu);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 128) ||
	    getsockname(lfd, (struct sockaddr *)&a, &len))
		return 1;
	t0 = now();
	do {
		int c = socket(AF_INET, SOCK_STREAM, 0), s;
		struct linger lg = { 1, 0 };

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
			return 1;
		s = accept(lfd, NULL, NULL);
		/* abort: no TIME_WAIT to run out of ports with */
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c);
		if (s >= 0)
			close(s);
		n++;
		t = now();
	} while (t - t0 < secs);
	printf("%lu %.0f\n", n, n / (t - t0));
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	double secs, t0, t;
	unsigned long n = 0;
	char payload[16] = "ftnet-bench";
	int fd, cpu;

	if (argc == 2 && !strcmp(argv[1], "now")) {	/* monotonic ns, for shells without %N */
		printf("%.0f\n", now() * 1e9);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "tcp"))
		return tcp_loop(atof(argv[2]), atoi(argv[3]));
	if (argc != 4) {
		fprintf(stderr, "usage: flood PORT SECONDS CPU\n");
		return 2;
	}
	a.sin_port = htons(atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* loopback only */
	secs = atof(argv[2]);
	cpu = atoi(argv[3]);
	if (secs <= 0 || secs > 60)
		return 2;
	pin(cpu);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return 1;
	t0 = now();
	do {
		for (int i = 0; i < 256; i++)
			if (sendto(fd, payload, sizeof(payload), 0, (struct sockaddr *)&a,
				   sizeof(a)) > 0)
				n++;
		t = now();
	} while (t - t0 < secs);
	printf("%lu %.0f\n", n, n / (t - t0));
	return 0;
}
