// SPDX-License-Identifier: GPL-2.0-or-later
/* The group catalogue as data: name, events, the kernel that added them, the alternative. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/event.h"
#include "kernel/koffs.h"
#include "kernel/groups.h"
#include "kernel/probe.h"
#include "kernel/tfs.h"
#include "base/util.h"

#define T(x) (1u << (x))

/* struct sock_common's fields, from BTF (or its head, stable for a decade on 64-bit) */
#define SKC(f) "${sock_common.skc_" f "}"
#define SK(a) "skaddr=" a ":x64 daddr=+" SKC("daddr") "(" a "):u32 " \
	"saddr=+" SKC("rcv_saddr") "(" a "):u32 dport=+" SKC("dport") "(" a "):u16 " \
	"sport=+" SKC("num") "(" a "):u16 family=+" SKC("family") "(" a "):u16 " \
	"state=+" SKC("state") "(" a "):u8 " \
	"daddr6a=+" SKC("v6_daddr") "(" a "):x64 daddr6b=+" SKC("v6_daddr+8") "(" a "):x64 " \
	"saddr6a=+" SKC("v6_rcv_saddr") "(" a "):x64 saddr6b=+" SKC("v6_rcv_saddr+8") "(" a "):x64"

static const struct probe_def resets_probes[] = {
	/* sk is NULL for resets sent without a socket: the tracepoint skips those before 6.10 */
	{ "send_reset", "tcp_v4_send_reset", SK("$A1"), "skaddr != 0", false, DK_KP_RESET_SENT },
	{ "send_reset6", "tcp_v6_send_reset", SK("$A1"), "skaddr != 0", true, DK_KP_RESET_SENT },
	{ "send_active_reset", "tcp_send_active_reset", SK("$A1"), NULL, false, DK_KP_RESET_SENT },
	{ "recv_reset", "tcp_reset", SK("$A1"), NULL, false, DK_KP_RESET_RECEIVED },
	/* an aborting socket gives its port back before the RST goes out: note it on the way */
	{ "reset_close", "tcp_set_state", SK("$A1") " newstate=$A2:s32", "newstate == 7", false,
	  DK_KP_PORT_NOTE },
	{ NULL, NULL, NULL, NULL, false, DK_NONE },
};
#define TLP_FETCH SK("$A1") " skbaddr=$A2:x64 ret_ip=$R:x64"
#define TLP_FILTER "${caller_not:tcp_retransmit_skb}"
static const struct probe_def retrans_probes[] = {
	{ "retrans", "tcp_retransmit_skb", SK("$A1") " skbaddr=$A2:x64", NULL, false, DK_KP_RETRANS },
	/*
	 * The tracepoint is in __tcp_retransmit_skb, which tail loss probes call directly
	 * (tcp_send_loss_probe). Debian's 5.10 calls it from both. Its 6.1 split the body off
	 * into __tcp_retransmit_skb.part.0: tcp_retransmit_skb calls that, and a TLP gets there
	 * from tcp_send_loss_probe (x86: through the wrapper's tail jump; arm64: called), so
	 * it is probed first. The calls from tcp_retransmit_skb are the retrans probe's, left
	 * out here by their return address.
	 */
	{ "retrans_tlp", "__tcp_retransmit_skb.part.0", TLP_FETCH, TLP_FILTER, true,
	  DK_KP_RETRANS },
	{ "retrans_tlp", "__tcp_retransmit_skb", TLP_FETCH, TLP_FILTER, true, DK_KP_RETRANS },
	{ NULL, NULL, NULL, NULL, false, DK_NONE },
};
static const struct probe_def states_probes[] = {
	{ "set_state", "tcp_set_state", SK("$A1") " newstate=$A2:s32", NULL, false, DK_KP_SET_STATE },
	{ NULL, NULL, NULL, NULL, false, DK_NONE },
};
static const struct probe_def connect_probes[] = {
	/* keyed by the socket: tcp_finish_connect runs in softirq, not in the connecting task */
	{ "connect", "tcp_connect", SK("$A1"), NULL, false, DK_KP_CONNECT },
	{ "finish_connect", "tcp_finish_connect", SK("$A1"), NULL, false, DK_KP_FINISH },
	/* SYN_SENT -> CLOSE: refused, timed out, or closed before the answer */
	{ "connect_failed", "tcp_set_state", SK("$A1") " newstate=$A2:s32",
	  "state == 2 && newstate == 7", false, DK_KP_FAILED },
	{ NULL, NULL, NULL, NULL, false, DK_NONE },
};
static const struct probe_def udp_probes[] = {
	{ "udp_sendmsg", "udp_sendmsg", "skaddr=$A1:x64 family=+" SKC("family") "($A1):u16 len=$A3:u64", NULL,
	  false, DK_KP_UDP },
	{ NULL, NULL, NULL, NULL, false, DK_NONE },
};
/*
 * The packet of a drop, read where the drop function is entered: the skb's header offsets, its
 * device and network namespace, and 64 bytes on each side of skb->data (a fetch cannot add
 * head and network_header itself; ftnet rebuilds the headers from these).
 */
#define SKB(f) "${sk_buff." f "}"
#define DEVP(a) "+" SKB("dev") "(" a ")"
#define PKT(a) "skbaddr=" a ":x64 head=+" SKB("head") "(" a "):x64 " \
	"data=+" SKB("data") "(" a "):x64 nh=+" SKB("network_header") "(" a "):u16 " \
	"th=+" SKB("transport_header") "(" a "):u16 ?mh=+" SKB("mac_header") "(" a "):u16 " \
	"?len=+" SKB("len") "(" a "):u32 ?proto=+" SKB("protocol") "(" a "):u16 ?dev=+${net_device.name}(" DEVP(a) "):string " \
	"?netns=+${net.ns.inum}(+${net_device.nd_net}(" DEVP(a) ")):u32 " \
	"win0=-64(+" SKB("data") "(" a ")):x8[64] win1=+0(+" SKB("data") "(" a ")):x8[64]"

static const struct probe_def drops_extras[] = {
	/* the drop function moved: 6.11+, 5.17 to 6.10, and before (where skb is the first) */
	/* and the return address, where the kernel's location is wrong (Debian's arm64 5.10
	 * says kfree_skb+0x2c for every drop) */
	{ "drop_pkt", "sk_skb_reason_drop", PKT("$A2") " ?ret_ip=$R:x64", NULL, true,
	  DK_KP_DROP_PKT },
	{ "drop_pkt", "kfree_skb_reason", PKT("$A1") " ?ret_ip=$R:x64", NULL, true,
	  DK_KP_DROP_PKT },
	{ "drop_pkt", "kfree_skb", PKT("$A1") " ?ret_ip=$R:x64", NULL, true, DK_KP_DROP_PKT },
	{ NULL, NULL, NULL, NULL, false, DK_NONE },
};

/* follow, where kprobes exist: the stack functions a packet passes, each with its packet */
#define STEP(fn) { fn, fn, PKT("$S"), NULL, true, DK_KP_PKT_STEP }
/*
 * Where skb->data is the network header (STEP_NET) or the transport header (STEP_L4) when
 * the function is entered, the fields a kernel filter on follow's packet filter checks
 * (net/pkt-filter.c, pkt_kfilter_expr): the first byte (0x45: IPv4 without options), the
 * protocol, the addresses and the ports of IPv4 there; the ports at the transport header.
 */
#define DATA(off, a, t) "+" #off "(+" SKB("data") "(" a ")):" t
#define STEP_NET(fn) { fn, fn, PKT("$S") " kv=" DATA(0, "$S", "u8") " kp=" DATA(9, "$S", "u8") \
	" ks=" DATA(12, "$S", "u32") " kd=" DATA(16, "$S", "u32") " ksp=" DATA(20, "$S", "u16") \
	" kdp=" DATA(22, "$S", "u16"), NULL, true, DK_KP_PKT_STEP }
#define STEP_L4(fn) { fn, fn, PKT("$S") " ksp=" DATA(0, "$S", "u16") \
	" kdp=" DATA(2, "$S", "u16"), NULL, true, DK_KP_PKT_STEP }

static const struct probe_def follow_extras[] = {
	STEP_NET("ip_rcv"), STEP_NET("ip_rcv_finish"), STEP_NET("ip_local_deliver"),
	STEP_NET("ip_local_deliver_finish"), STEP_NET("ipv6_rcv"), STEP_NET("ip6_input"),
	STEP_L4("tcp_v4_rcv"), STEP_L4("tcp_v6_rcv"), STEP_L4("udp_rcv"), STEP_L4("udpv6_rcv"),
	STEP("icmp_rcv"),
	/* a netfilter hook: which one, from its state (hook and family; BTF only); IPv4's and
	 * IPv6's hooks all see the network header (ARP's and the bridge's are told by kv) */
	{ "nf_hook_slow", "nf_hook_slow", PKT("$S") " ?hook=+${nf_hook_state.hook}($A2):u8 "
	  "?pf=+${nf_hook_state.pf}($A2):u8 kv=" DATA(0, "$S", "u8") " kp=" DATA(9, "$S", "u8")
	  " ks=" DATA(12, "$S", "u32") " kd=" DATA(16, "$S", "u32") " ksp=" DATA(20, "$S", "u16")
	  " kdp=" DATA(22, "$S", "u16"), NULL, true, DK_KP_PKT_STEP },
	STEP_NET("ip_forward"), STEP_NET("ip6_forward"), STEP_NET("ip_output"),
	STEP_NET("ip_finish_output"), STEP_NET("ip6_output"), STEP("__dev_queue_xmit"),
	STEP("br_forward"), STEP("br_handle_frame_finish"), STEP("arp_rcv"),
	{ NULL, NULL, NULL, NULL, false, DK_NONE },
};

#define EV(sys, name, since, dk) { sys, name, since, NULL, NULL, dk, false }
#define EV_IDENT(sys, name, since, dk) { sys, name, since, NULL, NULL, dk, true }

/*
 * Flows for drops from tracepoints (where no kprobe reads the packet): TCP sockets by address
 * as their events pass (kfree_skb's rx_sk names them, 6.12+), the datagram a UDP socket could
 * not take and the segment with a bad checksum or answered by a reset (just before its drop),
 * the device each skb came in on. Turned on by the run that reads drops, for that run only
 * (source/session.c): never part of the group, so that they make no other group look enabled
 * (retrans, states, rx share them) and `enable drops` costs what it did.
 */
static const struct group_event drops_ident[] = {
	EV_IDENT("sock", "inet_sock_set_state", "4.16", DK_STATE),
	EV_IDENT("tcp", "tcp_probe", "4.16", DK_ID_SOCK),
	EV_IDENT("tcp", "tcp_rcv_space_adjust", "5.6", DK_ID_SOCK),
	EV_IDENT("tcp", "tcp_destroy_sock", "5.6", DK_ID_SOCK_GONE),
	EV_IDENT("tcp", "tcp_send_reset", "4.15", DK_RESET_SENT),
	EV_IDENT("tcp", "tcp_retransmit_skb", "4.15", DK_RETRANS),
	EV_IDENT("tcp", "tcp_bad_csum", "5.15", DK_ID_BAD_CSUM),
	EV_IDENT("udp", "udp_fail_queue_rcv_skb", "6.3", DK_ID_UDP_FAIL),
	EV_IDENT("net", "netif_receive_skb", "2.6.35", DK_RX),
	{ NULL, NULL, NULL, NULL, NULL, DK_NONE, false },
};
/* an event the group uses where the kernel has it */
#define EV_OPTIONAL(sys, name, since, dk) { sys, name, since, NULL, NULL, dk, true }

const struct group groups[] = {
	{ "drops", "packets freed as dropped, with reason (5.17+) and location",
	  { EV("skb", "kfree_skb", "2.6.30", DK_DROP) },
	  "'ftnet counters' shows the drop counters", T(EV_DROP), NULL, drops_extras, GF_CORE,
	  VIEW_DROPS, drops_ident },
	{ "resets", "TCP resets sent and received",
	  { EV("tcp", "tcp_send_reset", "4.15", DK_RESET_SENT),
	    EV("tcp", "tcp_receive_reset", "4.15", DK_RESET_RECEIVED) },
	  "'tcpdump \"tcp[tcpflags] & tcp-rst != 0\"' sees them on the wire", T(EV_RESET),
	  resets_probes, NULL, 0, VIEW_RESETS, NULL },
	{ "retrans", "TCP retransmissions, per skb, with the flow and state",
	  { EV("tcp", "tcp_retransmit_skb", "4.15", DK_RETRANS) },
	  "the RetransSegs counter in /proc/net/snmp counts them", T(EV_RETRANS), retrans_probes, NULL,
	  0, VIEW_RETRANS, NULL },
	{ "icmp", "ICMP errors sent, with the packet they answer (its UDP ports)",
	  { EV("icmp", "icmp_send", "6.8", DK_ICMP_SEND) },
	  "'nstat -az Icmp*Out*' counts them by type", T(EV_ICMP), NULL, NULL, GF_STREAM, VIEW_NONE,
	  NULL },
	{ "states", "TCP socket state changes",
	  { EV("sock", "inet_sock_set_state", "4.16", DK_STATE) },
	  "'ss -tan' shows the current states", T(EV_STATE), states_probes, NULL, 0,
	  VIEW_STATES, NULL },
	{ "connect", "TCP connect latency, SYN_SENT to ESTABLISHED per socket",
	  { EV("sock", "inet_sock_set_state", "4.16", DK_STATE) },
	  "'ss -ti' shows per-socket rtt", T(EV_CONNECT), connect_probes, NULL, GF_LATENCY,
	  VIEW_CONNECT, NULL },
	{ "rx", "packets received by the stack, per device",
	  { EV("net", "netif_receive_skb", "2.6.35", DK_RX) },
	  "/proc/net/dev counts them", T(EV_RX), NULL, NULL, GF_CORE, VIEW_DEVICES, NULL },
	{ "tx", "packets handed to the driver, per device",
	  { EV("net", "net_dev_xmit", "2.6.35", DK_TX) },
	  "/proc/net/dev counts them", T(EV_TX), NULL, NULL, GF_CORE, VIEW_DEVICES, NULL },
	{ "udp", "UDP sends with the sending task and length",
	  { { "sock", "sock_send_length", "6.3", "protocol == 17", NULL, DK_SOCK_LENGTH, false } },
	  "'ss -uap' shows UDP sockets and their owners", T(EV_UDP), udp_probes, NULL, 0,
	  VIEW_UDP, NULL },
	{ "rxlat", "receive latency, netif_receive_skb to the copy into user space",
	  { EV("net", "netif_receive_skb", "2.6.35", DK_RX),
	    EV("skb", "skb_copy_datagram_iovec", "2.6.35", DK_COPY) },
	  "'ftnet stream rx' shows the receive side", T(EV_RXLAT), NULL, NULL, GF_LATENCY,
	  VIEW_RXLAT, NULL },
	/* every tracepoint with an skbaddr on the way in, out, up and to the end: its path */
	{ "follow", "packets followed by skb address through the stack: steps, drop or delivery",
	  { EV("net", "napi_gro_receive_entry", "3.14", DK_SKB_RX),
	    EV("net", "napi_gro_frags_entry", "3.14", DK_SKB_RX),
	    EV("net", "netif_receive_skb_entry", "3.14", DK_SKB_RX),
	    EV("net", "netif_rx", "2.6.35", DK_SKB_RX),
	    EV("net", "netif_receive_skb", "2.6.35", DK_RX),
	    EV("net", "net_dev_queue", "2.6.35", DK_SKB_TX),
	    EV("net", "net_dev_start_xmit", "3.14", DK_SKB_TX),
	    EV("net", "net_dev_xmit", "2.6.35", DK_TX),
	    EV("skb", "skb_copy_datagram_iovec", "2.6.35", DK_COPY),
	    EV("skb", "consume_skb", "2.6.32", DK_CONSUME),
	    EV("skb", "kfree_skb", "2.6.30", DK_DROP),
	    /* no skbaddr: queued to a socket, told by the receive just before on its CPU */
	    EV_OPTIONAL("sock", "sk_data_ready", "6.3", DK_DATA_READY) },
	  "'ftnet stream drops' shows where packets are dropped",
	  T(EV_SKB) | T(EV_RX) | T(EV_TX) | T(EV_COPY) | T(EV_CONSUME) | T(EV_DROP) | T(EV_STACK) |
	  T(EV_DATA_READY),
	  NULL, follow_extras, GF_PATHS | GF_EXTRAS_ALL, VIEW_PATHS, NULL },
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

const char *group_names_with(unsigned int want, unsigned int without, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < ngroups && n < size; i++)
		if ((groups[i].flags & want) == want && !(groups[i].flags & without))
			n += snprintf(buf + n, size - n, "%s%s", n ? ", " : "", groups[i].name);
	return buf;
}

enum pkt_kat group_step_at(const struct probe_def *d, uint8_t *proto)
{
	static const struct { const char *func; uint8_t proto; } l4[] = {
		{ "tcp_v4_rcv", 6 }, { "tcp_v6_rcv", 6 }, { "udp_rcv", 17 }, { "udpv6_rcv", 17 },
		{ "icmp_rcv", 1 },
	};

	*proto = 0;
	if (d->decode != DK_KP_PKT_STEP)
		return PKT_KAT_NONE;
	for (size_t i = 0; i < ARRAY_SIZE(l4); i++)
		if (!strcmp(d->func, l4[i].func)) {
			*proto = l4[i].proto;
			return PKT_KAT_L4;
		}
	return strstr(d->fetch, " kv=") ? PKT_KAT_NET : PKT_KAT_NONE;
}

int group_available(const struct group *g, const struct group_event **missing)
{
	for (int i = 0; i < GROUP_MAX_EVENTS && g->events[i].sys; i++) {
		if (!g->events[i].optional &&
		    !tracefs_event_file_exists(NULL, g->events[i].sys, g->events[i].name,
					       "format")) {
			if (missing)
				*missing = &g->events[i];
			return -ENOENT;
		}
	}
	return 0;
}

const char *backend_name(int backend)
{
	return backend == BK_KPROBE ? "kprobe" : backend == BK_TRACEPOINT ? "tracepoint" : "none";
}

bool groups_no_extras;
int groups_tp_ident;

bool group_ident_on(const struct group *g)
{
	return g->ident && groups_tp_ident >= 0 && (groups_tp_ident > 0 || !group_extra(g));
}

const struct probe_def *group_extra(const struct group *g)
{
	char why[256];
	static int usable = -1;	/* kprobes and the offsets: the same for every group */

	if (!g->extras || groups_no_extras)
		return NULL;
	if (usable < 0)
		usable = probe_kprobes_supported() && koffs_packets(why, sizeof(why));
	for (int i = 0; usable && g->extras[i].event; i++)
		if (probe_usable(&g->extras[i]))
			return &g->extras[i];
	return NULL;
}

int group_extras(const struct group *g, const struct probe_def **out, int max)
{
	const struct probe_def *first = group_extra(g);
	static unsigned char said[64];
	int n = 0;

	if (!first || !(g->flags & GF_EXTRAS_ALL)) {
		out[0] = first;
		return first ? 1 : 0;
	}
	for (const struct probe_def *d = first; d->event && n < max; d++) {
		if (probe_usable(d))
			out[n++] = d;
		else if (verbose && d - first < 64 && !said[d - first]++)	/* once a run */
			note("%s: no probe on '%s' (absent, inlined, or its skb argument not in BTF)",
			     g->name, d->func);
	}
	return n;
}

/* An optional probe's event named twice is one event with alternatives: the first usable. */
static bool has_event(const struct group_event *ev, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(ev[i].name, name))
			return true;
	return false;
}

int group_events(const struct group *g, int backend, struct group_event *out, int max)
{
	const struct probe_def *x, *xs[GROUP_MAX_PROBES];
	int n = 0, nx;

	if (backend == BK_KPROBE) {
		for (int i = 0; g->probes && g->probes[i].event && n < max; i++) {
			if (g->probes[i].optional && (!probe_usable(&g->probes[i]) ||
						      has_event(out, n, g->probes[i].event)))
				continue;
			out[n].sys = PROBE_SYSTEM;
			out[n].name = g->probes[i].event;
			out[n].since = NULL;
			probe_filter(&g->probes[i], &out[n].filter);
			out[n].probe = &g->probes[i];
			out[n].decode = g->probes[i].decode;
			out[n].optional = false;
			n++;
		}
		return n;
	}
	for (int i = 0; i < GROUP_MAX_EVENTS && g->events[i].sys && n < max; i++)
		if (!g->events[i].optional ||
		    tracefs_event_file_exists(NULL, g->events[i].sys, g->events[i].name, "format"))
			out[n++] = g->events[i];
	nx = group_extras(g, xs, (int)ARRAY_SIZE(xs));
	for (int i = 0; i < nx && n < max; i++) {
		x = xs[i];
		out[n++] = (struct group_event){ PROBE_SYSTEM, x->event, NULL, NULL, x, x->decode,
						 false };
	}
	return n;
}

int group_enabled_backend(struct tracefs_instance *inst, const struct group *g)
{
	static const int backends[] = { BK_TRACEPOINT, BK_KPROBE };

	for (size_t b = 0; b < ARRAY_SIZE(backends); b++) {
		struct group_event ev[GROUP_MAX_PROBES];
		int n = group_events(g, backends[b], ev, GROUP_MAX_PROBES), on = n > 0;

		for (int i = 0; i < n && on; i++)
			on = tfs_event_enabled(inst, ev[i].sys, ev[i].name) == 1;
		if (on)
			return backends[b];
	}
	return -1;
}

bool group_enabled(struct tracefs_instance *inst, const struct group *g)
{
	return group_enabled_backend(inst, g) >= 0;
}

static int kprobe_ok(const struct group *g, char *why, size_t size)
{
	if (!g->probes) {
		snprintf(why, size, "group '%s' has no kprobe backend", g->name);
		return -ENOENT;
	}
	if (!probe_kprobes_supported()) {
		snprintf(why, size, "no kprobe_events (kernel built without CONFIG_KPROBE_EVENTS)");
		return -ENOENT;
	}
	for (int i = 0; g->probes[i].event; i++) {
		if (!g->probes[i].optional && !probe_func_exists(g->probes[i].func)) {
			snprintf(why, size, "no function '%s' to probe (renamed or inlined)",
				 g->probes[i].func);
			return -ENOENT;
		}
	}
	return 0;
}

int group_backend(const struct group *g, enum backend want, char *why, size_t size)
{
	const struct group_event *missing = NULL;
	char kwhy[256];
	bool tp = group_available(g, &missing) == 0;

	why[0] = '\0';
	/* groups without a kprobe variant need none: their tracepoints are old */
	if ((want != BK_KPROBE || !g->probes) && tp)
		return BK_TRACEPOINT;
	if (want == BK_TRACEPOINT) {
		snprintf(why, size, "no tracepoint '%s:%s' (added in Linux %s): %s", missing->sys,
			 missing->name, missing->since, g->alternative);
		return -1;
	}
	if (kprobe_ok(g, kwhy, sizeof(kwhy)) == 0) {
		if (!tp)
			snprintf(why, size, "no tracepoint '%s:%s' (added in Linux %s)", missing->sys,
				 missing->name, missing->since);
		return BK_KPROBE;
	}
	if (want == BK_KPROBE)
		snprintf(why, size, "%s", kwhy);
	else
		snprintf(why, size, "no tracepoint '%s:%s' (added in Linux %s) and %s: %s",
			 missing->sys, missing->name, missing->since, kwhy, g->alternative);
	return -1;
}
