// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet follow: each packet's path through the stack by skb address, one block per packet. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "decode/decode.h"
#include "view/follow-paths.h"
#include "kernel/groups.h"
#include "kernel/koffs.h"
#include "kernel/ksyms.h"
#include "base/opt.h"
#include "base/out.h"
#include "net/pkt.h"
#include "kernel/probe.h"
#include "source/run.h"
#include "source/stacks.h"
#include "kernel/tfs.h"
#include "base/util.h"

struct follow_cli {
	bool		json, all, no_stacks, track_skb;
	uint64_t	count, max_paths, buffer_kb;
	double		duration, expire;
	const char	*read;
	const char	*iface;		/* -i: paths with a step on this device */
};

static const struct opt follow_opts[] = {
	OPT_JSON(struct follow_cli, json),
	OPT_COUNT(struct follow_cli, count, "stop after N paths shown"),
	OPT_DURATION(struct follow_cli, duration),
	OPT_F('a', "all", struct follow_cli, all,
	      "also show paths seen at their end alone (one step, not a drop)"),
	OPT_U(0, "max-paths", struct follow_cli, max_paths, "N",
	      "paths in flight at once (default 4096); more are counted, not followed",
	      1, 1048576),
	OPT_SECS(0, "expire", struct follow_cli, expire, "SECS",
		 "a path with no step for SECS ends as expired (default 2)", 0.01, 3600),
	OPT_F(0, "no-stacks", struct follow_cli, no_stacks, "no kernel stack traces at drops"),
	OPT_F(0, "track-skb", struct follow_cli, track_skb,
	      "filter in ftnet only: a matched packet keeps every step, after NAT too (pwru's --filter-track-skb); every packet's steps are read"),
	OPT_U('B', "buffer-kb", struct follow_cli, buffer_kb, "KB",
	      "ring buffer per CPU (1 to 4194304), for an instance made now (default 4096, less where memory is short)",
	      1, 4194304),
	OPT_S('i', "interface", struct follow_cli, iface, "IF",
	      "only paths with a step on device IF matching the filter (pwru's --filter-ifname)"),
	OPT_S('r', "read", struct follow_cli, read, "FILE",
	      "follow the packets of a trace.dat file (ftnet record follow) instead"),
	OPT_END,
};

const struct cmd_spec follow_spec = {
	.name = "follow",
	.args = "[FILTER...]",
	.about = "Follows every packet through the stack by its skb address, over the\n"
		 "tracepoints that carry one (the driver entry points, netif_rx,\n"
		 "netif_receive_skb, net_dev_queue, net_dev_start_xmit, net_dev_xmit,\n"
		 "skb_copy_datagram_iovec, consume_skb, kfree_skb) and sock:sk_data_ready\n"
		 "(6.3+), in a private instance removed at the end. When a path ends it is\n"
		 "printed, one block per packet (one JSON object with --json): dropped (the\n"
		 "reason, the location and the kernel stack at kfree_skb), consumed, delivered\n"
		 "(queued to a socket, or read: by which task), or expired (no step for --expire\n"
		 "SECS, or freed where no tracepoint fires: its address came back on another\n"
		 "skb). Paths seen at their end alone (unix socket, netlink, vsock skbs) are\n"
		 "shown with --all; drops always are. A summary goes to stderr at the end.\n"
		 "FILTER (pcap syntax) needs kprobes to read packet headers; one of tcp, udp,\n"
		 "icmp, host and port joined by 'and' is also checked in the kernel at the\n"
		 "steps that read those headers (-v names them), unless --track-skb.\n",
	.opts = follow_opts,
	.examples = "  ftnet follow -d 10\n"
		    "  ftnet follow --json -c 100 | jq 'select(.verdict == \"dropped\")'\n"
		    "  ftnet follow -d 5 --no-stacks --max-paths 65536 -B 8192\n"
		    "  ftnet follow -i lo icmp -c 1\n"
		    "  ftnet follow --track-skb 'dst host 10.10.20.99' -c 1\n"
		    "  ftnet record follow -g -o paths.dat -d 10 && ftnet follow -r paths.dat\n",
	.max_args = -1,
};

struct follow_state {
	struct follow		*f;
	const struct ksyms	*ks;
	struct follow_opts	fo;
	uint64_t		limit, shown, hidden;
	uint64_t		shown_by[FV_NVERDICTS];
	uint64_t		anchor_ts, anchor_mono;	/* trace clock vs mono, for expiry */
	bool			all, stacks, trigger, file, track_skb;
	const char		*instance;
	struct pkt_filter	*filter;	/* the packets to follow, or NULL for all */
	struct pkt_kfilter	kf, *kfilter;	/* what the kernel can check of it, or NULL */
	const char		*iface;		/* -i, or NULL */
};

/*
 * A path is shown when one of its steps' packets (read by kprobes) matches the filter, on the
 * device -i names (a step without a device never matches it).
 */
static bool packet_matches(void *arg, const struct ftnet_event *ev)
{
	struct follow_state *st = arg;

	if (st->iface && strcmp(ev->dev, st->iface))
		return false;
	if (!st->filter)
		return true;
	if (!ev->pkt || !ev->pkt_len)
		return false;
	if (ev->pkt_eth)	/* ARP, with its Ethernet header */
		return pkt_filter_match_frame(st->filter, ev->pkt, ev->pkt_len, ev->pkt_wirelen);
	return pkt_filter_match(st->filter, ev->pkt, ev->pkt_len, ev->pkt_wirelen);
}

/*
 * A filter in tcpdump's syntax on the packets kprobes read at the stack functions; without
 * kprobes (or offsets) it is refused, saying what is missing.
 */
static void filter_or_die(struct follow_state *st, char **args, int n, bool file)
{
	char expr[1024] = "", why[384];
	size_t len = 0;

	for (int i = 0; i < n && len < sizeof(expr); i++)
		len += snprintf(expr + len, sizeof(expr) - len, "%s%s", i ? " " : "", args[i]);
	if (file)	/* the packets the file's probes read, whatever this kernel has */
		;
	else if (!probe_kprobes_supported())
		die(EXIT_USAGE, "cannot follow packets matching %s: a filter on packet headers needs kprobes to read them, and this kernel has no kprobe_events (CONFIG_KPROBE_EVENTS): run 'ftnet follow' without a filter, or 'ftnet stream drops' for the drops alone",
		    opt_quote(expr));
	else if (!group_extra(group_find("follow"))) {
		if (koffs_packets(why, sizeof(why)))
			snprintf(why, sizeof(why), "none of its stack functions can be probed here");
		die(EXIT_USAGE, "cannot follow packets matching %s: %s: run 'ftnet follow' without a filter ('ftnet check' says more)",
		    opt_quote(expr), why);
	}
	st->filter = pkt_filter_new(expr, why, sizeof(why));
	if (!st->filter)
		die(EXIT_USAGE, "invalid packet filter %s: %s", opt_quote(expr), why);
	st->fo.match = packet_matches;
	/* what a kernel filter can check of it, at the steps that read those headers */
	st->kfilter = file ? NULL : pkt_kfilter_parse(expr, &st->kf);
}

/* Where the filter applies: which steps the kernel filters, which ftnet alone. */
static void filter_note(const struct follow_state *st, struct session *s)
{
	const struct probe_def *pr[32];
	int n = group_extras(group_find("follow"), pr, 32);
	char kern[512] = "", user[512] = "";
	size_t kl = 0, ul = 0;

	for (int i = 0; i < n; i++) {
		char *f = tfs_filter_get(s->inst, "ftnet", pr[i]->event);
		bool k = st->kfilter && f;

		if (k && kl < sizeof(kern))
			kl += snprintf(kern + kl, sizeof(kern) - kl, "%s%s", kl ? ", " : "", pr[i]->func);
		else if (!k && ul < sizeof(user))
			ul += snprintf(user + ul, sizeof(user) - ul, "%s%s", ul ? ", " : "", pr[i]->func);
		free(f);
	}
	note("the filter is applied in ftnet: a path is shown when a packet read at a step matches; the tracepoints' steps are all read");
	if (kl)
		note("and in the kernel, where the step reads the header it checks: %s (a packet there that cannot match is not read: after NAT, --track-skb reads them all)",
		     kern);
	if (ul)
		note("every packet read at %s (%s)", user,
		     st->kfilter ? "where the header is not at skb->data" :
		     st->track_skb ? "--track-skb" : "the kernel can check only tcp, udp, icmp, host and port joined by 'and'");
}

/* The drop's kernel stack: the stack trace trigger on kfree_skb, decoded as ftrace's event. */
static bool stacks_start(struct follow_state *st, struct session *s)
{
	const char *why = stacks_trigger_on(s, "skb", "kfree_skb");

	if (why) {
		warn("cannot take kernel stacks at drops: %s: paths show without them", why);
		return false;
	}
	if (verbose)
		note("stack trace trigger on 'skb:kfree_skb' in instance '%s'", st->instance);
	st->trigger = true;
	return true;
}

static void show(void *arg, const struct follow_path *p)
{
	struct follow_state *st = arg;

	if (!st->all && p->verdict != FV_DROPPED && p->nsteps + p->omitted < 2) {
		st->hidden++;
		return;
	}
	if (st->limit && st->shown >= st->limit)
		return;
	follow_out_path(p, st->ks);
	st->shown++;
	st->shown_by[p->verdict]++;
}

static void started(void *arg, struct session *s)
{
	struct follow_state *st = arg;

	st->instance = s->ctx->instance;
	if (s->file) {	/* the file's stacks (record -g), symbols and packets */
		st->file = true;
		st->fo.stacks = st->stacks && decoder_has(s->dec, "ftrace", "kernel_stack");
		if (s->ksyms)
			st->ks = s->ksyms;
		if (st->filter && !decoder_has_packets(s->dec))
			warn("the file holds no packet headers (recorded without kprobes): no path can match the filter");
	} else {
		st->fo.stacks = st->stacks && stacks_start(st, s);
		if (st->filter && verbose)
			filter_note(st, s);
	}
	st->f = follow_new(&st->fo);
}

static void on_event(void *arg, const struct ftnet_event *ev)
{
	struct follow_state *st = arg;

	follow_event(st->f, ev);
}

static void tick(void *arg, uint64_t now, double secs, bool final)
{
	struct follow_state *st = arg;
	uint64_t latest = follow_latest(st->f);

	(void)secs;
	if (final) {
		follow_finish(st->f);
		return;
	}
	if (st->file) {	/* the file's own clock */
		follow_tick(st->f, now);
		return;
	}
	/* the trace clock may not be mono: advance it from the latest event by mono's pace */
	if (latest != st->anchor_ts) {
		st->anchor_ts = latest;
		st->anchor_mono = now;
	}
	if (latest)
		follow_tick(st->f, latest + (now - st->anchor_mono));
}

/* The trigger keeps kfree_skb in the instance's set_event: off before the instance goes. */
static void stopping(void *arg, struct session *s)
{
	struct follow_state *st = arg;

	int ret = st->trigger ? stacks_trigger_off(s, "skb", "kfree_skb") : 0;

	if (ret < 0)
		warn("cannot remove the stack trace trigger of 'skb:kfree_skb' in instance '%s': %s",
		     st->instance, strerror(-ret));
	st->trigger = false;
}

static bool enough(void *arg)
{
	struct follow_state *st = arg;

	return st->limit && st->shown >= st->limit;
}

static void summary(const struct follow_state *st, const struct run_stats *rs, uint64_t max,
		    bool file)
{
	const struct follow_stats *fs = follow_stats(st->f);

	fprintf(stderr, "%s: %" PRIu64 " paths shown (%" PRIu64 " dropped, %" PRIu64 " delivered, %" PRIu64 " consumed, %" PRIu64 " expired), %" PRIu64 " of one step not shown%s, %" PRIu64 " in flight at the end, %" PRIu64 " events read, %" PRIu64 " events lost%s\n",
		prog_name, st->shown,
		st->shown_by[FV_DROPPED], st->shown_by[FV_DELIVERED], st->shown_by[FV_CONSUMED],
		st->shown_by[FV_EXPIRED], st->hidden, st->hidden ? " (--all shows them)" : "",
		fs->in_flight, rs->records, rs->lost,
		rs->lost ? ": paths may miss steps; enlarge the buffer (--buffer-kb)" : "");
	if (fs->no_room)
		fprintf(stderr, "%s: %" PRIu64 " events of skbs not followed: %" PRIu64 " paths were in flight already (--max-paths)\n",
			prog_name, fs->no_room, max);
	if (!rs->delivered && !rs->lost && !file)
		nothing_seen();
}

/*
 * A packet makes about 11 events here, and a burst outlasts the kernel's default buffer
 * (1408 KB per CPU) while the reader is off its CPU: under a UDP flood on a 2-CPU machine
 * follow lost about 0.4% of the events with it and none with 4096 KB (bench/follow-host).
 * The buffers together take at most 1/32 of the memory available, and never less than the
 * default.
 */
#define FOLLOW_BUFFER_KB	4096
#define KERNEL_BUFFER_KB	1408

static unsigned long follow_buffer_kb(void)
{
	unsigned long avail = meminfo_kb("MemAvailable"), kb = FOLLOW_BUFFER_KB;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	if (avail && ncpu > 0 && kb * (unsigned long)ncpu > avail / 32)
		kb = avail / 32 / (unsigned long)ncpu;
	return kb < KERNEL_BUFFER_KB ? 0 : kb;
}

int cmd_follow(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct follow_cli o = { .max_paths = 4096, .expire = 2 };
	struct out_opts oo = { .mode = OUT_TEXT };
	struct run_spec r = { .cmd = "follow", .private_instance = true };
	struct follow_state st = { 0 };
	char *grp[] = { "follow" };
	struct run_stats rs;
	struct ksyms *ks;
	int i = opt_parse(&follow_spec, argc, argv, &o), ret;

	if (!o.read)	/* a file needs no tracefs, nor root */
		tracefs_or_die(ctx);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	ks = o.read ? NULL : ksyms_load("/proc/kallsyms");
	if (!ks && !o.read)
		warn("cannot read kernel symbols from /proc/kallsyms: %s: locations and stacks are shown as addresses",
		     errno == EPERM ? "addresses are hidden (need root)" : strerror(errno));
	oo.ksyms = ks;
	out_init(&oo);
	st.ks = ks;
	st.limit = o.count;
	st.all = o.all;
	st.stacks = !o.no_stacks;
	st.fo = (struct follow_opts){ .max_paths = (uint32_t)o.max_paths,
				      .expire_ns = (uint64_t)(o.expire * 1e9), .emit = show,
				      .arg = &st };
	st.track_skb = o.track_skb;
	if (i < argc)
		filter_or_die(&st, argv + i, argc - i, o.read != NULL);
	if (st.kfilter && !o.track_skb)
		ctx->step_filter = st.kfilter;
	st.iface = o.iface;
	if (o.iface)
		st.fo.match = packet_matches;
	r.groups = grp;
	r.ngroups = 1;
	r.so.buffer_kb = o.buffer_kb;
	r.so.default_buffer_kb = follow_buffer_kb();
	r.so.comm_types = 1u << EV_COPY;	/* "read by": the other steps show no task */
	r.read_file = o.read;
	r.duration = o.duration;
	r.interval = o.expire / 4 < 0.25 ? o.expire / 4 : 0.25;
	r.arg = &st;
	r.started = started;
	r.on_event = on_event;
	r.tick = tick;
	r.stopping = stopping;
	r.done = enough;
	ret = run_or_exit(ctx, &r, &rs);
	summary(&st, &rs, o.max_paths, o.read != NULL);
	follow_free(st.f);
	if (st.filter)
		pkt_filter_free(st.filter);
	ksyms_free(ks);
	return ret;
}
