// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diagnose's findings from evidence laid out by hand: a cause absorbs what it explains and
 * ranks above what no cause explains; its object, evidence and next steps are exact.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "diagnose/diag.h"
#include "kernel/ksyms.h"
#include "tap.h"
#include "view/agg.h"

static const char syms[] =
	"ffffffff81000000 T nft_do_chain\n"
	"ffffffff81001000 T __dev_forward_skb2\n"
	"ffffffff81002000 T tcp_v4_rcv\n"
	"ffffffff81003000 T icmp_rcv\n"
	"ffffffff81004000 T __udp4_lib_rcv\n"
	"ffffffff81005000 T nf_hook_slow\n";

static struct diag *diag_new(void)
{
	struct diag *d = xcalloc(1, sizeof(*d));

	d->drops = agg_new(sizeof(struct drop_key), 100);
	d->ks = ksyms_parse(syms, strlen(syms));
	d->start_us = UINT64_MAX;	/* nothing of this machine's kernel log */
	return d;
}

static void drops(struct diag *d, int reason, const char *name, uint64_t loc, uint64_t n)
{
	struct drop_key k = { .reason = reason, .location = loc };

	agg_add(d->drops, &k, n, 0);
	free(d->reasons[reason]);
	d->reasons[reason] = xstrdup(name);
}

static void counter(struct snapshot *s, const char *name, uint64_t v)
{
	s->kv = xrealloc(s->kv, (s->nkv + 1) * sizeof(*s->kv));
	snprintf(s->kv[s->nkv].name, sizeof(s->kv[0].name), "%s", name);
	s->kv[s->nkv++].value = v;
}

#define RULESET(n) "table inet fw { # handle 1\n\tchain input { # handle 1\n" \
	"\t\ttype filter hook input priority filter; policy accept;\n" \
	"\t\ttcp dport 5201 counter packets " n " bytes 100 drop # handle 4\n\t}\n}\n"

/* The rule whose counter moved with the drops explains the retransmissions and their
 * counter; a UDP counter no cause explains comes after it. */
static void test_rule_explains(void)
{
	struct diag *d = diag_new();
	const struct finding *f = d->f;

	d->netns = "blue";
	drops(d, 12, "NETFILTER_DROP", 0xffffffff81000010ull, 40);
	d->before.nft = xstrdup(RULESET("2"));
	d->after.nft = xstrdup(RULESET("42"));
	d->retrans = 30;
	for (int i = 0; i < 30; i++)
		diag_count_port(d, PC_RETRANS, 6, 5201, NULL);
	counter(&d->before, "TcpRetransSegs", 10);
	counter(&d->before, "UdpSndbufErrors", 0);
	counter(&d->after, "TcpRetransSegs", 40);
	counter(&d->after, "UdpSndbufErrors", 5);
	diag_findings(d);
	CHECK_INT(d->n, 2);
	CHECK_INT(f[0].cls, CL_CAUSE);
	CHECK_INT(f[0].kind, OBJ_RULE);
	CHECK_INT(f[0].packets, 40);
	CHECK_STR(f[0].reason, "NETFILTER_DROP");
	CHECK_STR(f[0].object, "nft rule 'tcp dport 5201 counter drop' (table inet fw, chain "
		  "input, handle 4)");
	CHECK_STR(f[0].title, "nft rule 'tcp dport 5201 counter drop' (table inet fw, chain "
		  "input, handle 4): the firewall (nftables or iptables) dropped the packets (40 "
		  "packets dropped)");
	CHECK_INT(f[0].nev, 2);
	CHECK_STR(f[0].ev[0].text, "NETFILTER_DROP at nft_do_chain+0x10: 40");
	CHECK_STR(f[0].ev[1].text, "rule handle 4 counter +40");
	CHECK_INT(f[0].nex, 2);
	CHECK_STR(f[0].ex[0].text, "TcpRetransSegs +30");
	CHECK_STR(f[0].ex[1].text, "30 retransmissions (30 to port 5201)");
	CHECK_INT(f[0].nnext, 2);
	CHECK_STR(f[0].next[0], "ip netns exec blue nft -a list ruleset");
	CHECK_STR(f[0].next[1], "ftnet nftrace --netns blue -d 5");
	CHECK_INT(f[1].cls, CL_SYMPTOM);
	CHECK_STR(f[1].title, "UdpSndbufErrors +5: UDP sends failed: send buffer or device queue "
		  "full");
	diag_free(d);
}

static void add_link(struct snapshot *s, const char *name, uint64_t rx_dropped, uint32_t mtu)
{
	s->links = xrealloc(s->links, (s->nlinks + 1) * sizeof(*s->links));
	memset(&s->links[s->nlinks], 0, sizeof(s->links[0]));
	snprintf(s->links[s->nlinks].name, sizeof(s->links[0].name), "%s", name);
	s->links[s->nlinks].rx_dropped = rx_dropped;
	s->links[s->nlinks++].mtu = mtu;
}

/* NOT_SPECIFIED at the forwarding check of a veth is the MTU of the device that dropped; its
 * rx_dropped is that finding's, not a symptom of its own. */
static void test_mtu_site(void)
{
	struct diag *d = diag_new();
	const struct finding *f = d->f;

	drops(d, 2, "NOT_SPECIFIED", 0xffffffff81001089ull, 300);
	add_link(&d->before, "fb1", 0, 1400);
	add_link(&d->after, "fb1", 300, 1400);
	diag_findings(d);
	CHECK_INT(d->n, 1);
	CHECK_INT(f[0].cls, CL_CAUSE);
	CHECK_INT(f[0].kind, OBJ_MTU);
	CHECK_STR(f[0].reason, "MTU_EXCEEDED");
	CHECK_STR(f[0].title, "device fb1, MTU 1400: frames larger than the receiving device's MTU "
		  "were dropped as they crossed the link: its two ends disagree on the MTU (300 "
		  "packets dropped)");
	CHECK_STR(f[0].next[0], "ip link show dev fb1");
	diag_free(d);
}

/* A drop without a reason ranks below a cause with fewer packets. */
static void test_unknown_below_cause(void)
{
	struct diag *d = diag_new();
	const struct finding *f = d->f;

	drops(d, 2, "NOT_SPECIFIED", 0xffffffff81002010ull, 500);
	drops(d, 10, "TCP_CSUM", 0xffffffff81002020ull, 20);
	diag_findings(d);
	CHECK_INT(d->n, 2);
	CHECK_STR(f[0].reason, "TCP_CSUM");
	CHECK_INT(f[0].cls, CL_CAUSE);
	CHECK_STR(f[1].reason, "NOT_SPECIFIED");
	CHECK_INT(f[1].cls, CL_UNKNOWN);
	CHECK_STR(f[1].next[f[1].nnext - 1], "ftnet capture --drops -d 5");
	diag_free(d);
}


/* NO_SOCKET at icmp_rcv is echo replies a raw socket's ping read from its own copy: shown,
 * below a port nobody listens on, whatever their numbers. */
static void test_echo_replies(void)
{
	struct diag *d = diag_new();
	const struct finding *f = d->f;

	drops(d, 2, "NO_SOCKET", 0xffffffff810031b1ull, 400);
	drops(d, 2, "NO_SOCKET", 0xffffffff81004100ull, 30);
	diag_findings(d);
	CHECK_INT(d->n, 2);
	CHECK_INT(f[0].cls, CL_CAUSE);
	CHECK_INT(f[0].kind, OBJ_PORT);
	CHECK_INT(f[0].packets, 30);
	CHECK_INT(f[1].cls, CL_SYMPTOM);
	CHECK_INT(f[1].packets, 400);
	CHECK_STR(f[1].title, "ICMP echo replies came that no ping socket took: replies to a ping that reads them on a raw socket of its own (busybox, iputils without ping sockets), which got its copy (400 packets dropped)");
	CHECK_STR(f[1].ev[0].text, "NO_SOCKET at icmp_rcv+0x1b1: 400");
	diag_free(d);
}

#define RULESET2(a, b) "table inet fw { # handle 1\n\tchain input { # handle 1\n" \
	"\t\ttype filter hook input priority filter; policy accept;\n" \
	"\t\ttcp dport 5201 counter packets " a " bytes 100 drop # handle 4\n" \
	"\t\tip saddr 10.9.0.0/16 counter packets " b " bytes 100 drop # handle 5\n\t}\n}\n"

/* Two rules share the drops: the one that moved most is the object, the other is shown with
 * its own share, not left out. */
static void test_two_rules(void)
{
	struct diag *d = diag_new();
	const struct finding *f = d->f;

	drops(d, 12, "NETFILTER_DROP", 0xffffffff81000010ull, 50);
	d->before.nft = xstrdup(RULESET2("0", "0"));
	d->after.nft = xstrdup(RULESET2("15", "35"));
	diag_findings(d);
	CHECK_INT(d->n, 1);
	CHECK_STR(f[0].object, "nft rule 'ip saddr 10.9.0.0/16 counter drop' (table inet fw, chain input, handle 5)");
	CHECK_INT(f[0].nev, 3);
	CHECK_STR(f[0].ev[1].text, "rule handle 5 counter +35");
	CHECK_STR(f[0].ev[2].text, "also nft rule 'tcp dport 5201 counter drop' (table inet fw, chain input, handle 4): counter +15");
	diag_free(d);
}

/*
 * A rule and the full conntrack table drop at the same hook: 100 of the 300 NETFILTER_DROP
 * drops are the rule's (its counter), the other 200 the table's (it refused 200). Both are
 * shown, each with its share; the table, which explains more, ranks first.
 */
static void test_rule_and_table(void)
{
	struct diag *d = diag_new();
	const struct finding *f = d->f;

	drops(d, 12, "NETFILTER_DROP", 0xffffffff81005010ull, 200);
	drops(d, 12, "NETFILTER_DROP", 0xffffffff81000010ull, 100);
	d->before.nft = xstrdup(RULESET("0"));
	d->after.nft = xstrdup(RULESET("100"));
	d->before.ct.present = d->after.ct.present = true;
	d->after.ct.count = 64;
	d->after.ct.drop = 200;
	diag_findings(d);
	CHECK_INT(d->n, 2);
	CHECK_INT(f[0].kind, OBJ_CONNTRACK);
	CHECK_INT(f[0].packets, 200);
	CHECK(strstr(f[0].title, "the conntrack table is full: new flows are dropped (200 packets dropped)") != NULL);
	CHECK_STR(f[0].ev[f[0].nev - 1].text, "200 of the 300 NETFILTER_DROP drops were no rule's "
		  "(the rules' counters moved 100)");
	CHECK_INT(f[1].kind, OBJ_RULE);
	CHECK_INT(f[1].packets, 100);
	CHECK_STR(f[1].title, "nft rule 'tcp dport 5201 counter drop' (table inet fw, chain input, "
		  "handle 4): the firewall (nftables or iptables) dropped the packets (100 of the 300 "
		  "packets dropped at the hook)");
	CHECK_STR(f[1].ev[f[1].nev - 1].text, "of the 300 NETFILTER_DROP drops, the rule's counter "
		  "explains 100; the conntrack table was full meanwhile and dropped 200");
	CHECK(!f[0].absorbed && !f[1].absorbed);
	diag_free(d);
}

static void nic(struct snapshot *s, const char *dev, const char *name, uint64_t v)
{
	s->nic = xrealloc(s->nic, (s->nnic + 1) * sizeof(*s->nic));
	snprintf(s->nic[s->nnic].dev, sizeof(s->nic[0].dev), "%s", dev);
	snprintf(s->nic[s->nnic].name, sizeof(s->nic[0].name), "%s", name);
	s->nic[s->nnic++].value = v;
}

/* A driver's counters: losses in the NIC and damage on the wire are two findings of the device,
 * each as many packets as its counter that moved most; pause frames and traffic are neither. */
static void test_nic(void)
{
	static const struct { const char *name; uint64_t before, after; } c[] = {
		{ "rx_no_buffer_count", 7, 47 }, { "rx_missed_errors", 0, 40 },
		{ "rx_fifo_errors", 0, 0 }, { "tx_packets", 10, 110 },
		{ "eth-mac-FrameCheckSequenceErrors", 1, 4 }, { "rmon-etherStatsJabbers", 0, 2 },
		{ "pause-rx_pause_frames", 0, 1 }, { "eth-mac-FramesReceivedOK", 5, 500 },
	};
	struct diag *d = diag_new();
	const struct finding *f = d->f;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		nic(&d->before, "eth1", c[i].name, c[i].before);
		nic(&d->after, "eth1", c[i].name, c[i].after);
	}
	diag_findings(d);
	CHECK_INT(d->n, 2);
	CHECK_STR(f[0].reason, "NIC");
	CHECK_STR(f[0].title, "device eth1: its driver counted packets lost on the NIC (40 packets)");
	CHECK_INT(f[0].nev, 2);
	CHECK_STR(f[0].ev[0].text, "rx_no_buffer_count +40");
	CHECK_STR(f[0].ev[1].text, "rx_missed_errors +40");
	CHECK_STR(f[0].next[0], "ftnet counters -c 1");
	CHECK_STR(f[1].reason, "NIC wire");
	CHECK_STR(f[1].title, "device eth1: frames came in damaged (CRC, alignment, symbol or length "
		  "errors) (3 packets)");
	CHECK_INT(f[1].nev, 2);
	CHECK_STR(f[1].ev[1].text, "rmon-etherStatsJabbers +2");
	diag_free(d);
}

int main(void)
{
	test_rule_explains();
	test_mtu_site();
	test_unknown_below_cause();
	test_echo_replies();
	test_two_rules();
	test_rule_and_table();
	test_nic();
	printf("diagnose: %d checks, %d failed\n", tap_run, tap_failed);
	return tap_failed ? 1 : 0;
}
