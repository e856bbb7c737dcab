/* ftnet report: what 'ftnet stream' would have printed, from a trace.dat file. */
#include <stdlib.h>

#include "cmds.h"
#include "opt.h"
#include "util.h"

struct report_opts {
	bool		json, no_header;
	uint64_t	count;
	double		duration;
};

static const struct opt report_opts[] = {
	OPT_JSON(struct report_opts, json),
	OPT_COUNT(struct report_opts, count, "stop after N events"),
	{ 'd', "duration", OPT_SECONDS, offsetof(struct report_opts, duration), "SECS",
	  "only the first SECS seconds of the file", 0.000001, 1e9, NULL, NULL },
	OPT_F('H', "no-header", struct report_opts, no_header, "no column header"),
	OPT_END,
};

const struct cmd_spec report_spec = {
	.name = "report",
	.args = "FILE [GROUP...]",
	.about = "Prints the events of a trace.dat file as 'ftnet stream' prints them live (the\n"
		 "same text and JSON), with the file's own formats, kernel symbols and command\n"
		 "names. Files of 'ftnet record' and of 'trace-cmd record' (version 6) are read;\n"
		 "GROUP... picks some of the groups the file holds.\n",
	.opts = report_opts,
	.examples = "  ftnet report drops.dat\n"
		    "  ftnet report net.dat resets --json\n",
	.min_args = 1,
	.max_args = -1,
	.args_kind = ARGS_FILE,
};

/* The same as 'stream -r FILE' with the options given: one printer for both. */
int cmd_report(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct report_opts o = { 0 };
	int i = opt_parse(&report_spec, argc, argv, &o), n = 0, ret;
	char **args = xcalloc((size_t)argc + 3, sizeof(*args));

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
