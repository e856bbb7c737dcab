/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel state over netlink (libnl) and /proc: link statistics, socket queues, conntrack. */
#ifndef FTNET_NL_H
#define FTNET_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct link_stats {
	char		name[16];
	uint64_t	rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t	rx_errors, tx_errors, rx_dropped, tx_dropped;
	uint32_t	mtu;
	int		ifindex;
	int		peer;		/* the link's other end (veth), 0 when none */
	int		peer_nsid;	/* its namespace's id as this one knows it, -1 here */
	char		kind[16];	/* "veth", "" for none */
};

/* Every link of this network namespace (rtnetlink); 0 or -errno. */
int nl_links(struct link_stats **out, size_t *n);

struct sock_row {
	uint8_t		saddr[16], daddr[16];
	uint32_t	rq, wq, inode, drops;
	uint16_t	sport, dport;	/* host order */
	uint8_t		family, state, proto;
	int		pid;		/* owner from /proc, 0 when unknown */
	char		comm[16];
	uint64_t	cookie;		/* the socket's cookie (nl_tcp_cookies), 0 unknown */
};

/* TCP sockets (inet_diag) and UDP sockets (/proc/net/udp, udp6) of this namespace. */
int nl_sockets(struct sock_row **out, size_t *n);

/*
 * TCP sockets of this namespace with their cookies (inet_diag, IPv4 and IPv6) and owners:
 * what names the process of a socket a tracepoint gave the cookie of. 0 or -errno.
 */
int nl_tcp_cookies(struct sock_row **out, size_t *n);

/* "Proto.Field value" pairs of /proc/net/snmp and /proc/net/netstat, in file order. */
struct counter_kv {
	char		name[48];
	uint64_t	value;
};
int proc_counters(struct counter_kv **out, size_t *n);

struct softnet {
	uint64_t	processed, dropped, time_squeeze;
};
int proc_softnet(struct softnet **out, size_t *ncpu);

struct conntrack_stats {
	uint64_t	count, max;
	uint64_t	found, invalid, insert, insert_failed, drop, early_drop, error;
	uint64_t	search_restart, clash_resolve;
	int		present;	/* 0: no conntrack in this kernel or namespace */
};
int proc_conntrack(struct conntrack_stats *st);

/*
 * A driver's own statistic ('ethtool -S'): its device, name and value. The standard ones
 * are named GROUP-NAME: "eth-mac-FrameCheckSequenceErrors", "pause-rx_pause_frames".
 */
struct nic_stat {
	char		dev[16];
	char		name[48];
	uint64_t	value;
};
/* Every statistic of every link given that has driver statistics; 0 or -errno. */
int nic_stats(const struct link_stats *links, size_t nlinks, struct nic_stat **out, size_t *n);
/* The standard statistics of those links (ethtool netlink), appended; 0 or -errno. */
int nic_std_stats(const struct link_stats *links, size_t nlinks, struct nic_stat **out,
		  size_t *n);
const struct nic_stat *nic_stat_find(const struct nic_stat *s, size_t n, const char *dev,
				     const char *name);

/* A qdisc of this namespace (libnl's tc): where, what, its counts and limit. */
struct qdisc_stats {
	char		dev[16];
	char		kind[16];
	uint32_t	handle, parent;
	uint64_t	drops, overlimits, backlog, qlen, packets;
	uint32_t	limit;		/* bytes (tbf) or packets (fifo), 0 unknown */
	bool		limit_bytes;
};
int nl_qdiscs(struct qdisc_stats **out, size_t *n);

/* Neighbours that failed or are still unresolved: "10.0.0.9" on dev, in out. */
struct neigh_row {
	char		addr[48];
	char		dev[16];
	bool		failed;		/* FAILED, else INCOMPLETE */
};
int nl_neigh_unresolved(struct neigh_row **out, size_t *n);

/* The MTU of link ifindex in the namespace this one calls nsid (-1: this one); 0 unknown. */
uint32_t nl_link_mtu(int ifindex, int nsid);

#endif
