/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where records go: what a reader of the kernel's buffers or of a trace.dat feeds. */
#ifndef FTNET_SINK_H
#define FTNET_SINK_H

#include <stdint.h>

struct tep_record;

struct reader_sink {
	/* one record, in timestamp order across all CPUs and rounds */
	void	(*record)(void *ctx, struct tep_record *rec);
	/* events the kernel lost on a CPU before ts (count 0: an unknown number) */
	void	(*lost)(void *ctx, int cpu, uint64_t count, uint64_t ts);
	void	*ctx;
	/* when set: every raw page as read (size bytes), before its records are delivered */
	void	(*page)(void *ctx, int cpu, const void *page, int size);
	/* when set: each record as it is read, maybe a round before it is delivered */
	void	(*seen)(void *ctx, int cpu, uint64_t ts, void *data, int size);
};

#endif
