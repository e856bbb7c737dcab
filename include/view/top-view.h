/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ftnet top's views: the tables it keeps, their keys, and how they are drawn (src/view/top-view.c). */
#ifndef FTNET_TOP_H
#define FTNET_TOP_H

#include <stdbool.h>
#include <stdint.h>

#include "base/event.h"
#include "kernel/groups.h"

enum top_view { TV_DROPS, TV_RESETS, TV_RFLOW, TV_RCOMM, TV_DEV, TV_UDP, TV_STATES, TOP_NVIEWS };

/* The key of the drops table (--by): bits of these. */
enum drop_by {
	BY_REASON = 1, BY_LOCATION = 2, BY_PROTOCOL = 4,
	/* where drops carry their packet (kprobes): the flow, its source, its port */
	BY_FLOW = 8, BY_SADDR = 16, BY_DPORT = 32,
	/* the kernel stack at the drop (a trigger live, record -g in a file) */
	BY_STACK = 64,
};

struct agg;
struct ksyms;
struct top_stacks;
struct top_fields;

struct top {
	struct agg		*agg[TOP_NVIEWS];	/* NULL for views of groups not run */
	const struct ksyms	*ks;
	struct top_stacks	*stacks;	/* --by stack */
	struct top_fields	*fields;	/* tracepoints named as SYSTEM:EVENT, or NULL */
	char			*reasons[1024];	/* names seen, by reason number */
	unsigned int		drop_by;
	uint64_t		events, lost, lost_total, events_total;
	int			rows;		/* shown per table */
	bool			stale;		/* interval counts are the last table's */
};

/* Makes the tables of the views group view gv feeds (none for latencies). */
void top_tables(struct top *t, enum group_view gv, unsigned int max_keys);
/* Counts one event in its table. */
void top_add(struct top *t, const struct ftnet_event *ev);
/* Counts n events like ev at once, bytes long in all (the kernel's tables, src/view/top-kernel.c). */
void top_add_n(struct top *t, const struct ftnet_event *ev, uint64_t n, uint64_t bytes);
/* Counts n events whose keys no table could keep (the kernel's was full) in v's other row. */
void top_add_other(struct top *t, enum top_view v, uint64_t n);
/* Draws one interval secs long (text or JSON) and starts the next. */
void top_render(struct top *t, uint64_t ts, double secs, bool final);
struct prom;
/* The totals as Prometheus samples into p (ftnet serve). */
void top_prom_emit(struct top *t, struct prom *p);
/* The totals as Prometheus text; 0 or -errno. */
int top_prom_write(struct top *t, const char *path);
void top_release(struct top *t);

#endif
