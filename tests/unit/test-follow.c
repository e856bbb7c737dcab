// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ftnet follow: its decoders on the recorded formats (the skb steps, consume_skb,
 * sk_data_ready, ftrace's kernel_stack), the path table fed with synthetic events (ends,
 * stacks, losses, expiry, addresses freed unseen, bounds), and the printer's JSON.
 */
#include <arpa/inet.h>
#include <event-parse.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/decode.h"
#include "net/pkt.h"
#include "fixtures.h"
#include "view/follow-paths.h"
#include "base/out.h"
#include "tap.h"
#include "base/util.h"

static const char *datadir;

/* Raw record bytes for one event, fields set by name as the format lays them out. */
static struct tep_handle *load_kernel(const char *kernel)
{
	struct tep_handle *tep = fixture_load(datadir, kernel);

	if (!tep)
		exit(99);
	return tep;
}

static int decode(struct decoder *d, struct raw *r, struct ftnet_event *ev)
{
	struct tep_record rec = { .ts = 1000, .cpu = 1, .data = r->data, .size = r->size };

	return decode_record(d, &rec, ev);
}

/* Every skb step of the group decodes with its tracepoint's name, direction and device. */
static void test_steps(const char *kernel)
{
	static const struct { const char *sys, *name; int type, dir; bool dev; } want[] = {
		{ "net", "napi_gro_receive_entry", EV_SKB, DIR_RECEIVED, true },
		{ "net", "netif_rx", EV_SKB, DIR_RECEIVED, true },
		{ "net", "netif_receive_skb", EV_RX, DIR_RECEIVED, true },
		{ "net", "net_dev_queue", EV_SKB, DIR_SENT, true },
		{ "net", "net_dev_start_xmit", EV_SKB, DIR_SENT, true },
		{ "net", "net_dev_xmit", EV_TX, DIR_SENT, true },
		{ "skb", "skb_copy_datagram_iovec", EV_COPY, DIR_RECEIVED, false },
		{ "skb", "consume_skb", EV_CONSUME, DIR_NONE, false },
		{ "skb", "kfree_skb", EV_DROP, DIR_NONE, false },
	};
	struct tep_handle *tep = load_kernel(kernel);
	struct decoder *d = decoder_new(tep);
	struct ftnet_event ev;
	struct raw r;

	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		raw_init(&r, tep, want[i].sys, want[i].name, 0);
		raw_set(&r, "skbaddr", 0xffff888100001000ull + i);
		if (want[i].dev)
			raw_str(&r, "name", "eth7");
		CHECK_INT(decode(d, &r, &ev), 1);
		CHECK_INT(ev.type, want[i].type);
		CHECK_INT(ev.dir, want[i].dir);
		CHECK_STR(ev.event, want[i].name);
		CHECK(ev.skbaddr == 0xffff888100001000ull + i);
		CHECK_STR(ev.dev, want[i].dev ? "eth7" : "");
	}
	/* consume_skb has a location since 6.x; 5.10's has none */
	raw_init(&r, tep, "skb", "consume_skb", 0);
	raw_set(&r, "skbaddr", 0x42);
	if (tep_find_field(r.e, "location"))
		raw_set(&r, "location", 0xffffffff81000010ull);
	CHECK_INT(decode(d, &r, &ev), 1);
	CHECK(ev.location == (tep_find_field(r.e, "location") ? 0xffffffff81000010ull : 0));
	CHECK(decoder_add_stacks(d) == !strcmp(kernel, "6.18"));
	decoder_free(d);
	tep_free(tep);
}

/* A task's end names it for the comm cache: read before /proc loses it (the reader's nc). */
static void test_exit_comm(void)
{
	struct tep_handle *tep = load_kernel("6.18");
	struct decoder *d = decoder_new(tep);
	struct ftnet_event ev;
	struct raw r;

	raw_init(&r, tep, "sched", "sched_process_exit", 4000);
	memcpy(r.data + tep_find_field(r.e, "comm")->offset, "nc", 3);	/* char comm[16] */
	raw_set(&r, "pid", 4321);
	CHECK_INT(decode(d, &r, &ev), 1);
	CHECK_INT(ev.internal, INTERNAL_COMM);
	CHECK_INT(ev.pid, 4321);
	CHECK_STR(ev.comm, "nc");
	decoder_free(d);
	tep_free(tep);
}

/* kernel_stack: caller[8] in the format, as many frames as the record holds. */
static void test_stack_decode(void)
{
	struct tep_handle *tep = load_kernel("6.18");
	struct decoder *d = decoder_new(tep);
	struct tep_format_field *caller;
	struct ftnet_event ev;
	struct raw r;

	CHECK(decoder_has(d, "ftrace", "kernel_stack"));
	raw_init(&r, tep, "ftrace", "kernel_stack", 0);
	caller = tep_find_field(r.e, "caller");
	for (int i = 0; i < 20; i++) {
		uint64_t a = 0xffffffff82000000ull + (uint64_t)i * 16;

		memcpy(r.data + caller->offset + i * 8, &a, 8);
	}
	raw_set(&r, "size", 20);
	r.size = caller->offset + 20 * 8;
	CHECK_INT(decode(d, &r, &ev), 1);
	CHECK_INT(ev.type, EV_STACK);
	CHECK_INT(ev.nframes, 20);
	CHECK(decode_frame(&ev, 0) == 0xffffffff82000000ull);
	CHECK(decode_frame(&ev, 19) == 0xffffffff82000000ull + 19 * 16);
	CHECK(decode_frame(&ev, 20) == 0);
	/* a short stack: fewer than the format's 8, and size past the record is clamped */
	r.size = caller->offset + 3 * 8;
	CHECK_INT(decode(d, &r, &ev), 1);
	CHECK_INT(ev.nframes, 3);
	/* old kernels end a short stack with ULONG_MAX */
	memset(r.data + caller->offset + 2 * 8, 0xff, 8);
	CHECK_INT(decode(d, &r, &ev), 1);
	CHECK_INT(ev.nframes, 2);
	r.size = caller->offset - 1;
	CHECK(decode(d, &r, &ev) <= 0);

	raw_init(&r, tep, "sock", "sk_data_ready", 0);
	raw_set(&r, "skaddr", 0x5000);
	raw_set(&r, "family", 2);
	raw_set(&r, "protocol", 17);
	CHECK_INT(decode(d, &r, &ev), 1);
	CHECK_INT(ev.type, EV_DATA_READY);
	CHECK(ev.skaddr == 0x5000);
	CHECK_INT(ev.protocol, 17);
	decoder_free(d);
	tep_free(tep);
}

/* The paths the table emitted, copied. */
static struct follow_path got[64];
static uint64_t got_frames[64][4];
static int ngot;

static void keep(void *arg, const struct follow_path *p)
{
	(void)arg;
	if (ngot == (int)ARRAY_SIZE(got))
		return;
	got[ngot] = *p;
	for (uint32_t i = 0; i < p->nframes && i < 4; i++)
		got_frames[ngot][i] = p->frames[i];
	ngot++;
}

static struct follow *table(uint32_t max, bool stacks)
{
	struct follow_opts o = { .max_paths = max, .expire_ns = 1000000000ull, .stacks = stacks,
				 .emit = keep };

	ngot = 0;
	memset(got, 0, sizeof(got));
	return follow_new(&o);
}

static char names[8][32];

/* An event of a step; name is copied to show that the table keeps its own copy. */
static struct ftnet_event ev_of(int type, int dir, const char *name, const char *dev,
				uint64_t skb, uint64_t ts, int cpu)
{
	static int n;
	struct ftnet_event ev;
	char *copy = names[n++ % 8];

	memset(&ev, 0, sizeof(ev));
	snprintf(copy, sizeof(names[0]), "%s", name);
	ev.type = type;
	ev.dir = dir;
	ev.event = copy;
	ev.skbaddr = skb;
	ev.ts = ts;
	ev.cpu = cpu;
	ev.pid = 100;
	ev.reason = -1;
	snprintf(ev.dev, sizeof(ev.dev), "%s", dev);
	return ev;
}

static void feed(struct follow *f, int type, int dir, const char *name, const char *dev,
		 uint64_t skb, uint64_t ts, int cpu)
{
	struct ftnet_event ev = ev_of(type, dir, name, dev, skb, ts, cpu);

	follow_event(f, &ev);
}

/* Loopback's transmit and receive of one skb, as 6.18 records them. */
static void loopback(struct follow *f, uint64_t skb, uint64_t ts, int cpu)
{
	feed(f, EV_SKB, DIR_SENT, "net_dev_queue", "lo", skb, ts, cpu);
	feed(f, EV_SKB, DIR_SENT, "net_dev_start_xmit", "lo", skb, ts + 1, cpu);
	feed(f, EV_SKB, DIR_RECEIVED, "netif_rx", "lo", skb, ts + 2, cpu);
	feed(f, EV_TX, DIR_SENT, "net_dev_xmit", "lo", skb, ts + 3, cpu);
	feed(f, EV_RX, DIR_RECEIVED, "netif_receive_skb", "lo", skb, ts + 4, cpu);
}

static void drop(struct follow *f, uint64_t skb, uint64_t ts, int cpu)
{
	struct ftnet_event ev = ev_of(EV_DROP, DIR_NONE, "kfree_skb", "", skb, ts, cpu);

	ev.reason = 3;
	ev.reason_name = names[7];
	snprintf(names[7], sizeof(names[7]), "NO_SOCKET");
	ev.location = 0xffffffff81001234ull;
	follow_event(f, &ev);
}

static void stack(struct follow *f, int cpu, uint64_t ts)
{
	uint64_t frames[3] = { 0xffffffff81000001ull, 0xffffffff81000002ull,
			       0xffffffff81000003ull };
	struct ftnet_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_STACK;
	ev.cpu = cpu;
	ev.ts = ts;
	ev.frames = frames;
	ev.nframes = 3;
	ev.frame_size = 8;
	follow_event(f, &ev);
}

static void test_drop_paths(void)
{
	struct follow *f = table(16, false);

	loopback(f, 0xa00, 100, 0);
	drop(f, 0xa00, 110, 0);
	snprintf(names[7], sizeof(names[7]), "CHANGED");	/* the formats go away */
	CHECK_INT(ngot, 1);
	CHECK_INT(got[0].verdict, FV_DROPPED);
	CHECK_INT(got[0].nsteps, 6);
	CHECK_STR(got[0].steps[0].name, "net_dev_queue");
	CHECK_STR(got[0].steps[4].name, "netif_receive_skb");
	CHECK_STR(got[0].steps[5].name, "kfree_skb");
	CHECK_STR(got[0].steps[4].dev, "lo");
	CHECK_STR(got[0].reason_name, "NO_SOCKET");
	CHECK_INT(got[0].reason, 3);
	CHECK(got[0].location == 0xffffffff81001234ull);
	CHECK(got[0].first_ts == 100 && got[0].last_ts == 110);
	CHECK(!got[0].lost && !got[0].reused && got[0].nframes == 0);
	/* the address is free again: the next skb there is a path of its own */
	loopback(f, 0xa00, 200, 0);
	feed(f, EV_CONSUME, DIR_NONE, "consume_skb", "", 0xa00, 210, 0);
	CHECK_INT(ngot, 2);
	CHECK_INT(got[1].verdict, FV_CONSUMED);
	CHECK_INT(got[1].nsteps, 6);
	CHECK_INT(follow_stats(f)->started, 2);
	follow_free(f);
}

static void test_stacks(void)
{
	struct follow *f = table(16, true);

	loopback(f, 0xb00, 100, 2);
	drop(f, 0xb00, 110, 2);
	CHECK_INT(ngot, 0);		/* waits for its stack */
	stack(f, 2, 111);
	CHECK_INT(ngot, 1);
	CHECK_INT(got[0].nframes, 3);
	CHECK(got_frames[0][0] == 0xffffffff81000001ull);
	CHECK(got_frames[0][2] == 0xffffffff81000003ull);
	/* a stack with no drop before it on its CPU belongs to nothing */
	stack(f, 2, 112);
	stack(f, 5, 113);
	CHECK_INT(follow_stats(f)->orphan_stacks, 2);
	/* a second drop on the CPU sends the first out without a stack */
	drop(f, 0xc00, 120, 2);
	drop(f, 0xd00, 121, 2);
	CHECK_INT(ngot, 2);
	CHECK(got[1].skbaddr == 0xc00 && got[1].nframes == 0);
	/* a loss on the CPU, too; another CPU's drop waits on its own */
	drop(f, 0xe00, 122, 3);
	follow_event(f, &(struct ftnet_event){ .type = EV_LOST, .cpu = 2, .count = 5 });
	CHECK_INT(ngot, 3);
	CHECK(got[2].skbaddr == 0xd00);
	/* one tick keeps a drop waiting (its stack may be unread yet), two send it */
	follow_tick(f, 200);
	CHECK_INT(ngot, 3);
	follow_tick(f, 300);
	CHECK_INT(ngot, 4);
	CHECK(got[3].skbaddr == 0xe00);
	follow_free(f);
}

static void test_lost_and_delivered(void)
{
	struct follow *f = table(16, false);
	struct ftnet_event ev;

	loopback(f, 0xa00, 100, 0);
	follow_event(f, &(struct ftnet_event){ .type = EV_LOST, .cpu = 1, .count = 1 });
	ev = ev_of(EV_COPY, DIR_RECEIVED, "skb_copy_datagram_iovec", "", 0xa00, 150, 1);
	ev.pid = 4242;
	snprintf(ev.comm, sizeof(ev.comm), "server");
	follow_event(f, &ev);
	CHECK_INT(ngot, 1);
	CHECK_INT(got[0].verdict, FV_DELIVERED);
	CHECK(got[0].read && got[0].pid == 4242);
	CHECK_STR(got[0].comm, "server");
	CHECK(got[0].lost);		/* steps may be missing */
	loopback(f, 0xa00, 200, 0);	/* began after the loss: complete */
	drop(f, 0xa00, 210, 0);
	CHECK(!got[1].lost);
	follow_free(f);
}

/* sk_data_ready: queued to a socket, for the skb its CPU received last in the same task. */
static void test_data_ready(void)
{
	struct follow *f = table(16, false);
	struct ftnet_event ready;

	memset(&ready, 0, sizeof(ready));
	ready.type = EV_DATA_READY;
	ready.event = "sk_data_ready";
	ready.protocol = 17;
	ready.pid = 100;
	ready.cpu = 0;
	ready.ts = 106;
	loopback(f, 0xa00, 100, 0);
	follow_event(f, &ready);
	loopback(f, 0xb00, 200, 1);
	ready.cpu = 1;
	ready.pid = 999;		/* another task: not tied to the receive */
	ready.ts = 206;
	follow_event(f, &ready);
	CHECK_INT(follow_stats(f)->ready_unknown, 1);
	CHECK_INT(ngot, 0);
	/* no read seen (UDP copies linear skbs where no tracepoint fires): at expiry it was
	 * delivered all the same; the other one expired */
	follow_tick(f, 2000000000ull);
	CHECK_INT(ngot, 2);
	CHECK_INT(got[0].verdict, FV_DELIVERED);
	CHECK(got[0].queued && !got[0].read && got[0].sock_protocol == 17);
	CHECK_INT(got[0].nsteps, 6);
	CHECK_STR(got[0].steps[5].name, "sk_data_ready");
	CHECK_INT(got[1].verdict, FV_EXPIRED);
	CHECK(!got[1].reused);
	follow_free(f);
}

/* nf_hook_slow on lo at a hook of IPv4 (known: BTF gave the hook state's offsets) */
enum { NF_INET_PRE_ROUTING, NF_INET_LOCAL_IN, NF_INET_FORWARD, NF_INET_LOCAL_OUT,
       NF_INET_POST_ROUTING };

static void nf(struct follow *f, uint64_t skb, uint64_t ts, int hook, bool known)
{
	struct ftnet_event ev = ev_of(EV_SKB, DIR_NONE, "nf_hook_slow", "lo", skb, ts, 0);

	ev.nf_known = known;
	ev.nf_hook = known ? (uint8_t)hook : 0;
	ev.nf_pf = known ? 2 : 0;
	follow_event(f, &ev);
}

/* An address freed where no tracepoint fires comes back on a new skb: a path of its own. */
static void test_reuse(void)
{
	struct follow *f = table(16, false);

	loopback(f, 0xa00, 100, 0);	/* a pure ACK, freed unseen */
	loopback(f, 0xa00, 200, 0);	/* the next skb at that address */
	CHECK_INT(ngot, 1);
	CHECK_INT(got[0].verdict, FV_EXPIRED);
	CHECK(got[0].reused);
	CHECK_INT(got[0].nsteps, 5);
	/* received on eth0, then sent on eth0: another skb; sent on eth1: forwarded */
	feed(f, EV_SKB, DIR_RECEIVED, "napi_gro_receive_entry", "eth0", 0xc00, 300, 0);
	feed(f, EV_RX, DIR_RECEIVED, "netif_receive_skb", "eth0", 0xc00, 301, 0);
	feed(f, EV_SKB, DIR_SENT, "net_dev_queue", "eth1", 0xc00, 302, 0);
	feed(f, EV_CONSUME, DIR_NONE, "consume_skb", "", 0xc00, 303, 0);
	CHECK_INT(ngot, 2);
	CHECK_INT(got[1].nsteps, 4);
	feed(f, EV_RX, DIR_RECEIVED, "netif_receive_skb", "eth0", 0xd00, 400, 0);
	feed(f, EV_SKB, DIR_SENT, "net_dev_queue", "eth0", 0xd00, 401, 0);
	CHECK_INT(ngot, 3);
	CHECK(got[2].reused && got[2].nsteps == 1);
	CHECK_INT(follow_stats(f)->reused, 2);
	/* a local packet's first steps have no device: a second ip_output is the next skb's */
	feed(f, EV_SKB, DIR_SENT, "ip_output", "", 0xe00, 500, 0);
	loopback(f, 0xe00, 501, 0);
	feed(f, EV_SKB, DIR_RECEIVED, "tcp_v4_rcv", "lo", 0xe00, 506, 0);
	feed(f, EV_SKB, DIR_SENT, "ip_output", "", 0xe00, 600, 0);
	CHECK_INT(ngot, 4);
	CHECK(got[3].reused && got[3].nsteps == 7);
	CHECK_STR(got[3].steps[6].name, "tcp_v4_rcv");
	feed(f, EV_SKB, DIR_SENT, "net_dev_queue", "lo", 0xe00, 601, 0);
	feed(f, EV_CONSUME, DIR_NONE, "consume_skb", "", 0xe00, 602, 0);
	CHECK_INT(ngot, 5);
	CHECK(!got[4].reused && got[4].nsteps == 3);
	CHECK_STR(got[4].steps[0].name, "ip_output");
	CHECK_INT(follow_stats(f)->reused, 3);
	/* netfilter: several hooks on one device are one skb's, the same hook again is not */
	nf(f, 0xf00, 700, NF_INET_POST_ROUTING, true);
	nf(f, 0xf00, 701, NF_INET_PRE_ROUTING, true);
	nf(f, 0xf00, 702, NF_INET_LOCAL_IN, true);
	CHECK_INT(ngot, 5);
	nf(f, 0xf00, 703, NF_INET_LOCAL_IN, true);
	CHECK_INT(ngot, 6);
	CHECK(got[5].reused && got[5].nsteps == 3);
	nf(f, 0xf00, 704, NF_INET_LOCAL_IN, false);	/* without BTF: which hook is not known */
	nf(f, 0xf00, 705, NF_INET_LOCAL_IN, false);
	CHECK_INT(ngot, 6);
	follow_free(f);
}

static void test_bounds(void)
{
	struct follow *f = table(2, false);

	feed(f, EV_RX, DIR_RECEIVED, "netif_receive_skb", "lo", 0x100, 10, 0);
	feed(f, EV_RX, DIR_RECEIVED, "netif_receive_skb", "lo", 0x200, 20, 0);
	feed(f, EV_RX, DIR_RECEIVED, "netif_receive_skb", "lo", 0x300, 30, 0);
	CHECK_INT(follow_stats(f)->no_room, 1);
	CHECK_INT(ngot, 0);
	/* once the oldest is past its expiry, a new skb takes its place */
	feed(f, EV_RX, DIR_RECEIVED, "netif_receive_skb", "lo", 0x300, 1000000015ull, 0);
	CHECK_INT(ngot, 1);
	CHECK(got[0].skbaddr == 0x100 && got[0].verdict == FV_EXPIRED);
	CHECK_INT(follow_stats(f)->no_room, 1);
	follow_finish(f);
	CHECK_INT(follow_stats(f)->in_flight, 2);
	follow_free(f);

	/* steps past the limit: the first ones and the end are kept, the rest counted */
	f = table(4, false);
	for (int i = 0; i < FOLLOW_MAX_STEPS + 10; i++) {
		char dev[16];

		snprintf(dev, sizeof(dev), "veth%d", i);
		feed(f, EV_SKB, DIR_RECEIVED, "netif_rx", dev, 0x400, 100 + i, 0);
	}
	drop(f, 0x400, 500, 0);
	CHECK_INT(ngot, 1);
	CHECK_INT(got[0].nsteps, FOLLOW_MAX_STEPS);
	CHECK_INT(got[0].omitted, 11);
	CHECK_STR(got[0].steps[FOLLOW_MAX_STEPS - 1].name, "kfree_skb");
	CHECK_STR(got[0].steps[FOLLOW_MAX_STEPS - 2].dev, "veth30");
	follow_free(f);
}

static bool only_eth1(void *arg, const struct ftnet_event *ev)
{
	(void)arg;
	return !strcmp(ev->dev, "eth1");
}

/* A packet filter's hook: paths are shown once a step matched, and stay followed after. */
static void test_match(void)
{
	struct follow_opts o = { .max_paths = 8, .expire_ns = 1000, .emit = keep,
				 .match = only_eth1 };
	struct follow *f = follow_new(&o);

	ngot = 0;
	feed(f, EV_RX, DIR_RECEIVED, "netif_receive_skb", "eth0", 0x100, 10, 0);
	feed(f, EV_SKB, DIR_SENT, "net_dev_queue", "eth1", 0x100, 11, 0);
	feed(f, EV_CONSUME, DIR_NONE, "consume_skb", "", 0x100, 12, 0);
	feed(f, EV_RX, DIR_RECEIVED, "netif_receive_skb", "eth0", 0x200, 20, 0);
	drop(f, 0x200, 21, 0);
	CHECK_INT(ngot, 1);
	CHECK(got[0].skbaddr == 0x100 && got[0].matched);
	CHECK_INT(follow_stats(f)->unmatched, 1);
	CHECK_INT(follow_stats(f)->ended[FV_DROPPED], 1);
	follow_free(f);
}

/* A step of a connect from 10.0.2.15:40000 to daddr:80, as a kprobe reads it. */
static void tcp_step(struct follow *f, const char *name, uint64_t ts, const char *daddr)
{
	struct ftnet_event ev = ev_of(EV_SKB, DIR_SENT, name, "", 0x300, ts, 0);

	ev.family = AF_INET;
	ev.ipproto = 6;
	ev.pkt_known = PKT_FAMILY | PKT_SADDR | PKT_DADDR | PKT_PROTO | PKT_SPORT | PKT_DPORT;
	inet_pton(AF_INET, "10.0.2.15", ev.saddr);
	inet_pton(AF_INET, daddr, ev.daddr);
	ev.sport = 40000;
	ev.dport = 80;
	follow_event(f, &ev);
}

static const struct follow_path *print_path;

static void print_last(const void *arg)
{
	(void)arg;
	follow_out_path(print_path, NULL);
}

/*
 * A DNAT at the output hook: the path keeps the flow its first step read, and the first step
 * that read another says what it became, once; a step that lost its fields changes nothing.
 */
static void test_rewrite(void)
{
	struct out_opts o = { .mode = OUT_TEXT };
	struct follow *f = table(4, false);
	struct ftnet_event ev;

	tcp_step(f, "nf_hook_slow", 10, "10.10.20.99");
	tcp_step(f, "ip_output", 11, "10.10.14.2");
	ev = ev_of(EV_SKB, DIR_SENT, "ip_finish_output", "", 0x300, 12, 0);
	ev.family = AF_INET;
	ev.ipproto = 6;
	ev.pkt_known = PKT_FAMILY | PKT_PROTO;	/* addresses outside the window */
	follow_event(f, &ev);
	tcp_step(f, "__dev_queue_xmit", 13, "10.10.14.2");
	feed(f, EV_CONSUME, DIR_NONE, "consume_skb", "", 0x300, 14, 0);
	CHECK_INT(ngot, 1);
	CHECK_INT(got[0].nrewrites, 1);
	CHECK_INT(got[0].rewrites[0].step, 1);
	CHECK_INT(got[0].daddr[3], 99);
	CHECK_INT(got[0].rewrites[0].daddr[3], 2);
	print_path = &got[0];
	out_init(&o);
	CHECK_STR(fixture_stdout(print_last, NULL),
		  "0.000000010 skb 0x300 tcp 10.0.2.15:40000 > 10.10.20.99:80 consumed\n"
		  "        +0.000us  nf_hook_slow             -          cpu 0\n"
		  "        +0.001us  ip_output                -          cpu 0 rewritten to tcp 10.0.2.15:40000 > 10.10.14.2:80\n"
		  "        +0.002us  ip_finish_output         -          cpu 0\n"
		  "        +0.003us  __dev_queue_xmit         -          cpu 0\n"
		  "        +0.004us  consume_skb              -          cpu 0\n\n");
	o.mode = OUT_JSON;
	out_init(&o);
	CHECK(strstr(fixture_stdout(print_last, NULL),
		     "{\"t_ns\":1,\"step\":\"ip_output\",\"cpu\":0,\"rewritten\":{\"family\":\"ipv4\","
		     "\"ipproto\":\"tcp\",\"saddr\":\"10.0.2.15\",\"sport\":40000,"
		     "\"daddr\":\"10.10.14.2\",\"dport\":80}}") != NULL);
	follow_free(f);
}

static void test_output(void)
{
	struct out_opts o = { .mode = OUT_JSON };
	struct follow *f = table(4, true);

	feed(f, EV_RX, DIR_RECEIVED, "netif_receive_skb", "lo", 0xa00, 1000, 1);
	drop(f, 0xa00, 3500, 1);
	stack(f, 1, 3501);
	print_path = &got[0];
	got[0].frames = got_frames[0];
	out_init(&o);
	CHECK_STR(fixture_stdout(print_last, NULL),
		  "{\"type\":\"path\",\"ts_ns\":1000,\"skbaddr\":\"0xa00\",\"verdict\":\"dropped\","
		  "\"reason\":\"NO_SOCKET\",\"reason_code\":3,\"location\":\"0xffffffff81001234\","
		  "\"location_addr\":\"0xffffffff81001234\",\"address_reused\":false,"
		  "\"duration_ns\":2500,\"steps_omitted\":0,\"events_lost\":false,\"steps\":["
		  "{\"t_ns\":0,\"step\":\"netif_receive_skb\",\"dev\":\"lo\",\"cpu\":1},"
		  "{\"t_ns\":2500,\"step\":\"kfree_skb\",\"cpu\":1}],\"stack\":["
		  "\"0xffffffff81000001\",\"0xffffffff81000002\",\"0xffffffff81000003\"]}\n");
	o.mode = OUT_TEXT;
	out_init(&o);
	CHECK_STR(fixture_stdout(print_last, NULL),
		  "0.000001000 skb 0xa00 dropped NO_SOCKET at 0xffffffff81001234\n"
		  "        +0.000us  netif_receive_skb        lo         cpu 1\n"
		  "        +2.500us  kfree_skb                -          cpu 1\n"
		  "                  0xffffffff81000001\n"
		  "                  0xffffffff81000002\n"
		  "                  0xffffffff81000003\n\n");
	follow_free(f);
}

int main(void)
{
	datadir = getenv("TESTDATA");
	if (!datadir)
		datadir = "tests/data";
	test_steps("6.18");
	test_steps("6.1");
	test_steps("5.10");
	test_stack_decode();
	test_exit_comm();
	test_drop_paths();
	test_stacks();
	test_lost_and_delivered();
	test_data_ready();
	test_reuse();
	test_bounds();
	test_match();
	test_output();
	test_rewrite();
	printf("follow: %d checks, %d failed\n", tap_run, tap_failed);
	return tap_failed ? 1 : 0;
}
