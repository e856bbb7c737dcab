/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the diagnose files share: the evidence of a run (events counted, snapshots of the
 * counters and of the objects at its start and end) and the findings made of it.
 */
#ifndef FTNET_DIAGNOSE_DIAG_H
#define FTNET_DIAGNOSE_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diagnose/catalogue.h"
#include "base/event.h"
#include "net/nl.h"

#define MAX_FINDINGS 48
#define MAX_NOT_CHECKED 8
#define MAX_ITEMS 6
#define MAX_NEXT 3
#define MAX_PORTS 16

/* One piece of evidence, a setting read, or a symptom explained: where it was read, its
 * name, its value (a count, or -1 when text says it all), and the line shown. */
struct item {
	char		source[24];
	char		name[64];
	int64_t		value;
	char		text[160];
};

enum finding_class { CL_CAUSE, CL_UNKNOWN, CL_SYMPTOM };

struct finding {
	uint64_t		packets;
	enum finding_class	cls;
	bool			absorbed;	/* explained by another: not shown */
	const struct drop_entry	*entry;	/* the catalogue's row, when a drop reason */
	char			reason[40];
	char			title[512];	/* the cause as one line: never cut (a SYN queue's took 255) */
	enum obj_kind		kind;
	char			object[160];
	struct item		ev[MAX_ITEMS], ex[MAX_ITEMS], cfg[MAX_ITEMS];
	int			nev, nex, ncfg;
	char			next[MAX_NEXT][200];
	int			nnext;
	char			fix[240];
	/* the blanks of the catalogue's commands, filled by the object found */
	char			dev[20], port[8], proto[8], addr[48];
};

/* Ports seen in events: resets by direction, retransmits, ICMP errors sent. */
struct port_count {
	uint16_t	port;
	uint8_t		kind;		/* PC_* */
	uint8_t		proto;		/* IPPROTO_* */
	uint8_t		addr[4];	/* ICMP: the destination the error was about */
	uint64_t	n;
};
enum { PC_RST_SENT, PC_RST_RECV, PC_RETRANS, PC_ICMP_PORT, PC_ICMP_NET, PC_ICMP_HOST,
       PC_ICMP_ADMIN, PC_ICMP_FRAG };

/* The counters and objects read at the start and at the end of the run. */
struct snapshot {
	struct counter_kv	*kv;
	struct link_stats	*links;
	struct softnet		*sn;
	struct qdisc_stats	*qd;
	struct sock_row		*socks;
	struct nic_stat		*nic;
	size_t			nkv, nlinks, nsn, nqd, nsocks, nnic;
	struct conntrack_stats	ct;
	char			*nft;		/* nft -a list ruleset, NULL without nft */
};

struct diag {
	struct finding		f[MAX_FINDINGS];
	int			n;
	char			not_checked[MAX_NOT_CHECKED][200];
	int			nnc;
	double			secs;		/* how long it watched */
	uint64_t		start_us;	/* mono, for the kernel log */
	const char		*netns;		/* --netns: the next steps run there */
	struct agg		*drops;		/* (reason, location) */
	char			*reasons[1024];
	uint64_t		rst_sent, rst_recv, retrans, lost;
	struct port_count	ports[MAX_PORTS * 4];
	int			nports;
	const char		*used[64];	/* counters a finding holds as evidence */
	int			nused;
	bool			retrans_used, rst_sent_used, rst_recv_used;
	struct ksyms		*ks;
	struct snapshot		before, after;
};

struct drop_key { int32_t reason; int32_t pad; uint64_t location; };

void diag_not_checked(struct diag *d, const char *what, const char *why);
/* The events of the tracefs groups (drops, resets, retransmits, lost). */
void diag_on_event(void *arg, const struct ftnet_event *ev);
/* Every finding from the evidence, causes first, each absorbing what it explains. */
void diag_findings(struct diag *d);

/* evidence.c: counters and snapshots */
int64_t diag_delta(const struct diag *d, const char *counter);
void diag_snapshot(struct snapshot *s);
void diag_snapshot_free(struct snapshot *s);
/* d and all it holds */
void diag_free(struct diag *d);
void diag_count_port(struct diag *d, int kind, int proto, uint16_t port, const uint8_t *addr);
const struct port_count *diag_top_port(const struct diag *d, int kind);

/* objects.c: the object of a finding, by its kind */
void diag_name_object(struct diag *d, struct finding *f, const char *loc);

/* sysctl.c: a sysctl's value ("1"), or "" when it cannot be read */
void diag_sysctl(const char *name, char *val, size_t len);
/* the machine's own settings, read before entering a namespace that does not show them */
void diag_sysctl_preload(void);
/* a command about such a setting: run where it is, outside the namespace */
bool diag_sysctl_global(const char *cmd);

/* nic.c: per device, the driver's loss counters that moved */
void diag_nic_findings(struct diag *d);

/* finding.c: building one finding */
struct finding *diag_add(struct diag *d, uint64_t packets, enum finding_class cls);
void diag_item(struct item *it, int *n, const char *source, const char *name, int64_t value,
	       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
#define diag_ev(f, ...) diag_item((f)->ev, &(f)->nev, __VA_ARGS__)
#define diag_ex(f, ...) diag_item((f)->ex, &(f)->nex, __VA_ARGS__)
#define diag_cfg(f, ...) diag_item((f)->cfg, &(f)->ncfg, __VA_ARGS__)
/* the catalogue's commands with the finding's blanks filled, in --netns where given */
void diag_next(const struct diag *d, struct finding *f, const char *templates);
void diag_next1(const struct diag *d, struct finding *f, const char *cmd);

#endif
