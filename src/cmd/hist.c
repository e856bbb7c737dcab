// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet hist: log2 latency histograms (connect, rxlat) drawn the way bpftrace draws hist(). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "kernel/groups.h"
#include "view/histogram.h"
#include "view/hist-kernel.h"
#include "base/opt.h"
#include "base/out.h"
#include "source/run.h"
#include "kernel/tfs.h"
#include "view/top-kernel.h"
#include "base/util.h"

#define BAR_WIDTH 52

struct hstate {
	struct hist		us;	/* drawn: microseconds, as people read latencies */
	struct hist		ns;	/* statistics at full precision */
	uint64_t		failed, lost;
	const struct group	*g;	/* the latency drawn */
	bool			note;	/* say how to end a run without an end */
	struct hist_kernel	*hk;	/* measured in the kernel, or NULL */
};

struct hist_opts {
	double		duration, interval;
	bool		json;
	const char	*read;
	int		aggregate;
};

static const struct opt hist_opts[] = {
	OPT_DURATION(struct hist_opts, duration),
	OPT_INTERVAL(struct hist_opts, interval,
		     "print and restart the histogram every SECS (at least 0.1)"),
	OPT_JSON(struct hist_opts, json),
	OPT_AGGREGATE(struct hist_opts, aggregate),
	OPT_S('r', "read", struct hist_opts, read, "FILE",
	      "the events of a trace.dat file (ftnet record, trace-cmd) instead of the kernel's"),
	OPT_END,
};

/* The histograms: the latency groups of the catalogue, with what they measure. */
static void hist_list_help(void)
{
	for (int i = 0; i < ngroups; i++)
		if (groups[i].flags & GF_LATENCY)
			out_printf("  %-8s %s\n", groups[i].name, groups[i].desc);
}

const struct cmd_spec hist_spec = {
	.name = "hist",
	.args = "HISTOGRAM",
	.about = "Log2 histograms of a latency, with count, min, avg, p50, p90, p99 and max.\n"
		 "Failed connects are counted apart. rxlat sees TCP: new kernels copy linear UDP\n"
		 "datagrams without the copy tracepoint. HISTOGRAM is one of:\n",
	.more_help = hist_list_help,
	.opts = hist_opts,
	.examples = "  ftnet hist connect -d 30\n"
		    "  ftnet hist rxlat -t 5 --json\n"
		    "  ftnet hist connect --aggregate kernel -d 60\n",
	.max_args = -1,		/* one, checked with the names in the message */
	.args_kind = ARGS_LATENCIES,
};

static void on_event(void *arg, const struct ftnet_event *ev)
{
	struct hstate *h = arg;

	if (ev->type == EV_LOST) {
		h->lost += ev->count;
		return;
	}
	if (!(h->g->types & (1u << ev->type)))
		return;
	if (!ev->ok) {
		h->failed++;
		return;
	}
	hist_add(&h->us, ev->latency_ns / 1000);
	hist_add(&h->ns, ev->latency_ns);
}

static void render(const struct hstate *h, uint64_t ts)
{
	uint64_t peak = 0;
	int first = -1, last = -1;

	for (int i = 0; i < HIST_LOG2; i++) {
		if (!h->us.log2[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (h->us.log2[i] > peak)
			peak = h->us.log2[i];
	}
	out_begin("hist");
	out_str(PRINT_ANY, "name", "@%s_usecs:\n", h->g->name);
	out_uint(PRINT_JSON, "ts_ns", NULL, ts);
	out_str(PRINT_JSON, "unit", NULL, "us");
	out_open_array("buckets");
	for (int i = first; i >= 0 && i <= last; i++) {
		char lo[24], hi[24], range[64], bar[BAR_WIDTH + 1];
		uint64_t l, u;
		int w;

		hist_bucket_range(i, &l, &u);
		hist_label(l, lo, sizeof(lo));
		hist_label(u, hi, sizeof(hi));
		snprintf(range, sizeof(range), "[%s, %s)", lo, hi);
		w = (int)(h->us.log2[i] * BAR_WIDTH / peak);
		memset(bar, '@', w);
		memset(bar + w, ' ', BAR_WIDTH - w);
		bar[BAR_WIDTH] = '\0';
		out_open_object(NULL);
		out_text("%-22s", range);
		out_uint(PRINT_JSON, "lo", NULL, l);
		out_uint(PRINT_JSON, "hi", NULL, u);
		out_uint(PRINT_ANY, "count", "%8" PRIu64 " ", h->us.log2[i]);
		out_text("|%s|\n", bar);
		out_close_object();
	}
	out_close_array();
	out_uint(PRINT_ANY, "count", "\ncount %" PRIu64, h->ns.count);
	out_uint(PRINT_ANY, "failed", "  failed %" PRIu64, h->failed);
	if (h->ns.count) {
		static const struct { const char *key, *label; double q; } st[] = {
			{ "min_ns", "min", 0 }, { "p50_ns", "p50", 0.5 }, { "p90_ns", "p90", 0.9 },
			{ "p99_ns", "p99", 0.99 }, { "max_ns", "max", 1 },
		};
		uint64_t avg = h->ns.sum / h->ns.count;

		out_uint(PRINT_JSON, "avg_ns", NULL, avg);
		out_text("  avg %.1fus", avg / 1e3);
		for (size_t i = 0; i < ARRAY_SIZE(st); i++) {
			uint64_t v = hist_quantile(&h->ns, st[i].q);

			out_uint(PRINT_JSON, st[i].key, NULL, v);
			out_text("  %s %.1fus", st[i].label, v / 1e3);
		}
	}
	out_uint(PRINT_ANY, "lost", "  lost %" PRIu64, h->lost);
	out_text("\n");
	out_end();
	out_flush();
}

static void started(void *arg, struct session *s)
{
	struct hstate *h = arg;

	(void)s;
	if (h->note)
		fprintf(stderr, "%s: tracing %s latencies%s... hit Ctrl-C to end\n", prog_name,
			h->g->name, h->hk ? " in the kernel" : "");
}

static void tick(void *arg, uint64_t now, double secs, bool final)
{
	struct hstate *h = arg;

	if (h->hk)
		hist_kernel_read(h->hk, &h->us, &h->ns, &h->failed);
	render(h, now);
	if (final)
		return;
	hist_init(&h->us);
	hist_init(&h->ns);
	h->failed = h->lost = 0;
}

/* "connect, rxlat" as "connect or rxlat". */
static const char *or_list(char *buf, size_t size)
{
	char *comma = strrchr(buf, ',');

	if (comma && strlen(buf) + 3 <= size) {
		memmove(comma + 3, comma + 1, strlen(comma + 1) + 1);
		memcpy(comma, " or", 3);
	}
	return buf;
}

/* The one latency group named: the catalogue says which groups are latencies. */
static const struct group *histogram_or_die(char **names, int n)
{
	const struct group *g;
	char list[256];

	group_names_with(GF_LATENCY, 0, list, sizeof(list));
	if (n != 1)
		usage_error("hist", "name one histogram: %s", or_list(list, sizeof(list)));
	g = group_find(names[0]);
	if (!g || !(g->flags & GF_LATENCY))
		usage_error("hist", "unknown histogram %s: give %s", opt_quote(names[0]),
			    or_list(list, sizeof(list)));
	return g;
}

/* --aggregate: the latency measured in the kernel where it can be (h->hk), else NULL. */
static void kernel_start(struct ftnet_ctx *ctx, struct hstate *h, int mode)
{
	const char *why = hist_kernel_why_not(ctx, h->g);
	char err[TFS_ERRLEN];

	if (why) {
		if (mode == AGG_KERNEL)
			die(EXIT_FAIL, "--aggregate kernel: %s; use --aggregate user (or auto)", why);
		if (verbose)
			note("%s latencies are measured in user space: %s", h->g->name, why);
		return;
	}
	h->hk = hist_kernel_start(h->g, err, sizeof(err));
	if (!h->hk && mode == AGG_KERNEL)
		die(EXIT_FAIL, "--aggregate kernel: the kernel refused: %s", err);
	if (!h->hk)
		warn("the kernel refused to measure %s latencies (%s): measured in user space",
		     h->g->name, err);
	else if (verbose)
		note("%s latencies are measured in the kernel (synthetic events, hist triggers)",
		     h->g->name);
}

int cmd_hist(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct hist_opts o = { 0 };
	struct out_opts oo = { .mode = OUT_TEXT };
	struct run_spec r = { .cmd = "hist", .quiet = true };
	struct hstate h;
	int i = opt_parse(&hist_spec, argc, argv, &o), ret;

	if (!o.read)	/* a file needs no tracefs, nor root */
		tracefs_or_die(ctx);
	memset(&h, 0, sizeof(h));
	h.g = histogram_or_die(argv + i, argc - i);
	hist_init(&h.us);
	hist_init(&h.ns);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	h.note = !o.json && !o.duration && !o.interval && !o.read;	/* a file ends by itself */

	r.groups = argv + i;
	r.ngroups = 1;
	r.duration = o.duration;
	r.read_file = o.read;
	r.interval = o.interval;
	r.arg = &h;
	r.started = started;
	r.on_event = on_event;
	r.tick = tick;
	if (!o.read && o.aggregate != AGG_USER)
		kernel_start(ctx, &h, o.aggregate);
	r.no_events = h.hk != NULL;
	ret = run_or_exit(ctx, &r, NULL);
	hist_kernel_end(h.hk);
	return ret;
}
