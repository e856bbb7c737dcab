// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet follow's printer: one block per path in text, one object per path in JSON Lines. */
#include <inttypes.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#include "view/follow-paths.h"
#include "kernel/ksyms.h"
#include "base/out.h"
#include "view/print.h"
#include "net/pkt.h"
#include "source/stacks.h"
#include "base/util.h"

/*
 * A kernel address as a hex string, as the JSON of every printer gives it: "0x..." without
 * snprintf, every path has its skb's address. buf holds at least 19 bytes.
 */
static const char *hex(uint64_t v, char *buf, size_t size)
{
	char *b = buf + size;

	*--b = '\0';
	do {
		*--b = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	*--b = 'x';
	*--b = '0';
	return b;
}

static const char *proto_name(int proto, char *buf, size_t size)
{
	switch (proto) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmpv6";
	case 132: return "sctp";
	}
	snprintf(buf, size, "%d", proto);
	return buf;
}

/* The function addr lies in, without the suffix of a compiler's clone: "kfree_skb.part.0+0xc0"
 * gives "kfree_skb". */
static void func_base(const struct ksyms *ks, uint64_t addr, char *buf, size_t size)
{
	ksyms_format(ks, addr, buf, size);
	buf[strcspn(buf, "+.")] = '\0';
}

/*
 * Where a drop was: the kernel's location, unless it lies in the function that wrote the
 * event, the innermost frame of the stack below the tracing frames, or in the part of it the
 * compiler split off (Debian's arm64 5.10: kfree_skb.part.0 emits the event, and gives
 * kfree_skb+0x2c for every drop): then the frame after that function's, where it was called.
 */
uint64_t follow_drop_location(const struct follow_path *p, const struct ksyms *ks)
{
	char loc[160], buf[160];
	uint64_t at;
	uint32_t i = 0;

	if (!p->nframes)	/* no stack to correct it with (and no symbol search per path) */
		return p->location;
	at = ksyms_start(ks, p->location);
	while (i < p->nframes) {
		ksyms_format(ks, p->frames[i], buf, sizeof(buf));
		if (!stacks_tracing_frame(buf))
			break;
		i++;
	}
	if (!at || i >= p->nframes)
		return p->location;
	func_base(ks, p->location, loc, sizeof(loc));
	func_base(ks, p->frames[i], buf, sizeof(buf));
	if (strcmp(buf, loc))
		return p->location;
	/* the emitter's frame, or (split) the one after it, is in the location's function */
	for (uint32_t k = i; k <= i + 1 && k + 1 < p->nframes; k++)
		if (ksyms_start(ks, p->frames[k]) == at)
			return p->frames[k + 1];
	return p->location;
}

/*
 * A location as "function+0xoff": the same few (the drop and free sites of a flood) come
 * again and again, and each lookup is a search of every kernel symbol and an snprintf.
 */
#define LOC_CACHE 64

static const char *location_name(const struct ksyms *ks, uint64_t at)
{
	static struct { const struct ksyms *ks; uint64_t at; char name[160]; } cache[LOC_CACHE];
	size_t h = (size_t)((at * 0x9e3779b97f4a7c15ull) >> 58);

	if (cache[h].at != at || cache[h].ks != ks || !cache[h].name[0]) {
		ksyms_format(ks, at, cache[h].name, sizeof(cache[h].name));
		cache[h].at = at;
		cache[h].ks = ks;
	}
	return cache[h].name;
}

/* Why the path ended, as far as the events tell. */
static void verdict(const struct follow_path *p, const struct ksyms *ks)
{
	char buf[160];

	out_str(PRINT_ANY, "verdict", "%s", follow_verdict_name(p->verdict));
	if (p->verdict == FV_DROPPED && p->reason >= 0) {
		if (p->reason_name)
			out_str(PRINT_ANY, "reason", " %s", p->reason_name);
		else
			out_text(" reason=%d", p->reason);
		out_int(PRINT_JSON, "reason_code", NULL, p->reason);
	}
	if (p->queued && p->sock_protocol)
		out_str(PRINT_ANY, "sock_protocol", " to a %s socket",
			proto_name(p->sock_protocol, buf, sizeof(buf)));
	else if (p->queued)
		out_text(" to a socket");
	if (p->location) {
		uint64_t at = follow_drop_location(p, ks);

		out_str(PRINT_ANY, "location", " at %s", location_name(ks, at));
		out_str(PRINT_JSON, "location_addr", NULL, hex(at, buf, sizeof(buf)));
	}
	if (p->read) {
		out_str(PRINT_ANY, "comm", ", read by %s", p->comm[0] ? p->comm : "?");
		out_int(PRINT_ANY, "pid", " (pid %" PRId64 ")", p->pid);
	}
	if (p->verdict == FV_EXPIRED)
		out_text(p->reused ? ": freed unseen (its address came back on another skb)" :
			 ": no end seen");
	out_bool(PRINT_JSON, "address_reused", NULL, p->reused);
}

/* "udp 127.0.0.1:40000 > 127.0.0.1:53 ": the packet, where kprobes read it. */
static void packet(const struct follow_path *p)
{
	struct ftnet_event ev = { .family = p->family, .ipproto = p->ipproto,
				  .pkt_known = p->pkt_known, .sport = p->sport, .dport = p->dport,
				  .arp_op = p->arp_op };

	if (!p->family)
		return;
	memcpy(ev.saddr, p->saddr, 16);
	memcpy(ev.daddr, p->daddr, 16);
	out_packet_flow(&ev);
	out_text(" ");
}

static void header(const struct follow_path *p, const struct ksyms *ks)
{
	char buf[64];

	out_uint(PRINT_JSON, "ts_ns", NULL, p->first_ts);
	out_fmt_time(p->first_ts, buf, sizeof(buf));
	out_text("%s ", buf);
	out_str(PRINT_ANY, "skbaddr", "skb %s ", hex(p->skbaddr, buf, sizeof(buf)));
	packet(p);
	verdict(p, ks);
	out_uint(PRINT_JSON, "duration_ns", NULL, p->last_ts - p->first_ts);
	out_uint(p->omitted ? PRINT_ANY : PRINT_JSON, "steps_omitted", " (%" PRIu64 " steps not kept)",
		 p->omitted);
	out_bool(PRINT_ANY, "events_lost", " (events were lost meanwhile: steps may be missing)",
		 p->lost);
}

/* A netfilter hook as nft names it: "ip input", "ip6 prerouting", "bridge forward". */
static void nf_hook_out(unsigned int pf, unsigned int hook)
{
	static const char *const inet[] = { "prerouting", "input", "forward", "output",
					    "postrouting" };
	static const char *const arp[] = { "input", "output", "forward" };
	static const char *const netdev[] = { "ingress", "egress" };
	const char *family, *name = NULL;
	char num[16];

	switch (pf) {	/* NFPROTO_* */
	case 1: family = "inet"; break;
	case 2: family = "ip"; break;
	case 3: family = "arp"; break;
	case 5: family = "netdev"; break;
	case 7: family = "bridge"; break;
	case 10: family = "ip6"; break;
	default: snprintf(num, sizeof(num), "%u", pf); family = num; break;
	}
	if (pf == 3)
		name = hook < ARRAY_SIZE(arp) ? arp[hook] : NULL;
	else if (pf == 5)
		name = hook < ARRAY_SIZE(netdev) ? netdev[hook] : NULL;
	else
		name = hook < ARRAY_SIZE(inet) ? inet[hook] : NULL;
	out_str(PRINT_ANY, "nf_family", " hook %s", family);
	if (name)
		out_str(PRINT_ANY, "nf_hook", " %s", name);
	else
		out_uint(PRINT_ANY, "nf_hook", " %" PRIu64, hook);
}

/* "+1234.567" (microseconds, three decimals), as %+.3f of ns / 1e3 but without floats */
static void offset_us(uint64_t ns, char buf[32])
{
	char *b = buf + 31;

	*b = '\0';
	for (int i = 0; i < 3; i++, ns /= 10)
		*--b = (char)('0' + ns % 10);
	*--b = '.';
	do {
		*--b = (char)('0' + ns % 10);
		ns /= 10;
	} while (ns);
	*--b = '+';
	memmove(buf, b, (size_t)(buf + 32 - b));
}

/* The flow a step read when it differs from the step's before: " rewritten to tcp A > B". */
static void rewritten(const struct follow_path *p, int step)
{
	for (int k = 0; k < p->nrewrites; k++) {
		const struct follow_rewrite *r = &p->rewrites[k];
		struct ftnet_event ev = { .family = p->family, .ipproto = p->ipproto,
					  .pkt_known = r->pkt_known, .sport = r->sport,
					  .dport = r->dport };

		if (r->step != step)
			continue;
		memcpy(ev.saddr, r->saddr, 16);
		memcpy(ev.daddr, r->daddr, 16);
		out_open_object("rewritten");
		out_text(" rewritten to ");
		out_packet_flow(&ev);
		out_close_object();
	}
}

static void steps(const struct follow_path *p)
{
	char us[32];

	out_open_array("steps");
	for (int i = 0; i < p->nsteps; i++) {
		const struct follow_step *s = &p->steps[i];

		out_open_object(NULL);
		out_uint(PRINT_JSON, "t_ns", NULL, s->ts - p->first_ts);
		offset_us(s->ts - p->first_ts, us);
		out_text("\n  %12sus  ", us);
		out_str(PRINT_ANY, "step", "%-24s ", s->name);
		if (s->dev[0])
			out_str(PRINT_ANY, "dev", "%-10s ", s->dev);
		else
			out_text("%-10s ", "-");
		out_int(PRINT_ANY, "cpu", "cpu %" PRId64, s->cpu);
		if (s->len)
			out_uint(PRINT_ANY, "len", " len %" PRIu64, s->len);
		if (s->nf_known)
			nf_hook_out(s->nf_pf, s->nf_hook);
		rewritten(p, i);
		out_close_object();
	}
	out_close_array();
}

static void stack(const struct follow_path *p, const struct ksyms *ks)
{
	bool top = true;

	if (!p->nframes)
		return;
	out_open_array("stack");
	for (uint32_t i = 0; i < p->nframes; i++) {
		char buf[160];

		ksyms_format(ks, p->frames[i], buf, sizeof(buf));
		if (top && stacks_tracing_frame(buf))
			continue;
		top = false;
		out_str(PRINT_ANY, NULL, "\n                  %s", buf);
	}
	out_close_array();
}

void follow_out_path(const struct follow_path *p, const struct ksyms *ks)
{
	out_begin("path");
	header(p, ks);
	steps(p);
	stack(p, ks);
	out_text("\n");
	out_end();
}
