// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Flows for drops from tracepoints (source/ident.c): records built on this kernel's formats
 * (tests/data/linux-6.18), fed in order as the session feeds them, and what each drop carries.
 * The cases that must lend nothing matter most: an skb address used again by another packet,
 * a record between a pair, another CPU, too late, a reason of another path, a socket gone.
 */
#include <arpa/inet.h>
#include <event-parse.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/util.h"
#include "decode/decode.h"
#include "fixtures.h"
#include "net/pkt.h"
#include "source/ident.h"
#include "tap.h"
#include "base/out.h"
#include "view/top-view.h"

#define SKB 0xffff888100a1b200ull
#define SK 0xffff888104c0d000ull
#define US 1000ull	/* ns */

static struct tep_handle *tep;
static struct decoder *dec;
static struct ident *id;

/* The session's order: every record ticks its CPU, drops take, the others teach. */
static struct ftnet_event feed(struct raw *r, int cpu, uint64_t ts)
{
	struct tep_record rec = { .ts = ts, .cpu = cpu, .data = r->data, .size = r->size };
	struct ftnet_event ev;

	ident_tick(id, cpu);
	if (decode_record(dec, &rec, &ev) != 1) {
		CHECK(!"decoded");
		memset(&ev, 0, sizeof(ev));
		return ev;
	}
	if (ev.type == EV_DROP && !ev.internal)
		ident_drop(id, &ev);
	else
		ident_learn(id, &ev);
	return ev;
}

static void sockaddr4(uint8_t sa[28], const char *addr, uint16_t port)
{
	uint16_t fam = AF_INET, p = htons(port);

	memset(sa, 0, 28);
	memcpy(sa, &fam, 2);
	memcpy(sa + 2, &p, 2);
	inet_pton(AF_INET, addr, sa + 4);
}

/* An event with sockaddr fields saddr, daddr: the packet's or the socket's, by the event. */
static void raw_flow(struct raw *r, const char *sys, const char *name, const char *s,
		     uint16_t sp, const char *d, uint16_t dp)
{
	uint8_t sa[28], da[28];

	raw_init(r, tep, sys, name, 100);
	sockaddr4(sa, s, sp);
	sockaddr4(da, d, dp);
	raw_bytes(r, "saddr", sa, 28);
	raw_bytes(r, "daddr", da, 28);
	if (tep_find_field(r->e, "family"))
		raw_set(r, "family", AF_INET);
}

static void raw_drop(struct raw *r, uint64_t skb, uint64_t sk, const char *reason)
{
	long long v = 0;

	raw_init(r, tep, "skb", "kfree_skb", 100);
	raw_set(r, "skbaddr", skb);
	raw_set(r, "rx_sk", sk);
	raw_set(r, "location", 0xffffffff81000000ull);
	raw_set(r, "protocol", 0x0800);
	if (decode_symbol_value(r->e, "reason", reason, &v) < 0)
		CHECK(!"a reason of this kernel");
	raw_set(r, "reason", (uint64_t)v);
}

static void raw_rx(struct raw *r, uint64_t skb, const char *dev)
{
	raw_init(r, tep, "net", "netif_receive_skb", 100);
	raw_set(r, "skbaddr", skb);
	raw_set(r, "len", 60);
	raw_str(r, "name", dev);
}

static void check_flow(const struct ftnet_event *ev, int from, const char *s, int sp,
		       const char *d, int dp)
{
	char a[INET_ADDRSTRLEN] = "", b[INET_ADDRSTRLEN] = "";

	CHECK_INT(ev->flow_from, from);
	if (ev->pkt_known & PKT_SADDR)
		inet_ntop(AF_INET, ev->saddr, a, sizeof(a));
	if (ev->pkt_known & PKT_DADDR)
		inet_ntop(AF_INET, ev->daddr, b, sizeof(b));
	CHECK_STR(a, s);
	CHECK_STR(b, d);
	CHECK_INT(ev->pkt_known & PKT_SPORT ? ev->sport : -1, sp);
	CHECK_INT(ev->pkt_known & PKT_DPORT ? ev->dport : -1, dp);
}

static void start(void)
{
	ident_free(id);
	id = ident_new(false);
}

/* udp_fail_queue_rcv_skb, then the drop as the very next record of that CPU. */
static void test_udp(void)
{
	struct ftnet_event ev;
	struct raw u, d, other;

	raw_flow(&u, "udp", "udp_fail_queue_rcv_skb", "10.0.0.2", 5353, "10.0.0.1", 53);
	raw_set(&u, "rc", (uint64_t)-12);
	raw_drop(&d, SKB, SK, "SOCKET_RCVBUFF");
	start();
	feed(&u, 1, 100 * US);
	ev = feed(&d, 1, 102 * US);
	check_flow(&ev, FLOW_UDP_FAIL, "10.0.0.2", 5353, "10.0.0.1", 53);
	CHECK_INT(ev.ipproto, IPPROTO_UDP);
	CHECK(ev.pkt && ev.pkt_len == 28);	/* IPv4 and UDP headers, for filters */
	/* once: the next drop of the CPU is another datagram's */
	ev = feed(&d, 1, 103 * US);
	CHECK_INT(ev.flow_from, FLOW_NONE);
	CHECK(!ev.family && !ev.pkt);

	/* a record between them on that CPU: they are no pair */
	raw_rx(&other, SKB + 0x100, "eth0");
	feed(&u, 1, 200 * US);
	feed(&other, 1, 201 * US);
	CHECK_INT(feed(&d, 1, 202 * US).flow_from, FLOW_NONE);
	/* another CPU's drop, and one too late */
	feed(&u, 1, 300 * US);
	CHECK_INT(feed(&d, 0, 301 * US).flow_from, FLOW_NONE);
	feed(&u, 0, 400 * US);
	CHECK_INT(feed(&d, 0, 400 * US + IDENT_PAIR_NS + 1).flow_from, FLOW_NONE);
	/* a drop of another reason: not the datagram the socket could not take */
	raw_drop(&d, SKB, SK, "NETFILTER_DROP");
	feed(&u, 1, 500 * US);
	CHECK_INT(feed(&d, 1, 501 * US).flow_from, FLOW_NONE);
}

/* tcp_bad_csum and tcp_send_reset name the skb about to be dropped; reuse lends nothing. */
static void test_tcp_skb(void)
{
	struct ftnet_event ev;
	struct raw c, rst, d, rx;

	raw_flow(&c, "tcp", "tcp_bad_csum", "10.0.0.2", 40000, "10.0.0.1", 80);
	raw_set(&c, "skbaddr", SKB);
	raw_drop(&d, SKB, 0, "TCP_CSUM");
	raw_rx(&rx, SKB, "eth7");
	start();
	feed(&rx, 1, 90 * US);
	feed(&c, 1, 100 * US);
	ev = feed(&d, 1, 101 * US);
	check_flow(&ev, FLOW_TCP_EVENT, "10.0.0.2", 40000, "10.0.0.1", 80);
	CHECK_STR(ev.dev, "eth7");

	/*
	 * The reuse case: the segment tcp_bad_csum named was freed unseen and the address given
	 * to a packet going out, dropped by a firewall before any device saw it: no flow, no
	 * device (the last receive at that address was another packet's).
	 */
	feed(&rx, 1, 190 * US);
	feed(&c, 1, 200 * US);
	raw_drop(&d, SKB, 0, "NETFILTER_DROP");
	ev = feed(&d, 1, 201 * US);
	CHECK_INT(ev.flow_from, FLOW_NONE);
	CHECK_STR(ev.dev, "");
	/* received again at that address after the event: another packet's drop */
	raw_drop(&d, SKB, 0, "TCP_CSUM");
	feed(&c, 1, 300 * US);
	feed(&rx, 0, 301 * US);
	ev = feed(&d, 1, 302 * US);
	CHECK_INT(ev.flow_from, FLOW_NONE);
	CHECK_STR(ev.dev, "eth7");	/* the new packet's own receive */
	/* another address, another CPU */
	feed(&c, 1, 400 * US);
	raw_drop(&d, SKB + 0x100, 0, "TCP_CSUM");
	CHECK_INT(feed(&d, 1, 401 * US).flow_from, FLOW_NONE);
	raw_drop(&d, SKB, 0, "TCP_CSUM");
	CHECK_INT(feed(&d, 0, 402 * US).flow_from, FLOW_NONE);

	/* a reset for a segment with no socket: its flow is the reset's, turned round */
	raw_init(&rst, tep, "tcp", "tcp_send_reset", 100);
	{
		uint8_t sa[28], da[28];

		sockaddr4(sa, "10.0.0.1", 80);
		sockaddr4(da, "10.0.0.2", 40001);
		raw_bytes(&rst, "saddr", sa, 28);
		raw_bytes(&rst, "daddr", da, 28);
	}
	raw_set(&rst, "skbaddr", SKB);
	raw_drop(&d, SKB, 0, "NO_SOCKET");
	feed(&rst, 1, 500 * US);
	ev = feed(&d, 1, 501 * US);
	check_flow(&ev, FLOW_TCP_EVENT, "10.0.0.2", 40001, "10.0.0.1", 80);
	/* the reset's skb used again for a packet dropped on its way out */
	raw_drop(&d, SKB, 0, "NETFILTER_DROP");
	feed(&rst, 1, 600 * US);
	CHECK_INT(feed(&d, 1, 601 * US).flow_from, FLOW_NONE);
}

static void raw_state(struct raw *r, uint64_t sk, int oldstate, int newstate, const char *local,
		      uint16_t lport, const char *remote, uint16_t rport)
{
	raw_init(r, tep, "sock", "inet_sock_set_state", 100);
	raw_set(r, "skaddr", sk);
	raw_set(r, "oldstate", oldstate);
	raw_set(r, "newstate", newstate);
	raw_set(r, "sport", lport);
	raw_set(r, "dport", rport);
	raw_set(r, "family", AF_INET);
	raw_set(r, "protocol", IPPROTO_TCP);
	inet_pton(AF_INET, local, r->data + tep_find_field(r->e, "saddr")->offset);
	inet_pton(AF_INET, remote, r->data + tep_find_field(r->e, "daddr")->offset);
}

/* A drop's rx_sk: the socket its events named, until its end. */
static void test_rx_sk(void)
{
	struct ftnet_event ev;
	struct raw st, d, probe, gone;

	start();
	/* a listener knows its own end only */
	raw_state(&st, SK, 7, 10, "10.0.0.1", 80, "0.0.0.0", 0);
	raw_drop(&d, SKB, SK, "TCP_LISTEN_OVERFLOW");
	feed(&st, 0, 10 * US);
	ev = feed(&d, 1, 20 * US);
	check_flow(&ev, FLOW_RX_SK, "", -1, "10.0.0.1", 80);
	CHECK(!ev.pkt_len || ev.pkt_len < 20);	/* a filter on the source cannot match */

	/* a connection from tcp_probe (with its cookie), received on: remote to local */
	raw_flow(&probe, "tcp", "tcp_probe", "10.0.0.1", 80, "10.0.0.9", 33000);
	raw_set(&probe, "skaddr", SK + 0x800);
	raw_set(&probe, "skbaddr", SKB + 0x200);
	raw_set(&probe, "sock_cookie", 77);
	feed(&probe, 0, 30 * US);
	raw_drop(&d, SKB + 0x300, SK + 0x800, "TCP_ZEROWINDOW");
	ev = feed(&d, 0, 40 * US);
	check_flow(&ev, FLOW_RX_SK, "10.0.0.9", 33000, "10.0.0.1", 80);
	/* tcp_probe's skb is never lent: dropped without rx_sk, it is another packet */
	raw_drop(&d, SKB + 0x200, 0, "NETFILTER_DROP");
	CHECK_INT(feed(&d, 0, 41 * US).flow_from, FLOW_NONE);

	/* its end: the address may be another socket's next */
	raw_init(&gone, tep, "tcp", "tcp_destroy_sock", 100);
	raw_set(&gone, "skaddr", SK + 0x800);
	feed(&gone, 1, 50 * US);
	raw_drop(&d, SKB + 0x300, SK + 0x800, "TCP_ZEROWINDOW");
	CHECK_INT(feed(&d, 0, 60 * US).flow_from, FLOW_NONE);
	/* a new socket there says so first (connect: CLOSE -> SYN_SENT) */
	raw_state(&st, SK + 0x800, 7, 2, "10.0.0.3", 41000, "10.0.0.4", 443);
	feed(&st, 1, 70 * US);
	raw_drop(&d, SKB + 0x300, SK + 0x800, "TCP_INVALID_SYN");
	ev = feed(&d, 0, 80 * US);
	check_flow(&ev, FLOW_RX_SK, "10.0.0.4", 443, "10.0.0.3", 41000);
	/* a socket nobody named */
	raw_drop(&d, SKB, SK + 0x1000, "TCP_ZEROWINDOW");
	CHECK_INT(feed(&d, 0, 90 * US).flow_from, FLOW_NONE);
}

/* The device of a drop: from the last receive of its address, for receive-side drops only. */
static void test_dev(void)
{
	struct ftnet_event ev;
	struct raw rx, d;

	start();
	raw_rx(&rx, SKB, "veth1");
	raw_drop(&d, SKB, 0, "NO_SOCKET");
	feed(&rx, 0, 10 * US);
	ev = feed(&d, 1, 20 * US);
	CHECK_STR(ev.dev, "veth1");
	CHECK_INT(ev.flow_from, FLOW_NONE);
	/* the skb ended: the next drop there has no device */
	ev = feed(&d, 1, 30 * US);
	CHECK_STR(ev.dev, "");
	/* an output drop after a receive at that address: another packet */
	feed(&rx, 0, 40 * US);
	raw_drop(&d, SKB, 0, "NETFILTER_DROP");
	CHECK_STR(feed(&d, 0, 50 * US).dev, "");
}


static void render_final(const void *arg)
{
	top_render((struct top *)arg, 1000000000ull, 1.0, true);
}

/* top --by flow: a listener's drop knows its own end only; the other shows as unknown */
static void test_top_flow(void)
{
	struct out_opts o = { .mode = OUT_JSON };
	struct ftnet_event ev;
	struct top t;
	const char *got;

	memset(&t, 0, sizeof(t));
	top_tables(&t, VIEW_DROPS, 100);
	t.drop_by = BY_FLOW;
	t.rows = 10;
	memset(&ev, 0, sizeof(ev));
	ev.type = EV_DROP;
	ev.reason = 3;
	ev.flow_from = FLOW_RX_SK;
	ev.family = AF_INET;
	ev.ipproto = 6;
	ev.pkt_known = PKT_FAMILY | PKT_PROTO | PKT_DADDR | PKT_DPORT;
	inet_pton(AF_INET, "127.0.0.1", ev.daddr);
	ev.dport = 8080;
	top_add(&t, &ev);
	out_init(&o);
	got = fixture_stdout(render_final, &t);
	CHECK(strstr(got, "\"ipproto\":\"tcp\",\"saddr\":\"unknown\",\"sport\":\"unknown\","
		  "\"daddr\":\"127.0.0.1\",\"dport\":\"8080\",\"count\":1") != NULL);
	if (!strstr(got, "\"saddr\":\"unknown\""))
		printf("# got: %s", got);
	top_release(&t);
}

int main(void)
{
	const char *datadir = getenv("TESTDATA");

	tep = fixture_load(datadir ? datadir : "tests/data", "6.18");
	if (!tep)
		return 99;
	dec = decoder_new(tep);
	test_udp();
	test_tcp_skb();
	test_rx_sk();
	test_dev();
	test_top_flow();
	ident_free(id);
	decoder_free(dec);
	tep_free(tep);
	printf("ident: %d checks, %d failed\n", tap_run, tap_failed);
	return tap_failed ? 1 : 0;
}
