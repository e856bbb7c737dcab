// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet list: the groups with their events, and the raw network tracepoints of this kernel. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <inttypes.h>

#include "cmd/commands.h"
#include "decode/decode.h"
#include "kernel/tfs.h"
#include "kernel/groups.h"
#include "base/out.h"
#include "base/opt.h"
#include "base/util.h"

const struct cmd_spec list_spec = {
	.name = "list",
	.args = "[SYSTEM|SYSTEM:EVENT]",
	.about = "Lists the groups with their events and whether this kernel has them, then the\n"
		 "raw net, skb, tcp, sock, udp, napi and qdisc tracepoints, which stream, top,\n"
		 "record, report and count take as SYSTEM:EVENT (or SYSTEM:* for all of one\n"
		 "system). With SYSTEM, that system's tracepoints; with SYSTEM:EVENT, its fields\n"
		 "as they are shown, filtered (--filter) and counted (top --by).\n",
	.opts = json_only_opts,
	.examples = "  ftnet list\n"
		    "  ftnet list --json | grep '\"group\"'\n"
		    "  ftnet list sched\n"
		    "  ftnet list tcp:tcp_rcv_space_adjust\n",
	.max_args = 1,
	.args_kind = ARGS_EVENTS,
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

/* The tracepoints of one system, sorted by name; how many. */
static size_t list_system(const char *tracefs, const char *sys)
{
	char path[512], **names = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/events/%s", tracefs, sys);
	d = opendir(path);
	if (!d)
		return 0;
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
	return n;
}

/* How a field is shown, as the printer decides (decode/tracepoint.c). */
static const char *field_shown(struct tep_event *e, const struct tep_format_field *f)
{
	bool array = f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC);

	if (array && strstr(f->type, "char") && !strstr(f->type, "unsigned char"))
		return "text";
	if (array && f->elementsize == 1 && strstr(f->name, "addr"))
		return "address";
	if (array)
		return "array";
	if ((f->flags & TEP_FIELD_IS_POINTER) || strchr(f->type, '*'))
		return "hex";
	if (decode_has_symbols(e, f->name))
		return "name";
	return f->flags & TEP_FIELD_IS_SIGNED ? "signed" : "unsigned";
}

/* One tracepoint's fields: name, C type, size, how it is shown. */
static int list_fields(const char *sys, const char *name)
{
	static const char *const none[] = { NULL };
	struct tep_handle *tep = tfs_tep_load(none);
	struct tep_event *e;

	if (tep)
		tfs_tep_add(tep, sys, name);
	e = tep ? tep_find_event_by_name(tep, sys, name) : NULL;
	if (!e) {
		if (tep)
			tep_free(tep);
		die(EXIT_FAIL, "this kernel has no tracepoint '%s:%s': 'ftnet list %s' lists the system's",
		    sys, name, sys);
	}
	if (!out_is_json())
		out_printf("%s:%s\n%-24s %-36s %5s  %s\n", sys, name, "FIELD", "TYPE", "SIZE",
			   "SHOWN AS");
	for (struct tep_format_field *f = e->format.fields; f; f = f->next) {
		out_begin("field");
		out_str(PRINT_ANY, "name", "%-24s ", f->name);
		out_str(PRINT_ANY, "ctype", "%-36s ", f->type);
		out_uint(PRINT_ANY, "size", "%5" PRIu64 "  ", (uint64_t)f->size);
		out_str(PRINT_ANY, "shown", "%s", field_shown(e, f));
		out_end();
	}
	tep_free(tep);
	return 0;
}

int cmd_list(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const char *const systems[] = { "net", "skb", "tcp", "sock", "udp", "napi",
					       "qdisc" };
	struct out_opts oo = { .mode = OUT_TEXT };
	struct json_opts o = { 0 };

	int i = opt_parse(&list_spec, argc, argv, &o);
	const char *colon = i < argc ? strchr(argv[i], ':') : NULL;

	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	if (i < argc && colon) {
		char sys[64];

		snprintf(sys, sizeof(sys), "%.*s", (int)(colon - argv[i]), argv[i]);
		list_fields(sys, colon + 1);
		return out_flush() < 0 ? EXIT_FAIL : EXIT_OK;
	}
	if (i < argc) {
		if (!list_system(ctx->tracefs, argv[i]))
			die(EXIT_FAIL, "this kernel has no tracepoint system '%s': %s/available_events lists them all",
			    argv[i], ctx->tracefs);
		return out_flush() < 0 ? EXIT_FAIL : EXIT_OK;
	}
	list_groups();
	if (!out_is_json())
		out_printf("\nraw tracepoints:\n");
	for (size_t s = 0; s < ARRAY_SIZE(systems); s++)
		list_system(ctx->tracefs, systems[s]);
	out_flush();
	return 0;
}
