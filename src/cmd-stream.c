/* ftnet stream: live decoded events from the instance's raw buffers, as text or JSON Lines. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "out.h"
#include "session.h"
#include "tfs.h"
#include "util.h"

static void stream_usage(FILE *f)
{
	fprintf(f, "usage: ftnet stream [GROUP...] [--json] [-c N] [-d SECS] [--time mono|wall]\n\n"
		   "Prints the events of the groups as they happen. Without groups it reads what\n"
		   "'ftnet enable' left on; groups named here that are off are enabled for the run\n"
		   "and disabled again on exit. Lost events are shown as 'lost' lines and counted\n"
		   "in the summary on stderr.\n\n"
		   "  -j, --json          JSON Lines, one object per event with a \"type\" key\n"
		   "  -c, --count N       stop after N events\n"
		   "  -d, --duration SECS stop after SECS seconds\n"
		   "  -t, --time CLOCK    mono (seconds since boot, default) or wall (local time)\n"
		   "  -f, --filter EXPR   kernel filter for the groups enabled for this run\n"
		   "  -b, --buffer-kb KB  ring buffer size per CPU\n"
		   "  -H, --no-header     no column header\n\n"
		   "EXAMPLES\n"
		   "  ftnet enable drops && ftnet stream\n"
		   "  ftnet stream resets retrans -d 30 --time wall\n"
		   "  ftnet stream drops --json -c 100 --filter 'reason != NOT_SPECIFIED'\n");
}

struct stream_state {
	uint64_t	limit;	/* -c: 0 for none */
	uint64_t	shown;
};

static void print_event(void *arg, const struct ftnet_event *ev)
{
	struct stream_state *st = arg;

	if (st->limit && st->shown >= st->limit && ev->type != EV_LOST)
		return;
	out_event(ev);
	if (ev->type != EV_LOST)
		st->shown++;
}

int cmd_stream(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "time", required_argument, NULL, 't' },
		{ "filter", required_argument, NULL, 'f' },
		{ "buffer-kb", required_argument, NULL, 'b' },
		{ "no-header", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct stream_state st = { 0 };
	struct session_opts so = { 0 };
	struct out_opts oo = { .mode = OUT_TEXT, .time = TIME_MONO };
	struct ksyms *ks;
	struct session s;
	uint64_t deadline = 0, kb = 0;
	double secs;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "jc:d:t:f:b:Hh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			oo.mode = OUT_JSON;
			break;
		case 'c':
			if (parse_u64(optarg, &st.limit) < 0 || !st.limit)
				usage_error("stream", "invalid count '%s': give a positive number",
					    optarg);
			break;
		case 'd':
			if (parse_seconds(optarg, &secs) < 0)
				usage_error("stream", "invalid duration '%s': give seconds, such as "
					    "10 or 0.5", optarg);
			deadline = (uint64_t)(secs * 1e9);
			break;
		case 't':
			if (!strcmp(optarg, "mono"))
				oo.time = TIME_MONO;
			else if (!strcmp(optarg, "wall"))
				oo.time = TIME_WALL;
			else
				usage_error("stream", "invalid --time '%s': give mono or wall", optarg);
			break;
		case 'f':
			so.filter = optarg;
			break;
		case 'b':
			if (parse_u64(optarg, &kb) < 0 || kb == 0 || kb > (1u << 22))
				usage_error("stream", "invalid --buffer-kb '%s': give a size in KB "
					    "from 1 to 4194304", optarg);
			so.buffer_kb = kb;
			break;
		case 'H':
			oo.no_header = true;
			break;
		case 'h':
			stream_usage(stdout);
			return 0;
		default:
			stream_usage(stderr);
			return EXIT_USAGE;
		}
	}

	session_signals();
	session_start(&s, ctx, argv + optind, argc - optind, &so);
	s.on_event = print_event;
	s.arg = &st;
	if (oo.time == TIME_WALL && !tfs_instance_clock_is(s.inst, "mono"))
		warn("instance '%s' does not use the mono trace clock: wall times are approximate",
		     ctx->instance);
	oo.wall_offset_ns = (int64_t)(wall_ns() - mono_ns());
	ks = ksyms_load("/proc/kallsyms");
	if (!ks)
		warn("cannot read kernel symbols from /proc/kallsyms: %s: drop locations are "
		     "shown as addresses", errno == EPERM ? "addresses are hidden (need root)" :
		     strerror(errno));
	oo.ksyms = ks;
	out_init(&oo);
	out_event_header();
	out_flush();
	if (deadline)
		deadline += mono_ns();

	while (!session_stop && !(st.limit && st.shown >= st.limit)) {
		int waited = session_wait(&s, deadline, 0);

		if (waited) {
			ret = waited < 0 ? EXIT_FAIL : ret;
			break;
		}
		out_flush();
		if (ferror(stdout))
			break;	/* reader of our output went away */
	}
	session_drain(&s);	/* the rest, and losses only the kernel's stats show */
	out_flush();
	session_end(&s);
	ksyms_free(ks);
	fprintf(stderr, "%s: %" PRIu64 " events read, %" PRIu64 " shown, %" PRIu64 " lost%s\n",
		prog_name, s.records, st.shown, s.lost,
		s.lost ? ": enlarge the buffer (--buffer-kb) or filter in the kernel (--filter)" : "");
	return ret;
}
