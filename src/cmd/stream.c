// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet stream: live decoded events from the instance's raw buffers, as text or JSON Lines. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "view/dropsink.h"
#include "kernel/groups.h"
#include "kernel/koffs.h"
#include "kernel/ksyms.h"
#include "base/opt.h"
#include "base/out.h"
#include "view/print.h"
#include "kernel/probe.h"
#include "source/run.h"
#include "kernel/tfs.h"
#include "base/util.h"

struct stream_opts {
	bool		json, no_header;
	uint64_t	count, buffer_kb;
	double		duration;
	int		time;		/* enum out_time */
	const char	*filter;
	const char	*read;		/* -r FILE */
	const char	*write;		/* pcapng of the drops' packets */
	const char	*iface;		/* -i: events on this device only */
};

static const char *const clocks[] = { "mono", "wall", NULL };

static const struct opt stream_opts[] = {
	OPT_JSON(struct stream_opts, json),
	OPT_COUNT(struct stream_opts, count, "stop after N events"),
	OPT_DURATION(struct stream_opts, duration),
	OPT_C(0, "time", struct stream_opts, time, "CLOCK",
	      "mono (seconds since boot, default) or wall (local time)", clocks),
	OPT_FILTER(struct stream_opts, filter),
	OPT_BUFFER_KB(struct stream_opts, buffer_kb),
	OPT_F('H', "no-header", struct stream_opts, no_header, "no column header"),
	OPT_S('r', "read", struct stream_opts, read, "FILE",
	      "read the events of a trace.dat file (ftnet record, trace-cmd) instead"),
	OPT_S('w', "write", struct stream_opts, write, "FILE",
	      "write the dropped packets' headers to FILE (pcapng, with reason as comments)"),
	OPT_S('i', "interface", struct stream_opts, iface, "IF",
	      "only events on device IF (drops where their device is known, rx, tx)"),
	OPT_END,
};

const struct cmd_spec stream_spec = {
	.name = "stream",
	.args = "[GROUP|SYSTEM:EVENT...] [PCAP-FILTER]",
	.about = "Prints the events of the groups as they happen. Without groups it reads what\n"
		 "'ftnet enable' left on; groups named here that are off are enabled for the run\n"
		 "and disabled again on exit. Lost events are shown as 'lost' lines and counted\n"
		 "in the summary on stderr.\n\n"
		 "Any tracepoint can be named as SYSTEM:EVENT (or SYSTEM:* for all of a system's),\n"
		 "as perf and trace-cmd take them: it is read in a private instance and shown\n"
		 "with every field of its format ('ftnet list SYSTEM:EVENT' lists them), and\n"
		 "--filter is the kernel's filter on those fields.\n\n"
		 "Where the kernel has kprobes (see 'ftnet check'), drops carry their packet:\n"
		 "addresses, ports, protocol, length, device, network namespace. Words after the\n"
		 "groups are a filter in tcpdump's syntax on those packets, run in ftnet itself.\n",
	.opts = stream_opts,
	.examples = "  ftnet enable drops && ftnet stream\n"
		    "  ftnet stream resets retrans -d 30 --time wall\n"
		    "  ftnet stream drops --json -c 100 --filter 'reason != NOT_SPECIFIED'\n"
		    "  ftnet stream drops 'udp and dst port 53' -w drops.pcapng\n"
		    "  ftnet stream -r drops.dat --json\n"
		    "  ftnet stream tcp:tcp_rcv_space_adjust -f 'sport == 443' -d 10\n",
	.max_args = -1,
	.args_kind = ARGS_GROUPS,
};

struct stream_state {
	uint64_t	limit;	/* -c: 0 for none */
	uint64_t	shown;
	enum out_time	time;
	const char	*instance;
	struct out_opts	*oo;
	struct dropsink	*drops;		/* pcap filter and pcapng file, or NULL */
	struct ksyms	*ks;
	int		werr;		/* the pcapng file's first write error */
	const char	*iface;		/* -i, or NULL */
};

static void print_event(void *arg, const struct ftnet_event *ev)
{
	struct stream_state *st = arg;

	char loc[128];
	int ret;

	if (st->limit && st->shown >= st->limit && ev->type != EV_LOST)
		return;
	if (ev->type != EV_LOST && !dropsink_match(st->drops, ev))
		return;
	if (st->iface && ev->type != EV_LOST && strcmp(ev->dev, st->iface))
		return;	/* no device known: not on it */
	if (st->drops && ev->type == EV_DROP) {
		ksyms_format(st->ks, ev->location, loc, sizeof(loc));
		ret = dropsink_write(st->drops, ev, loc);
		if (ret < 0 && !st->werr)
			st->werr = -ret;
	}
	out_event(ev);
	if (ev->type != EV_LOST)
		st->shown++;
}

static bool enough(void *arg)
{
	struct stream_state *st = arg;

	return st->limit && st->shown >= st->limit;
}

static void started(void *arg, struct session *s)
{
	struct stream_state *st = arg;

	if (s->ksyms) {		/* a file's own kernel symbols */
		st->oo->ksyms = s->ksyms;
		out_init(st->oo);
	}
	if (st->time == TIME_WALL && s->inst && !tfs_instance_clock_is(s->inst, "mono"))
		warn("instance '%s' does not use the mono trace clock: wall times are approximate",
		     st->instance);
	out_event_header();
	out_flush();
}

/*
 * The groups and tracepoints (SYSTEM:EVENT) named, then the words of a pcap filter: "drops udp
 * and dst port 53". The tracepoints go to *events, the groups stay first in argv.
 */
static int split_args(char **argv, int n, char *filter, size_t size, const char ***events,
		      int *nevents)
{
	int g = 0;

	while (g < n && (group_find(argv[g]) || arg_is_event(argv[g])))
		g++;
	/* one word that is no group is a misspelt group, not a filter of one word */
	if (g == n - 1 && !strchr(argv[g], ' '))
		group_or_die(argv[g]);
	filter[0] = 0;
	for (int i = g; i < n; i++)
		snprintf(filter + strlen(filter), size - strlen(filter), "%s%s", i > g ? " " : "",
			 argv[i]);
	return args_take_events(argv, g, events, nevents);
}

/*
 * A packet filter needs the drops' flows (kprobes and the offsets, or the flow tracepoints),
 * -w their packets (kprobes).
 */
static struct dropsink *drops_or_die(const char *filter, const char *path)
{
	const struct group *drops = group_find("drops");
	struct dropsink *d;
	char why[384];

	if (!*filter && !path)
		return NULL;
	/* a filter matches the flows the tracepoints tell, where no kprobe reads the packets */
	if (!group_extra(drops) && (path || !group_ident_on(drops))) {
		if (!probe_kprobes_supported())
			snprintf(why, sizeof(why), "this kernel has no kprobe_events (CONFIG_KPROBE_EVENTS) to read them with");
		else if (!koffs_packets(why, sizeof(why)))
			;
		else
			snprintf(why, sizeof(why), "the kernel's drop function cannot be probed (or --backend tracepoint)");
		usage_error("stream",
			    "%s needs the packets of drops, and %s: drops show reason and location without it ('ftnet check' says more)",
			    *filter ? "a packet filter" : "--write", why);
	}
	d = dropsink_new(*filter ? filter : NULL, path, why, sizeof(why));
	if (!d && errno == EINVAL)
		usage_error("stream", "invalid packet filter %s: %s", opt_quote(filter), why);
	if (!d)
		die(EXIT_FAIL, "%s", why);
	return d;
}

int cmd_stream(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct stream_opts o = { .time = TIME_MONO };
	struct out_opts oo = { .mode = OUT_TEXT };
	struct stream_state st = { 0 };
	struct run_spec r = { .cmd = "stream", .quiet = true };
	struct run_stats rs;
	struct ksyms *ks;
	const char **events;
	char filter[1024];
	int i = opt_parse(&stream_spec, argc, argv, &o), ret, cret;

	if (!o.read)	/* a file needs no tracefs, nor root */
		tracefs_or_die(ctx);
	st.limit = o.count;
	st.time = oo.time = o.time;
	st.instance = ctx->instance;
	st.oo = &oo;
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	oo.no_header = o.no_header;
	oo.wall_offset_ns = (int64_t)(wall_ns() - mono_ns());
	if (o.read && o.buffer_kb)
		usage_error("stream", "--buffer-kb sizes the kernel's buffer: not with -r FILE");
	if (o.read && o.time == TIME_WALL)
		usage_error("stream", "--time wall is for live runs: a file holds the times of its trace clock (seconds since boot)");
	ks = o.read ? NULL : ksyms_load("/proc/kallsyms");
	if (!ks && !o.read)
		warn("cannot read kernel symbols from /proc/kallsyms: %s: drop locations are shown as addresses",
		     errno == EPERM ? "addresses are hidden (need root)" : strerror(errno));
	oo.ksyms = ks;
	out_init(&oo);

	r.ngroups = split_args(argv + i, argc - i, filter, sizeof(filter), &events, &r.so.nevents);
	r.groups = argv + i;
	r.so.events = events;
	r.so.file_others = true;	/* report: what a file holds besides the groups */
	/* a tracepoint is enabled only where no other run's settings are: a private instance */
	r.private_instance = r.so.nevents && !o.read;
	st.drops = drops_or_die(filter, o.write);
	st.iface = o.iface;
	st.ks = ks;
	r.so.filter = o.filter;
	r.so.buffer_kb = o.buffer_kb;
	r.duration = o.duration;
	r.read_file = o.read;
	r.arg = &st;
	r.started = started;
	r.on_event = print_event;
	r.done = enough;
	ret = run_or_exit(ctx, &r, &rs);
	ksyms_free(ks);
	free(events);
	if (o.write && ((cret = dropsink_close(st.drops)) < 0 || st.werr)) {
		error("cannot write '%s': %s", o.write, strerror(st.werr ? st.werr : -cret));
		ret = EXIT_FAIL;
	} else if (o.write) {
		note("wrote %lu dropped packet%s to '%s'", dropsink_written(st.drops),
		     dropsink_written(st.drops) == 1 ? "" : "s", o.write);
	} else {
		dropsink_close(st.drops);
	}
	fprintf(stderr, "%s: %" PRIu64 " events read, %" PRIu64 " shown, %" PRIu64 " lost%s\n",
		prog_name, rs.records, st.shown, rs.lost, !rs.lost ? "" : o.read ?
		" while recording: the file marks where" :
		": enlarge the buffer (--buffer-kb) or filter in the kernel (--filter)");
	if (!rs.delivered && !rs.lost && !o.read && ret == EXIT_OK)
		nothing_seen();
	return ret;
}
