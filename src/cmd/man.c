// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The man pages in roff, written from the same tables as -h so that they cannot drift: the
 * build runs `ftnet --man` for ftnet(1) and `ftnet CMD --man` for ftnet-CMD(1).
 */
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "config.h"
#include "kernel/groups.h"
#include "cmd/man.h"
#include "base/opt.h"
#include "base/out.h"
#include "base/util.h"

/* n bytes of s as roff text: backslashes and hyphens escaped, nothing taken as a request. */
static void roff_esc(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			out_printf("\\e");
		else if (s[i] == '-')
			out_printf("\\-");
		else
			out_write(&s[i], 1);
	}
}

static void roff_str(const char *s)
{
	roff_esc(s, strlen(s));
}

/* s at the start of a line: a leading '.' or '\'' would make it a request. */
static void roff_lead(const char *s)
{
	if (*s == '.' || *s == '\'')
		out_printf("\\&");
	roff_str(s);
}

/*
 * Text as -h prints it, as roff: lines are filled, an empty line starts a paragraph, and an
 * indented line (a list, a command) starts a line of its own, as roff does with a leading
 * space. A line that would start with '.' or '\'' (a request) starts with \& instead.
 */
void man_text(const char *text)
{
	bool indented = false, para = false;

	while (*text) {
		size_t n = strcspn(text, "\n");

		if (!n) {
			if (!para)
				out_printf(".PP\n");
			para = true;
			indented = false;
		} else {
			if (indented && text[0] != ' ')
				out_printf(".br\n");
			if (text[0] == '.' || text[0] == '\'')
				out_printf("\\&");
			roff_esc(text, n);
			out_printf("\n");
			indented = text[0] == ' ';
			para = false;
		}
		text += n + (text[n] == '\n');
	}
}

/* Every page's footer: the license (COPYING in the source holds its text). */
static void man_license(void)
{
	out_printf(".SH LICENSE\n"
		   "ftnet is free software: you can redistribute it and/or modify it under the\n"
		   "terms of the GNU General Public License as published by the Free Software\n"
		   "Foundation, either version 2 of the License, or (at your option) any later\n"
		   "version (SPDX: " FTNET_LICENSE "). There is NO WARRANTY, to the extent\n"
		   "permitted by law. The license's text is in the file COPYING of the source, and\n"
		   "on Debian in \\fI/usr/share/common\\-licenses/GPL\\-2\\fR.\n");
}

/* ".TH FTNET-STREAM 1 ..." and NAME: "ftnet-stream - what it does". */
static void man_head(const char *name, const char *what)
{
	out_printf(".TH ");
	for (const char *p = name; *p; p++)
		if (*p == '-')
			out_printf("\\-");
		else
			out_printf("%c", *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	/* left-aligned, no hyphenation: names and options stay whole */
	out_printf(" 1 \"\" \"ftnet %s\" \"ftnet manual\"\n.ad l\n.nh\n.SH NAME\n",
		   PACKAGE_VERSION);
	roff_str(name);
	out_printf(" \\- ");
	roff_str(what);
	out_printf("\n");
}

static void man_synopsis(const struct cmd_spec *spec)
{
	out_printf(".SH SYNOPSIS\n\\fBftnet\\fR ");
	if (spec->name) {
		out_printf("[\\fIGLOBAL OPTIONS\\fR] \\fB");
		roff_str(spec->name);
		out_printf("\\fR ");
	}
	out_printf("[\\fIOPTIONS\\fR]");
	if (spec->args) {
		out_printf(" ");
		roff_str(spec->args);
	}
	out_printf("\n");
}

static void man_option(const struct opt *o)
{
	out_printf(".TP\n");
	if (o->sname)
		out_printf("\\fB\\-%c\\fR, ", o->sname);
	out_printf("\\fB\\-\\-");
	roff_str(o->lname);
	out_printf("\\fR");
	if (o->argname) {
		out_printf(" \\fI");
		roff_str(o->argname);
		out_printf("\\fR");
	}
	out_printf("\n");
	man_text(o->help);
}

static void man_options(const struct cmd_spec *spec)
{
	static const struct opt help = {
		'h', "help", OPT_FLAG, 0, NULL, "print the help, as this page gives it", 0, 0,
		NULL, NULL,
	};

	out_printf(".SH OPTIONS\n");
	for (const struct opt *o = spec->opts; o->lname; o++)
		man_option(o);
	man_option(&help);
	if (spec->name)
		out_printf(".PP\nThe global options (such as \\fB\\-I\\fR \\fINAME\\fR) come "
			   "before the command: see\n.BR ftnet (1).\n");
}

static void man_examples(const char *examples)
{
	if (!examples || !*examples)
		return;
	out_printf(".SH EXAMPLES\n.RS 4\n.nf\n");
	while (*examples) {
		size_t n = strcspn(examples, "\n");
		size_t sp = strspn(examples, " ");

		sp = sp > 2 ? 2 : sp;	/* -h indents them by two */
		if (examples[sp] == '.' || examples[sp] == '\'')
			out_printf("\\&");
		roff_esc(examples + sp, n - sp);
		out_printf("\n");
		examples += n + (examples[n] == '\n');
	}
	out_printf(".fi\n.RE\n");
}

static void man_command(const struct cmd *cmd)
{
	const struct cmd_spec *spec = cmd->spec;
	char page[64];

	snprintf(page, sizeof(page), "ftnet-%s", cmd->name);
	man_head(page, cmd->help);
	man_synopsis(spec);
	out_printf(".SH DESCRIPTION\n");
	man_text(spec->about ? spec->about : "");
	if (spec->more_help) {
		/* what -h prints after the about text: the groups, the histograms */
		char *more = out_capture(spec->more_help);

		man_text(more);
		free(more);
	}
	man_options(spec);
	man_examples(spec->examples);
	man_license();
	out_printf(".SH \"SEE ALSO\"\n.BR ftnet (1)\n");
}

static void man_commands(void)
{
	out_printf(".SH COMMANDS\nEach command has its page,\n.BR ftnet\\-COMMAND (1),\n"
		   "and its help: \\fBftnet\\fR \\fICOMMAND\\fR \\fB\\-h\\fR.\n");
	for (size_t i = 0; i < ncommands; i++) {
		out_printf(".TP 12\n\\fB");
		roff_str(commands[i].name);
		out_printf("\\fR\n");
		roff_lead(commands[i].help);
		out_printf("\n(\\fBftnet\\-");
		roff_str(commands[i].name);
		out_printf("\\fR(1))\n");
	}
}

static void man_groups(void)
{
	out_printf(".SH GROUPS\nThe commands that trace take groups of tracepoints by name (and\n"
		   "any other tracepoint as \\fISYSTEM\\fR:\\fIEVENT\\fR or \\fISYSTEM\\fR:*,\n"
		   "shown with every field of its format):\n");
	for (int i = 0; i < ngroups; i++) {
		const struct group *g = &groups[i];

		out_printf(".TP 12\n\\fB");
		roff_str(g->name);
		out_printf("\\fR\n");
		roff_lead(g->desc);
		out_printf(".\nTracepoints:");
		for (int j = 0; j < GROUP_MAX_EVENTS && g->events[j].sys; j++) {
			out_printf("%s ", j ? "," : "");
			roff_str(g->events[j].sys);
			out_printf(":");
			roff_str(g->events[j].name);
			if (g->events[j].optional)
				out_printf(" (where the kernel has it)");
		}
		out_printf(".\n");
	}
}

/* What -h cannot say: the environment, the files, the exit status. */
static const char ftnet_tail[] =
	".SH ENVIRONMENT\n"
	".TP\n\\fBFTNET_INSTANCE\\fR\n"
	"The tracefs instance to use when \\fB\\-I\\fR is not given (default: ftnet).\n"
	".SH FILES\n"
	".TP\n\\fI/sys/kernel/tracing\\fR\n"
	"tracefs, mounted by ftnet when nothing has mounted it.\n"
	".TP\n\\fI/sys/kernel/tracing/instances/ftnet\\fR\n"
	"The instance that \\fBftnet enable\\fR fills and \\fBftnet stream\\fR reads.\n"
	".TP\n\\fI/run/ftnet\\fR\n"
	"Who enabled each group of an instance (\\fIINSTANCE\\fR.owners), and the locks that\n"
	"keep two setups of one instance apart (\\fIINSTANCE\\fR.lock, \\fIINSTANCE\\fR.config).\n"
	"\\fI/tmp/ftnet\\fR where /run cannot be written.\n"
	".SH \"EXIT STATUS\"\n"
	".TP\n0\nSuccess.\n"
	".TP\n1\nFailure: the kernel refused, something needed is missing, or the output could\n"
	"not be written. The message says what, why and what to do.\n"
	".TP\n2\nUsage error: an unknown command, option, group or value. Nothing was changed.\n";

static void man_ftnet(void)
{
	man_head("ftnet", "network debugging with tracefs alone");
	man_synopsis(&global_spec);
	out_printf(".SH DESCRIPTION\n");
	man_text(global_spec.about);
	man_commands();
	man_options(&global_spec);
	man_groups();
	out_printf("%s", ftnet_tail);
	man_examples(global_spec.examples);
	man_license();
	out_printf(".SH \"SEE ALSO\"\n");
	for (size_t i = 0; i < ncommands; i++) {
		out_printf(".BR ftnet\\-");
		roff_str(commands[i].name);
		out_printf(" (1),\n");
	}
	out_printf(".BR trace\\-cmd (1),\n.BR perf (1),\n.BR tcpdump (8),\n.BR pcap\\-filter (7),\n"
		   ".BR nft (8)\n");
}

void man_page(const struct cmd *cmd)
{
	if (cmd)
		man_command(cmd);
	else
		man_ftnet();
}
