// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hidden options: the man pages for the build, and the names bash completion offers, read
 * from the command and option tables (scripts/bash-completion/ftnet asks for them).
 */
#include <string.h>

#include "cmd/commands.h"
#include "kernel/groups.h"
#include "cmd/man.h"
#include "base/opt.h"
#include "base/out.h"
#include "base/util.h"

static void list_commands(void)
{
	for (size_t i = 0; i < ncommands; i++)
		out_printf("%s\n", commands[i].name);
}

/* "--by -b KEY reason,location,...": what completion needs of an option, '-' for none. */
static void list_option(const struct opt *o)
{
	out_printf("--%s ", o->lname);
	if (o->sname)
		out_printf("-%c ", o->sname);
	else
		out_printf("- ");
	out_printf("%s ", o->argname ? o->argname : "-");
	for (int i = 0; o->choices && o->choices[i]; i++)
		out_printf("%s%s", i ? "," : "", o->choices[i]);
	out_printf("%s\n", o->choices ? "" : "-");
}

static void list_options(const struct cmd_spec *spec)
{
	static const struct opt help = { .sname = 'h', .lname = "help", .kind = OPT_FLAG, .help = "" };

	for (const struct opt *o = spec->opts; o->lname; o++)
		list_option(o);
	list_option(&help);
}

/* The groups whose flags include none of without (0: all), or all of with. */
static void list_groups(unsigned int with, unsigned int without)
{
	for (int i = 0; i < ngroups; i++)
		if ((groups[i].flags & with) == with && !(groups[i].flags & without))
			out_printf("%s\n", groups[i].name);
}

static void list_args(const struct cmd_spec *spec)
{
	switch (spec->args_kind) {
	case ARGS_OTHER:
		break;
	case ARGS_FILE:		/* a file, then groups and tracepoints */
		out_printf("@file\n@tracepoints\n");
		list_groups(0, 0);
		break;
	case ARGS_GROUPS:	/* SYSTEM:EVENT too: offered once a word has a colon */
		out_printf("@tracepoints\n");
		list_groups(0, 0);
		break;
	case ARGS_TABLES:
		out_printf("@tracepoints\n");
		list_groups(0, GF_LATENCY | GF_PATHS | GF_STREAM);
		break;
	case ARGS_LATENCIES:
		list_groups(GF_LATENCY, 0);
		break;
	case ARGS_EVENTS:
		out_printf("@events\n");
		break;
	}
}

int hidden_option(int argc, char **argv)
{
	const struct cmd *cmd = NULL;
	const char *what;

	if (argc == 3) {
		for (size_t i = 0; i < ncommands && !cmd; i++)
			if (!strcmp(argv[1], commands[i].name))
				cmd = &commands[i];
		if (!cmd)
			return -1;
	} else if (argc != 2) {
		return -1;
	}
	what = argv[argc - 1];
	if (!strcmp(what, "--man"))
		man_page(cmd);
	else if (!strcmp(what, "--list-options"))
		list_options(cmd ? cmd->spec : &global_spec);
	else if (!strcmp(what, "--list-commands") && !cmd)
		list_commands();
	else if (!strcmp(what, "--list-args") && cmd)
		list_args(cmd->spec);
	else
		return -1;
	return out_close_stdout() ? EXIT_FAIL : EXIT_OK;
}
