/* ftnet enable / disable: persistent tracing in the instance, kept after ftnet exits. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "groups.h"
#include "probe.h"
#include "tfs.h"
#include "opt.h"
#include "util.h"

static void enable_usage(FILE *f)
{
	fprintf(f, "usage: ftnet enable [--filter EXPR] [--buffer-kb KB] GROUP...\n\n"
		   "Enables the groups' tracepoints in the instance (created when missing) and\n"
		   "leaves them on: 'ftnet stream' in another process reads them.\n\n"
		   "  -f, --filter EXPR   kernel filter for every event of the groups; drop reason\n"
		   "                      and TCP state names are turned into the kernel's numbers\n"
		   "  -b, --buffer-kb KB  ring buffer size per CPU\n\n"
		   "groups: %s\n\n"
		   "EXAMPLES\n"
		   "  ftnet enable drops\n"
		   "  ftnet enable drops --filter 'reason == NO_SOCKET'\n"
		   "  ftnet enable resets retrans --buffer-kb 8192\n", group_names());
}

int cmd_enable(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "filter", required_argument, NULL, 'f' },
		{ "buffer-kb", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct group *gs[16];
	struct tracefs_instance *inst;
	const char *filter = NULL;
	int bk[16];
	uint64_t kb = 0;
	bool created;
	int c, n = 0, ret;

	while ((c = getopt_long(argc, argv, "f:b:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			filter = optarg;
			break;
		case 'b':
			if (parse_u64(optarg, &kb) < 0 || kb == 0 || kb > (1u << 22))
				usage_error("enable", "invalid --buffer-kb '%s': give a size in KB "
					    "from 1 to 4194304", optarg);
			break;
		case 'h':
			enable_usage(stdout);
			return 0;
		default:
			enable_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		usage_error("enable", "name the groups to enable: %s", group_names());
	for (int i = optind; i < argc; i++) {
		const struct group *g = group_or_die(argv[i]);
		bool dup = false;

		for (int k = 0; k < n; k++)
			dup |= gs[k] == g;
		if (!dup && n < (int)ARRAY_SIZE(gs))
			gs[n++] = g;
	}
	for (int i = 0; i < n; i++)
		bk[i] = group_backend_or_die(ctx, gs[i]);

	inst = tfs_instance_open(ctx->instance, true, &created);
	if (!inst)
		die(EXIT_FAIL, "cannot create the tracefs instance '%s': %s", ctx->instance,
		    tfs_strerror(errno));
	if (created || kb) {
		ret = tfs_instance_setup(inst, created || kb ? kb : 0);
		if (ret < 0) {
			if (created)
				tfs_instance_remove(inst);
			die(EXIT_FAIL, "cannot set up the tracefs instance '%s': %s", ctx->instance,
			    tfs_strerror(ret));
		}
	}
	groups_enable_or_die(ctx, inst, created, gs, n, filter, NULL, bk);
	for (int i = 0; i < n; i++)
		printf("enabled %s in instance '%s' (%s)\n", gs[i]->name, ctx->instance,
		       backend_name(bk[i]));
	tracefs_instance_free(inst);
	return 0;
}

static void disable_usage(FILE *f)
{
	fprintf(f, "usage: ftnet disable GROUP... | --all\n\n"
		   "Disables the groups in the instance; the instance is removed when nothing\n"
		   "is left enabled in it. --all removes the instance outright.\n\n"
		   "EXAMPLES\n"
		   "  ftnet disable drops\n"
		   "  ftnet disable --all\n"
		   "  ftnet -I mytest disable --all\n");
}

/* --all also removes ftnet kprobes that no instance uses, such as a crashed stream's. */
static void sweep_probes(void)
{
	int busy, n = probe_sweep(&busy);

	if (n)
		printf("removed %d ftnet kprobe%s no instance used\n", n, n == 1 ? "" : "s");
	if (busy)
		note("%d ftnet kprobe%s stay: enabled in another instance", busy,
		     busy == 1 ? "" : "s");
}

int cmd_disable(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct group *gs[16], *keep[16];
	struct tracefs_instance *inst;
	int c, n = 0, nkeep = 0;
	bool all = false;

	while ((c = getopt_long(argc, argv, "ah", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'h':
			disable_usage(stdout);
			return 0;
		default:
			disable_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (all && optind < argc)
		usage_error("disable", "give either groups or --all, not both");
	if (!all && optind >= argc)
		usage_error("disable", "name the groups to disable (%s) or give --all",
			    group_names());
	for (int i = optind; i < argc && n < (int)ARRAY_SIZE(gs); i++)
		gs[n++] = group_or_die(argv[i]);

	inst = tfs_instance_open(ctx->instance, false, NULL);
	if (!inst) {
		printf("instance '%s' does not exist: nothing to disable\n", ctx->instance);
		if (all)
			sweep_probes();
		return 0;
	}
	if (!all) {
		for (int i = 0; i < ngroups; i++) {
			bool named = false;

			for (int k = 0; k < n; k++)
				named |= gs[k] == &groups[i];
			if (!named && group_enabled(inst, &groups[i]))
				keep[nkeep++] = &groups[i];
		}
		groups_disable(inst, gs, n, keep, nkeep);
		for (int i = 0; i < n; i++)
			printf("disabled %s in instance '%s'\n", gs[i]->name, ctx->instance);
		for (int k = 0; k < nkeep; k++)
			for (int i = 0; i < n; i++)
				if (!strcmp(keep[k]->events[0].name, gs[i]->events[0].name))
					note("'%s' stays on: it shares '%s:%s' with '%s'", gs[i]->name,
					     keep[k]->events[0].sys, keep[k]->events[0].name,
					     keep[k]->name);
		if (tfs_any_enabled(inst)) {
			tracefs_instance_free(inst);
			return 0;
		}
	}
	if (tfs_instance_remove(inst) < 0)
		die(EXIT_FAIL, "cannot remove the tracefs instance '%s': it is busy: another ftnet "
			       "(or a reader of its trace files) still has it open; stop that first",
		    ctx->instance);
	printf("removed instance '%s'\n", ctx->instance);
	if (all)
		sweep_probes();
	return 0;
}

/* placeholder until the options move into a table */
static const struct opt enable_opts_tbl[] = { OPT_END };
const struct cmd_spec enable_spec = { .name = "enable", .opts = enable_opts_tbl, .max_args = -1 };

/* placeholder until the options move into a table */
static const struct opt disable_opts_tbl[] = { OPT_END };
const struct cmd_spec disable_spec = { .name = "disable", .opts = disable_opts_tbl, .max_args = -1 };
