/* ftnet list: the groups with their events, and the raw network tracepoints of this kernel. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "groups.h"
#include "out.h"
#include "opt.h"
#include "util.h"

static void list_usage(FILE *f)
{
	fprintf(f, "usage: ftnet list [--json]\n\n"
		   "Lists the groups with their events and whether this kernel has them, then the\n"
		   "raw net, skb, tcp, sock, udp, napi and qdisc tracepoints.\n\n"
		   "EXAMPLES\n"
		   "  ftnet list\n"
		   "  ftnet list --json | grep '\"group\"'\n");
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_list(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const char *systems[] = { "net", "skb", "tcp", "sock", "udp", "napi", "qdisc" };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct out_opts oo = { .mode = OUT_TEXT };
	int c;

	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			oo.mode = OUT_JSON;
			break;
		case 'h':
			list_usage(stdout);
			return 0;
		default:
			list_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		usage_error("list", "unexpected argument '%s'", argv[optind]);
	out_init(&oo);
	if (oo.mode == OUT_TEXT)
		printf("%-9s %-44s %s\n", "GROUP", "EVENTS", "DESCRIPTION");
	for (int i = 0; i < ngroups; i++) {
		const struct group *g = &groups[i];
		char events[160] = "";

		for (int j = 0; j < GROUP_MAX_EVENTS && g->events[j].sys; j++) {
			size_t n = strlen(events);
			bool have = tracefs_event_file_exists(NULL, g->events[j].sys,
							       g->events[j].name, "format");

			snprintf(events + n, sizeof(events) - n, "%s%s:%s%s", j ? "," : "",
				 g->events[j].sys, g->events[j].name, have ? "" : "(missing)");
		}
		out_begin("group");
		out_str("group", "%-9s ", g->name);
		out_str("events", "%-44s ", events);
		out_str("description", "%s", g->desc);
		out_end();
	}
	if (oo.mode == OUT_TEXT)
		printf("\nraw tracepoints:\n");
	for (size_t s = 0; s < ARRAY_SIZE(systems); s++) {
		char path[512], **names = NULL;
		struct dirent *de;
		size_t n = 0;
		DIR *d;

		snprintf(path, sizeof(path), "%s/events/%s", ctx->tracefs, systems[s]);
		d = opendir(path);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.' || !strcmp(de->d_name, "enable") ||
			    !strcmp(de->d_name, "filter") || de->d_type != DT_DIR)
				continue;
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
		closedir(d);
		qsort(names, n, sizeof(*names), name_cmp);
		for (size_t i = 0; i < n; i++) {
			out_begin("tracepoint");
			out_str("system", "  %s:", systems[s]);
			out_str("event", "%s", names[i]);
			out_end();
			free(names[i]);
		}
		free(names);
	}
	out_flush();
	return 0;
}

/* placeholder until the options move into a table */
static const struct opt list_opts_tbl[] = { OPT_END };
const struct cmd_spec list_spec = { .name = "list", .opts = list_opts_tbl, .max_args = -1 };
