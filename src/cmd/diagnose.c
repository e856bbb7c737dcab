/*
 * ftnet diagnose: the systematic approach in one run. Counters before and after, drops by
 * reason and location, resets and retransmits from tracefs, socket queues, conntrack, the
 * kernel log's rate limiting; then the findings ranked by how much each explains.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "view/agg.h"
#include "cmd/commands.h"
#include "diagnose/findings.h"
#include "kernel/groups.h"
#include "kernel/ksyms.h"
#include "net/nl.h"
#include "base/opt.h"
#include "base/out.h"
#include "source/run.h"
#include "source/session.h"
#include "kernel/tfs.h"
#include "base/util.h"

struct diagnose_opts {
	double		duration;
	const char	*netns;
	bool		json;
};

static const struct opt diagnose_opts[] = {
	/* -d as everywhere, with a default of its own */
	OPT_SECS('d', "duration", struct diagnose_opts, duration, "SECS",
		 "watch for SECS seconds (default 10)", 0.000001, 1e9),
	OPT_NETNS(struct diagnose_opts, netns),
	OPT_JSON(struct diagnose_opts, json),
	OPT_END,
};

const struct cmd_spec diagnose_spec = {
	.name = "diagnose",
	.about = "Watches for SECS seconds (default 10): counter deltas, drops by reason and\n"
		 "location, resets and retransmits (tracefs), socket queues, conntrack pressure and\n"
		 "'net_ratelimit: N callbacks suppressed' in the kernel log. Then prints the\n"
		 "findings ranked by how many packets each explains, with the evidence and the\n"
		 "ftnet command to dig further. What cannot be checked here is listed, with why.\n",
	.opts = diagnose_opts,
	.examples = "  ftnet diagnose\n"
		    "  ftnet diagnose -d 30 --netns blue --json\n",
	.max_args = 0,
};

/* The groups this kernel can trace, in a private instance; what it cannot is not checked. */
static int trace_groups(struct ftnet_ctx *ctx, struct diag *d, char **names)
{
	static const char *const want[] = { "drops", "resets", "retrans" };
	const char *what = "drops, resets, retransmits (tracefs)";
	int n = 0;

	if (geteuid() != 0) {
		diag_not_checked(d, what, "needs root (CAP_SYS_ADMIN)");
		return 0;
	}
	if (tfs_mount(&ctx->tracefs) < 0) {
		diag_not_checked(d, what, "tracefs cannot be mounted");
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		char why[256];

		if (group_backend(group_find(want[i]), BK_AUTO, why, sizeof(why)) >= 0)
			names[n++] = (char *)want[i];
		else
			diag_not_checked(d, want[i], why);
	}
	d->drops = agg_new(sizeof(struct drop_key), 1000);
	d->ks = ksyms_load("/proc/kallsyms");
	return n;
}

static void snapshot(struct snapshot *s)
{
	nl_links(&s->links, &s->nlinks);
	proc_counters(&s->kv, &s->nkv);
	proc_softnet(&s->sn, &s->nsn);
	proc_conntrack(&s->ct);
}

static void snapshot_free(struct snapshot *s)
{
	free(s->links);
	free(s->kv);
	free(s->sn);
}

/* The counters at the start, once the tracing (if any) is on. */
static void begin(void *arg, struct session *s)
{
	struct diag *d = arg;

	(void)s;
	snapshot(&d->before);
	if (!out_is_json())
		fprintf(stderr, "%s: watching for %.0f seconds...\n", prog_name, d->secs);
}

/* Watches for d->secs, or until a signal: through the run loop, or plain waiting. */
static int watch(struct ftnet_ctx *ctx, struct diag *d, char **names, int n)
{
	struct run_spec r = { .cmd = "diagnose", .private_instance = true, .quiet = true };
	uint64_t deadline;

	if (n) {
		r.groups = names;
		r.ngroups = n;
		r.duration = d->secs;
		r.arg = d;
		r.started = begin;
		r.on_event = diag_on_event;
		return run_or_exit(ctx, &r, NULL);
	}
	begin(d, NULL);
	deadline = mono_ns() + (uint64_t)(d->secs * 1e9);
	while (!session_stop && mono_ns() < deadline)
		usleep(100000);
	return EXIT_OK;
}

/* The findings with their evidence and the next command, then what was not checked. */
static void report(const struct diag *d)
{
	out_begin("diagnose");
	out_double("duration_s", "ftnet diagnose: %.1f seconds, ", d->secs);
	out_int("findings_total", "%" PRId64 " findings\n", d->n);
	out_open("findings", true);
	for (int i = 0; i < d->n; i++) {
		out_open(NULL, false);
		out_int("rank", "\n%2" PRId64 ". ", i + 1);
		out_str("title", "%s\n", d->f[i].title);
		out_uint("score", "", d->f[i].score);
		out_str("evidence", "    evidence: %s\n", d->f[i].evidence);
		out_str("next", "    next:     %s\n", d->f[i].next);
		out_close(false);
	}
	if (!d->n)
		out_text("\nnothing found: no drops, resets, retransmits or troubled counters\n");
	out_close(true);
	out_open("not_checked", true);
	if (d->nnc)
		out_text("\nnot checked:\n");
	for (int i = 0; i < d->nnc; i++) {
		out_open(NULL, false);
		out_str("what", "  %s\n", d->not_checked[i]);
		out_close(false);
	}
	out_close(true);
	out_end();
}

static void diag_free(struct diag *d)
{
	agg_free(d->drops);
	for (size_t i = 0; i < ARRAY_SIZE(d->reasons); i++)
		free(d->reasons[i]);
	snapshot_free(&d->before);
	snapshot_free(&d->after);
	free(d->socks);
	ksyms_free(d->ks);
	free(d);
}

int cmd_diagnose(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct diagnose_opts o = { .duration = 10 };
	struct out_opts oo = { .mode = OUT_TEXT };
	struct diag *d;
	char *names[3];
	int n, ret;

	opt_parse(&diagnose_spec, argc, argv, &o);
	if (o.netns)
		netns_or_die(o.netns);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	session_signals();
	d = xcalloc(1, sizeof(*d));
	d->secs = o.duration;
	d->start_us = mono_ns() / 1000;
	n = trace_groups(ctx, d, names);
	ret = watch(ctx, d, names, n);
	snapshot(&d->after);
	nl_sockets(&d->socks, &d->nsocks);
	diag_findings(d);
	report(d);
	out_flush();
	diag_free(d);
	return ret;
}
