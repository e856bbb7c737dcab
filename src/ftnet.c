// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet: network debugging through tracefs alone. Global options, the command table, dispatch. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "config.h"
#include "kernel/groups.h"
#include "kernel/koffs.h"
#include "cmd/man.h"
#include "base/opt.h"
#include "base/out.h"
#include "kernel/tfs.h"
#include "base/util.h"

static const struct cmd *command_find(const char *name)
{
	for (size_t i = 0; i < ncommands; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static void flush_at_exit(void)
{
	out_flush();
}

static int dispatch(struct ftnet_ctx *ctx, const struct cmd *cmd, int argc, char **argv)
{
	bool help = false;

	for (int j = 1; j < argc; j++)
		if (!strcmp(argv[j], "-h") || !strcmp(argv[j], "--help"))
			help = true;
	if ((cmd->flags & NEED_TRACEFS) && !help)
		tracefs_or_die(ctx);
	optind = 0;	/* each command parses its own options from argv[1] */
	return cmd->fn(ctx, argc, argv);
}

int main(int argc, char **argv)
{
	struct global_opts g = { 0 };
	struct ftnet_ctx ctx = { 0 };
	const struct cmd *cmd;
	const char *env = getenv("FTNET_INSTANCE"), *tpf;
	char why[512];
	int i, ret;

	out_guard_fds();
	atexit(flush_at_exit);
	/* --man, --list-*: for the build and bash completion, before anything else */
	if ((ret = hidden_option(argc, argv)) >= 0)
		return ret;
	g.instance = TFS_DEFAULT_INSTANCE;
	i = opt_parse(&global_spec, argc, argv, &g);
	/* -I wins over the environment: a bad FTNET_INSTANCE matters only when it is used */
	if (opt_given("instance"))
		env = NULL;
	if (env && tfs_instance_name_ok(env) < 0)
		die(EXIT_USAGE, "invalid FTNET_INSTANCE %s: use at most 64 letters, digits, '-', '_' and '.' (unset it for the default 'ftnet')",
		    opt_quote(env));
	if (env)
		g.instance = env;
	if (g.version) {
		out_printf("ftnet %s\n%s\n", PACKAGE_VERSION, FTNET_LICENSE_TEXT);
		return out_close_stdout() ? EXIT_FAIL : EXIT_OK;
	}
	if (i >= argc)
		usage_error(NULL, "no command given");
	ctx.instance = g.instance;
	ctx.instance_given = opt_given("instance") || env;
	ctx.backend = g.backend;	/* the choices are in enum backend's order */
	groups_no_extras = g.backend == BK_TRACEPOINT;	/* no kprobe at all, then */
	/*
	 * drops' flows from tracepoints: 1 also beside kprobes', compared (tp_* in JSON: the
	 * tests'), 0 never (their events' cost saved); unset: where no kprobe reads the packets
	 */
	tpf = getenv("FTNET_TP_FLOWS");
	if (tpf && (!strcmp(tpf, "0") || !strcmp(tpf, "1")))
		groups_tp_ident = *tpf == '1' ? 1 : -1;
	verbose = g.verbose;
	koffs_configure(g.btf);
	if (g.btf && koffs_check(why, sizeof(why)) < 0)
		die(EXIT_FAIL, "cannot use --btf '%s': %s", g.btf, why + strlen("no BTF: "));
	cmd = command_find(argv[i]);
	if (!cmd) {
		char names[512] = "";

		for (size_t k = 0; k < ncommands; k++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 k ? ", " : "", commands[k].name);
		usage_error(NULL, "%s is not an ftnet command: the commands are %s",
			    opt_quote(argv[i]), names);
	}
	/* a dead run's instance is told by its name and records: no user makes one so named */
	if (ctx.instance_given && tfs_instance_reserved(ctx.instance) &&
	    strcmp(cmd->name, "disable") && strcmp(cmd->name, "status"))
		usage_error(NULL, "instance name %s is reserved for ftnet's private instances (ftnet-KIND-PID); choose another (only 'status' and 'disable' take it)",
			    opt_quote(ctx.instance));
	ret = dispatch(&ctx, cmd, argc - i, argv + i);
	if (out_close_stdout() < 0 && ret == EXIT_OK)
		ret = EXIT_FAIL;
	return ret;
}
