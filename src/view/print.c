// SPDX-License-Identifier: GPL-2.0-or-later
/* Events and packets as text columns or JSON Lines, through the field calls of base/out.h. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/out.h"
#include "base/util.h"
#include "decode/decode.h"
#include "kernel/ksyms.h"
#include "net/cap.h"
#include "net/pkt.h"
#include "view/print.h"

void out_fmt_addr(const struct ftnet_event *ev, bool src, char *buf, size_t size)
{
	const uint8_t *a = src ? ev->saddr : ev->daddr;
	char ip[INET6_ADDRSTRLEN] = "?";

	if (ev->family == AF_INET6)
		inet_ntop(AF_INET6, a, ip, sizeof(ip));
	else if (ev->family == AF_INET || ev->family == AF_PACKET)	/* ARP's are IPv4 */
		inet_ntop(AF_INET, a, ip, sizeof(ip));
	snprintf(buf, size, "%s", ip);
}

const char *out_ethertype(uint16_t proto)
{
	static char buf[8];

	switch (proto) {
	case 0x0800: return "IPv4";
	case 0x86dd: return "IPv6";
	case 0x0806: return "ARP";
	case 0: return "none";
	}
	snprintf(buf, sizeof(buf), "0x%04x", proto);
	return buf;
}

void out_event_header(void)
{
	if (out_options()->mode == OUT_JSON || out_options()->no_header)
		return;
	printf("%-18s %3s %-16s %7s %-10s %s\n", "TIME", "CPU", "COMM", "PID", "EVENT",
	       "DETAILS");
}

static void flow(const struct ftnet_event *ev)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	if (!ev->family) {
		out_text("? > ? ");
		return;
	}
	out_fmt_addr(ev, true, s, sizeof(s));
	out_fmt_addr(ev, false, d, sizeof(d));
	out_str(PRINT_JSON, "family", NULL, ev->family == AF_INET6 ? "ipv6" : "ipv4");
	out_str(PRINT_ANY, "saddr", ev->family == AF_INET6 ? "[%s]" : "%s", s);
	out_uint(PRINT_ANY, "sport", ":%" PRIu64, ev->sport);
	out_str(PRINT_ANY, "daddr", ev->family == AF_INET6 ? " > [%s]" : " > %s", d);
	out_uint(PRINT_ANY, "dport", ":%" PRIu64 " ", ev->dport);
}

static void hex_field(const char *key, uint64_t v)
{
	char buf[24];

	if (out_options()->mode != OUT_JSON)
		return;
	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	out_str(PRINT_JSON, key, NULL, buf);
}

static void lat(uint64_t ns)
{
	if (out_options()->mode == OUT_JSON)
		out_uint(PRINT_JSON, "latency_ns", NULL, ns);
	else if (ns >= 10000000)
		out_text("latency=%.1fms ", ns / 1e6);
	else
		out_text("latency=%.1fus ", ns / 1e3);
}

const char *out_ipproto(uint8_t proto, char *buf, size_t size)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	case IPPROTO_SCTP: return "sctp";
	}
	snprintf(buf, size, "%u", proto);
	return buf;
}

/* "arp request 10.0.0.1 > 169.254.0.1": ARP's operation, its sender and target addresses */
static void arp_flow(const struct ftnet_event *ev, const char *s, const char *d)
{
	out_str(PRINT_JSON, "family", NULL, "arp");
	out_text("arp ");
	if (ev->arp_op == 1 || ev->arp_op == 2)
		out_str(PRINT_ANY, "arp_op", "%s ", ev->arp_op == 1 ? "request" : "reply");
	else
		out_uint(PRINT_ANY, "arp_op", "op %" PRIu64 " ", ev->arp_op);
	out_str(PRINT_ANY, "saddr", "%s", ev->pkt_known & PKT_SADDR ? s : "?");
	out_str(PRINT_ANY, "daddr", " > %s", ev->pkt_known & PKT_DADDR ? d : "?");
}

void out_packet_flow(const struct ftnet_event *ev)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], p[8];
	bool ports = ev->pkt_known & PKT_SPORT;

	if (!ev->family)
		return;
	out_fmt_addr(ev, true, s, sizeof(s));
	out_fmt_addr(ev, false, d, sizeof(d));
	if (ev->family == AF_PACKET) {
		arp_flow(ev, s, d);
		return;
	}
	out_str(PRINT_JSON, "family", NULL, ev->family == AF_INET6 ? "ipv6" : "ipv4");
	if (ev->pkt_known & PKT_PROTO)
		out_str(PRINT_ANY, "ipproto", "%s ", out_ipproto(ev->ipproto, p, sizeof(p)));
	/* a flow from a socket may know one end only (a listener's): '?' for the other */
	if (ev->pkt_known & PKT_SADDR)
		out_str(PRINT_ANY, "saddr", ev->family == AF_INET6 ? "[%s]" : "%s", s);
	else
		out_text("?");
	if (ports)
		out_uint(PRINT_ANY, "sport", ":%" PRIu64, ev->sport);
	else if (ev->pkt_known & PKT_DPORT)
		out_text(":?");
	if (ev->pkt_known & PKT_DADDR)
		out_str(PRINT_ANY, "daddr", ev->family == AF_INET6 ? " > [%s]" : " > %s", d);
	else
		out_text(" > ?");
	if (ev->pkt_known & PKT_DPORT)
		out_uint(PRINT_ANY, "dport", ":%" PRIu64, ev->dport);
	else if (ports)
		out_text(":?");
}

/* A drop's packet, where kprobes read it: "udp 10.0.0.1:5353 > 10.0.0.2:53 len=61 dev=eth0". */
static void drop_packet(const struct ftnet_event *ev)
{
	if (!ev->family)
		return;
	out_text(" ");
	out_packet_flow(ev);
	if (ev->pkt_known & PKT_LEN)
		out_uint(PRINT_ANY, "len", " len=%" PRIu64, ev->len);
	if (ev->flow_from > FLOW_KPROBE)	/* not the packet's headers: say whose */
		out_str(PRINT_ANY, "flow_from", " (%s)", flow_from_name(ev->flow_from));
	else if (ev->flow_from)
		out_str(PRINT_JSON, "flow_from", NULL, flow_from_name(ev->flow_from));
}

/* The receiving socket's process, and the tracepoints' flow beside the kprobe's (tests). */
static void drop_owner(const struct ftnet_event *ev)
{
	if (ev->sk_pid) {
		out_str(PRINT_ANY, "sk_comm", " sk=%s", ev->sk_comm);
		out_int(PRINT_ANY, "sk_pid", "/%" PRId64, ev->sk_pid);
	}
	if (out_options()->mode != OUT_JSON || (!ev->tp_flow_from && !ev->tp_agree))
		return;
	out_str(PRINT_JSON, "tp_flow_from", NULL, flow_from_name(ev->tp_flow_from));
	if (ev->tp_agree)
		out_bool(PRINT_JSON, "tp_agree", NULL, ev->tp_agree > 0);
}

/* "type=3 code=3 10.0.0.1:40000 > 10.0.0.2:5309": the error and the packet it answers */
static void icmp_fields(const struct ftnet_event *ev)
{
	out_uint(PRINT_ANY, "icmp_type", "type=%" PRIu64, ev->icmp_type);
	out_uint(PRINT_ANY, "icmp_code", " code=%" PRIu64 " ", ev->icmp_code);
	flow(ev);
	hex_field("skbaddr", ev->skbaddr);
}

static void drop_fields(const struct ftnet_event *ev)
{
	char buf[256];

	if (ev->reason >= 0) {
		if (ev->reason_name)
			out_str(PRINT_ANY, "reason", "%s ", ev->reason_name);
		else
			out_text("reason=%d ", ev->reason);
		out_int(PRINT_JSON, "reason_code", NULL, ev->reason);
	}
	ksyms_format(out_options()->ksyms, ev->location, buf, sizeof(buf));
	out_str(PRINT_ANY, "location", "%s ", buf);
	hex_field("location_addr", ev->location);
	out_str(PRINT_ANY, "protocol", "protocol=%s", out_ethertype(ev->protocol));
	drop_packet(ev);
	drop_owner(ev);
	if (ev->dev[0])
		out_str(PRINT_ANY, "dev", " dev=%s", ev->dev);
	if (ev->netns)
		out_uint(PRINT_ANY, "netns", " netns=%" PRIu64, ev->netns);
	hex_field("skbaddr", ev->skbaddr);
}

static void reset_fields(const struct ftnet_event *ev)
{
	out_str(PRINT_ANY, "direction", "%-8s ", ev->dir == DIR_SENT ? "sent" : "received");
	flow(ev);
	if (ev->state >= 0)
		out_str(PRINT_ANY, "state", "state=%s ",
			ev->state ? tcp_state_name(ev->state) : "-");
	if (ev->reason >= 0 && ev->reason_name)
		out_str(PRINT_ANY, "reason", "reason=%s", ev->reason_name);
	hex_field("skaddr", ev->skaddr);
}

static void tcp_fields(const struct ftnet_event *ev)
{
	flow(ev);
	if (ev->type == EV_RETRANS && ev->state >= 0)
		out_str(PRINT_ANY, "state", "state=%s", tcp_state_name(ev->state));
	if (ev->type == EV_STATE) {
		out_str(PRINT_ANY, "oldstate", "%s", tcp_state_name(ev->oldstate));
		out_str(PRINT_ANY, "newstate", " -> %s", tcp_state_name(ev->newstate));
	}
	if (ev->type == EV_CONNECT) {
		lat(ev->latency_ns);
		out_str(PRINT_ANY, "result", "%s", ev->ok ? "established" : "failed");
	}
	hex_field("skaddr", ev->skaddr);
	if (ev->type == EV_RETRANS)
		hex_field("skbaddr", ev->skbaddr);
}

static void dev_fields(const struct ftnet_event *ev)
{
	if (ev->type == EV_RXLAT) {
		lat(ev->latency_ns);
	} else {
		out_str(PRINT_ANY, "dev", "dev=%s ", ev->dev);
	}
	out_uint(PRINT_ANY, "len", "len=%" PRIu64, ev->len);
	if (ev->type == EV_TX)
		out_int(PRINT_ANY, "rc", " rc=%" PRId64, ev->rc);
	hex_field("skbaddr", ev->skbaddr);
}

static void udp_fields(const struct ftnet_event *ev)
{
	out_uint(PRINT_ANY, "len", "len=%" PRIu64, ev->len);
	if (ev->rc)
		out_int(PRINT_ANY, "error", " error=%" PRId64, ev->rc);
	out_str(PRINT_ANY, "family", " %s", ev->family == AF_INET6 ? "ipv6" : "ipv4");
	hex_field("skaddr", ev->skaddr);
}

/* follow's events: the skb steps, the copy, the consume, data queued to a socket, stacks */
static void step_fields(const struct ftnet_event *ev)
{
	char buf[256];

	if (ev->type == EV_SKB) {
		out_str(PRINT_ANY, "event", "%s ", ev->event ? ev->event : "?");
		out_str(PRINT_ANY, "dev", "dev=%s ", ev->dev);
	}
	if (ev->type == EV_SKB || ev->type == EV_COPY)
		out_uint(PRINT_ANY, "len", "len=%" PRIu64, ev->len);
	if (ev->type == EV_CONSUME) {
		ksyms_format(out_options()->ksyms, ev->location, buf, sizeof(buf));
		out_str(PRINT_ANY, "location", "%s", ev->location ? buf : "-");
	}
	if (ev->type == EV_DATA_READY) {
		out_uint(PRINT_ANY, "protocol", "protocol=%" PRIu64, ev->protocol);
		hex_field("skaddr", ev->skaddr);
	} else if (ev->type == EV_STACK) {
		out_uint(PRINT_ANY, "frames", "frames=%" PRIu64, ev->nframes);
	} else {
		hex_field("skbaddr", ev->skbaddr);
	}
}

/*
 * A tracepoint named as SYSTEM:EVENT: each field of its format as name=value, typed in JSON
 * under "fields" (the common columns keep their names: a field may be called pid too).
 */
static void tracepoint_fields(const struct ftnet_event *ev)
{
	const struct tep_format_field *f;
	struct tp_value v;
	bool first = true;

	out_open_object("fields");
	for (f = tp_first(ev); f; f = tp_next(f), first = false) {
		tp_value(ev, f, &v);
		out_text("%s%s=", first ? "" : " ", v.name);
		if (v.kind == TP_INT) {
			out_int(PRINT_ANY, v.name, "%" PRId64, v.i);
		} else if (v.kind == TP_UINT) {
			out_uint(PRINT_ANY, v.name, "%" PRIu64, v.u);
		} else if (v.kind == TP_STR || !out_is_json()) {
			out_str(PRINT_ANY, v.name, "%s", v.str);
		} else {
			out_open_array(v.name);
			for (uint32_t i = 0; i < v.n; i++)
				if (v.elsigned)
					out_int(PRINT_JSON, NULL, NULL, tp_elem(&v, i));
				else
					out_uint(PRINT_JSON, NULL, NULL, (uint64_t)tp_elem(&v, i));
			out_close_array();
		}
	}
	out_close_object();
}

/* The fields after the common columns, per event type. */
static void (*const type_fields[EV_NTYPES])(const struct ftnet_event *ev) = {
	[EV_DROP] = drop_fields, [EV_RESET] = reset_fields, [EV_RETRANS] = tcp_fields,
	[EV_STATE] = tcp_fields, [EV_CONNECT] = tcp_fields, [EV_RX] = dev_fields,
	[EV_TX] = dev_fields, [EV_RXLAT] = dev_fields, [EV_UDP] = udp_fields,
	[EV_SKB] = step_fields, [EV_COPY] = step_fields, [EV_CONSUME] = step_fields,
	[EV_DATA_READY] = step_fields, [EV_STACK] = step_fields, [EV_ICMP] = icmp_fields,
	[EV_TRACEPOINT] = tracepoint_fields,
};

void out_event(const struct ftnet_event *ev)
{
	char buf[64];

	out_begin(event_type_name(ev->type));
	if (out_options()->mode == OUT_TEXT) {
		out_fmt_time(ev->ts, buf, sizeof(buf));
		out_text("%-18s ", buf);
	} else {
		out_uint(PRINT_JSON, "ts_ns", NULL, ev->ts);
		if (out_options()->time == TIME_WALL)
			out_uint(PRINT_JSON, "wall_ns", NULL,
				 (uint64_t)((int64_t)ev->ts + out_options()->wall_offset_ns));
	}
	out_int(PRINT_ANY, "cpu", "%3" PRId64 " ", ev->cpu);
	if (ev->type == EV_LOST) {
		out_text("%-16s %7s %-10s ", "-", "-", "lost");
		out_uint(PRINT_ANY, "count", "count=%" PRIu64, ev->count);
		if (!ev->count)
			out_text(" (unknown number)");
		out_end();
		return;
	}
	out_str(PRINT_ANY, "comm", "%-16s ", ev->comm);
	out_int(PRINT_ANY, "pid", "%7" PRId64 " ", ev->pid);
	if (ev->type == EV_TRACEPOINT)
		out_str(PRINT_ANY, "event", "%-10s ", tp_name(ev, buf, sizeof(buf)));
	else
		out_text("%-10s ", event_type_name(ev->type));
	if (ev->type < EV_NTYPES && type_fields[ev->type])
		type_fields[ev->type](ev);
	out_end();
}

static const char *proto_name(const struct packet *p, char *buf, size_t size)
{
	switch (p->proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmp6";
	}
	snprintf(buf, size, "ip-proto-%u", p->proto);
	return buf;
}

void out_packet(const struct packet *p)
{
	char tm[64], s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], buf[32];
	bool ports = p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP;

	out_begin("packet");
	if (out_options()->mode == OUT_JSON) {
		out_uint(PRINT_JSON, "ts_ns", NULL, p->ts_ns);
	} else {
		time_t sec = (time_t)(p->ts_ns / 1000000000);
		struct tm t;

		localtime_r(&sec, &t);
		snprintf(tm, sizeof(tm), "%02d:%02d:%02d.%06u", t.tm_hour, t.tm_min, t.tm_sec,
			 (unsigned int)(p->ts_ns % 1000000000 / 1000));
		out_text("%s ", tm);
	}
	out_str(PRINT_ANY, "ifname", "%-8s ", p->ifname[0] ? p->ifname : "-");
	if (!p->family) {
		out_str(PRINT_ANY, "protocol", "%s", p->l2 ? p->l2 : "unknown");
		out_uint(PRINT_ANY, "len", " length %" PRIu64, p->len);
		out_end();
		return;
	}
	inet_ntop(p->family, p->saddr, s, sizeof(s));
	inet_ntop(p->family, p->daddr, d, sizeof(d));
	out_str(PRINT_ANY, "protocol", "%-5s ", proto_name(p, buf, sizeof(buf)));
	out_str(PRINT_JSON, "family", NULL, p->family == AF_INET6 ? "ipv6" : "ipv4");
	out_str(PRINT_ANY, "saddr", p->family == AF_INET6 ? "[%s]" : "%s", s);
	if (ports)
		out_uint(PRINT_ANY, "sport", ":%" PRIu64, p->sport);
	out_str(PRINT_ANY, "daddr", p->family == AF_INET6 ? " > [%s]" : " > %s", d);
	if (ports)
		out_uint(PRINT_ANY, "dport", ":%" PRIu64, p->dport);
	if (p->proto == IPPROTO_TCP) {
		char flags[48];

		cap_tcp_flags(p->tcp_flags, flags, sizeof(flags), out_options()->mode != OUT_JSON);
		out_str(PRINT_ANY, "tcp_flags", " [%s]", flags);
	} else if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) {
		out_uint(PRINT_ANY, "icmp_type", " type %" PRIu64, p->icmp_type);
		out_uint(PRINT_ANY, "icmp_code", " code %" PRIu64, p->icmp_code);
	}
	out_uint(PRINT_ANY, "len", " length %" PRIu64, p->len);
	out_end();
}
