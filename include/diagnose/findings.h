/* What src/cmd/diagnose.c shares with src/diagnose/findings.c: a run's evidence and findings. */
#ifndef FTNET_DIAGNOSE_INT_H
#define FTNET_DIAGNOSE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"
#include "net/nl.h"

#define MAX_FINDINGS 64
#define MAX_NOT_CHECKED 8

struct finding {
	uint64_t	score;
	char		title[160];
	char		evidence[320];
	char		next[160];
};

/* The counters read at the start and at the end of the run. */
struct snapshot {
	struct counter_kv	*kv;
	struct link_stats	*links;
	struct softnet		*sn;
	size_t			nkv, nlinks, nsn;
	struct conntrack_stats	ct;
};

struct diag {
	struct finding		f[MAX_FINDINGS];
	int			n;
	char			not_checked[MAX_NOT_CHECKED][200];
	int			nnc;
	double			secs;		/* how long it watched */
	uint64_t		start_us;	/* mono, for the kernel log */
	struct agg		*drops;		/* (reason, location) */
	char			*reasons[1024];
	uint64_t		rst_sent, rst_recv, retrans, lost;
	struct ksyms		*ks;
	struct snapshot		before, after;
	struct sock_row		*socks;		/* at the end */
	size_t			nsocks;
};

struct drop_key { int32_t reason; int32_t pad; uint64_t location; };

void diag_not_checked(struct diag *d, const char *what, const char *why);
/* The events of the tracefs groups (drops, resets, retransmits, lost). */
void diag_on_event(void *arg, const struct ftnet_event *ev);
/* Every finding from the evidence, ranked by how many packets each explains. */
void diag_findings(struct diag *d);

#endif
