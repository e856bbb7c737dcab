/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What capture.c shares with capture-drops.c: the capture's state and the --drops run. */
#ifndef FTNET_CAPTURE_INT_H
#define FTNET_CAPTURE_INT_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmd/commands.h"
#include "base/out.h"

struct capture {
	pcap_t		*pc;
	pcap_dumper_t	*dump;		/* -w */
	const char	*ifname;	/* put on each packet: "" for the any device and files */
	uint64_t	count, limit;	/* packets taken; -c (0: no limit) */
	uint64_t	drops;		/* drop events shown (--drops) */
	int		linktype;
	bool		immediate;	/* libpcap hands over each packet at once (no blocks) */
	bool		failed;		/* a read error was reported */
	int		werr;		/* the first write error of the -w file (errno) */
};

/* libpcap's read timeout (ms): a block of packets is handed over at most twice this late. */
#define CAPTURE_TIMEOUT_MS 100

/* The packet in c's terms: wall time in ns (nanosecond precision is asked for). */
static inline uint64_t capture_ts(const struct pcap_pkthdr *h)
{
	return (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
}

/*
 * --drops: the live capture and the kernel's drop events (a private tracefs instance) through
 * the run loop, printed merged by time. Returns the exit status.
 */
int capture_drops_run(struct ftnet_ctx *ctx, struct capture *c, struct out_opts *oo,
		      double duration);

#endif
