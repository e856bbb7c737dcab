// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet report: what 'ftnet stream' would have printed, from a trace.dat file. */
#include <stdlib.h>

#include "cmd/commands.h"
#include "base/opt.h"
#include "base/util.h"

struct report_opts {
	bool		json, no_header, stacks;
	uint64_t	count;
	double		duration;
};

static const struct opt report_opts[] = {
	OPT_JSON(struct report_opts, json),
	OPT_COUNT(struct report_opts, count, "stop after N events"),
	OPT_SECS('d', "duration", struct report_opts, duration, "SECS",
		 "only the first SECS seconds of the file", 0.000001, 1e9),
	OPT_F('H', "no-header", struct report_opts, no_header, "no column header"),
	OPT_F('g', "stacks", struct report_opts, stacks,
	      "the drops' kernel call paths as a tree with counts (a file of record -g)"),
	OPT_END,
};

const struct cmd_spec report_spec = {
	.name = "report",
	.args = "FILE [GROUP|SYSTEM:EVENT...]",
	.about = "Prints the events of a trace.dat file as 'ftnet stream' prints them live (the\n"
		 "same text and JSON), with the file's own formats, kernel symbols and command\n"
		 "names. Files of 'ftnet record' and of 'trace-cmd record' (version 6) are read;\n"
		 "GROUP... picks some of the groups the file holds, SYSTEM:EVENT (or SYSTEM:*)\n"
		 "some of its tracepoints, shown with every field of their format; with none\n"
		 "named, the events no group reads are shown that way.\n",
	.opts = report_opts,
	.examples = "  ftnet report drops.dat\n"
		    "  ftnet report net.dat resets --json\n"
		    "  ftnet report tcp.dat tcp:tcp_rcv_space_adjust\n"
		    "  ftnet report --stacks stacks.dat\n",
	.min_args = 1,
	.max_args = -1,
	.args_kind = ARGS_FILE,
};

/* --stacks: the whole file's drops by reason and call path, as 'top -r FILE' draws them. */
static int report_stacks(struct ftnet_ctx *ctx, const struct report_opts *o, const char *file)
{
	char *args[16] = { "top", "-r", (char *)file, "--by", "reason,stack", "-t", "1000000000",
			   "--rows", "100000" };
	int n = 9;

	if (o->count || o->duration)
		usage_error("report", "--stacks aggregates the whole file: -c and -d do not apply");
	if (o->json)
		args[n++] = "--json";
	args[n++] = "--";
	args[n++] = "drops";
	return cmd_top(ctx, n, args);
}

/* The same as 'stream -r FILE' with the options given: one printer for both. */
int cmd_report(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct report_opts o = { 0 };
	int i = opt_parse(&report_spec, argc, argv, &o), n = 0, ret;
	char **args;

	if (o.stacks)
		return report_stacks(ctx, &o, argv[i]);
	args = xcalloc((size_t)argc + 3, sizeof(*args));

	args[n++] = "stream";
	args[n++] = "-r";
	args[n++] = argv[i];
	for (int k = 1; k < i; k++)
		args[n++] = argv[k];
	args[n++] = "--";
	for (int k = i + 1; k < argc; k++)
		args[n++] = argv[k];
	ret = cmd_stream(ctx, n, args);
	free(args);
	return ret;
}
