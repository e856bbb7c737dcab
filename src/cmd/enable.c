// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet enable / disable: persistent tracing in the instance, kept after ftnet exits. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "kernel/groups.h"
#include "view/hist-kernel.h"
#include "kernel/khist.h"
#include "base/out.h"
#include "kernel/owner.h"
#include "source/session.h"
#include "kernel/probe.h"
#include "kernel/tfs.h"
#include "base/opt.h"
#include "base/util.h"

struct enable_opts {
	const char	*filter;
	uint64_t	buffer_kb;
};

static const struct opt enable_opts[] = {
	OPT_SC('f', "filter", struct enable_opts, filter, "EXPR",
	       "kernel filter for every event of the groups", opt_check_filter),
	OPT_U('B', "buffer-kb", struct enable_opts, buffer_kb, "KB",
	      "ring buffer per CPU (1 to 4194304); resizes an existing one", 1, 4194304),
	OPT_END,
};

static void enable_groups_help(void)
{
	out_printf("\ngroups: %s\n", group_names());
}

const struct cmd_spec enable_spec = {
	.name = "enable",
	.args = "GROUP...",
	.about = "Enables the groups' tracepoints in the instance (created when missing) and\n"
		 "leaves them on: 'ftnet stream' in another process reads them. Drop reason and\n"
		 "TCP state names in --filter are turned into the kernel's numbers.\n",
	.opts = enable_opts,
	.examples = "  ftnet enable drops\n"
		    "  ftnet enable drops --filter 'reason == NO_SOCKET'\n"
		    "  ftnet enable resets retrans --buffer-kb 8192\n",
	.max_args = -1,
	.more_help = enable_groups_help,
	.args_kind = ARGS_GROUPS,
};

struct disable_opts {
	bool	all;
};

static const struct opt disable_opts[] = {
	OPT_F('a', "all", struct disable_opts, all,
	      "remove the instance, and ftnet kprobes no instance uses"),
	OPT_END,
};

const struct cmd_spec disable_spec = {
	.name = "disable",
	.args = "GROUP... | --all",
	.about = "Disables the groups in the instance; the instance is removed when nothing\n"
		 "is left enabled in it. --all removes the instance outright.\n",
	.opts = disable_opts,
	.examples = "  ftnet disable drops\n"
		    "  ftnet disable --all\n"
		    "  ftnet -I mytest disable --all\n",
	.max_args = -1,
	.args_kind = ARGS_GROUPS,
};

/* The groups named, each once; dies on an unknown one. */
static int groups_named(char **names, int n, const struct group **gs, int max)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		const struct group *g = group_or_die(names[i]);
		bool dup = false;

		for (int j = 0; j < k; j++)
			dup |= gs[j] == g;
		if (!dup && k < max)
			gs[k++] = g;
	}
	return k;
}

/* The instance, created when missing; its buffer set when made now or when -B was given. */
static struct tracefs_instance *instance_or_die(struct ftnet_ctx *ctx, uint64_t kb,
						bool *created)
{
	struct tracefs_instance *inst = tfs_instance_open(ctx->instance, true, created);
	int ret;

	if (!inst)
		die(EXIT_FAIL, "cannot create the tracefs instance '%s': %s", ctx->instance,
		    tfs_strerror(errno));
	if (!*created && !kb)
		return inst;
	ret = tfs_instance_setup(inst, kb);
	if (ret < 0) {
		if (*created)
			tfs_instance_remove(inst);
		die(EXIT_FAIL, "cannot set up the tracefs instance '%s': %s", ctx->instance,
		    tfs_strerror(ret));
	}
	return inst;
}

int cmd_enable(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct enable_opts o = { 0 };
	const struct group *gs[16];
	struct tracefs_instance *inst;
	int bk[16], n, i, cfg;
	bool created;

	i = opt_parse(&enable_spec, argc, argv, &o);
	if (i >= argc)
		usage_error("enable", "name the groups to enable: %s", group_names());
	n = groups_named(argv + i, argc - i, gs, (int)ARRAY_SIZE(gs));
	for (int k = 0; k < n; k++)
		bk[k] = group_backend_or_die(ctx, gs[k]);
	cfg = owner_config_lock(ctx->instance);
	inst = instance_or_die(ctx, o.buffer_kb, &created);
	groups_enable_or_die(ctx, inst, created, gs, n, o.filter, NULL, bk);
	for (int k = 0; k < n; k++) {
		/* the user's now, also when a run turned it on: that run's end keeps it */
		owner_set(ctx->instance, gs[k]->name, false);
		out_printf("enabled %s in instance '%s' (%s)\n", gs[k]->name, ctx->instance,
			   backend_name(bk[k]));
	}
	tracefs_instance_free(inst);
	owner_config_unlock(ctx->instance, cfg);
	return 0;
}

/* --all also removes ftnet kprobes that no instance uses, such as a crashed stream's. */
static void sweep_probes(void)
{
	int busy, n = probe_sweep(&busy);

	if (n)
		out_printf("removed %d ftnet kprobe%s no instance used\n", n, n == 1 ? "" : "s");
	if (busy)
		note("%d ftnet kprobe%s stay: enabled in another instance", busy,
		     busy == 1 ? "" : "s");
}

/*
 * Disables the groups named, keeping the events that other enabled groups share; true when
 * something is still enabled in the instance.
 */
/* Says which of g's events stay on because a kept group uses them too. */
static void say_shared(const struct group *g, const struct group **keep, int nkeep,
		       char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (int j = 0; j < GROUP_MAX_EVENTS && g->events[j].sys; j++)
		for (int k = 0; k < nkeep; k++)
			for (int e = 0; e < GROUP_MAX_EVENTS && keep[k]->events[e].sys; e++)
				if (!strcmp(keep[k]->events[e].name, g->events[j].name) && n < size)
					n += (size_t)snprintf(buf + n, size - n, "%s%s:%s stays on: group '%s' uses it",
							      n ? "; " : " (",
							      g->events[j].sys, g->events[j].name,
							      keep[k]->name);
	if (n && n < size)
		snprintf(buf + n, size - n, ")");
}

/*
 * g looks enabled only because the named groups' events include all of its own (rx inside
 * rxlat, drops inside follow), and nobody enabled it: nothing to keep.
 */
static bool implied(struct ftnet_ctx *ctx, const struct group *g, const struct group **gs, int n)
{
	struct owner o;

	if (!owner_get(ctx->instance, g->name, &o))
		return false;
	for (int j = 0; j < GROUP_MAX_EVENTS && g->events[j].sys; j++) {
		bool in = false;

		for (int k = 0; k < n && !in; k++)
			for (int e = 0; e < GROUP_MAX_EVENTS && gs[k]->events[e].sys; e++)
				in |= !strcmp(gs[k]->events[e].name, g->events[j].name);
		if (!in)
			return false;
	}
	return true;
}

static bool disable_named(struct ftnet_ctx *ctx, struct tracefs_instance *inst,
			  const struct group **gs, int n)
{
	const struct group *keep[16];
	int nkeep = 0;
	char shared[256];

	for (int i = 0; i < ngroups && nkeep < (int)ARRAY_SIZE(keep); i++) {
		bool named = false;

		for (int k = 0; k < n; k++)
			named |= gs[k] == &groups[i];
		if (!named && group_enabled(inst, &groups[i]) &&
		    !implied(ctx, &groups[i], gs, n))
			keep[nkeep++] = &groups[i];
	}
	groups_disable(inst, gs, n, keep, nkeep);
	for (int i = 0; i < n; i++) {
		owner_clear(ctx->instance, gs[i]->name);
		say_shared(gs[i], keep, nkeep, shared, sizeof(shared));
		out_printf("disabled %s in instance '%s'%s\n", gs[i]->name, ctx->instance, shared);
	}
	if (!owner_reader_active(ctx->instance))	/* a run killed with -9 left them */
		session_comm_events_off(inst);
	return tfs_any_enabled(inst);
}

/* Removes the instance, unless a run reads it: that run ends with it. */
static void remove_instance(struct ftnet_ctx *ctx, struct tracefs_instance *inst)
{
	if (owner_reader_active(ctx->instance)) {
		tfs_disable_all(inst);
		out_printf("turned everything off in instance '%s'; an ftnet run reads it and removes it when it ends\n",
			   ctx->instance);
		tracefs_instance_free(inst);
		return;
	}
	if (tfs_instance_remove(inst) < 0)
		die(EXIT_FAIL, "cannot remove the tracefs instance '%s': it is busy: a reader of its trace files still has it open; stop that first",
		    ctx->instance);
	owner_forget(ctx->instance);
	out_printf("removed instance '%s'\n", ctx->instance);
}

int cmd_disable(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct disable_opts o = { 0 };
	const struct group *gs[16];
	struct tracefs_instance *inst;
	int i, n = 0, cfg;

	i = opt_parse(&disable_spec, argc, argv, &o);
	if (o.all && i < argc)
		usage_error("disable", "give either groups or --all, not both");
	if (!o.all && i >= argc)
		usage_error("disable", "name the groups to disable (%s) or give --all",
			    group_names());
	for (; i < argc && n < (int)ARRAY_SIZE(gs); i++)
		gs[n++] = group_or_die(argv[i]);

	cfg = owner_config_lock(ctx->instance);
	inst = tfs_instance_open(ctx->instance, false, NULL);
	if (!inst) {
		out_printf("instance '%s' does not exist: nothing to disable\n", ctx->instance);
		owner_forget(ctx->instance);
	} else if (o.all || !disable_named(ctx, inst, gs, n)) {
		remove_instance(ctx, inst);
	} else {
		tracefs_instance_free(inst);
	}
	if (o.all) {
		int k = khist_sweep(), sy = hist_kernel_sweep();	/* triggers first */

		sweep_probes();
		if (k)
			out_printf("removed %d instance%s left by runs that are gone\n", k,
				   k == 1 ? "" : "s");
		if (sy)
			out_printf("removed %d synthetic event%s (ftnet_*_PID) whose run is gone\n",
				   sy, sy == 1 ? "" : "s");
	}
	owner_config_unlock(ctx->instance, cfg);
	return 0;
}
