/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by top's tables and renderers (top-view.c, top-render.c, top-prom.c). */
#ifndef FTNET_TOP_INT_H
#define FTNET_TOP_INT_H

#include "view/agg.h"
#include "view/top-view.h"

#include "base/event.h"

struct drop_key {
	int32_t		reason;
	uint16_t	protocol, family;
	uint64_t	location;
	uint8_t		saddr[16], daddr[16];
	uint16_t	sport, dport;
	uint8_t		ipproto;
	uint8_t		known;		/* KEY_* of the ends a flow from a socket may lack */
	uint8_t		pad[2];
	uint64_t	stack;		/* --by stack: its id (top-stack.c), 0 for none */
};
_Static_assert(sizeof(struct drop_key) <= AGG_KEY_MAX, "agg keeps keys of AGG_KEY_MAX bytes");
/* drop_key.known: the ends known (a listener's drops: the destination only) */
#define KEY_SADDR 1
#define KEY_DADDR 2
#define KEY_SPORT 4
#define KEY_DPORT 8

struct addr_key { uint16_t family, sport, dport; uint8_t dir, pad; uint8_t saddr[16], daddr[16]; };
struct comm_key { char comm[FTNET_COMM_LEN]; int32_t pid; };
struct dev_key { char dev[FTNET_DEV_LEN]; uint8_t dir; };
struct state_key { int32_t from, to; };

union top_key {
	struct drop_key		d;
	struct addr_key		a;
	struct comm_key		c;
	struct dev_key		v;
	struct state_key	s;
};

/* Each view: its JSON name, its title, the groups that feed it, its key, its labels. */
struct top_view_info {
	const char		*json, *title;
	enum group_view		gview;		/* the groups that feed it */
	size_t			keysize;
	const char		*other[4];	/* the other row's labels (drops: --by) */
};
extern const struct top_view_info top_views[TOP_NVIEWS];

/* The packet columns --by adds to the drops view. */
struct top_pkt_col { unsigned int by; const char *name, *title; };
#define TOP_NPKT_COLS 5
extern const struct top_pkt_col top_pkt_cols[TOP_NPKT_COLS];

/* Starts the next interval of every table (top-view.c). */
void top_new_interval(struct top *t);

#define TOP_LABEL_LEN 256	/* a label's value: a stack's functions are the longest */

/* The key columns of one row, also its Prometheus labels (pairs, NULL-terminated). */
void top_row_keys(const struct top *t, int v, const struct agg_row *r, const char **l,
		  char (*bufs)[TOP_LABEL_LEN]);

#endif
