/* ftnet hist: log2 latency histograms (connect, rxlat) drawn the way bpftrace draws hist(). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "out.h"
#include "session.h"
#include "opt.h"
#include "util.h"

#define BAR_WIDTH 52

struct hstate {
	struct hist	us;	/* drawn: microseconds, as people read latencies */
	struct hist	ns;	/* statistics at full precision */
	uint64_t	failed, lost;
	enum ftnet_type	type;
};

static void hist_usage(FILE *f)
{
	fprintf(f, "usage: ftnet hist connect|rxlat [-d SECS] [-i SECS] [--json]\n\n"
		   "Log2 histograms of latencies, with count, min, avg, p50, p90, p99 and max:\n"
		   "  connect  TCP connect time, SYN_SENT to ESTABLISHED per socket (failed\n"
		   "           connects are counted apart)\n"
		   "  rxlat    netif_receive_skb to the copy into user space, per skb (TCP; new\n"
		   "           kernels copy linear UDP datagrams without the copy tracepoint)\n\n"
		   "  -d, --duration SECS stop after SECS (default: until Ctrl-C)\n"
		   "  -i, --interval SECS print and restart the histogram every SECS\n"
		   "  -j, --json          one object per histogram\n\n"
		   "EXAMPLES\n"
		   "  ftnet hist connect -d 30\n"
		   "  ftnet hist rxlat -i 5 --json\n");
}

static void on_event(void *arg, const struct ftnet_event *ev)
{
	struct hstate *h = arg;

	if (ev->type == EV_LOST) {
		h->lost += ev->count;
		return;
	}
	if (ev->type != h->type)
		return;
	if (!ev->ok) {
		h->failed++;
		return;
	}
	hist_add(&h->us, ev->latency_ns / 1000);
	hist_add(&h->ns, ev->latency_ns);
}

static void render(struct hstate *h, const char *name, uint64_t ts)
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
	out_str("name", "@%s_usecs:\n", name);
	out_uint("ts_ns", "", ts);
	out_str("unit", "", "us");
	out_open("buckets", true);
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
		out_open(NULL, false);
		out_text("%-22s", range);
		out_uint("lo", "", l);
		out_uint("hi", "", u);
		out_uint("count", "%8" PRIu64 " ", h->us.log2[i]);
		out_text("|%s|\n", bar);
		out_close(false);
	}
	out_close(true);
	out_uint("count", "\ncount %" PRIu64, h->ns.count);
	out_uint("failed", "  failed %" PRIu64, h->failed);
	if (h->ns.count) {
		static const struct { const char *key, *label; double q; } st[] = {
			{ "min_ns", "min", 0 }, { "p50_ns", "p50", 0.5 }, { "p90_ns", "p90", 0.9 },
			{ "p99_ns", "p99", 0.99 }, { "max_ns", "max", 1 },
		};
		uint64_t avg = h->ns.sum / h->ns.count;

		out_uint("avg_ns", "", avg);
		out_text("  avg %.1fus", avg / 1e3);
		for (size_t i = 0; i < ARRAY_SIZE(st); i++) {
			uint64_t v = hist_quantile(&h->ns, st[i].q);

			out_uint(st[i].key, "", v);
			out_text("  %s %.1fus", st[i].label, v / 1e3);
		}
	}
	out_uint("lost", "  lost %" PRIu64, h->lost);
	out_text("\n");
	out_end();
	out_flush();
}

int cmd_hist(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct out_opts oo = { .mode = OUT_TEXT };
	struct session_opts so = { 0 };
	uint64_t deadline = 0, interval = 0, next = 0;
	struct hstate h;
	struct session s;
	const char *name;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "d:i:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			deadline = (uint64_t)(seconds_or_die("hist", "duration", optarg) * 1e9);
			break;
		case 'i':
			interval = (uint64_t)(interval_or_die("hist", optarg) * 1e9);
			break;
		case 'j':
			oo.mode = OUT_JSON;
			break;
		case 'h':
			hist_usage(stdout);
			return 0;
		default:
			hist_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		usage_error("hist", "name one histogram: connect or rxlat");
	name = argv[optind];
	memset(&h, 0, sizeof(h));
	hist_init(&h.us);
	hist_init(&h.ns);
	if (!strcmp(name, "connect"))
		h.type = EV_CONNECT;
	else if (!strcmp(name, "rxlat"))
		h.type = EV_RXLAT;
	else
		usage_error("hist", "unknown histogram '%s': give connect or rxlat", name);

	session_signals();
	session_start(&s, ctx, argv + optind, 1, &so);
	s.on_event = on_event;
	s.arg = &h;
	out_init(&oo);
	if (deadline)
		deadline += mono_ns();
	if (interval)
		next = mono_ns() + interval;
	if (!out_is_json() && !deadline && !interval)
		fprintf(stderr, "%s: tracing %s latencies... hit Ctrl-C to end\n", prog_name, name);
	while (!session_stop) {
		int w = session_wait(&s, deadline, next);
		uint64_t now = mono_ns();

		if (w) {
			ret = w < 0 ? EXIT_FAIL : ret;
			break;
		}
		if (next && now >= next) {
			render(&h, name, now);
			hist_init(&h.us);
			hist_init(&h.ns);
			h.failed = h.lost = 0;
			next = now + interval;
		}
	}
	session_drain(&s);
	session_end(&s);
	render(&h, name, mono_ns());
	return ret;
}

/* placeholder until the options move into a table */
static const struct opt hist_opts_tbl[] = { OPT_END };
const struct cmd_spec hist_spec = { .name = "hist", .opts = hist_opts_tbl, .max_args = -1 };
