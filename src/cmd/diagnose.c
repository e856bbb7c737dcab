// SPDX-License-Identifier: GPL-2.0-or-later
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
#include "diagnose/diag.h"
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
		 "location, resets, retransmits and ICMP errors sent (tracefs), socket queues,\n"
		 "qdiscs, nft rule counters, conntrack and the kernel log's rate limiting. Then\n"
		 "prints one finding per cause, causes first, then by packets: the cause with its\n"
		 "object (port and process, device, sysctl and its value, qdisc, rule, MTUs of\n"
		 "both ends), the evidence that counts the same packets, what it explains, the\n"
		 "settings read, next steps that run as printed, and the usual fix. Drop reasons\n"
		 "are described in ftnet's catalogue (doc/drop-reasons.md). What cannot be\n"
		 "checked here is listed, with why.\n",
	.opts = diagnose_opts,
	.examples = "  ftnet diagnose\n"
		    "  ftnet diagnose -d 30 --netns blue --json\n",
	.max_args = 0,
};

/* The groups this kernel can trace, in a private instance; what it cannot is not checked. */
static int trace_groups(struct ftnet_ctx *ctx, struct diag *d, char **names)
{
	static const char *const want[] = { "drops", "resets", "retrans", "icmp" };
	const char *what = "drops, resets, retransmits, ICMP errors sent (tracefs)";
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

/* The counters at the start, once the tracing (if any) is on. */
static void begin(void *arg, struct session *s)
{
	struct diag *d = arg;

	(void)s;
	diag_snapshot(&d->before);
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

static void items(const char *key, const char *label, const struct item *it, int n)
{
	out_open_array(key);
	for (int i = 0; i < n; i++) {
		out_open_object(NULL);
		out_str(PRINT_JSON, "source", NULL, it[i].source);
		out_str(PRINT_JSON, "name", NULL, it[i].name);
		out_int(PRINT_JSON, "value", NULL, it[i].value);
		out_text(i ? "; " : "    %-9s ", label);
		out_str(PRINT_ANY, "text", "%s", it[i].text);
		out_close_object();
	}
	out_close_array();
	if (n)
		out_text("\n");
}

static void finding(const struct finding *f, int rank)
{
	static const char *const cls[] = { "cause", "unknown", "symptom" };

	out_open_object(NULL);
	out_int(PRINT_ANY, "rank", "\n%2" PRId64 ". ", rank);
	out_str(PRINT_ANY, "title", "%s\n", f->title);
	out_str(PRINT_JSON, "class", NULL, cls[f->cls]);
	out_uint(PRINT_JSON, "packets", NULL, f->packets);
	out_str(PRINT_JSON, "reason", NULL, f->reason);
	out_open_object("object");
	out_str(PRINT_JSON, "kind", NULL, obj_kind_name(f->kind));
	out_str(PRINT_JSON, "name", NULL, f->object);
	out_close_object();
	items("evidence", "evidence:", f->ev, f->nev);
	items("explains", "explains:", f->ex, f->nex);
	items("config", "config:", f->cfg, f->ncfg);
	out_open_array("next");
	for (int i = 0; i < f->nnext; i++)
		out_str(PRINT_ANY, NULL, "    next:     %s\n", f->next[i]);
	out_close_array();
	out_str(PRINT_ANY, "fix", "    fix:      %s\n", f->fix);
	out_close_object();
}

/* The findings, causes first, then what was not checked. */
static void report(const struct diag *d)
{
	out_begin("diagnose");
	out_double(PRINT_ANY, "duration_s", "ftnet diagnose: %.1f seconds, ", d->secs);
	out_int(PRINT_ANY, "findings_total", "%" PRId64 " findings\n", d->n);
	out_open_array("findings");
	for (int i = 0; i < d->n; i++)
		finding(&d->f[i], i + 1);
	if (!d->n)
		out_text("\nnothing found: no drops, resets, retransmits or troubled counters\n");
	out_close_array();
	out_open_array("not_checked");
	if (d->nnc)
		out_text("\nnot checked:\n");
	for (int i = 0; i < d->nnc; i++) {
		out_open_object(NULL);
		out_str(PRINT_ANY, "what", "  %s\n", d->not_checked[i]);
		out_close_object();
	}
	out_close_array();
	out_end();
}

int cmd_diagnose(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct diagnose_opts o = { .duration = 10 };
	struct out_opts oo = { .mode = OUT_TEXT };
	struct diag *d;
	char *names[4];
	int n, ret;

	opt_parse(&diagnose_spec, argc, argv, &o);
	diag_sysctl_preload();
	if (o.netns)
		netns_or_die(o.netns);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	session_signals();
	d = xcalloc(1, sizeof(*d));
	d->secs = o.duration;
	d->start_us = mono_ns() / 1000;
	d->netns = o.netns;
	n = trace_groups(ctx, d, names);
	ret = watch(ctx, d, names, n);
	diag_snapshot(&d->after);
	diag_findings(d);
	report(d);
	out_flush();
	diag_free(d);
	return ret;
}
