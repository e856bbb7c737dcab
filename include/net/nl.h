/* Kernel state over netlink (libnl) and /proc: link statistics, socket queues, conntrack. */
#ifndef FTNET_NL_H
#define FTNET_NL_H

#include <stddef.h>
#include <stdint.h>

struct link_stats {
	char		name[16];
	uint64_t	rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t	rx_errors, tx_errors, rx_dropped, tx_dropped;
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

#endif
