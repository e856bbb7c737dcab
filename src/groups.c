/* The group catalogue as data: name, events, the kernel that added them, the alternative. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "event.h"
#include "groups.h"
#include "tfs.h"
#include "util.h"

#define T(x) (1u << (x))
#define EV(sys, name, since) { sys, name, since, NULL }

const struct group groups[] = {
	{ "drops", "packets freed as dropped, with reason (5.17+) and location",
	  { EV("skb", "kfree_skb", "2.6.30") },
	  "'ftnet counters' shows the drop counters", T(EV_DROP) },
	{ "resets", "TCP resets sent and received",
	  { EV("tcp", "tcp_send_reset", "4.15"), EV("tcp", "tcp_receive_reset", "4.15") },
	  "'tcpdump \"tcp[tcpflags] & tcp-rst != 0\"' sees them on the wire", T(EV_RESET) },
	{ "retrans", "TCP retransmissions, per skb, with the flow and state",
	  { EV("tcp", "tcp_retransmit_skb", "4.15") },
	  "the RetransSegs counter in /proc/net/snmp counts them", T(EV_RETRANS) },
	{ "states", "TCP socket state changes",
	  { EV("sock", "inet_sock_set_state", "4.16") },
	  "'ss -tan' shows the current states", T(EV_STATE) },
	{ "connect", "TCP connect latency, SYN_SENT to ESTABLISHED per socket",
	  { EV("sock", "inet_sock_set_state", "4.16") },
	  "'ss -ti' shows per-socket rtt", T(EV_CONNECT) },
	{ "rx", "packets received by the stack, per device",
	  { EV("net", "netif_receive_skb", "2.6.35") },
	  "/proc/net/dev counts them", T(EV_RX) },
	{ "tx", "packets handed to the driver, per device",
	  { EV("net", "net_dev_xmit", "2.6.35") },
	  "/proc/net/dev counts them", T(EV_TX) },
	{ "udp", "UDP sends with the sending task and length",
	  { { "sock", "sock_send_length", "6.3", "protocol == 17" } },
	  "'ss -uap' shows UDP sockets and their owners", T(EV_UDP) },
	{ "rxlat", "receive latency, netif_receive_skb to the copy into user space",
	  { EV("net", "netif_receive_skb", "2.6.35"), EV("skb", "skb_copy_datagram_iovec", "2.6.35") },
	  "'ftnet stream rx' shows the receive side", T(EV_RXLAT) },
};
const int ngroups = ARRAY_SIZE(groups);

const struct group *group_find(const char *name)
{
	for (int i = 0; i < ngroups; i++)
		if (!strcmp(groups[i].name, name))
			return &groups[i];
	return NULL;
}

const char *group_names(void)
{
	static char buf[256];
	size_t n = 0;

	if (buf[0])
		return buf;
	for (int i = 0; i < ngroups; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? ", " : "", groups[i].name);
	return buf;
}

int group_available(const struct group *g, const struct group_event **missing)
{
	for (int i = 0; i < GROUP_MAX_EVENTS && g->events[i].sys; i++) {
		if (!tracefs_event_file_exists(NULL, g->events[i].sys, g->events[i].name,
					       "format")) {
			if (missing)
				*missing = &g->events[i];
			return -ENOENT;
		}
	}
	return 0;
}

bool group_enabled(struct tracefs_instance *inst, const struct group *g)
{
	for (int i = 0; i < GROUP_MAX_EVENTS && g->events[i].sys; i++)
		if (tfs_event_enabled(inst, g->events[i].sys, g->events[i].name) != 1)
			return false;
	return true;
}
