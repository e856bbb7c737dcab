/* ftnet counters: per-interval deltas of link statistics, SNMP/netstat counters and softnet. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmds.h"
#include "nl.h"
#include "out.h"
#include "session.h"
#include "opt.h"
#include "util.h"

static void counters_usage(FILE *f)
{
	fprintf(f, "usage: ftnet counters [-i SECS] [-c N] [-a] [--netns NAME|PID] [--json]\n\n"
		   "Prints what changed in each interval: link statistics per device (libnl),\n"
		   "/proc/net/snmp and /proc/net/netstat counters (only those that moved, like\n"
		   "nstat), and /proc/net/softnet_stat per CPU (processed, dropped, time squeeze).\n\n"
		   "  -i, --interval SECS  interval (default 1)\n"
		   "  -c, --count N        stop after N intervals (default: until Ctrl-C)\n"
		   "  -a, --all            also devices and counters that did not move\n"
		   "  -n, --netns NS       the counters of another network namespace\n"
		   "  -j, --json           one object per interval\n\n"
		   "EXAMPLES\n"
		   "  ftnet counters -i 5\n"
		   "  ftnet counters --netns blue -c 1 --json\n");
}

struct snap {
	struct link_stats	*links;
	struct counter_kv	*kv;
	struct softnet		*sn;
	size_t			nlinks, nkv, nsn;
};

static void snap_take(struct snap *s)
{
	if (nl_links(&s->links, &s->nlinks) < 0)
		die(EXIT_FAIL, "cannot read the link statistics over netlink");
	proc_counters(&s->kv, &s->nkv);
	proc_softnet(&s->sn, &s->nsn);
}

static void snap_free(struct snap *s)
{
	free(s->links);
	free(s->kv);
	free(s->sn);
	memset(s, 0, sizeof(*s));
}

static const struct link_stats *find_link(const struct snap *s, const char *name)
{
	for (size_t i = 0; i < s->nlinks; i++)
		if (!strcmp(s->links[i].name, name))
			return &s->links[i];
	return NULL;
}

static void counters_print(const struct snap *a, const struct snap *b, double secs, bool all)
{
	out_begin("counters");
	out_double("interval_s", "interval %.2fs\n", secs);
	out_text("\n%-16s %12s %12s %14s %14s %8s %8s %8s %8s\n", "DEV", "RX_PACKETS",
		 "TX_PACKETS", "RX_BYTES", "TX_BYTES", "RX_ERR", "TX_ERR", "RX_DROP", "TX_DROP");
	out_open("links", true);
	for (size_t i = 0; i < b->nlinks; i++) {
		const struct link_stats *n = &b->links[i], *o = find_link(a, n->name);
		struct link_stats z = { 0 };

		if (!o)
			o = &z;
		if (!all && n->rx_packets == o->rx_packets && n->tx_packets == o->tx_packets &&
		    n->rx_dropped == o->rx_dropped && n->tx_dropped == o->tx_dropped &&
		    n->rx_errors == o->rx_errors && n->tx_errors == o->tx_errors)
			continue;
		out_open(NULL, false);
		out_str("dev", "%-16s ", n->name);
		out_uint("rx_packets", "%12" PRIu64 " ", n->rx_packets - o->rx_packets);
		out_uint("tx_packets", "%12" PRIu64 " ", n->tx_packets - o->tx_packets);
		out_uint("rx_bytes", "%14" PRIu64 " ", n->rx_bytes - o->rx_bytes);
		out_uint("tx_bytes", "%14" PRIu64 " ", n->tx_bytes - o->tx_bytes);
		out_uint("rx_errors", "%8" PRIu64 " ", n->rx_errors - o->rx_errors);
		out_uint("tx_errors", "%8" PRIu64 " ", n->tx_errors - o->tx_errors);
		out_uint("rx_dropped", "%8" PRIu64 " ", n->rx_dropped - o->rx_dropped);
		out_uint("tx_dropped", "%8" PRIu64 "\n", n->tx_dropped - o->tx_dropped);
		out_close(false);
	}
	out_close(true);
	out_text("\n%-40s %14s %12s\n", "COUNTER", "DELTA", "PER_SEC");
	out_open("snmp", false);
	for (size_t i = 0; i < b->nkv && i < a->nkv; i++) {
		uint64_t d = b->kv[i].value - a->kv[i].value;

		/* gauges (CurrEstab, ...) may go down: show their value's change as signed */
		if (strcmp(b->kv[i].name, a->kv[i].name) || (!d && !all))
			continue;
		out_int(b->kv[i].name, "", (int64_t)d);
		out_text("%-40s %14" PRId64 " %12.1f\n", b->kv[i].name, (int64_t)d,
			 secs > 0 ? (int64_t)d / secs : 0);
	}
	out_close(false);
	out_text("\n%-5s %12s %10s %12s\n", "CPU", "PROCESSED", "DROPPED", "TIME_SQUEEZE");
	out_open("softnet", true);
	for (size_t c = 0; c < b->nsn && c < a->nsn; c++) {
		uint64_t p = b->sn[c].processed - a->sn[c].processed;
		uint64_t d = b->sn[c].dropped - a->sn[c].dropped;
		uint64_t q = b->sn[c].time_squeeze - a->sn[c].time_squeeze;

		if (!all && !p && !d && !q)
			continue;
		out_open(NULL, false);
		out_uint("cpu", "%-5" PRIu64 " ", c);
		out_uint("processed", "%12" PRIu64 " ", p);
		out_uint("dropped", "%10" PRIu64 " ", d);
		out_uint("time_squeeze", "%12" PRIu64 "\n", q);
		out_close(false);
	}
	out_close(true);
	out_end();
	out_flush();
}

int cmd_counters(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "all", no_argument, NULL, 'a' },
		{ "netns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct out_opts oo = { .mode = OUT_TEXT };
	struct snap a = { 0 }, b = { 0 };
	uint64_t count = 0, done = 0;
	double interval = 1;
	bool all = false;
	int c;

	(void)ctx;
	while ((c = getopt_long(argc, argv, "i:c:an:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (parse_seconds(optarg, &interval) < 0)
				usage_error("counters", "invalid interval '%s': give seconds", optarg);
			break;
		case 'c':
			if (parse_u64(optarg, &count) < 0 || !count)
				usage_error("counters", "invalid count '%s'", optarg);
			break;
		case 'a': all = true; break;
		case 'n':
			netns_or_die(optarg);
			break;
		case 'j': oo.mode = OUT_JSON; break;
		case 'h':
			counters_usage(stdout);
			return 0;
		default:
			counters_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		usage_error("counters", "unexpected argument '%s'", argv[optind]);
	out_init(&oo);
	session_signals();
	snap_take(&a);
	while (!session_stop && (!count || done < count)) {
		uint64_t t0 = mono_ns();
		struct timespec ts = { (time_t)interval, (long)((interval - (time_t)interval) * 1e9) };

		nanosleep(&ts, NULL);	/* Ctrl-C cuts it short: the partial interval is shown */
		snap_take(&b);
		counters_print(&a, &b, (mono_ns() - t0) / 1e9, all);
		snap_free(&a);
		a = b;
		memset(&b, 0, sizeof(b));
		done++;
	}
	snap_free(&a);
	return 0;
}

/* placeholder until the options move into a table */
static const struct opt counters_opts_tbl[] = { OPT_END };
const struct cmd_spec counters_spec = { .name = "counters", .opts = counters_opts_tbl, .max_args = -1 };
