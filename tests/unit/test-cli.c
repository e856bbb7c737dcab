// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shape every command shares, checked from the tables themselves: each command's -h lists
 * every option it accepts, no letter means two things, one number syntax; and every event of
 * every group, on every recorded kernel and under both backends, has a decoder.
 */
#include <event-parse.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "decode/decode.h"
#include "fixtures.h"
#include "kernel/groups.h"
#include "cmd/man.h"
#include "base/opt.h"
#include "base/out.h"
#include "kernel/probe.h"
#include "tap.h"
#include "base/util.h"

static const char *datadir;

/* What opt_help prints for spec. */
static void print_help(const void *spec)
{
	opt_help(spec);
}

static char *help_text(const struct cmd_spec *spec)
{
	return fixture_stdout(print_help, spec);
}

static void check_help(const struct cmd_spec *spec)
{
	const char *text = help_text(spec);
	char want[96];

	CHECK(strstr(text, "usage: ftnet") == text);
	CHECK(strstr(text, "\nEXAMPLES\n") != NULL);
	CHECK(strstr(text, "-h, --help") != NULL);
	for (const struct opt *o = spec->opts; o->lname; o++) {
		if (o->sname)
			snprintf(want, sizeof(want), "-%c, --%s%s%s", o->sname, o->lname,
				 o->argname ? " " : "", o->argname ? o->argname : "");
		else
			snprintf(want, sizeof(want), "    --%s%s%s", o->lname, o->argname ? " " : "",
				 o->argname ? o->argname : "");
		if (!strstr(text, want))
			fprintf(stderr, "ftnet %s -h does not list '%s'\n",
				spec->name ? spec->name : "", want);
		CHECK(strstr(text, want) != NULL);
		CHECK(o->help && *o->help);
		CHECK((o->kind == OPT_FLAG || o->kind == OPT_INC) == !o->argname);
	}
}

struct letter {
	const char	*lname;
	const char	*where;
	enum opt_kind	kind;
};

/* One meaning per letter, and one letter per long name, across the global options and all. */
static void check_letters(const struct cmd_spec *spec, struct letter *by_letter,
			  struct letter *by_name, int *nnames)
{
	const char *where = spec->name ? spec->name : "(global)";

	for (const struct opt *o = spec->opts; o->lname; o++) {
		struct letter *l = o->sname ? &by_letter[(unsigned char)o->sname] : NULL;
		int i;

		CHECK(o->sname != 'h' && strcmp(o->lname, "help"));
		if (l && l->lname && strcmp(l->lname, o->lname))
			fprintf(stderr, "-%c is --%s in %s but --%s in %s\n", o->sname, l->lname,
				l->where, o->lname, where);
		CHECK(!l || !l->lname || !strcmp(l->lname, o->lname));
		if (l && !l->lname)
			*l = (struct letter){ o->lname, where, o->kind };
		for (i = 0; i < *nnames; i++)
			if (!strcmp(by_name[i].lname, o->lname))
				break;
		if (i == *nnames) {
			by_name[(*nnames)++] = (struct letter){ o->lname, where, o->kind };
			continue;
		}
		/* --json is a flag everywhere, --duration seconds everywhere */
		if (by_name[i].kind != o->kind)
			fprintf(stderr, "--%s differs in kind between %s and %s\n", o->lname,
				by_name[i].where, where);
		CHECK(by_name[i].kind == o->kind);
	}
}

static void test_specs(void)
{
	static struct letter by_letter[256], by_name[256];
	int nnames = 0;

	check_help(&global_spec);
	check_letters(&global_spec, by_letter, by_name, &nnames);
	for (size_t i = 0; i < ncommands; i++) {
		const struct cmd_spec *spec = commands[i].spec;

		CHECK(spec != NULL);
		if (!spec)
			continue;
		CHECK_STR(spec->name, commands[i].name);
		check_help(spec);
		check_letters(spec, by_letter, by_name, &nnames);
	}
	/* the global options' letters are taken by them: no command may reuse them */
	CHECK_STR(by_letter['I'].lname, "instance");
	CHECK_STR(by_letter['v'].lname, "verbose");
	CHECK_STR(by_letter['V'].lname, "version");
}

static void print_man(const void *cmd)
{
	man_page(cmd);
}

static void print_roff(const void *text)
{
	man_text(text);
}

/* s as the man pages write it: hyphens as \-, backslashes as \e. */
static const char *roff(const char *s)
{
	static char buf[256];
	size_t o = 0;

	for (; *s && o + 3 < sizeof(buf); s++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", *s == '-' ? "\\-" :
				      *s == '\\' ? "\\e" : (char[2]){ *s, 0 });
	return buf;
}

/* Every line that starts with '.' is one of the requests the pages use: no text is taken
 * for a request, and none starts with the other control character. */
static void check_requests(const char *page)
{
	static const char *const ok[] = { ".TH ", ".SH ", ".TP\n", ".TP 12\n", ".PP\n", ".br\n",
					  ".RS 4\n", ".RE\n", ".nf\n", ".fi\n", ".BR ", ".ad l\n",
					  ".nh\n", NULL };

	for (const char *l = page; *l; l = strchr(l, '\n') + 1) {
		int i;

		CHECK(*l != '\'');
		for (i = 0; *l == '.' && ok[i]; i++)
			if (!strncmp(l, ok[i], strlen(ok[i])))
				break;
		if (*l == '.' && !ok[i])
			fprintf(stderr, "man: a line is taken as a request: %.40s\n", l);
		CHECK(*l != '.' || ok[i]);
		if (!strchr(l, '\n'))
			break;
	}
}

/* The man pages come from the tables -h prints: each has every option and example. */
static void test_man(void)
{
	const char *text = fixture_stdout(print_roff, ".dot\n'quote\nback\\slash a-b\n\n  list\n"
					  "after\n");
	char want[160], line[128];

	CHECK_STR(text, "\\&.dot\n\\&'quote\nback\\eslash a\\-b\n.PP\n  list\n.br\nafter\n");
	for (size_t i = 0; i < ncommands; i++) {
		const struct cmd_spec *spec = commands[i].spec;
		const char *ex = spec->examples;

		text = fixture_stdout(print_man, &commands[i]);
		check_requests(text);
		snprintf(want, sizeof(want), ".SH NAME\nftnet\\-%s \\- ", roff(spec->name));
		CHECK(strstr(text, want) != NULL);
		for (const struct opt *o = spec->opts; o->lname; o++) {
			snprintf(want, sizeof(want), "\\fB\\-\\-%s\\fR", roff(o->lname));
			if (!strstr(text, want))
				fprintf(stderr, "man ftnet-%s has no --%s\n", spec->name, o->lname);
			CHECK(strstr(text, want) != NULL);
		}
		/* the first example, without -h's indent */
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(ex + 2, "\n"), ex + 2);
		snprintf(want, sizeof(want), ".nf\n%s\n", roff(line));
		CHECK(strstr(text, want) != NULL);
	}
	text = fixture_stdout(print_man, NULL);
	check_requests(text);
	CHECK(strstr(text, ".SH NAME\nftnet \\- ") != NULL);
	for (size_t i = 0; i < ncommands; i++) {
		snprintf(want, sizeof(want), ".TP 12\n\\fB%s\\fR\n", roff(commands[i].name));
		CHECK(strstr(text, want) != NULL);
	}
	for (int i = 0; i < ngroups; i++) {
		snprintf(want, sizeof(want), ".TP 12\n\\fB%s\\fR\n", roff(groups[i].name));
		CHECK(strstr(text, want) != NULL);
	}
}

struct nums {
	uint64_t	n;
	double		secs;
	bool		flag;
	const char	*s;
};

static const struct opt num_opts[] = {
	OPT_U('c', "count", struct nums, n, "N", "a count", 1, 100),
	OPT_DURATION(struct nums, secs),
	OPT_F('j', "json", struct nums, flag, "a flag"),
	OPT_S('f', "filter", struct nums, s, "EXPR", "a string"),
	OPT_END,
};

static const struct cmd_spec num_spec = {
	.name = "numbers", .opts = num_opts, .examples = "", .max_args = 1,
};

/* The exit status of opt_parse on argv (run in a child: errors exit), or 0 and *o filled. */
static int parse(struct nums *o, const char *a1, const char *a2, const char *a3)
{
	char *argv[] = { "numbers", (char *)a1, (char *)a2, (char *)a3, NULL };
	int argc = 1 + !!a1 + !!a2 + !!a3, status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (!pid) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(99);	/* no exit status of a parse: the caller's check fails */
		opt_parse(&num_spec, argc, argv, o);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && !WEXITSTATUS(status)) {
		memset(o, 0, sizeof(*o));
		opt_parse(&num_spec, argc, argv, o);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_numbers(void)
{
	static const char *bad[] = { "1e3", "0x10", "-1", "+5", "", " 5", "5 ", "1.5", "101",
				     "0", "99999999999999999999999", NULL };
	static const char *bad_secs[] = { "1e3", "0x10", "-1", "", "inf", "nan", ".", "1..2",
					  "0", "0.0", "1,5", NULL };
	struct nums o;

	for (int i = 0; bad[i]; i++)
		CHECK_INT(parse(&o, "-c", bad[i], NULL), EXIT_USAGE);
	for (int i = 0; bad_secs[i]; i++)
		CHECK_INT(parse(&o, "-d", bad_secs[i], NULL), EXIT_USAGE);
	CHECK_INT(parse(&o, "-c", "100", "-d0.25"), 0);
	CHECK_INT(o.n, 100);
	CHECK(o.secs == 0.25);
	CHECK_INT(parse(&o, "--duration=.5", "-j", NULL), 0);
	CHECK(o.secs == 0.5 && o.flag);
	CHECK_INT(parse(&o, "--filter", "", NULL), EXIT_USAGE);
	CHECK_INT(parse(&o, "-x", NULL, NULL), EXIT_USAGE);
	CHECK_INT(parse(&o, "-c", NULL, NULL), EXIT_USAGE);
	CHECK_INT(parse(&o, "a", "b", NULL), EXIT_USAGE);	/* at most one argument */
	CHECK_INT(parse(&o, "a", "-j", NULL), 0);	/* options after arguments */
	CHECK(o.flag);
	CHECK_STR(opt_quote("short"), "'short'");
	CHECK(strstr(opt_quote("0123456789012345678901234567890123456789012345678901234567890123456789"),
		     "(70 bytes)") != NULL);
}

static bool version_before(const char *since, const char *kernel)
{
	int a = 0, b = 0, c = 0, d = 0;

	sscanf(since, "%d.%d", &a, &b);
	sscanf(kernel, "%d.%d", &c, &d);
	return a < c || (a == c && b <= d);
}

/* Every event of every group this kernel has is decoded: tracepoints, and our kprobes. */
static void test_group_decoders(void)
{
	static const char *const kernels[] = { "6.18", "6.1", "5.10", "4.16", "4.15",
					       "6.1-probes-v1" };

	for (size_t k = 0; k < ARRAY_SIZE(kernels); k++) {
		struct tep_handle *tep = fixture_load(datadir, kernels[k]);
		bool full = strchr(kernels[k], '-') == NULL && version_before("5.0", kernels[k]);
		struct decoder *d;

		CHECK(tep != NULL);
		if (!tep)
			continue;
		d = decoder_new(tep);
		for (int i = 0; i < ngroups; i++) {
			const struct group *g = &groups[i];

			for (int j = 0; j < GROUP_MAX_EVENTS && g->events[j].sys; j++) {
				const struct group_event *e = &g->events[j];
				bool has = tep_find_event_by_name(tep, e->sys, e->name) != NULL;

				/* the recorded kernels hold every event they have */
				if (full && version_before(e->since, kernels[k]) && !has)
					fprintf(stderr, "linux-%s lacks %s:%s\n", kernels[k], e->sys,
						e->name);
				CHECK(!full || !version_before(e->since, kernels[k]) || has);
				CHECK(e->decode > DK_NONE && e->decode < DK_NKINDS);
				CHECK(!has || decoder_has(d, e->sys, e->name));
			}
			for (int j = 0; g->probes && g->probes[j].event; j++) {
				const struct probe_def *p = &g->probes[j];
				bool has = tep_find_event_by_name(tep, PROBE_SYSTEM, p->event) != NULL;

				CHECK(p->decode > DK_NONE && p->decode < DK_NKINDS);
				CHECK(!has || decoder_has(d, PROBE_SYSTEM, p->event));
				/* 6.1's ftnet/ holds the formats of every probe */
				CHECK(strcmp(kernels[k], "6.1") || has);
			}
			/* the extra probes (a drop's packet): every alternative has a decoder */
			for (int j = 0; g->extras && g->extras[j].event; j++) {
				const struct probe_def *p = &g->extras[j];
				bool has = tep_find_event_by_name(tep, PROBE_SYSTEM, p->event) != NULL;

				CHECK(p->decode > DK_NONE && p->decode < DK_NKINDS);
				CHECK(!has || decoder_has(d, PROBE_SYSTEM, p->event));
				/* recorded in the 6.1 guest: the drop probe (follow's steps share it) */
				CHECK(strcmp(kernels[k], "6.1") || (g->flags & GF_EXTRAS_ALL) || has);
			}
		}
		decoder_free(d);
		tep_free(tep);
	}
}

/* serve --listen ARG: the exit status of the parse, its message in msg (run in a child). */
static int parse_listen(const char *arg, char *msg, size_t size)
{
	char *argv[] = { "serve", "-l", (char *)arg, NULL };
	char path[] = "/tmp/ftnet-cli-XXXXXX";
	long opts[32] = { 0 };	/* room for serve's options, whatever their layout */
	int fd = mkstemp(path), status;
	ssize_t n;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (!pid) {
		dup2(fd, 2);
		opt_parse(&serve_spec, 3, argv, opts);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	n = pread(fd, msg, size - 1, 0);
	msg[n > 0 ? n : 0] = 0;
	close(fd);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Addresses serve cannot listen on are usage errors that quote what was given, whole. */
static void test_serve_listen(void)
{
	static const char *bad[] = { "localhost:19579", "[::1", " 127.0.0.1:1", "127.0.0.1: 1",
				     "127.0.0.1:0", "127.0.0.1:65536", "[::1]9577", "::1:9577",
				     "[127.0.0.1]:1", "127.0.0.1", ":9577", NULL };
	char msg[512], want[64];

	for (int i = 0; bad[i]; i++) {
		CHECK_INT(parse_listen(bad[i], msg, sizeof(msg)), EXIT_USAGE);
		snprintf(want, sizeof(want), "invalid --listen '%s': ", bad[i]);
		CHECK(strstr(msg, want) != NULL);
	}
	CHECK_INT(parse_listen("127.0.0.1:9577", msg, sizeof(msg)), 0);
	CHECK_INT(parse_listen("[::1]:1", msg, sizeof(msg)), 0);
	CHECK_INT(parse_listen("0.0.0.0:65535", msg, sizeof(msg)), 0);
}

int main(void)
{
	datadir = getenv("TESTDATA");
	if (!datadir)
		datadir = "tests/data";
	test_specs();
	test_man();
	test_numbers();
	test_serve_listen();
	test_group_decoders();
	printf("cli: %d checks, %d failed\n", tap_run, tap_failed);
	return tap_failed ? 1 : 0;
}
