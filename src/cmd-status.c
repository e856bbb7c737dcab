/* ftnet status: what the instance has enabled, its filters, buffer and per-CPU losses. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "groups.h"
#include "out.h"
#include "probe.h"
#include "tfs.h"
#include "opt.h"
#include "util.h"

static void status_usage(FILE *f)
{
	fprintf(f, "usage: ftnet status [--json]\n\n"
		   "Shows the instance's enabled groups with their filters, the buffer size and\n"
		   "clock, and per-CPU entries, overruns and dropped events.\n\n"
		   "EXAMPLES\n"
		   "  ftnet status\n"
		   "  ftnet -I mytest status --json\n");
}

static char *instance_file(struct tracefs_instance *inst, const char *file)
{
	char *s = tracefs_instance_file_read(inst, file, NULL);

	if (!s)
		return xstrdup("?");
	s[strcspn(s, "\n")] = '\0';
	return s;
}

int cmd_status(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct out_opts oo = { .mode = OUT_TEXT };
	struct tracefs_instance *inst;
	char *clock, *kb;
	int c, ncpu;

	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			oo.mode = OUT_JSON;
			break;
		case 'h':
			status_usage(stdout);
			return 0;
		default:
			status_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		usage_error("status", "unexpected argument '%s'", argv[optind]);
	out_init(&oo);
	if (probe_kprobes_supported() && (ncpu = probe_stale()) > 0)
		warn("%d ftnet kprobe%s left by an ftnet that did not exit cleanly: remove with "
		     "'ftnet disable --all'", ncpu, ncpu == 1 ? "" : "s");
	inst = tfs_instance_open(ctx->instance, false, NULL);
	if (!inst) {
		out_begin("status");
		out_str("instance", "instance '%s' does not exist: nothing is enabled", ctx->instance);
		out_str("state", "", "absent");
		out_text("\n(enable groups with 'ftnet enable GROUP')");
		out_end();
		out_flush();
		return 0;
	}
	clock = instance_file(inst, "trace_clock");
	if (strchr(clock, '[')) {	/* the selected one is in brackets */
		char *a = strchr(clock, '['), *b = strchr(a, ']');

		if (b) {
			*b = '\0';
			memmove(clock, a + 1, strlen(a + 1) + 1);
		}
	}
	kb = instance_file(inst, "buffer_size_kb");
	out_begin("status");
	out_str("instance", "instance:   %s\n", ctx->instance);
	out_str("tracefs", "tracefs:    %s\n", ctx->tracefs);
	out_str("buffer_kb", "buffer:     %s KB per CPU\n", kb);
	out_str("trace_clock", "clock:      %s\n", clock);
	out_end();
	free(clock);
	free(kb);

	out_begin("header");
	out_text("%-9s %-8s %-11s %-32s %s", "GROUP", "STATE", "BACKEND", "EVENTS", "FILTER");
	if (oo.mode == OUT_TEXT)
		out_end();
	for (int i = 0; i < ngroups; i++) {
		const struct group *g = &groups[i];
		char events[160] = "", *filter = NULL;
		int b = group_enabled_backend(inst, g);
		struct group_event ev[GROUP_MAX_PROBES];
		int nev = group_events(g, b < 0 ? BK_TRACEPOINT : b, ev, GROUP_MAX_PROBES);
		bool on = b >= 0;

		for (int j = 0; j < nev; j++) {
			size_t n = strlen(events);

			snprintf(events + n, sizeof(events) - n, "%s%s:%s", j ? "," : "",
				 ev[j].sys, ev[j].name);
		}
		if (on)
			filter = tfs_filter_get(inst, ev[0].sys, ev[0].name);
		out_begin("group");
		out_str("group", "%-9s ", g->name);
		out_str("state", "%-8s ", on ? "enabled" : "off");
		out_str("backend", "%-11s ", on ? backend_name(b) : "-");
		out_str("events", "%-32s ", events);
		out_str("filter", "%s", filter ? filter : (on ? "none" : ""));
		out_end();
		free(filter);
	}

	ncpu = tfs_ncpus();
	if (oo.mode == OUT_TEXT) {
		out_begin("header");
		out_text("\n%-5s %12s %12s %12s", "CPU", "ENTRIES", "OVERRUN", "DROPPED");
		out_end();
	}
	for (int cpu = 0; cpu < ncpu; cpu++) {
		struct tfs_cpu_stats st;

		if (tfs_cpu_stats(inst, cpu, &st) < 0)
			continue;
		out_begin("cpu");
		out_int("cpu", "%-5" PRId64 " ", cpu);
		out_uint("entries", "%12" PRIu64 " ", st.entries);
		out_uint("overrun", "%12" PRIu64 " ", st.overrun);
		out_uint("dropped", "%12" PRIu64, st.dropped);
		out_end();
	}
	out_flush();
	tracefs_instance_free(inst);
	return 0;
}

/* placeholder until the options move into a table */
static const struct opt status_opts_tbl[] = { OPT_END };
const struct cmd_spec status_spec = { .name = "status", .opts = status_opts_tbl, .max_args = -1 };
