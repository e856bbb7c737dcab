/* SPDX-License-Identifier: GPL-2.0-or-later */
/* struct ftnet_event: the one normalized event every decoder produces and every sink consumes. */
#ifndef FTNET_EVENT_H
#define FTNET_EVENT_H

#include <stdint.h>

enum ftnet_type {
	EV_DROP,
	EV_RESET,
	EV_RETRANS,
	EV_STATE,
	EV_CONNECT,
	EV_RX,
	EV_TX,
	EV_LOST,
	EV_UDP,		/* a UDP send: comm, pid, length */
	EV_COPY,	/* skb copied to user space (rxlat's end) */
	EV_RXLAT,	/* receive latency: netif_receive_skb to the copy */
	EV_SKB,		/* an skb seen at a step of its path (net:net_dev_queue, netif_rx, ...) */
	EV_CONSUME,	/* skb freed as consumed (skb:consume_skb) */
	EV_STACK,	/* a kernel stack, recorded after the event before it on the same CPU */
	EV_DATA_READY,	/* data queued to a socket (sock:sk_data_ready): skaddr, the caller */
	EV_ICMP,	/* an ICMP error sent (icmp:icmp_send): type, code, the flow it answers */
	EV_TRACEPOINT,	/* any tracepoint named as SYSTEM:EVENT, its fields read by its format */
	EV_NTYPES,
};

enum ftnet_dir { DIR_NONE, DIR_SENT, DIR_RECEIVED };

#define FTNET_COMM_LEN 16
#define FTNET_DEV_LEN 16

struct ftnet_event {
	uint64_t	ts;		/* ns, trace clock of the instance */
	uint64_t	skbaddr;
	uint64_t	skaddr;
	uint64_t	location;	/* drops: kernel text address */
	uint64_t	probe_ip, ret_ip;	/* the drop probe: the function's entry, its caller */
	uint64_t	latency_ns;	/* connect */
	uint64_t	count;		/* lost: number of events lost */
	const char	*reason_name;	/* drops/resets: from the format's symbol table, or NULL */
	const char	*event;		/* the tracepoint (or kprobe) that fired: the tep's name */
	/* stacks: nframes addresses of frame_size bytes in the record (unaligned), valid only
	 * while the event is handed on; decode_frame() reads one */
	const void	*frames;
	uint32_t	nframes;
	uint32_t	frame_size;
	enum ftnet_type	type;
	int		cpu;
	int		pid;
	int		reason;		/* -1 when the kernel has no reason field */
	int		state;		/* resets, retransmits: socket state; -1 when unknown */
	int		oldstate;
	int		newstate;
	int		ok;		/* connect: 1 established, 0 failed */
	int		internal;	/* kprobe steps for the trackers, never shown */
	int		rc;		/* tx: driver return code */
	uint32_t	len;
	uint16_t	protocol;	/* drops: ethertype; states: IP protocol */
	uint16_t	family;		/* AF_INET, AF_INET6, AF_PACKET (ARP), 0 when no addresses */
	uint16_t	arp_op;		/* ARP: 1 request, 2 reply; saddr, daddr: sender, target */
	uint16_t	sport, dport;	/* host order */
	enum ftnet_dir	dir;
	uint8_t		saddr[16], daddr[16];	/* 4 bytes used for AF_INET */
	char		comm[FTNET_COMM_LEN];
	char		dev[FTNET_DEV_LEN];
	/* drops with packet identity (kprobes): the flow above, and these */
	uint32_t	pkt_known;	/* bits of enum pkt_field (pkt.h) that are known; 0: none */
	uint32_t	netns;		/* inode of the device's network namespace, 0 unknown */
	uint8_t		ipproto;
	const uint8_t	*pkt;		/* the headers as fetched (raw IP, or an Ethernet frame for
					 * ARP: pkt_eth), valid during delivery */
	uint8_t		pkt_eth;	/* pkt is an Ethernet frame */
	uint32_t	pkt_len, pkt_wirelen;
	/* a netfilter hook's step (follow): the hook number and protocol family, when known */
	uint8_t		nf_known, nf_hook, nf_pf;
	/* an ICMP error sent: its type and code */
	uint8_t		icmp_type, icmp_code;
	/*
	 * Where a drop's flow came from (enum flow_from), and the receiving socket's process
	 * (sk_pid 0: unknown). The tracepoint events that teach flows carry the socket's cookie.
	 * tp_*: the tracepoints' flow beside the kprobe's, when both run (the guest tier's check).
	 */
	uint8_t		flow_from, tp_flow_from;
	int8_t		tp_agree;	/* 1 agree, -1 differ, 0 not compared */
	int		sk_pid;
	char		sk_comm[FTNET_COMM_LEN];
	uint64_t	cookie;
	/*
	 * EV_TRACEPOINT: its format (a struct tep_event) and the record's bytes, valid only
	 * while the event is handed on; decode/decode.h reads the fields (tp_field)
	 */
	const void	*tp;
	const void	*data;
	uint32_t	size;
};

/* Where the flow of a drop came from: how much to trust it. */
enum flow_from {
	FLOW_NONE,
	FLOW_KPROBE,		/* the packet's headers, read by a kprobe */
	FLOW_RX_SK,		/* the receiving socket (kfree_skb's rx_sk), learnt from its events */
	FLOW_UDP_FAIL,		/* udp:udp_fail_queue_rcv_skb just before, on the same CPU */
	FLOW_TCP_EVENT,		/* a TCP event with the same skb just before (bad csum, reset) */
};

const char *flow_from_name(int from);

#define INTERNAL_STEP 1		/* a kprobe connect step */
#define INTERNAL_PORT_NOTE 2	/* the port of a socket about to close */
#define INTERNAL_DROP_PKT 3	/* a drop's packet, read by a kprobe before the tracepoint */
#define INTERNAL_COMM 4		/* pid took the name comm at ts (exec, fork, prctl) */
#define INTERNAL_IDENT 5	/* a socket or packet's flow, for the drops that follow */
/* an INTERNAL_IDENT event's kind, in its state field */
enum ident_kind { IDENT_SOCK = 1, IDENT_SOCK_GONE, IDENT_UDP_FAIL, IDENT_BAD_CSUM };

const char *event_type_name(enum ftnet_type t);
const char *tcp_state_name(int state);

/* How an event of the catalogue (src/kernel/groups.c) is decoded: the catalogue names each event once. */
enum decode_kind {
	DK_NONE,
	DK_DROP, DK_RESET_SENT, DK_RESET_RECEIVED, DK_RETRANS, DK_STATE, DK_RX, DK_TX,
	DK_SOCK_LENGTH, DK_COPY,
	/* the kprobe backend: socket fields from struct sock_common */
	DK_KP_RESET_SENT, DK_KP_RESET_RECEIVED, DK_KP_PORT_NOTE, DK_KP_RETRANS, DK_KP_SET_STATE,
	DK_KP_CONNECT, DK_KP_FINISH, DK_KP_FAILED, DK_KP_UDP,
	DK_KP_DROP_PKT,		/* the packet of a drop: skb offsets and a window of its bytes */
	DK_KP_PKT_STEP,		/* a stack function a packet passed (follow), with its packet */
	/* a step of an skb's path (follow), its end as consumed, a kernel stack record, data
	 * queued to a socket */
	DK_SKB_RX, DK_SKB_TX, DK_CONSUME, DK_STACK, DK_DATA_READY, DK_ICMP_SEND,
	/* a task's new name (exec, prctl) or a new task (fork): comm names as they were */
	DK_COMM_RENAME, DK_COMM_FORK, DK_COMM_EXIT,
	/*
	 * flows for drops from tracepoints: a TCP socket's (tcp_probe, tcp_rcv_space_adjust),
	 * its end (tcp_destroy_sock), a datagram the socket could not take, a bad checksum
	 */
	DK_ID_SOCK, DK_ID_SOCK_GONE, DK_ID_UDP_FAIL, DK_ID_BAD_CSUM,
	DK_NKINDS
};

#endif
