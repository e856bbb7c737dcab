/* ftnet conntrack: the per-CPU statistics summed, and how full the table is. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "nl.h"
#include "out.h"
#include "opt.h"
#include "util.h"

static void conntrack_usage(FILE *f)
{
	fprintf(f, "usage: ftnet conntrack [--netns NAME|PID] [--json]\n\n"
		   "Sums /proc/net/stat/nf_conntrack over the CPUs (found, invalid, insert_failed,\n"
		   "drop, early_drop, search_restart...) and compares the entries with\n"
		   "nf_conntrack_max, warning above 90%%. Says so when there is no conntrack.\n\n"
		   "EXAMPLES\n"
		   "  ftnet conntrack\n"
		   "  ftnet conntrack --netns blue --json\n");
}

int cmd_conntrack(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct out_opts oo = { .mode = OUT_TEXT };
	struct conntrack_stats st;
	double pct;
	int c;

	(void)ctx;
	while ((c = getopt_long(argc, argv, "n:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			netns_or_die(optarg);
			break;
		case 'j': oo.mode = OUT_JSON; break;
		case 'h':
			conntrack_usage(stdout);
			return 0;
		default:
			conntrack_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		usage_error("conntrack", "unexpected argument '%s'", argv[optind]);
	out_init(&oo);
	out_begin("conntrack");
	if (proc_conntrack(&st) < 0) {
		out_str("state", "no conntrack here: /proc/net/stat/nf_conntrack is missing (nothing "
			"uses connection tracking, or the kernel has none)", "absent");
		out_end();
		out_flush();
		return 0;
	}
	pct = st.max ? 100.0 * st.count / st.max : 0;
	out_str("state", "", "present");
	out_uint("count", "entries         %" PRIu64, st.count);
	out_uint("max", " of %" PRIu64, st.max);
	out_double("used_pct", " (%.1f%%)\n", pct);
	out_uint("found", "found           %" PRIu64 "\n", st.found);
	out_uint("invalid", "invalid         %" PRIu64 "\n", st.invalid);
	out_uint("insert", "insert          %" PRIu64 "\n", st.insert);
	out_uint("insert_failed", "insert_failed   %" PRIu64 "\n", st.insert_failed);
	out_uint("drop", "drop            %" PRIu64 "\n", st.drop);
	out_uint("early_drop", "early_drop      %" PRIu64 "\n", st.early_drop);
	out_uint("error", "icmp_error      %" PRIu64 "\n", st.error);
	out_uint("search_restart", "search_restart  %" PRIu64 "\n", st.search_restart);
	out_uint("clash_resolve", "clash_resolve   %" PRIu64, st.clash_resolve);
	out_end();
	out_flush();
	if (pct > 90)
		warn("the conntrack table is %.0f%% full (%" PRIu64 " of %" PRIu64 "): new flows will "
		     "be dropped; raise net.netfilter.nf_conntrack_max", pct, st.count, st.max);
	return 0;
}

/* placeholder until the options move into a table */
static const struct opt conntrack_opts_tbl[] = { OPT_END };
const struct cmd_spec conntrack_spec = { .name = "conntrack", .opts = conntrack_opts_tbl, .max_args = -1 };
