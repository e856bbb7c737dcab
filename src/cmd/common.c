// SPDX-License-Identifier: GPL-2.0-or-later
/* What several commands share: group lookup with clear errors, filters, enabling with undo. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "decode/decode.h"
#include "base/event.h"
#include "kernel/groups.h"
#include "base/opt.h"
#include "base/out.h"
#include "kernel/owner.h"
#include "kernel/probe.h"
#include "base/prom.h"
#include "kernel/tfs.h"
#include "base/util.h"
#include "source/run.h"

void tracefs_or_die(struct ftnet_ctx *ctx)
{
	int ret = tfs_mount(&ctx->tracefs);

	if (ret == -EPERM || ret == -EACCES)
		die(EXIT_FAIL, "cannot mount tracefs at /sys/kernel/tracing: permission denied: ftnet needs root (CAP_SYS_ADMIN) to mount and use tracefs");
	if (ret == -ENOENT || ret == -ENODEV)
		die(EXIT_FAIL, "cannot mount tracefs at /sys/kernel/tracing: %s: this kernel has no tracefs (CONFIG_FTRACE/CONFIG_TRACING is off)",
		    strerror(-ret));
	if (ret < 0)
		die(EXIT_FAIL, "cannot mount tracefs at /sys/kernel/tracing: %s", strerror(-ret));
	if (access(ctx->tracefs, R_OK | X_OK) < 0)
		die(EXIT_FAIL, "cannot read tracefs at '%s': %s: ftnet needs root (CAP_SYS_ADMIN, or read/write permission on tracefs)",
		    ctx->tracefs, strerror(errno));
}

void netns_or_die(const char *spec)
{
	int r = netns_enter(spec);

	if (r < 0)
		die(EXIT_FAIL, "cannot enter network namespace '%s': %s%s", spec, strerror(-r),
		    r == -ENOENT ? ": 'ip netns list' shows the names" : "");
}

const struct group *group_or_die(const char *name)
{
	const struct group *g = group_find(name);

	if (!g)
		die(EXIT_USAGE, "unknown group '%s': the groups are %s; any tracepoint is named SYSTEM:EVENT (tcp:tcp_rcv_space_adjust, sock:*)",
		    name, group_names());
	return g;
}

void nothing_seen(void)
{
	fprintf(stderr, "%s: nothing was seen: the kernel had none of these events meanwhile; 'ftnet selftest' provokes each group on loopback and shows it seen, 'ftnet diagnose' looks at everything\n",
		prog_name);
}

bool arg_is_event(const char *word)
{
	size_t sys = strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	const char *name = word + sys + 1;

	if (!sys || word[sys] != ':')
		return false;
	if (!strcmp(name, "*"))
		return true;
	return *name && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			       "0123456789_.-") == strlen(name);
}

int args_take_events(char **argv, int n, const char ***events, int *nevents)
{
	int k = 0;

	*events = xcalloc((size_t)n + 1, sizeof(**events));
	*nevents = 0;
	for (int i = 0; i < n; i++) {
		if (arg_is_event(argv[i]))
			(*events)[(*nevents)++] = argv[i];
		else
			argv[k++] = argv[i];
	}
	return k;
}

int group_backend_or_die(struct ftnet_ctx *ctx, const struct group *g)
{
	char why[512];
	int b = group_backend(g, ctx->backend, why, sizeof(why));

	if (b < 0)
		die(EXIT_FAIL, "group '%s' cannot run on this kernel: %s", g->name, why);
	if (b == BK_KPROBE && ctx->backend == BK_AUTO && verbose)
		note("group '%s' uses kprobes: %s", g->name, why);
	return b;
}

struct tep_handle *tep_load_or_die(void)
{
	struct tep_handle *tep = tfs_tep_load_net();

	if (!tep)
		die(EXIT_FAIL, "cannot read the event formats from tracefs: %s", strerror(errno));
	return tep;
}

void groups_enable_or_die(struct ftnet_ctx *ctx, struct tracefs_instance *inst, bool created,
			  const struct group **gs, int n, const char *filter, bool *changed,
			  int *backends)
{
	exit_if_error(groups_enable(ctx, inst, created, gs, n, filter, changed, backends));
}

int run_or_exit(struct ftnet_ctx *ctx, struct run_spec *r, struct run_stats *stats)
{
	int ret = run_events(ctx, r, stats);

	exit_if_error(ret);
	return ret;
}

static void dead_instance(void *arg, const char *instance, const char *group,
			  const struct owner *o)
{
	int *n = arg;

	if (strcmp(group, OWNER_INSTANCE) || !tfs_instance_exists(instance))
		return;
	warn("instance '%s' was made by a run that is gone (pid %d) and is still there: 'ftnet disable --all' removes it",
	     instance, (int)o->pid);
	(*n)++;
}

int say_dead_instances(void)
{
	int n = 0;

	owner_each_dead(dead_instance, &n);
	return n;
}
