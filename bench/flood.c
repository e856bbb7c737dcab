/* A UDP flood to a closed loopback port for the benchmarks: bounded in time, prints pkts and pkts/s. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	double secs, t0, t;
	unsigned long n = 0;
	char payload[16] = "ftnet-bench";
	cpu_set_t set;
	int fd, cpu;

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
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
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
