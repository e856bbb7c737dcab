/* ftnet list: the groups with their events, and the raw network tracepoints of this kernel. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "kernel/groups.h"
#include "base/out.h"
#include "base/opt.h"
#include "base/util.h"

const struct cmd_spec list_spec = {
	.name = "list",
	.about = "Lists the groups with their events and whether this kernel has them, then the\n"
		 "raw net, skb, tcp, sock, udp, napi and qdisc tracepoints.\n",
	.opts = json_only_opts,
	.examples = "  ftnet list\n"
		    "  ftnet list --json | grep '\"group\"'\n",
	.max_args = 0,
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_groups(void)
{
	if (!out_is_json())
		out_printf("%-9s %-44s %s\n", "GROUP", "EVENTS", "DESCRIPTION");
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
		out_str(PRINT_ANY, "group", "%-9s ", g->name);
		out_str(PRINT_ANY, "events", "%-44s ", events);
		out_str(PRINT_ANY, "description", "%s", g->desc);
		out_end();
	}
}

/* The tracepoints of one system, sorted by name. */
static void list_system(const char *tracefs, const char *sys)
{
	char path[512], **names = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/events/%s", tracefs, sys);
	d = opendir(path);
	if (!d)
		return;
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
		out_str(PRINT_ANY, "system", "  %s:", sys);
		out_str(PRINT_ANY, "event", "%s", names[i]);
		out_end();
		free(names[i]);
	}
	free(names);
}

int cmd_list(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const char *const systems[] = { "net", "skb", "tcp", "sock", "udp", "napi",
					       "qdisc" };
	struct out_opts oo = { .mode = OUT_TEXT };
	struct json_opts o = { 0 };

	opt_parse(&list_spec, argc, argv, &o);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	list_groups();
	if (!out_is_json())
		out_printf("\nraw tracepoints:\n");
	for (size_t s = 0; s < ARRAY_SIZE(systems); s++)
		list_system(ctx->tracefs, systems[s]);
	out_flush();
	return 0;
}
