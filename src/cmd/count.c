// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet count: how often tracepoints fire, system-wide, like 'perf stat -e ... -a'. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "kernel/khist.h"
#include "base/opt.h"
#include "base/out.h"
#include "base/prom.h"
#include "source/run.h"
#include "kernel/tfs.h"
#include "view/top-kernel.h"
#include "base/util.h"

/* The events the network playbook counts first. */
static const char *const default_events[] = {
	"net:netif_receive_skb", "net:net_dev_xmit", "skb:kfree_skb", "skb:consume_skb",
	"tcp:tcp_retransmit_skb", "tcp:tcp_send_reset", "tcp:tcp_receive_reset",
	"sock:inet_sock_set_state",
};

#define COUNT_MAX 64

struct counter {
	char		name[130];	/* SYSTEM:EVENT */
	uint64_t	count, total;
	int		id;
};

struct cstate {
	struct counter	c[COUNT_MAX];
	int		n;
	uint64_t	lost, lost_total, unknown;
	const char	**names;	/* the events asked for, in the order of s->raw */
	int		nnamed;		/* how many were named (0: the defaults) */
	const char	*path;		/* -r FILE */
	bool		forever;	/* no -d */
	/* --aggregate kernel: a hist trigger per event in an instance of our own */
	struct tracefs_instance	*kinst;
	char		kname[64];
	struct khist	kh[COUNT_MAX];
	int		cur;		/* the counter being read */
};

struct count_opts {
	bool		json;
	double		duration, interval;
	const char	*prom, *read;
	int		aggregate;
};

static const struct opt count_opts[] = {
	OPT_DURATION(struct count_opts, duration),
	OPT_INTERVAL(struct count_opts, interval, "print the counts every SECS (at least 0.1)"),
	OPT_JSON(struct count_opts, json),
	OPT_PROM(struct count_opts, prom),
	OPT_AGGREGATE(struct count_opts, aggregate),
	OPT_S('r', "read", struct count_opts, read, "FILE",
	      "count the events of a trace.dat file (ftnet record, trace-cmd) instead"),
	OPT_END,
};

const struct cmd_spec count_spec = {
	.name = "count",
	.args = "[EVENT...]",
	.about = "Counts tracepoint hits on all CPUs in a private instance, read from the raw\n"
		 "buffers. EVENT is SYSTEM:NAME or SYSTEM:*; the default is the network playbook's:\n"
		 "  netif_receive_skb, net_dev_xmit, kfree_skb, consume_skb, tcp_retransmit_skb,\n"
		 "  tcp_send_reset, tcp_receive_reset, inet_sock_set_state\n",
	.opts = count_opts,
	.examples = "  ftnet count -d 10\n"
		    "  ftnet count skb:kfree_skb net:napi_poll -t 1 -d 10 --json\n"
		    "  ftnet count -r drops.dat skb:kfree_skb -t 1\n"
		    "  ftnet count skb:kfree_skb --aggregate kernel -d 10\n",
	.max_args = COUNT_MAX,
	.args_kind = ARGS_EVENTS,
};

static void on_record(void *arg, struct tep_record *rec)
{
	struct cstate *cs = arg;
	uint16_t id;

	memcpy(&id, rec->data, 2);
	for (int i = 0; i < cs->n; i++) {
		if (cs->c[i].id == id) {
			cs->c[i].count++;
			cs->c[i].total++;
			return;
		}
	}
	cs->unknown++;
}

static void on_event(void *arg, const struct ftnet_event *ev)
{
	struct cstate *cs = arg;

	if (ev->type == EV_LOST) {
		cs->lost += ev->count;
		cs->lost_total += ev->count;
	}
}

static void kernel_row(void *arg, const struct khist_row *row, uint64_t hits, uint64_t sum)
{
	struct cstate *cs = arg;

	(void)row;	/* one key, or the ones a full table dropped: hits all the same */
	(void)sum;
	cs->c[cs->cur].count += hits;
	cs->c[cs->cur].total += hits;
}

/* What the kernel counted since the last interval. */
static void kernel_read(struct cstate *cs)
{
	for (cs->cur = 0; cs->cur < cs->n; cs->cur++) {
		int ret = khist_read(&cs->kh[cs->cur], kernel_row, cs);

		if (ret < 0)
			warn("cannot read the hist table of %s: %s", cs->c[cs->cur].name,
			     strerror(-ret));
	}
}

static void kernel_end(struct cstate *cs)
{
	for (int i = 0; cs->kinst && i < cs->n; i++) {
		khist_off(&cs->kh[i]);
		khist_free(&cs->kh[i]);
	}
	khist_instance_end(cs->kinst, cs->kname);
	cs->kinst = NULL;
}

/*
 * --aggregate: a hist trigger keyed by the event's type on each event (one row, the hit
 * count); false, having said why where it matters, when the kernel cannot.
 */
static bool kernel_start(struct ftnet_ctx *ctx, struct cstate *cs, const char **events, int n,
			 int mode)
{
	char sys[64], err[TFS_ERRLEN];

	if (!khist_supported(ctx->tracefs)) {
		if (mode == AGG_KERNEL)
			die(EXIT_FAIL, "--aggregate kernel: this kernel has no hist triggers (CONFIG_HIST_TRIGGERS); use --aggregate user (or auto)");
		return false;
	}
	for (int i = 0; i < n; i++) {	/* checked as the user path checks them */
		const char *colon = strchr(events[i], ':');

		if (!colon || colon == events[i] || colon - events[i] >= (long)sizeof(sys) ||
		    !tracefs_event_file_exists(NULL, (snprintf(sys, sizeof(sys), "%.*s",
					       (int)(colon - events[i]), events[i]), sys),
					       colon + 1, "format"))
			return false;
	}
	cs->kinst = khist_instance_new(cs->kname, sizeof(cs->kname));
	if (!cs->kinst)
		die(EXIT_FAIL, "cannot create the tracefs instance '%s': %s", cs->kname,
		    tfs_strerror(errno));
	for (cs->n = 0; cs->n < n; cs->n++) {
		const char *colon = strchr(events[cs->n], ':');

		snprintf(sys, sizeof(sys), "%.*s", (int)(colon - events[cs->n]), events[cs->n]);
		if (khist_on(&cs->kh[cs->n], cs->kinst, sys, colon + 1, "common_type", NULL, 2048,
			     NULL, err, sizeof(err)) < 0) {
			if (mode == AGG_KERNEL || verbose)
				note("the kernel refused a hist trigger on %s (%s): counting in user space",
				     events[cs->n], err);
			break;
		}
		snprintf(cs->c[cs->n].name, sizeof(cs->c[cs->n].name), "%s", events[cs->n]);
	}
	if (cs->n == n) {
		if (verbose)
			note("counting in the kernel (hist triggers in instance '%s')", cs->kname);
		return true;
	}
	kernel_end(cs);
	if (mode == AGG_KERNEL)
		die(EXIT_FAIL, "--aggregate kernel: the kernel refused a hist trigger");
	return false;
}

static void render(void *arg, uint64_t ts, double secs, bool final)
{
	struct cstate *cs = arg;

	if (cs->kinst)
		kernel_read(cs);

	out_begin("count");
	out_uint(PRINT_JSON, "ts_ns", NULL, ts);
	out_double(PRINT_ANY, "interval_s", "\n%.3f seconds", secs);
	out_uint(PRINT_ANY, "lost", ", %" PRIu64 " events lost", cs->lost);
	if (final) {
		out_str(PRINT_JSON, "final", NULL, "true");
		out_text(" (final)");
	}
	out_text("\n\n%14s %14s %14s  %s\n", "COUNT", "PER_SEC", "TOTAL", "EVENT");
	out_open_array("counts");
	for (int i = 0; i < cs->n; i++) {
		out_open_object(NULL);
		out_uint(PRINT_ANY, "count", "%14" PRIu64 " ", cs->c[i].count);
		out_double(PRINT_ANY, "per_sec", "%14.1f ", secs > 0 ? cs->c[i].count / secs : 0);
		out_uint(PRINT_ANY, "total", "%14" PRIu64 "  ", cs->c[i].total);
		out_str(PRINT_ANY, "event", "%s\n", cs->c[i].name);
		out_close_object();
		cs->c[i].count = 0;
	}
	out_close_array();
	out_end();
	out_flush();
	cs->lost = 0;
}

static int prom_write(void *arg, const char *path)
{
	const struct cstate *cs = arg;
	struct prom *p = prom_open(path);

	if (!p)
		return -errno;
	prom_family(p, "ftnet_tracepoint_events_total", "counter", "tracepoint hits");
	for (int i = 0; i < cs->n; i++) {
		const char *labels[] = { "event", cs->c[i].name, NULL };

		prom_sample(p, "ftnet_tracepoint_events_total", cs->c[i].total, labels);
	}
	prom_family(p, "ftnet_lost_events_total", "counter", "events the kernel could not keep");
	prom_sample(p, "ftnet_lost_events_total", cs->lost_total, NULL);
	return prom_commit(p);
}

/* The file's events of system sys (SYSTEM:*) counted; how many. */
static int file_system(struct cstate *cs, struct session *s, const char *sys)
{
	struct tep_event **evs = tep_list_events(s->tep, TEP_EVENT_SORT_ID);
	int k = 0;

	for (int i = 0; evs && evs[i] && cs->n < COUNT_MAX; i++) {
		if (strcmp(evs[i]->system, sys))
			continue;
		snprintf(cs->c[cs->n].name, sizeof(cs->c[cs->n].name), "%s:%s", sys, evs[i]->name);
		cs->c[cs->n++].id = evs[i]->id;
		k++;
	}
	return k;
}

/* A file: the events named that it holds (any missing one is an error), or the defaults it has. */
static void file_started(struct cstate *cs, struct session *s, const char *path)
{
	int n = cs->nnamed ? cs->nnamed : (int)ARRAY_SIZE(default_events);

	for (int i = 0; i < n; i++) {
		const char *name = cs->nnamed ? cs->names[i] : default_events[i];
		const char *colon = strchr(name, ':');
		struct tep_event *e = NULL;
		char sys[64];
		bool all = colon && !strcmp(colon + 1, "*");

		if (colon && colon != name && colon - name < (long)sizeof(sys)) {
			snprintf(sys, sizeof(sys), "%.*s", (int)(colon - name), name);
			if (all && file_system(cs, s, sys))
				continue;
			e = all ? NULL : tep_find_event_by_name(s->tep, sys, colon + 1);
		}
		if (!e && cs->nnamed)
			die(EXIT_FAIL, "'%s' holds no event '%s' (give SYSTEM:EVENT or SYSTEM:* as recorded, such as skb:kfree_skb)",
			    path, name);
		if (!e || cs->n >= COUNT_MAX)
			continue;
		snprintf(cs->c[cs->n].name, sizeof(cs->c[cs->n].name), "%s", name);
		cs->c[cs->n].id = e->id;
		cs->n++;
	}
	if (!cs->n)
		die(EXIT_FAIL, "'%s' holds none of the events counted by default; name them (SYSTEM:EVENT)",
		    path);
}

static void started(void *arg, struct session *s)
{
	struct cstate *cs = arg;

	if (!s) {	/* counted in the kernel: set up already */
		if (!out_is_json() && cs->forever)
			fprintf(stderr, "%s: counting %d events in the kernel... hit Ctrl-C to end\n",
				prog_name, cs->n);
		return;
	}
	if (s->file) {
		file_started(cs, s, cs->path);
		return;
	}
	if (s->nraw > COUNT_MAX)	/* SYSTEM:* brought more */
		die(EXIT_USAGE, "count: %d events named, at most %d are counted at once", s->nraw,
		    COUNT_MAX);
	for (int i = 0; i < s->nraw; i++) {
		char *id = tracefs_event_file_read(NULL, s->raw[i][0], s->raw[i][1], "id", NULL);

		snprintf(cs->c[cs->n].name, sizeof(cs->c[cs->n].name), "%s:%s", s->raw[i][0],
			 s->raw[i][1]);
		cs->c[cs->n].id = id ? atoi(id) : -1;
		cs->n++;
		free(id);
	}
	if (!out_is_json() && cs->forever)
		fprintf(stderr, "%s: counting %d events... hit Ctrl-C to end\n", prog_name, cs->n);
}

/* The events named, or the defaults this kernel has. */
static int pick_events(char **names, int n, const char **events)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		events[k++] = names[i];
	for (size_t i = 0; !n && i < ARRAY_SIZE(default_events); i++) {
		const char *colon = strchr(default_events[i], ':');
		char sys[16];

		snprintf(sys, sizeof(sys), "%.*s", (int)(colon - default_events[i]),
			 default_events[i]);
		if (tracefs_event_file_exists(NULL, sys, colon + 1, "id"))
			events[k++] = default_events[i];
	}
	return k;
}

int cmd_count(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct count_opts o = { 0 };
	struct out_opts oo = { .mode = OUT_TEXT };
	struct run_spec r = { .cmd = "count", .private_instance = true, .quiet = true };
	const char *events[COUNT_MAX];
	struct cstate cs;
	int i = opt_parse(&count_spec, argc, argv, &o), ret;

	if (!o.read)	/* a file needs no tracefs, nor root */
		tracefs_or_die(ctx);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	memset(&cs, 0, sizeof(cs));
	cs.names = events;
	cs.forever = !o.duration && !o.read;
	cs.path = o.read;
	r.read_file = o.read;
	r.so.raw_only = true;
	if (o.read) {	/* the events are the file's: checked against it once it is open */
		cs.nnamed = argc - i;
		for (int k = 0; k < cs.nnamed; k++)
			events[k] = argv[i + k];
		r.so.events = events;
		r.so.nevents = cs.nnamed;
	} else {
		r.so.events = events;
		r.so.nevents = pick_events(argv + i, argc - i, events);
		if (o.aggregate != AGG_USER)
			r.no_events = kernel_start(ctx, &cs, events, r.so.nevents, o.aggregate);
	}
	r.duration = o.duration;
	r.interval = o.interval;
	r.prom = o.prom;
	r.arg = &cs;
	r.started = started;
	r.on_record = on_record;
	r.on_event = on_event;
	r.tick = render;
	r.prom_write = prom_write;
	ret = run_or_exit(ctx, &r, NULL);
	kernel_end(&cs);
	return ret;
}
