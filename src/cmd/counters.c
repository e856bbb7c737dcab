// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet counters: per-interval deltas of link statistics, SNMP/netstat counters and softnet. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/commands.h"
#include "net/nl.h"
#include "base/out.h"
#include "source/session.h"
#include "base/opt.h"
#include "base/util.h"

struct counters_opts {
	bool		all, json;
	uint64_t	count;
	double		interval;
	const char	*netns;
};

static const struct opt counters_opts[] = {
	OPT_INTERVAL(struct counters_opts, interval, "interval (default 1, at least 0.1)"),
	OPT_COUNT(struct counters_opts, count, "stop after N intervals (default: until Ctrl-C)"),
	OPT_F('a', "all", struct counters_opts, all, "also devices and counters that did not move"),
	OPT_NETNS(struct counters_opts, netns),
	OPT_JSON(struct counters_opts, json),
	OPT_END,
};

const struct cmd_spec counters_spec = {
	.name = "counters",
	.about = "Prints what changed in each interval: link statistics per device (libnl),\n"
		 "/proc/net/snmp and /proc/net/netstat counters (only those that moved, like\n"
		 "nstat), /proc/net/softnet_stat per CPU (processed, dropped, time squeeze), and\n"
		 "each driver's own statistics, as 'ethtool -S' reads them (SIOCETHTOOL), with\n"
		 "the standard ones where the driver has them (ethtool netlink: eth-phy, eth-mac,\n"
		 "eth-ctrl and rmon as GROUP-Name, and pause-rx_pause_frames, pause-tx_pause_frames).\n",
	.opts = counters_opts,
	.examples = "  ftnet counters -t 5\n"
		    "  ftnet counters --netns blue -c 1 --json\n",
	.max_args = 0,
};

struct snap {
	struct link_stats	*links;
	struct counter_kv	*kv;
	struct softnet		*sn;
	struct nic_stat		*nic;
	size_t			nlinks, nkv, nsn, nnic;
};

static void snap_take(struct snap *s)
{
	if (nl_links(&s->links, &s->nlinks) < 0)
		die(EXIT_FAIL, "cannot read the link statistics over netlink");
	proc_counters(&s->kv, &s->nkv);
	proc_softnet(&s->sn, &s->nsn);
	nic_stats(s->links, s->nlinks, &s->nic, &s->nnic);
}

static void snap_free(struct snap *s)
{
	free(s->links);
	free(s->kv);
	free(s->sn);
	free(s->nic);
	memset(s, 0, sizeof(*s));
}

static const struct link_stats *find_link(const struct snap *s, const char *name)
{
	for (size_t i = 0; i < s->nlinks; i++)
		if (!strcmp(s->links[i].name, name))
			return &s->links[i];
	return NULL;
}

static void print_links(const struct snap *a, const struct snap *b, bool all)
{
	out_text("\n%-16s %12s %12s %14s %14s %8s %8s %8s %8s\n", "DEV", "RX_PACKETS",
		 "TX_PACKETS", "RX_BYTES", "TX_BYTES", "RX_ERR", "TX_ERR", "RX_DROP", "TX_DROP");
	out_open_array("links");
	for (size_t i = 0; i < b->nlinks; i++) {
		const struct link_stats *n = &b->links[i], *o = find_link(a, n->name);
		struct link_stats z = { 0 };

		if (!o)
			o = &z;
		if (!all && n->rx_packets == o->rx_packets && n->tx_packets == o->tx_packets &&
		    n->rx_dropped == o->rx_dropped && n->tx_dropped == o->tx_dropped &&
		    n->rx_errors == o->rx_errors && n->tx_errors == o->tx_errors)
			continue;
		out_open_object(NULL);
		out_str(PRINT_ANY, "dev", "%-16s ", n->name);
		out_uint(PRINT_ANY, "rx_packets", "%12" PRIu64 " ", n->rx_packets - o->rx_packets);
		out_uint(PRINT_ANY, "tx_packets", "%12" PRIu64 " ", n->tx_packets - o->tx_packets);
		out_uint(PRINT_ANY, "rx_bytes", "%14" PRIu64 " ", n->rx_bytes - o->rx_bytes);
		out_uint(PRINT_ANY, "tx_bytes", "%14" PRIu64 " ", n->tx_bytes - o->tx_bytes);
		out_uint(PRINT_ANY, "rx_errors", "%8" PRIu64 " ", n->rx_errors - o->rx_errors);
		out_uint(PRINT_ANY, "tx_errors", "%8" PRIu64 " ", n->tx_errors - o->tx_errors);
		out_uint(PRINT_ANY, "rx_dropped", "%8" PRIu64 " ", n->rx_dropped - o->rx_dropped);
		out_uint(PRINT_ANY, "tx_dropped", "%8" PRIu64 "\n", n->tx_dropped - o->tx_dropped);
		out_close_object();
	}
	out_close_array();
}

static void print_snmp(const struct snap *a, const struct snap *b, double secs, bool all)
{
	out_text("\n%-40s %14s %12s\n", "COUNTER", "DELTA", "PER_SEC");
	out_open_object("snmp");
	for (size_t i = 0; i < b->nkv && i < a->nkv; i++) {
		uint64_t d = b->kv[i].value - a->kv[i].value;

		/* gauges (CurrEstab, ...) may go down: show their value's change as signed */
		if (strcmp(b->kv[i].name, a->kv[i].name) || (!d && !all))
			continue;
		out_int(PRINT_JSON, b->kv[i].name, NULL, (int64_t)d);
		out_text("%-40s %14" PRId64 " %12.1f\n", out_esc(b->kv[i].name), (int64_t)d,
			 secs > 0 ? (int64_t)d / secs : 0);
	}
	out_close_object();
}

static void print_softnet(const struct snap *a, const struct snap *b, bool all)
{
	out_text("\n%-5s %12s %10s %12s\n", "CPU", "PROCESSED", "DROPPED", "TIME_SQUEEZE");
	out_open_array("softnet");
	for (size_t c = 0; c < b->nsn && c < a->nsn; c++) {
		uint64_t p = b->sn[c].processed - a->sn[c].processed;
		uint64_t d = b->sn[c].dropped - a->sn[c].dropped;
		uint64_t q = b->sn[c].time_squeeze - a->sn[c].time_squeeze;

		if (!all && !p && !d && !q)
			continue;
		out_open_object(NULL);
		out_uint(PRINT_ANY, "cpu", "%-5" PRIu64 " ", c);
		out_uint(PRINT_ANY, "processed", "%12" PRIu64 " ", p);
		out_uint(PRINT_ANY, "dropped", "%10" PRIu64 " ", d);
		out_uint(PRINT_ANY, "time_squeeze", "%12" PRIu64 "\n", q);
		out_close_object();
	}
	out_close_array();
}

/* The drivers' own statistics ('ethtool -S') that moved, per device. */
static void print_nic(const struct snap *a, const struct snap *b, bool all)
{
	out_text("\n%-16s %-32s %14s\n", "DEV", "NIC_COUNTER", "DELTA");
	out_open_array("nic");
	for (size_t i = 0; i < b->nnic; i++) {
		const struct nic_stat *n = &b->nic[i];
		const struct nic_stat *o = nic_stat_find(a->nic, a->nnic, n->dev, n->name);
		int64_t d = (int64_t)(n->value - (o ? o->value : 0));

		if (!d && !all)
			continue;
		out_open_object(NULL);
		out_str(PRINT_ANY, "dev", "%-16s ", n->dev);
		out_str(PRINT_ANY, "name", "%-32s ", n->name);
		out_int(PRINT_ANY, "delta", "%14" PRId64 "\n", d);
		out_close_object();
	}
	out_close_array();
}

/* One interval: what moved between snapshots a and b, secs apart. */
static void counters_print(const struct snap *a, const struct snap *b, double secs, bool all)
{
	out_begin("counters");
	out_double(PRINT_ANY, "interval_s", "interval %.2fs\n", secs);
	print_links(a, b, all);
	print_snmp(a, b, secs, all);
	print_softnet(a, b, all);
	print_nic(a, b, all);
	out_end();
	out_flush();
}

int cmd_counters(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct counters_opts o = { .interval = 1 };
	struct out_opts oo = { .mode = OUT_TEXT };
	struct snap a = { 0 }, b = { 0 };
	uint64_t done = 0;

	(void)ctx;
	opt_parse(&counters_spec, argc, argv, &o);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	if (o.netns)
		netns_or_die(o.netns);
	session_signals();
	snap_take(&a);
	while (!session_stop && (!o.count || done < o.count)) {
		uint64_t t0 = mono_ns();
		struct timespec ts = { (time_t)o.interval,
				       (long)((o.interval - (time_t)o.interval) * 1e9) };

		nanosleep(&ts, NULL);	/* Ctrl-C cuts it short: the partial interval is shown */
		snap_take(&b);
		counters_print(&a, &b, (mono_ns() - t0) / 1e9, o.all);
		snap_free(&a);
		a = b;
		memset(&b, 0, sizeof(b));
		done++;
	}
	snap_free(&a);
	return 0;
}
