/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The drop-reason catalogue: for every reason of the kernels ftnet knows (and a few drop
 * sites without a reason), what it means, which object a finding names, the counters that
 * count the same packets, the usual fix and the commands that look further. Data, not code:
 * doc/drop-reasons.md is generated from it and the unit tests check it against the formats
 * and /proc files recorded in tests/data.
 */
#ifndef FTNET_DIAGNOSE_CATALOGUE_H
#define FTNET_DIAGNOSE_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

/* The object a finding names: where the cause is, and what a person changes. */
enum obj_kind {
	OBJ_NONE,	/* nothing more can be named */
	OBJ_SOCKET,	/* a socket: protocol, port, process */
	OBJ_LISTENER,	/* a listening TCP socket: port, process, backlog */
	OBJ_PORT,	/* a port nobody listens on */
	OBJ_DEVICE,	/* the device the packets came in or went out on */
	OBJ_SYSCTL,	/* a setting under /proc/sys, per device or global */
	OBJ_QDISC,	/* a queueing discipline: kind, handle, device, limit */
	OBJ_RULE,	/* a firewall rule */
	OBJ_ROUTE,	/* the route (or its absence) for a destination */
	OBJ_NEIGH,	/* a neighbour (ARP, NDISC) entry */
	OBJ_MTU,	/* the MTUs of both ends of a link */
	OBJ_CPU,	/* a CPU's input backlog */
	OBJ_CONNTRACK,	/* the conntrack table */
	OBJ_NKINDS,
};

struct drop_entry {
	const char	*reason;	/* as the kernel names it, without SKB_DROP_REASON_ */
	enum obj_kind	object;
	/* counters of /proc/net/snmp and netstat ("UdpRcvbufErrors") that count the same
	 * packets, comma-separated; "" when none does */
	const char	*counters;
	/* counters it also explains: symptoms of the same packets, comma-separated */
	const char	*explains;
	/* the setting that decides it ({dev}: the device), or NULL */
	const char	*sysctl;
	const char	*meaning;	/* one plain sentence */
	const char	*fix;		/* what usually fixes it, as advice */
	/* commands that look further, '|'-separated; {dev} {port} {proto} {addr} are filled
	 * from the finding's object, and a command whose blank cannot be filled is left out */
	const char	*next;
	bool		harmless;	/* the kernel's way with normal traffic: below the causes */
};

/* The entry of a reason; NULL when the catalogue has none. */
const struct drop_entry *catalogue_find(const char *reason);
/* A cause the kernel counts without a drop event (SYN_QUEUE_FULL), by name; the i-th. */
const struct drop_entry *catalogue_counted(const char *name);
const struct drop_entry *catalogue_counted_at(size_t i);
/* The entry of a drop whose site says more than its reason (NULL or NOT_SPECIFIED: none), by
 * the function that dropped it (its name, without offset); NULL when nothing is known. */
const struct drop_entry *catalogue_site(const char *function, const char *reason);
/* Every reason's entry, in the kernel's order. */
const struct drop_entry *catalogue_all(size_t *n);
/* The i-th such drop site, its function in *function; NULL past the last. */
const struct drop_entry *catalogue_site_at(size_t i, const char **function);
const char *obj_kind_name(enum obj_kind k);

#endif
