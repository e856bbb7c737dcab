// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet status: what the instance has enabled, its filters, buffer and per-CPU losses. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "kernel/groups.h"
#include "base/out.h"
#include "kernel/probe.h"
#include "kernel/tfs.h"
#include "base/opt.h"
#include "kernel/owner.h"
#include "base/util.h"

const struct cmd_spec status_spec = {
	.name = "status",
	.about = "Shows the instance's enabled groups with their filters, the buffer size and\n"
		 "clock, and per-CPU entries, overruns and dropped events.\n",
	.opts = json_only_opts,
	.examples = "  ftnet status\n"
		    "  ftnet -I mytest status --json\n",
	.max_args = 0,
};

static char *instance_file(struct tracefs_instance *inst, const char *file)
{
	char *s = tracefs_instance_file_read(inst, file, NULL);

	if (!s)
		return xstrdup("?");
	s[strcspn(s, "\n")] = '\0';
	return s;
}

/* The instance, its tracefs, buffer size and clock. */
static void status_instance(struct ftnet_ctx *ctx, struct tracefs_instance *inst)
{
	char *clock = instance_file(inst, "trace_clock"), *kb;

	if (strchr(clock, '[')) {	/* the selected one is in brackets */
		char *a = strchr(clock, '['), *b = strchr(a, ']');

		if (b) {
			*b = '\0';
			memmove(clock, a + 1, strlen(a + 1) + 1);
		}
	}
	kb = instance_file(inst, "buffer_size_kb");
	out_begin("status");
	out_str(PRINT_ANY, "instance", "instance:   %s\n", ctx->instance);
	out_str(PRINT_ANY, "tracefs", "tracefs:    %s\n", ctx->tracefs);
	out_str(PRINT_ANY, "buffer_kb", "buffer:     %s KB per CPU\n", kb);
	out_str(PRINT_ANY, "trace_clock", "clock:      %s\n", clock);
	out_str(PRINT_ANY, "tracing", "tracing:    %s", tfs_tracing_on(inst) ? "on" : "off");
	if (!tfs_tracing_on(inst))
		out_text(" (tracing_on is 0): nothing is recorded; 'echo 1' to its tracing_on");
	out_text("\n");
	out_end();
	free(clock);
	free(kb);
}

/* Who turned an enabled group on: the user (enable), a running ftnet, or a run that died. */
static void status_owner(struct ftnet_ctx *ctx, const struct group *g)
{
	struct owner o;

	if (owner_get(ctx->instance, g->name, &o) < 0 || !o.pid) {
		out_str(PRINT_JSON, "owner", NULL, "user");
		return;
	}
	out_str(PRINT_JSON, "owner", NULL, owner_dead(&o) ? "dead_run" : "run");
	out_int(PRINT_JSON, "owner_pid", NULL, o.pid);
	if (owner_dead(&o))
		out_text("  left on by a run that ended without restoring (pid %d): the next run or 'ftnet disable --all' turns it off",
			 (int)o.pid);
	else
		out_text("  for a running ftnet (pid %d), off when it ends", (int)o.pid);
}

/* A group's events as "sys:name,sys:name" (all of them: follow has many); caller frees. */
static char *group_event_list(const struct group *g, int b)
{
	struct group_event ev[GROUP_MAX_PROBES];
	int nev = group_events(g, b < 0 ? BK_TRACEPOINT : b, ev, GROUP_MAX_PROBES);
	size_t size = 1, n = 0;
	char *s;

	for (int j = 0; j < nev; j++)
		size += strlen(ev[j].sys) + strlen(ev[j].name) + 2;
	s = xcalloc(1, size);
	for (int j = 0; j < nev; j++)
		n += (size_t)snprintf(s + n, size - n, "%s%s:%s", j ? "," : "", ev[j].sys,
				      ev[j].name);
	return s;
}

/* The filter of an enabled group: its first event's, as enable set it; caller frees. */
static char *group_filter(struct tracefs_instance *inst, const char *events)
{
	char first[128], *colon;

	snprintf(first, sizeof(first), "%s", events);
	first[strcspn(first, ",")] = 0;
	colon = strchr(first, ':');
	if (!colon)
		return NULL;
	*colon = 0;
	return tfs_filter_get(inst, first, colon + 1);
}

/*
 * One row per group: enabled or off, its backend, filter, and all its events last (follow's
 * are many): the columns line up whatever the lengths.
 */
static void status_groups(struct ftnet_ctx *ctx, struct tracefs_instance *inst)
{
	char *events[64], *filter[64];
	int backend[64], n = ngroups < 64 ? ngroups : 64, width = 6;

	for (int i = 0; i < n; i++) {
		backend[i] = group_enabled_backend(inst, &groups[i]);
		events[i] = group_event_list(&groups[i], backend[i]);
		filter[i] = backend[i] >= 0 ? group_filter(inst, events[i]) : NULL;
		if (!filter[i] && backend[i] >= 0)
			filter[i] = xstrdup("none");
		if (filter[i] && (int)strlen(filter[i]) > width)
			width = (int)strlen(filter[i]);
	}
	if (!out_is_json())
		out_printf("%-9s %-8s %-11s %-*s %s\n", "GROUP", "STATE", "BACKEND", width, "FILTER",
			   "EVENTS");
	for (int i = 0; i < n; i++) {
		bool on = backend[i] >= 0;

		out_begin("group");
		out_str(PRINT_ANY, "group", "%-9s ", groups[i].name);
		out_str(PRINT_ANY, "state", "%-8s ", on ? "enabled" : "off");
		out_str(PRINT_ANY, "backend", "%-11s ", on ? backend_name(backend[i]) : "-");
		out_str(PRINT_JSON, "filter", NULL, filter[i] ? filter[i] : "");
		out_text("%-*s ", width, out_esc(filter[i] ? filter[i] : ""));
		out_str(PRINT_ANY, "events", "%s", events[i]);
		if (on)
			status_owner(ctx, &groups[i]);
		out_end();
		free(filter[i]);
		free(events[i]);
	}
}

/* Per-CPU entries, overruns and dropped events of the instance's buffers. */
static void status_cpus(struct tracefs_instance *inst)
{
	int ncpu = tfs_ncpus();

	if (!out_is_json())
		out_printf("\n%-5s %12s %12s %12s\n", "CPU", "ENTRIES", "OVERRUN", "DROPPED");
	for (int cpu = 0; cpu < ncpu; cpu++) {
		struct tfs_cpu_stats st;

		if (tfs_cpu_stats(inst, cpu, &st) < 0)
			continue;
		out_begin("cpu");
		out_int(PRINT_ANY, "cpu", "%-5" PRId64 " ", cpu);
		out_uint(PRINT_ANY, "entries", "%12" PRIu64 " ", st.entries);
		out_uint(PRINT_ANY, "overrun", "%12" PRIu64 " ", st.overrun);
		out_uint(PRINT_ANY, "dropped", "%12" PRIu64, st.dropped);
		out_end();
	}
}

int cmd_status(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct out_opts oo = { .mode = OUT_TEXT };
	struct json_opts o = { 0 };
	struct tracefs_instance *inst;
	int stale;

	opt_parse(&status_spec, argc, argv, &o);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	if (probe_kprobes_supported() && (stale = probe_stale()) > 0)
		warn("%d ftnet kprobe%s left by an ftnet that did not exit cleanly: remove with 'ftnet disable --all'",
		     stale, stale == 1 ? "" : "s");
	say_dead_instances();
	inst = tfs_instance_open(ctx->instance, false, NULL);
	if (!inst) {
		out_begin("status");
		out_str(PRINT_ANY, "instance", "instance '%s' does not exist: nothing is enabled", ctx->instance);
		out_str(PRINT_JSON, "state", NULL, "absent");
		out_text("\n(enable groups with 'ftnet enable GROUP')");
		out_end();
		out_flush();
		return 0;
	}
	status_instance(ctx, inst);
	status_groups(ctx, inst);
	status_cpus(inst);
	out_flush();
	tracefs_instance_free(inst);
	return 0;
}
