// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet conntrack: the per-CPU statistics summed, and how full the table is. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "net/nl.h"
#include "base/out.h"
#include "base/opt.h"
#include "base/util.h"

struct conntrack_opts {
	bool		json;
	const char	*netns;
};

static const struct opt conntrack_opts[] = {
	OPT_NETNS(struct conntrack_opts, netns),
	OPT_JSON(struct conntrack_opts, json),
	OPT_END,
};

const struct cmd_spec conntrack_spec = {
	.name = "conntrack",
	.about = "Sums /proc/net/stat/nf_conntrack over the CPUs (found, invalid, insert_failed,\n"
		 "drop, early_drop, search_restart...) and compares the entries with\n"
		 "nf_conntrack_max, warning above 90%. Says so when there is no conntrack.\n",
	.opts = conntrack_opts,
	.examples = "  ftnet conntrack\n"
		    "  ftnet conntrack --netns blue --json\n",
	.max_args = 0,
};

int cmd_conntrack(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct out_opts oo = { .mode = OUT_TEXT };
	struct conntrack_opts o = { 0 };
	struct conntrack_stats st;
	double pct;

	(void)ctx;
	opt_parse(&conntrack_spec, argc, argv, &o);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	if (o.netns)
		netns_or_die(o.netns);
	out_begin("conntrack");
	if (proc_conntrack(&st) < 0) {
		out_str(PRINT_JSON, "state", NULL, "absent");
		out_text("no conntrack here: /proc/net/stat/nf_conntrack is missing (nothing uses connection tracking, or the kernel has none)");
		out_end();
		out_flush();
		return 0;
	}
	pct = st.max ? 100.0 * st.count / st.max : 0;
	out_str(PRINT_JSON, "state", NULL, "present");
	out_uint(PRINT_ANY, "count", "entries         %" PRIu64, st.count);
	out_uint(PRINT_ANY, "max", " of %" PRIu64, st.max);
	out_double(PRINT_ANY, "used_pct", " (%.1f%%)\n", pct);
	out_uint(PRINT_ANY, "found", "found           %" PRIu64 "\n", st.found);
	out_uint(PRINT_ANY, "invalid", "invalid         %" PRIu64 "\n", st.invalid);
	out_uint(PRINT_ANY, "insert", "insert          %" PRIu64 "\n", st.insert);
	out_uint(PRINT_ANY, "insert_failed", "insert_failed   %" PRIu64 "\n", st.insert_failed);
	out_uint(PRINT_ANY, "drop", "drop            %" PRIu64 "\n", st.drop);
	out_uint(PRINT_ANY, "early_drop", "early_drop      %" PRIu64 "\n", st.early_drop);
	out_uint(PRINT_ANY, "error", "icmp_error      %" PRIu64 "\n", st.error);
	out_uint(PRINT_ANY, "search_restart", "search_restart  %" PRIu64 "\n", st.search_restart);
	out_uint(PRINT_ANY, "clash_resolve", "clash_resolve   %" PRIu64, st.clash_resolve);
	out_end();
	out_flush();
	if (pct > 90)
		warn("the conntrack table is %.0f%% full (%" PRIu64 " of %" PRIu64 "): new flows will be dropped; raise net.netfilter.nf_conntrack_max",
		     pct, st.count, st.max);
	return 0;
}
