// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The drop-reason catalogue (see catalogue.h): one row per reason of include/net/dropreason-
 * core.h as of Linux 6.18, the newest kernel recorded in tests/data, which holds every reason
 * of the older ones; then the drop sites of NOT_SPECIFIED that say more than their reason.
 */
#include <string.h>

#include "diagnose/catalogue.h"
#include "base/util.h"

#define E(r, o, c, x, s, m, f, n) { #r, OBJ_##o, c, x, s, m, f, n, false }

/* next steps shared by many rows */
#define N_DEV "ip -s link show dev {dev}"
#define N_SOCK "ss -anpm '( sport = :{port} )'"
#define N_CAP "ftnet capture --drops -i {dev} -d 5"
#define N_TCPCAP "ftnet capture --drops -i {dev} -d 5 tcp port {port}"
#define N_NFT "nft -a list ruleset"
#define N_QDISC "tc -s qdisc show dev {dev}"
#define N_ROUTE "ip route show"
#define N_NEIGH "ip neigh show dev {dev}"
#define N_XFRM "ip xfrm policy"
#define F_BUG "if it persists with a healthy peer, report it with the kernel version"
#define F_PEER "find the sender that builds such packets and fix or block it"
#define F_TCP "usually harmless: TCP drops stale or out-of-window segments by design; " \
	"many of them point at a middlebox rewriting sequence numbers"

static const struct drop_entry reasons[] = {
	E(NOT_SPECIFIED, DEVICE, "", "", NULL,
	  "The kernel dropped the packets without saying why.",
	  "look at the drop location: the function names the check that failed",
	  N_DEV "|" N_CAP),
	E(NO_SOCKET, PORT, "UdpNoPorts,TcpOutRsts", "TcpExtTCPAbortOnData", NULL,
	  "Packets came for a port nobody listens on.",
	  "start the service on that port, or point the clients at the right port",
	  "ss -lnp '( sport = :{port} )'|ftnet capture --drops -i {dev} -d 5 {proto} port {port}"),
	E(SOCKET_CLOSE, SOCKET, "", "", NULL,
	  "The socket was closed while packets were still queued to it.",
	  "let the application read what it was sent before it closes",
	  N_SOCK),
	E(SOCKET_FILTER, SOCKET, "", "", NULL,
	  "A socket filter (SO_ATTACH_FILTER, a classic or eBPF program) refused the packets.",
	  "check the filter the receiving program attached (ss -0 and tcpdump attach filters)",
	  "ss -anp '( sport = :{port} )'"),
	E(SOCKET_RCVBUFF, SOCKET, "UdpRcvbufErrors,Udp6RcvbufErrors,UdpLiteRcvbufErrors",
	  "UdpInErrors,Udp6InErrors", "net.core.rmem_max",
	  "A socket's receive buffer was full: the program does not read fast enough.",
	  "make the reader faster, or give its socket a larger buffer (SO_RCVBUF, up to net.core.rmem_max)",
	  N_SOCK "|sysctl net.core.rmem_max net.core.rmem_default"),
	E(UNIX_DISCONNECT, NONE, "", "", NULL,
	  "A Unix socket's peer disconnected with messages queued.",
	  "nothing to do on the network: the local programs closed their connection",
	  "ss -xp"),
	E(UNIX_SKIP_OOB, NONE, "", "", NULL,
	  "A Unix socket skipped an out-of-band byte its reader did not ask for.",
	  "nothing to do on the network: the reader ignores MSG_OOB data",
	  "ss -xp"),
	E(PKT_TOO_SMALL, DEVICE, "IpInHdrErrors,UdpInErrors", "", NULL,
	  "Packets were shorter than their headers say.",
	  F_PEER, N_DEV "|" N_CAP),
	E(TCP_CSUM, DEVICE, "TcpInCsumErrors", "TcpInErrs", NULL,
	  "TCP segments arrived with a wrong checksum: corrupted on the way, or by a NIC's checksum offload.",
	  "check the cable, the NIC and its offloads (ethtool -K), and the middleboxes on the path",
	  N_DEV "|" N_TCPCAP),
	E(UDP_CSUM, DEVICE, "UdpInCsumErrors,Udp6InCsumErrors", "UdpInErrors,Udp6InErrors", NULL,
	  "UDP datagrams arrived with a wrong checksum: corrupted on the way, or by a NIC's checksum offload.",
	  "check the cable, the NIC and its offloads (ethtool -K), and the middleboxes on the path",
	  N_DEV "|ftnet capture --drops -i {dev} -d 5 udp"),
	E(NETFILTER_DROP, RULE, "", "TcpRetransSegs,TcpExtTCPTimeouts,TcpExtTCPLossProbes,"
	  "TcpAttemptFails", NULL,
	  "The firewall (nftables or iptables) dropped the packets.",
	  "change the rule if the traffic is wanted; leave it if the drop is intended",
	  N_NFT "|ftnet nftrace -d 5"),
	E(OTHERHOST, DEVICE, "", "", NULL,
	  "Frames came for another host's MAC address: a sender has a wrong ARP entry, or a switch floods.",
	  "find the sender with the stale neighbour entry (ip neigh) or the flooding switch",
	  N_DEV "|ftnet capture -i {dev} -d 5 -c 20"),
	E(IP_CSUM, DEVICE, "IpInHdrErrors", "", NULL,
	  "IP headers arrived with a wrong checksum.",
	  "check the cable, the NIC and the middleboxes on the path", N_DEV "|" N_CAP),
	E(IP_INHDR, DEVICE, "IpInHdrErrors", "", NULL,
	  "IP headers were malformed (bad version, length or TTL).",
	  F_PEER, N_DEV "|" N_CAP),
	E(IP_RPFILTER, SYSCTL, "TcpExtIPReversePathFilter", "", "net.ipv4.conf.{dev}.rp_filter",
	  "Reverse path filtering dropped packets whose source address this host would not route back through the device they came in on.",
	  "route the source back through that device, or loosen the filter: rp_filter=2 (loose) on the device, and on 'all', since the larger of the two counts",
	  "sysctl net.ipv4.conf.{dev}.rp_filter net.ipv4.conf.all.rp_filter|" N_ROUTE),
	E(UNICAST_IN_L2_MULTICAST, DEVICE, "IpInAddrErrors", "", NULL,
	  "Unicast IP packets came in link-layer multicast or broadcast frames.",
	  F_PEER, N_DEV "|" N_CAP),
	E(XFRM_POLICY, NONE, "", "", NULL,
	  "An IPsec (xfrm) policy refused the packets.",
	  "check the IPsec policies and states for this traffic", N_XFRM),
	E(IP_NOPROTO, DEVICE, "IpInUnknownProtos", "", NULL,
	  "Packets carried an IP protocol this host does not handle.",
	  "load the protocol's module, or stop the sender", N_DEV "|" N_CAP),
	E(PROTO_MEM, SOCKET, "TcpExtTCPMemoryPressures", "", "net.ipv4.tcp_mem",
	  "The protocol's memory limit for all sockets was reached (tcp_mem, udp_mem).",
	  "find the sockets holding memory (ss -m); raise net.ipv4.tcp_mem or udp_mem only if the machine has the memory",
	  "sysctl net.ipv4.tcp_mem net.ipv4.udp_mem|ss -tuanm"),
	E(TCP_AUTH_HDR, SOCKET, "", "", NULL,
	  "A segment's TCP-MD5 or TCP-AO option was malformed.",
	  F_PEER, N_SOCK),
	E(TCP_MD5NOTFOUND, SOCKET, "TcpExtTCPMD5NotFound", "", NULL,
	  "A segment had no TCP-MD5 signature where this socket requires one.",
	  "configure the same TCP-MD5 key on both ends (BGP peers, usually)", N_SOCK),
	E(TCP_MD5UNEXPECTED, SOCKET, "TcpExtTCPMD5Unexpected", "", NULL,
	  "A segment had a TCP-MD5 signature where this socket has no key.",
	  "configure the same TCP-MD5 key on both ends", N_SOCK),
	E(TCP_MD5FAILURE, SOCKET, "TcpExtTCPMD5Failure", "", NULL,
	  "A segment's TCP-MD5 signature did not match the key.",
	  "configure the same TCP-MD5 key on both ends", N_SOCK),
	E(TCP_AONOTFOUND, SOCKET, "", "", NULL,
	  "A segment had no TCP-AO signature where this socket requires one.",
	  "configure matching TCP-AO keys on both ends", N_SOCK),
	E(TCP_AOUNEXPECTED, SOCKET, "", "", NULL,
	  "A segment had a TCP-AO signature where this socket has no key.",
	  "configure matching TCP-AO keys on both ends", N_SOCK),
	E(TCP_AOKEYNOTFOUND, SOCKET, "", "", NULL,
	  "A segment's TCP-AO key id is not one this socket knows.",
	  "configure matching TCP-AO keys on both ends", N_SOCK),
	E(TCP_AOFAILURE, SOCKET, "", "", NULL,
	  "A segment's TCP-AO signature did not match the key.",
	  "configure matching TCP-AO keys on both ends", N_SOCK),
	E(SOCKET_BACKLOG, SOCKET, "TcpExtTCPBacklogDrop", "", NULL,
	  "A TCP socket's backlog was full while its owner held it: the program holds the socket too long or the receive buffer is too small.",
	  "read faster, or give the socket a larger buffer (SO_RCVBUF, net.ipv4.tcp_rmem)",
	  N_SOCK "|sysctl net.ipv4.tcp_rmem"),
	E(TCP_FLAGS, SOCKET, "", "", NULL,
	  "TCP segments had flags not valid in the connection's state.",
	  F_PEER, N_SOCK),
	E(TCP_ABORT_ON_DATA, SOCKET, "TcpExtTCPAbortOnData", "", NULL,
	  "Data came for a socket its program had already closed: the connection was reset.",
	  "let the program read (or shut down) before it closes", N_SOCK),
	E(TCP_ZEROWINDOW, SOCKET, "TcpExtTCPZeroWindowDrop", "", NULL,
	  "Data came while this socket advertised a zero window: its reader stopped.",
	  "make the reader read; the sender waits while the window is zero", N_SOCK),
	E(TCP_OLD_DATA, SOCKET, "", "", NULL,
	  "Segments held only data already received (a retransmission whose ACK was lost).",
	  F_TCP, N_SOCK),
	E(TCP_OVERWINDOW, SOCKET, "", "", NULL,
	  "Segments held data beyond the window this socket offered.",
	  F_TCP, N_SOCK),
	E(TCP_OFOMERGE, SOCKET, "", "", NULL,
	  "Out-of-order data already held in the queue was dropped as a duplicate.",
	  F_TCP, N_SOCK),
	E(TCP_RFC7323_PAWS, SOCKET, "TcpExtPAWSEstab", "", NULL,
	  "Segments failed the timestamp check (PAWS): old duplicates or a peer's clock reset.",
	  F_TCP "; many from one peer: check NAT in front of it (tcp_timestamps)", N_SOCK),
	E(TCP_RFC7323_PAWS_ACK, SOCKET, "TcpExtPAWSEstab", "", NULL,
	  "ACKs failed the timestamp check (PAWS).", F_TCP, N_SOCK),
	E(TCP_RFC7323_TW_PAWS, SOCKET, "TcpExtPAWSTimewait", "", NULL,
	  "Segments to a TIME-WAIT connection failed the timestamp check (PAWS).",
	  F_TCP, N_SOCK),
	E(TCP_RFC7323_TSECR, SOCKET, "", "", NULL,
	  "Segments echoed a timestamp this socket never sent.", F_TCP, N_SOCK),
	E(TCP_LISTEN_OVERFLOW, LISTENER, "TcpExtListenOverflows,TcpExtListenDrops",
	  "TcpExtTCPReqQFullDrop,TcpAttemptFails", "net.core.somaxconn",
	  "A listener's accept queue was full: the program does not accept connections fast enough.",
	  "accept faster (more workers), or raise the listen backlog (listen()'s argument, capped by net.core.somaxconn)",
	  "ss -ltnp '( sport = :{port} )'|sysctl net.core.somaxconn net.ipv4.tcp_max_syn_backlog"),
	E(TCP_OLD_SEQUENCE, SOCKET, "", "", NULL,
	  "Segments were older than the receive window (a late retransmission).", F_TCP, N_SOCK),
	E(TCP_INVALID_SEQUENCE, SOCKET, "", "", NULL,
	  "Segments lay outside the receive window.", F_TCP, N_SOCK),
	E(TCP_INVALID_END_SEQUENCE, SOCKET, "", "", NULL,
	  "Segments ended outside the receive window.", F_TCP, N_SOCK),
	E(TCP_INVALID_ACK_SEQUENCE, SOCKET, "", "", NULL,
	  "Segments acknowledged data never sent.", F_TCP, N_SOCK),
	E(TCP_RESET, SOCKET, "TcpEstabResets", "", NULL,
	  "A reset ended the connection; what was queued behind it was dropped.",
	  "find why the peer resets (its log, or ftnet top resets)", N_SOCK "|ftnet top resets -d 5"),
	E(TCP_INVALID_SYN, SOCKET, "", "", NULL,
	  "A SYN came on a connection already synchronised.", F_TCP, N_SOCK),
	E(TCP_CLOSE, SOCKET, "", "", NULL,
	  "Segments came for a closed connection.", F_TCP, N_SOCK),
	E(TCP_FASTOPEN, SOCKET, "TcpExtTCPFastOpenPassiveFail", "", "net.ipv4.tcp_fastopen",
	  "TCP Fast Open data was refused (no valid cookie, or the queue was full).",
	  "check net.ipv4.tcp_fastopen on both ends", N_SOCK "|sysctl net.ipv4.tcp_fastopen"),
	E(TCP_OLD_ACK, SOCKET, "", "", NULL,
	  "ACKs acknowledged data already acknowledged.", F_TCP, N_SOCK),
	E(TCP_TOO_OLD_ACK, SOCKET, "", "", NULL,
	  "ACKs were older than the send window.", F_TCP, N_SOCK),
	E(TCP_ACK_UNSENT_DATA, SOCKET, "", "", NULL,
	  "ACKs acknowledged data not yet sent.", F_TCP, N_SOCK),
	E(TCP_OFO_QUEUE_PRUNE, SOCKET, "TcpExtOfoPruned,TcpExtPruneCalled", "", "net.ipv4.tcp_rmem",
	  "Out-of-order data was pruned: the socket ran out of receive memory.",
	  "give the socket more receive buffer (net.ipv4.tcp_rmem), and find the loss that leaves holes",
	  N_SOCK "|sysctl net.ipv4.tcp_rmem"),
	E(TCP_OFO_DROP, SOCKET, "TcpExtTCPOFODrop", "", NULL,
	  "Out-of-order data did not fit the receive window or memory.",
	  "find the loss that leaves holes; give the socket more buffer", N_SOCK),
	E(IP_OUTNOROUTES, ROUTE, "IpOutNoRoutes", "", NULL,
	  "This host had no route for packets it sent.",
	  "add the missing route (or a default route)", N_ROUTE),
	E(BPF_CGROUP_EGRESS, NONE, "", "", NULL,
	  "A cgroup's eBPF egress program refused the packets.",
	  "check the cgroup programs (bpftool cgroup tree)", "ip link show"),
	E(IPV6DISABLED, SYSCTL, "Ip6InDiscards", "", "net.ipv6.conf.{dev}.disable_ipv6",
	  "IPv6 packets came on a device whose IPv6 is disabled.",
	  "enable IPv6 on the device (disable_ipv6=0) if it is wanted there, or stop the senders' IPv6",
	  "sysctl net.ipv6.conf.{dev}.disable_ipv6|" N_DEV),
	E(NEIGH_CREATEFAIL, NEIGH, "", "", "net.ipv4.neigh.default.gc_thresh3",
	  "No neighbour entry could be made: the neighbour table is full.",
	  "raise net.ipv4.neigh.default.gc_thresh3 (and gc_thresh2), or use fewer addresses on the link",
	  "ip neigh show|sysctl net.ipv4.neigh.default.gc_thresh3"),
	E(NEIGH_FAILED, NEIGH, "", "", NULL,
	  "The next hop never answered ARP or neighbour discovery: packets waiting for it were dropped.",
	  "check that the next hop is up and on the link, and the address and route are right",
	  N_NEIGH "|" N_ROUTE),
	E(NEIGH_QUEUEFULL, NEIGH, "", "", "net.ipv4.neigh.{dev}.unres_qlen_bytes",
	  "Too many packets waited for an unresolved neighbour.",
	  "check that the next hop answers; a larger unres_qlen_bytes only hides it",
	  N_NEIGH "|sysctl net.ipv4.neigh.{dev}.unres_qlen_bytes"),
	E(NEIGH_DEAD, NEIGH, "", "", NULL,
	  "The neighbour entry was removed while packets used it.",
	  "usually a device going down; check the link", N_NEIGH),
	E(NEIGH_HH_FILLFAIL, NEIGH, "", "", NULL,
	  "The link-layer header could not be built for the neighbour.",
	  F_BUG, N_NEIGH),
	E(TC_EGRESS, DEVICE, "", "", NULL,
	  "A tc egress filter or action dropped the packets.",
	  "check the egress filters of the device", "tc -s filter show dev {dev} egress|" N_QDISC),
	E(SECURITY_HOOK, NONE, "", "", NULL,
	  "A security module (SELinux, AppArmor, Smack) refused the packets.",
	  "check the security module's log (audit) for denials", "dmesg"),
	E(QDISC_DROP, QDISC, "", "UdpSndbufErrors,TcpRetransSegs", NULL,
	  "A queueing discipline dropped the packets: its queue was at its limit.",
	  "send slower, or raise the qdisc's limit (or rate) if the link can carry it",
	  N_QDISC "|tc qdisc show"),
	E(QDISC_OVERLIMIT, QDISC, "", "UdpSndbufErrors,TcpRetransSegs", NULL,
	  "A queueing discipline dropped the packets: over its limit.",
	  "send slower, or raise the qdisc's limit if the link can carry it", N_QDISC),
	E(QDISC_CONGESTED, QDISC, "", "UdpSndbufErrors,TcpRetransSegs", NULL,
	  "A queueing discipline's AQM (codel, fq_codel, pie, red) dropped packets to keep its queue short.",
	  "by design under load; raise the target or limit only if latency may grow", N_QDISC),
	E(CAKE_FLOOD, QDISC, "", "TcpRetransSegs", NULL,
	  "The cake qdisc's flood protection dropped packets of an unresponsive flow.",
	  "find the flow that does not slow down", N_QDISC),
	E(FQ_BAND_LIMIT, QDISC, "", "TcpRetransSegs", NULL,
	  "The fq qdisc dropped packets: a priority band was at its limit.",
	  "raise the band's limit, or send less at that priority", N_QDISC),
	E(FQ_HORIZON_LIMIT, QDISC, "", "TcpRetransSegs", NULL,
	  "The fq qdisc dropped packets timestamped too far in the future (horizon).",
	  "check the sender's SO_TXTIME times, or raise fq's horizon", N_QDISC),
	E(FQ_FLOW_LIMIT, QDISC, "", "TcpRetransSegs", NULL,
	  "The fq qdisc dropped packets: one flow was at its flow_limit.",
	  "raise fq's flow_limit, or pace the flow", N_QDISC),
	E(CPU_BACKLOG, CPU, "", "", "net.core.netdev_max_backlog",
	  "A CPU's input backlog was full: packets came faster than it processed them.",
	  "raise net.core.netdev_max_backlog, or spread the load (RPS, more queues)",
	  "sysctl net.core.netdev_max_backlog|ftnet counters -c 1"),
	E(XDP, DEVICE, "", "", NULL,
	  "An XDP program on the device dropped the packets.",
	  "check the XDP program attached to the device", "ip link show dev {dev}"),
	E(TC_INGRESS, DEVICE, "", "", NULL,
	  "A tc ingress filter or action dropped the packets.",
	  "check the ingress filters of the device", "tc -s filter show dev {dev} ingress"),
	E(UNHANDLED_PROTO, DEVICE, "", "", NULL,
	  "Frames carried a protocol no one on this host handles.",
	  "harmless unless the protocol is wanted: load its module", N_DEV "|" N_CAP),
	E(SKB_CSUM, DEVICE, "", "", NULL,
	  "A packet's checksum could not be computed or verified.", F_BUG, N_DEV),
	E(SKB_GSO_SEG, DEVICE, "", "", NULL,
	  "A large (GSO) packet could not be segmented.",
	  "check the device's offloads (ethtool -k); " F_BUG, N_DEV),
	E(SKB_UCOPY_FAULT, SOCKET, "", "", NULL,
	  "Copying from the program's memory failed (a bad buffer).",
	  "a program bug: it passed a bad buffer", N_SOCK),
	E(DEV_HDR, DEVICE, "", "", NULL,
	  "The device found a bad link-layer header.", F_PEER, N_DEV),
	E(DEV_READY, DEVICE, "", "", NULL,
	  "The device was not ready: down, or its carrier lost.",
	  "bring the device (and its peer, for veth) up", N_DEV),
	E(FULL_RING, DEVICE, "", "", NULL,
	  "The device's ring was full.",
	  "raise the ring size (ethtool -G), or spread the load over more queues", N_DEV),
	E(NOMEM, NONE, "", "", NULL,
	  "The kernel could not allocate memory for the packets.",
	  "check the machine's free memory and vm.min_free_kbytes", "cat /proc/meminfo"),
	E(HDR_TRUNC, DEVICE, "", "", NULL,
	  "A header was cut short.", F_PEER, N_DEV "|" N_CAP),
	E(TAP_FILTER, DEVICE, "", "", NULL,
	  "A tun/tap device's filter refused the packets.",
	  "check the filter the program behind the tap set", N_DEV),
	E(TAP_TXFILTER, DEVICE, "", "", NULL,
	  "A tun/tap device's transmit filter refused the packets.",
	  "check the filter the program behind the tap set", N_DEV),
	E(ICMP_CSUM, DEVICE, "IcmpInCsumErrors", "IcmpInErrors", NULL,
	  "ICMP messages arrived with a wrong checksum.",
	  "check the cable, the NIC and the middleboxes on the path", N_DEV),
	E(INVALID_PROTO, DEVICE, "", "", NULL,
	  "The packets' protocol does not fit where they arrived.", F_PEER, N_DEV),
	E(IP_INADDRERRORS, SYSCTL, "IpInAddrErrors", "", "net.ipv4.conf.{dev}.forwarding",
	  "Packets for another address came in and were not forwarded: forwarding is off on the device, or the address is invalid.",
	  "turn forwarding on for the device if this host should route, or fix the senders' route",
	  "sysctl net.ipv4.conf.{dev}.forwarding net.ipv4.ip_forward|" N_ROUTE),
	E(IP_INNOROUTES, ROUTE, "IpExtInNoRoutes", "IcmpOutDestUnreachs", NULL,
	  "Packets came in for a destination this host has no route to.",
	  "add the route (or a default route), or fix the senders' route", N_ROUTE),
	E(IP_LOCAL_SOURCE, DEVICE, "", "", NULL,
	  "Packets came in with one of this host's own addresses as their source.",
	  "find the duplicate address or the loop on the link", N_DEV "|ip addr show"),
	E(IP_INVALID_SOURCE, DEVICE, "", "", "net.ipv4.conf.{dev}.log_martians",
	  "Packets came in with a source address that cannot be (martian: multicast, zero, broadcast).",
	  F_PEER " (martians are logged with log_martians=1)", N_DEV "|" N_CAP),
	E(IP_LOCALNET, SYSCTL, "", "", "net.ipv4.conf.{dev}.route_localnet",
	  "Packets with a loopback (127.0.0.0/8) address came in on a device that does not route it (martian).",
	  F_PEER "; route_localnet=1 on the device only if such packets are meant",
	  "sysctl net.ipv4.conf.{dev}.route_localnet|" N_CAP),
	E(IP_INVALID_DEST, DEVICE, "", "", NULL,
	  "Packets came in with a destination address that cannot be (martian).",
	  F_PEER, N_DEV "|" N_CAP),
	E(PKT_TOO_BIG, MTU, "IpFragFails", "", NULL,
	  "Packets were larger than the MTU and could not be fragmented.",
	  "give both ends of the link the same MTU, or let path MTU discovery work (ICMP 'fragmentation needed' must pass)",
	  "ip link show dev {dev}"),
	E(DUP_FRAG, DEVICE, "IpReasmFails", "", NULL,
	  "A fragment was a duplicate of one already held.",
	  "usually harmless; many of them: a path duplicates packets", N_DEV),
	E(FRAG_REASM_TIMEOUT, DEVICE, "IpReasmTimeout,IpReasmFails", "", "net.ipv4.ipfrag_time",
	  "Fragments of a packet never all arrived: reassembly timed out.",
	  "find where fragments are lost; better, avoid fragmenting (path MTU)",
	  "sysctl net.ipv4.ipfrag_time net.ipv4.ipfrag_high_thresh"),
	E(FRAG_TOO_FAR, DEVICE, "IpReasmFails", "", "net.ipv4.ipfrag_max_dist",
	  "Fragments arrived too far apart (ipfrag_max_dist).",
	  "avoid fragmenting, or raise net.ipv4.ipfrag_max_dist",
	  "sysctl net.ipv4.ipfrag_max_dist"),
	E(TCP_MINTTL, SOCKET, "", "", NULL,
	  "Segments arrived with a TTL below the socket's minimum (IP_MINTTL).",
	  "check the path length to the peer, or the program's IP_MINTTL", N_SOCK),
	E(IPV6_BAD_EXTHDR, DEVICE, "Ip6InHdrErrors", "", NULL,
	  "IPv6 extension headers were malformed or not allowed.", F_PEER, N_DEV),
	E(IPV6_NDISC_FRAG, DEVICE, "", "", NULL,
	  "A neighbour discovery message came fragmented (not allowed).", F_PEER, N_DEV),
	E(IPV6_NDISC_HOP_LIMIT, DEVICE, "", "", NULL,
	  "A neighbour discovery message's hop limit was not 255: it came from off the link.",
	  F_PEER, N_DEV),
	E(IPV6_NDISC_BAD_CODE, DEVICE, "", "", NULL,
	  "A neighbour discovery message had a bad code.", F_PEER, N_DEV),
	E(IPV6_NDISC_BAD_OPTIONS, DEVICE, "", "", NULL,
	  "A neighbour discovery message had bad options.", F_PEER, N_DEV),
	E(IPV6_NDISC_NS_OTHERHOST, DEVICE, "", "", NULL,
	  "A neighbour solicitation was for another host's address.",
	  "usually harmless on a shared link", N_DEV),
	E(QUEUE_PURGE, SOCKET, "", "", NULL,
	  "A queue was purged (its socket or device went away).",
	  "usually harmless: something closed with packets queued", N_SOCK),
	E(TC_COOKIE_ERROR, DEVICE, "", "", NULL,
	  "A tc filter's cookie did not match.", F_BUG, "tc -s filter show dev {dev} ingress"),
	E(PACKET_SOCK_ERROR, NONE, "", "", NULL,
	  "A packet socket (tcpdump, a raw sender) could not take the packets.",
	  "give the capturing program a larger buffer (tcpdump -B)", "ss -0p"),
	E(TC_CHAIN_NOTFOUND, DEVICE, "", "", NULL,
	  "A tc filter jumped to a chain that does not exist.",
	  "add the missing chain or fix the goto", "tc -s filter show dev {dev} ingress"),
	E(TC_RECLASSIFY_LOOP, DEVICE, "", "", NULL,
	  "The tc filters reclassified a packet in a loop.",
	  "break the reclassify loop in the filters", "tc -s filter show dev {dev} ingress"),
	E(VXLAN_INVALID_HDR, DEVICE, "", "", NULL,
	  "A VXLAN packet's header was invalid.", F_PEER, N_DEV),
	E(VXLAN_VNI_NOT_FOUND, DEVICE, "", "", NULL,
	  "A VXLAN packet's VNI is not configured here.",
	  "configure the VNI on this host, or fix the sender's", "ip -d link show type vxlan"),
	E(MAC_INVALID_SOURCE, DEVICE, "", "", NULL,
	  "Frames had an invalid source MAC address (multicast or zero).", F_PEER, N_DEV),
	E(VXLAN_ENTRY_EXISTS, DEVICE, "", "", NULL,
	  "A VXLAN forwarding entry already existed for another destination.",
	  "check the VXLAN forwarding database (bridge fdb)", "bridge fdb show"),
	E(NO_TX_TARGET, DEVICE, "", "", NULL,
	  "A tunnel had nowhere to send the packets.",
	  "configure the tunnel's remote or forwarding entries", "ip -d link show dev {dev}"),
	E(IP_TUNNEL_ECN, DEVICE, "", "", NULL,
	  "A tunnel packet's ECN bits did not fit its inner packet's.", F_PEER, N_DEV),
	E(TUNNEL_TXINFO, DEVICE, "", "", NULL,
	  "A packet had no tunnel metadata for a device that needs it.",
	  "check what sets the tunnel key (tc, OVS, eBPF)", N_DEV),
	E(LOCAL_MAC, DEVICE, "", "", NULL,
	  "Frames came with this host's own MAC address as their source: a loop.",
	  "find the loop in the bridges or switches", N_DEV "|bridge link show"),
	E(ARP_PVLAN_DISABLE, DEVICE, "", "", NULL,
	  "An ARP reply was not sent back on a private VLAN (proxy_arp_pvlan off).",
	  "turn proxy_arp_pvlan on for the device if the port should answer",
	  "sysctl net.ipv4.conf.{dev}.proxy_arp_pvlan"),
	E(MAC_IEEE_MAC_CONTROL, DEVICE, "", "", NULL,
	  "An IEEE MAC control frame (pause) was dropped.", "usually harmless", N_DEV),
	E(BRIDGE_INGRESS_STP_STATE, DEVICE, "", "", NULL,
	  "A bridge port not in forwarding state (STP) dropped the frames.",
	  "wait for STP to converge, or check the port's state", "bridge link show"),
	E(CAN_RX_INVALID_FRAME, DEVICE, "", "", NULL,
	  "A CAN frame was invalid.", F_PEER, N_DEV),
	E(CANFD_RX_INVALID_FRAME, DEVICE, "", "", NULL,
	  "A CAN FD frame was invalid.", F_PEER, N_DEV),
	E(CANXL_RX_INVALID_FRAME, DEVICE, "", "", NULL,
	  "A CAN XL frame was invalid.", F_PEER, N_DEV),
	E(PFMEMALLOC, NONE, "", "", NULL,
	  "Memory reserves for swap over the network were used for a socket that may not use them.",
	  "check the machine's free memory", "cat /proc/meminfo"),
	E(DUALPI2_STEP_DROP, QDISC, "", "TcpRetransSegs", NULL,
	  "The dualpi2 qdisc dropped packets over its step threshold.",
	  "by design under load; check the qdisc's parameters", N_QDISC),
	E(PSP_INPUT, NONE, "", "", NULL,
	  "A PSP-encrypted packet failed its checks on input.",
	  "check the PSP keys on both ends", "ip link show"),
	E(PSP_OUTPUT, NONE, "", "", NULL,
	  "A PSP packet failed its checks on output.",
	  "check the PSP keys on both ends", "ip link show"),
	E(RECURSION_LIMIT, DEVICE, "", "", NULL,
	  "Packets looped through devices past the recursion limit.",
	  "find the device loop (a tunnel routed into itself)", N_DEV "|" N_ROUTE),
	E(MAX, NONE, "", "", NULL,
	  "Not a reason: the end of the kernel's list.", "nothing", "ip link show"),
};

/* Causes the kernel counts without a drop event */
static const struct drop_entry counted[] = {
	E(SYN_QUEUE_FULL, LISTENER, "TcpExtTCPReqQFullDoCookies,TcpExtTCPReqQFullDrop",
	  "TcpExtSyncookiesSent,TcpExtListenDrops", "net.ipv4.tcp_max_syn_backlog",
	  "A listener's SYN queue was full of handshakes not completed: a SYN flood, or clients that never answer; SYN cookies (or drops, without them) answer the rest.",
	  "find the sources of the half-open handshakes; keep net.ipv4.tcp_syncookies=1, and raise the listen backlog if the clients are real",
	  "ss -tn state syn-recv '( sport = :{port} )'|sysctl net.ipv4.tcp_syncookies net.ipv4.tcp_max_syn_backlog"),
};

#define ECHO_REPLIES { "NO_SOCKET", OBJ_NONE, "IcmpInEchoReps,Icmp6InEchoReplies", "", NULL, \
	"ICMP echo replies came that no ping socket took: replies to a ping that reads them on a raw socket of its own (busybox, iputils without ping sockets), which got its copy.", \
	"nothing to fix: the ping saw its replies; a ping that saw none is the one to look at", \
	"nstat -az IcmpInEchoReps Icmp6InEchoReplies", true }

/* Drops whose site tells more than their reason (NOT_SPECIFIED, or the same reason elsewhere) */
static const struct {
	const char *function, *reason;	/* the site, and the reason the kernel gives there */
	struct drop_entry e;
} sites[] = {
	{ "icmp_rcv", "NO_SOCKET", ECHO_REPLIES },
	{ "icmpv6_rcv", "NO_SOCKET", ECHO_REPLIES },
	{ "__dev_forward_skb2", "NOT_SPECIFIED", E(MTU_EXCEEDED, MTU, "", "", NULL,
	  "Frames larger than the receiving device's MTU were dropped as they crossed the link: its two ends disagree on the MTU.",
	  "give both ends of the link the same MTU", "ip link show dev {dev}") },
	{ "__dev_forward_skb", "NOT_SPECIFIED", E(MTU_EXCEEDED, MTU, "", "", NULL,
	  "Frames larger than the receiving device's MTU were dropped as they crossed the link: its two ends disagree on the MTU.",
	  "give both ends of the link the same MTU", "ip link show dev {dev}") },
};

const struct drop_entry *catalogue_find(const char *reason)
{
	for (size_t i = 0; reason && i < ARRAY_SIZE(reasons); i++)
		if (!strcmp(reasons[i].reason, reason))
			return &reasons[i];
	return NULL;
}

const struct drop_entry *catalogue_counted(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(counted); i++)
		if (!strcmp(counted[i].reason, name))
			return &counted[i];
	return NULL;
}

const struct drop_entry *catalogue_counted_at(size_t i)
{
	return i < ARRAY_SIZE(counted) ? &counted[i] : NULL;
}

const struct drop_entry *catalogue_site(const char *function, const char *reason)
{
	if (!reason)
		reason = "NOT_SPECIFIED";
	for (size_t i = 0; function && i < ARRAY_SIZE(sites); i++)
		if (!strcmp(sites[i].function, function) && !strcmp(sites[i].reason, reason))
			return &sites[i].e;
	return NULL;
}

const struct drop_entry *catalogue_all(size_t *n)
{
	*n = ARRAY_SIZE(reasons);
	return reasons;
}

const struct drop_entry *catalogue_site_at(size_t i, const char **function)
{
	if (i >= ARRAY_SIZE(sites))
		return NULL;
	*function = sites[i].function;
	return &sites[i].e;
}

const char *obj_kind_name(enum obj_kind k)
{
	static const char *const names[OBJ_NKINDS] = {
		"none", "socket", "listener", "port", "device", "sysctl", "qdisc", "rule",
		"route", "neighbour", "mtu", "cpu", "conntrack",
	};

	return k < OBJ_NKINDS ? names[k] : "none";
}
