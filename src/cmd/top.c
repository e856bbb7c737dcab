// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet top: per-interval tables of drops, resets, retransmits, devices, UDP senders, states. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "view/agg.h"
#include "kernel/groups.h"
#include "kernel/khist.h"
#include "kernel/ksyms.h"
#include "base/opt.h"
#include "base/out.h"
#include "source/run.h"
#include "source/session.h"
#include "source/stacks.h"
#include "decode/decode.h"
#include "view/top-fields.h"
#include "view/top-view.h"
#include "view/top-kernel.h"
#include "view/top-stack.h"
#include "kernel/tfs.h"
#include "base/util.h"

#define STR_(x) #x
#define STR(x) STR_(x)

struct top_opts {
	const char	*by;
	double		interval, duration;
	int		rows;
	bool		json;
	const char	*prom;
	uint64_t	max_keys, buffer_kb;
	const char	*read;
	int		aggregate;
};

/* The keys of --by, in the order of their BY_* bits (for -h, the man page and completion). */
static const char *const by_keys[] = {
	"reason", "location", "protocol", "flow", "saddr", "dport", "stack", NULL,
};
_Static_assert(BY_STACK == 1 << 6, "by_keys[] follows the BY_* bits");

/* "reason,location", "flow", "saddr,dport": the keys of the drops table, 0 when unknown. */
static unsigned int parse_by(const char *s)
{
	unsigned int by = 0;

	while (*s) {
		size_t n = strcspn(s, ","), i;

		for (i = 0; by_keys[i]; i++)
			if (strlen(by_keys[i]) == n && !strncmp(s, by_keys[i], n))
				break;
		if (!by_keys[i])
			return 0;
		by |= 1u << i;
		s += n + (s[n] == ',');
	}
	return by;
}

#define BY_KEYS_HELP "give reason, location, protocol, flow, saddr, dport or stack, or several joined by commas (reason,location); with tracepoints named (SYSTEM:EVENT), their fields"

/* Keys of the drops table, or field names of tracepoints (checked once their formats are read). */
static const char *check_by(const char *arg)
{
	size_t n = strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_,");

	return parse_by(arg) || (n == strlen(arg) && *arg && *arg != ',' &&
				 arg[n - 1] != ',' && !strstr(arg, ",,")) ? NULL : BY_KEYS_HELP;
}

static const struct opt top_opts[] = {
	/* a string with choices: keys joined by commas, checked by check_by */
	OPT_WORDS('b', "by", struct top_opts, by, "KEY",
		  "drops by reason, location, reason,location (default), protocol, flow, saddr,\n"
		  "dport or stack (the kernel stack: a tree of call paths); tracepoints named as\n"
		  "SYSTEM:EVENT by any of their fields (FIELD[,FIELD])", by_keys, check_by),
	OPT_INTERVAL(struct top_opts, interval, "one table per SECS (default 1, at least 0.1)"),
	OPT_DURATION(struct top_opts, duration),
	OPT_I(0, "rows", struct top_opts, rows, "N", "rows per table (default 10)", 1, 100000),
	OPT_JSON(struct top_opts, json),
	OPT_PROM(struct top_opts, prom),
	OPT_U('k', "max-keys", struct top_opts, max_keys, "N",
	      "rows kept per table (default " STR(AGG_DEFAULT_MAX_KEYS) "); more fold into 'other'",
	      1, 10000000),
	OPT_BUFFER_KB(struct top_opts, buffer_kb),
	OPT_AGGREGATE(struct top_opts, aggregate),
	OPT_S('r', "read", struct top_opts, read, "FILE",
	      "the events of a trace.dat file (ftnet record, trace-cmd) instead of the kernel's"),
	OPT_END,
};

/* The groups top shows: every group but the latencies and the paths, from the catalogue. */
static void top_groups_help(void)
{
	char names[256];

	group_names_with(0, GF_LATENCY | GF_PATHS | GF_STREAM, names, sizeof(names));
	out_printf("\ngroups: %s\n", names);
}

const struct cmd_spec top_spec = {
	.name = "top",
	.args = "[GROUP|SYSTEM:EVENT...]",
	.about = "Per-interval tables sorted by count, with rates and totals: drops by reason and\n"
		 "location, resets by address pair, retransmits by flow and by comm, rx/tx per\n"
		 "device, UDP senders, TCP state transitions. Without groups it uses those\n"
		 "enabled in the instance, or drops. Lost events are shown for each interval.\n"
		 "Any tracepoint named as SYSTEM:EVENT (or SYSTEM:*) is counted by event and by\n"
		 "the values of the --by fields, in a private instance.\n",
	.more_help = top_groups_help,
	.opts = top_opts,
	.examples = "  ftnet top\n"
		    "  ftnet top drops --by location -t 5\n"
		    "  ftnet top rx tx udp --json -d 60 --prom /var/lib/node_exporter/ftnet.prom\n"
		    "  ftnet top --by reason,stack -d 10\n"
		    "  ftnet top -r stacks.dat --by stack -t 3600\n"
		    "  ftnet top drops rx tx --aggregate kernel -d 60\n"
		    "  ftnet top tcp:tcp_rcv_space_adjust --by sport,dport -d 10\n",
	.max_args = -1,
	.args_kind = ARGS_TABLES,
};

struct top_run {
	struct top	t;
	struct top_kernel	*tk;	/* the tables the kernel aggregates, or NULL */
	struct ksyms	*ks;
	unsigned int	max_keys;
	bool		redraw;		/* a terminal: each table replaces the last */
	bool		trigger;	/* --by stack, live: our stacktrace trigger on kfree_skb */
	const char	*by_fields;	/* --by with tracepoints named: their fields */
};

/* Every --by field is a field of one of the tracepoints read, or the run is refused. */
static void fields_start(struct top_run *tr, struct session *s)
{
	const char **by;
	int nby;

	if (!(s->types & (1u << EV_TRACEPOINT)))
		return;
	tr->t.fields = top_fields_new(tr->by_fields, tr->max_keys);
	nby = top_fields_by(tr->t.fields, &by);
	for (int i = 0; i < nby; i++) {
		struct tep_event *e = NULL;
		bool found = false;

		for (int k = 0; !found && (e = decoder_tracepoint(s->dec, k)); k++)
			found = tep_find_field(e, by[i]) != NULL;
		if (found)
			continue;
		e = decoder_tracepoint(s->dec, 0);
		usage_error("top", "--by %s: no tracepoint named has a field '%s' ('ftnet list %s:%s' shows the fields of the first)",
			    tr->by_fields, by[i], e ? e->system : "SYSTEM", e ? e->name : "EVENT");
	}
}

/* --by stack: the kernel_stack records after each drop, from a trigger or the file (-g). */
static void stacks_start(struct top_run *tr, struct session *s)
{
	const char *why;

	if (!tr->t.stacks)
		return;
	if (s->file) {	/* record -g files: said at the end when none came */
		s->types |= 1u << EV_STACK;
		return;
	}
	why = stacks_trigger_on(s, "skb", "kfree_skb");
	if (why)
		warn("cannot take kernel stacks at drops: %s: every drop is under 'none'", why);
	tr->trigger = !why;
}

static void stopping(void *arg, struct session *s)
{
	struct top_run *tr = arg;
	int ret = tr->trigger && s ? stacks_trigger_off(s, "skb", "kfree_skb") : 0;

	if (ret < 0)
		warn("cannot remove the stack trace trigger of 'skb:kfree_skb': %s", strerror(-ret));
	tr->trigger = false;
}

static void started(void *arg, struct session *s)
{
	struct top_run *tr = arg;

	if (s && s->file) {	/* a file's own kernel symbols (or none), never this kernel's */
		tr->t.ks = s->ksyms;
	} else {
		tr->ks = ksyms_load("/proc/kallsyms");
		tr->t.ks = tr->ks;
	}
	if (!s)		/* every table in the kernel */
		return;
	for (int i = 0; i < s->nrun; i++)
		top_tables(&tr->t, s->run[i]->view, tr->max_keys);
	stacks_start(tr, s);
	fields_start(tr, s);
}

static void on_event(void *arg, const struct ftnet_event *ev)
{
	struct top_run *tr = arg;

	top_add(&tr->t, ev);
}

static void tick(void *arg, uint64_t now, double secs, bool final)
{
	static const char clear[] = "\033[H\033[2J";	/* home, erase the screen */
	struct top_run *tr = arg;

	if (tr->tk)
		top_kernel_read(tr->tk);
	if (tr->redraw && !final)
		out_write(clear, sizeof(clear) - 1);
	top_render(&tr->t, now, secs, final);
	if (final && tr->t.stacks && !top_stacks_taken(tr->t.stacks) && tr->t.events_total)
		warn("no kernel stack came after the drops (a file: record it with -g): they are under 'none'");
}

static int prom_write(void *arg, const char *path)
{
	struct top_run *tr = arg;

	return top_prom_write(&tr->t, path);
}

/* Latencies have no table here: hist draws them. */
static void refuse_latencies(char **names, int n)
{
	for (int i = 0; i < n; i++) {
		const struct group *g = group_find(names[i]);

		if (g && (g->flags & GF_LATENCY))
			usage_error("top", "'%s' is a latency: use 'ftnet hist %s'", names[i],
				    names[i]);
		if (g && (g->flags & GF_PATHS))
			usage_error("top", "'%s' follows packets one by one: use 'ftnet %s'",
				    names[i], names[i]);
		if (g && (g->flags & GF_STREAM))
			usage_error("top", "'%s' has no table: use 'ftnet stream %s'", names[i],
				    names[i]);
	}
}

/* Whether the user set a filter on g in the instance ('ftnet enable --filter'). */
static bool user_filtered(struct tracefs_instance *inst, const struct group *g)
{
	for (int j = 0; j < GROUP_MAX_EVENTS && g->events[j].sys; j++) {
		char *f = tfs_filter_get(inst, g->events[j].sys, g->events[j].name);
		bool set = f != NULL;

		free(f);
		if (set)
			return true;
	}
	return false;
}

/*
 * The groups top draws: those named, else those enabled in the instance, else drops. Those
 * enabled with a filter of the user's are read there, in user space (*filtered).
 */
static int top_groups(struct ftnet_ctx *ctx, char **names, int n, const struct group **gs,
		      bool *filtered)
{
	struct tracefs_instance *inst;
	int k = 0;

	for (int i = 0; i < n && k < SESSION_MAX_GROUPS; i++) {
		const struct group *g = group_or_die(names[i]);
		bool dup = false;

		for (int j = 0; j < k; j++)
			dup = dup || gs[j] == g;	/* "top drops drops" counts them once */
		if (!dup) {
			filtered[k] = false;
			gs[k++] = g;
		}
	}
	if (k)
		return k;
	inst = tfs_instance_open(ctx->instance, false, NULL);
	for (int i = 0; inst && i < ngroups && k < SESSION_MAX_GROUPS; i++)
		if (!(groups[i].flags & (GF_LATENCY | GF_PATHS | GF_STREAM)) &&
		    group_enabled(inst, &groups[i])) {
			filtered[k] = user_filtered(inst, &groups[i]);
			gs[k++] = &groups[i];
		}
	if (inst)
		tracefs_instance_free(inst);
	if (!k) {
		filtered[k] = false;
		gs[k++] = group_find("drops");
	}
	return k;
}

/*
 * --aggregate: the groups whose tables the kernel can keep go to hist triggers (tr->tk); the
 * rest are read as events, their names into names (the run's groups). Returns how many.
 */
static int split_groups(struct ftnet_ctx *ctx, struct top_run *tr, int mode, char **argv,
			int argc, char **names)
{
	const struct group *gs[SESSION_MAX_GROUPS], *kern[SESSION_MAX_GROUPS];
	const struct group *fallback[SESSION_MAX_GROUPS];
	bool filtered[SESSION_MAX_GROUPS];
	int n = top_groups(ctx, argv, argc, gs, filtered), nk = 0, nu = 0, nf = 0;

	for (int i = 0; i < n; i++) {
		const char *why = filtered[i] ?
				  "enabled in the instance with a filter of yours: read there" :
				  top_kernel_why_not(ctx, gs[i], tr->t.drop_by);

		if (!why) {
			kern[nk++] = gs[i];
			continue;
		}
		if (mode == AGG_KERNEL && !khist_supported(ctx->tracefs))
			die(EXIT_FAIL, "--aggregate kernel: %s; use --aggregate user (or auto)", why);
		if (mode == AGG_KERNEL || verbose)
			note("group '%s' is aggregated in user space: %s", gs[i]->name, why);
		names[nu++] = (char *)gs[i]->name;
	}
	if (nk)
		tr->tk = top_kernel_start(ctx, &tr->t, kern, nk, tr->max_keys, fallback, &nf);
	for (int i = 0; i < nf; i++)
		names[nu++] = (char *)fallback[i]->name;
	return nu;
}

int cmd_top(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct top_opts o = { .interval = 1, .rows = 10, .max_keys = AGG_DEFAULT_MAX_KEYS };
	struct out_opts oo = { .mode = OUT_TEXT, .time = TIME_WALL };
	struct run_spec r = { .cmd = "top", .quiet = true };
	char *names[SESSION_MAX_GROUPS];
	struct top_run tr;
	const char **events;
	int i = opt_parse(&top_spec, argc, argv, &o), ret, nnamed;

	if (!o.read)	/* a file needs no tracefs, nor root */
		tracefs_or_die(ctx);
	nnamed = args_take_events(argv + i, argc - i, &events, &r.so.nevents);
	refuse_latencies(argv + i, nnamed);
	memset(&tr, 0, sizeof(tr));
	if (r.so.nevents)	/* --by names the tracepoints' fields */
		tr.by_fields = o.by;
	else if (o.by && !parse_by(o.by))
		usage_error("top", "invalid --by '%s': %s", o.by, BY_KEYS_HELP);
	tr.t.drop_by = o.by && !r.so.nevents ? parse_by(o.by) : BY_REASON | BY_LOCATION;
	tr.t.rows = o.rows;
	tr.max_keys = (unsigned int)o.max_keys;
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	/* a file's times are its trace clock's (seconds since boot), not this host's day */
	if (o.read)
		oo.time = TIME_MONO;
	oo.wall_offset_ns = (int64_t)(wall_ns() - mono_ns());
	out_init(&oo);
	tr.redraw = !o.json && isatty(STDOUT_FILENO);

	r.groups = argv + i;
	r.ngroups = nnamed;
	r.so.events = events;
	if (r.so.nevents && o.aggregate == AGG_KERNEL)
		usage_error("top", "tracepoints named as SYSTEM:EVENT are counted in user space: not with --aggregate kernel");
	/* groups with tracepoints: in user space, in the tracepoints' private instance */
	if (!o.read && o.aggregate != AGG_USER && !r.so.nevents) {
		r.groups = names;
		r.ngroups = split_groups(ctx, &tr, o.aggregate, argv + i, nnamed, names);
		r.no_events = !r.ngroups;
	}
	r.so.default_group = "drops";
	r.so.buffer_kb = o.buffer_kb;
	r.read_file = o.read;
	/* a trigger is ours to set only in an instance of our own */
	r.private_instance = ((tr.t.drop_by & BY_STACK) || r.so.nevents) && !o.read;
	r.duration = o.duration;
	r.interval = o.interval;
	r.prom = o.prom;
	r.arg = &tr;
	r.started = started;
	r.on_event = on_event;
	r.tick = tick;
	r.stopping = stopping;
	r.prom_write = prom_write;
	ret = run_or_exit(ctx, &r, NULL);
	if (!tr.t.events_total && !tr.t.lost_total && !o.read && ret == EXIT_OK)
		nothing_seen();
	top_kernel_end(tr.tk);
	top_release(&tr.t);
	ksyms_free(tr.ks);
	free(events);
	return ret;
}
