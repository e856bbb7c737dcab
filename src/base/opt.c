// SPDX-License-Identifier: GPL-2.0-or-later
/* Option tables: parsing, checking and the -h option block from one description per command. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/opt.h"
#include "base/out.h"
#include "base/prom.h"
#include "base/util.h"

void usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[1024], see[64];
	va_list ap;

	out_flush();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(see, sizeof(see), " (see 'ftnet%s%s -h')", cmd ? " " : "", cmd ? cmd : "");
	msg_line("", msg, see);
	exit(EXIT_USAGE);
}

const char *prom_path_or_die(const char *cmd, const char *arg)
{
	struct prom *p;

	if (!*arg)
		usage_error(cmd, "invalid --prom '': give the file to write");
	/* try it now, not after a whole run: its directory must exist and be writable */
	p = prom_open(arg);
	if (!p)
		die(EXIT_FAIL, "cannot write the Prometheus file '%s': %s", arg,
		    prom_strerror(errno));
	prom_discard(p);
	return arg;
}

#define OPT_MAX 40

const struct opt json_only_opts[] = {
	OPT_JSON(struct json_opts, json),
	OPT_END,
};

static const char *given[OPT_MAX];
static int ngiven;

const char *opt_quote(const char *arg)
{
	static char buf[2][160];
	static int which;
	char *b = buf[which ^= 1];
	size_t n = strlen(arg), o = 0;

	b[o++] = '\'';
	for (size_t i = 0; i < n && o < 100; i++) {
		unsigned char c = (unsigned char)arg[i];

		if (i == 48 && n > 64) {
			o += (size_t)snprintf(b + o, sizeof(buf[0]) - o, "...");
			break;
		}
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(b + o, sizeof(buf[0]) - o, "\\x%02x", c);
		else
			b[o++] = (char)c;
	}
	o += (size_t)snprintf(b + o, sizeof(buf[0]) - o, "'");
	if (n > 64)
		snprintf(b + o, sizeof(buf[0]) - o, " (%zu bytes)", n);
	return b;
}

int opt_parse_uint(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

int opt_parse_seconds(const char *s, double *v)
{
	const char *p = s;
	int digits = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (*p || !digits || p - s > 20)
		return -EINVAL;
	*v = strtod(s, NULL);
	return 0;
}

static const char *opt_name(const struct opt *o, char *buf, size_t size)
{
	snprintf(buf, size, "--%s", o->lname);
	return buf;
}

static void bad_number(const struct cmd_spec *spec, const struct opt *o, const char *arg)
{
	char name[40];

	opt_name(o, name, sizeof(name));
	if (o->kind == OPT_SECONDS && o->min >= 0.001)
		usage_error(spec->name, "invalid %s %s: give seconds, at least %g (such as 10 or 0.5)",
			    name, opt_quote(arg), o->min);
	if (o->kind == OPT_SECONDS)
		usage_error(spec->name, "invalid %s %s: give seconds, such as 10 or 0.5", name,
			    opt_quote(arg));
	if (o->max >= 1e15)
		usage_error(spec->name, "invalid %s %s: give a whole number, at least %.0f", name,
			    opt_quote(arg), o->min);
	usage_error(spec->name, "invalid %s %s: give a whole number from %.0f to %.0f", name,
		    opt_quote(arg), o->min, o->max);
}

static void set_choice(const struct cmd_spec *spec, const struct opt *o, const char *arg,
		       int *dest)
{
	char list[256] = "";

	for (int i = 0; o->choices[i]; i++) {
		if (!strcmp(arg, o->choices[i])) {
			*dest = i;
			return;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i ? (o->choices[i + 1] ? ", " : " or ") : "", o->choices[i]);
	}
	usage_error(spec->name, "invalid --%s %s: give %s", o->lname, opt_quote(arg), list);
}

static void set_value(const struct cmd_spec *spec, const struct opt *o, const char *arg,
		      char *base)
{
	const char *msg;
	uint64_t u;
	double d;

	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)(base + o->off) = true;
		break;
	case OPT_INC:
		(*(int *)(base + o->off))++;
		break;
	case OPT_UINT:
	case OPT_INT:
		if (opt_parse_uint(arg, &u) < 0 || (double)u < o->min || (o->max && (double)u > o->max))
			bad_number(spec, o, arg);
		if (o->kind == OPT_INT)
			*(int *)(base + o->off) = (int)u;
		else
			*(uint64_t *)(base + o->off) = u;
		break;
	case OPT_SECONDS:
		if (opt_parse_seconds(arg, &d) < 0 || d < o->min || (o->max && d > o->max))
			bad_number(spec, o, arg);
		*(double *)(base + o->off) = d;
		break;
	case OPT_STRING:
		if (!*arg)
			usage_error(spec->name, "invalid --%s '': give %s", o->lname, o->argname);
		if (o->check && (msg = o->check(arg)))
			usage_error(spec->name, "invalid --%s %s: %s", o->lname, opt_quote(arg), msg);
		*(const char **)(base + o->off) = arg;
		break;
	case OPT_CHOICE:
		set_choice(spec, o, arg, (int *)(base + o->off));
		break;
	}
}

static int build_getopt(const struct cmd_spec *spec, struct option *lo, char *so, size_t sosize)
{
	const struct opt *opts = spec->opts;
	size_t sp = 0;
	int n = 0;

	/* '+': global options end at the command's name */
	sp += (size_t)snprintf(so, sosize, "%s:h", spec->posix ? "+" : "");
	for (const struct opt *o = opts; o->lname && n < OPT_MAX; o++, n++) {
		bool arg = o->kind != OPT_FLAG && o->kind != OPT_INC;

		lo[n] = (struct option){ o->lname, arg ? required_argument : no_argument, NULL,
					 0x100 + n };
		if (o->sname && sp + 3 < sosize)
			sp += (size_t)snprintf(so + sp, sosize - sp, "%c%s", o->sname, arg ? ":" : "");
	}
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	return n;
}

static const struct opt *find_short(const struct opt *opts, int c)
{
	for (const struct opt *o = opts; o->lname; o++)
		if (o->sname == c)
			return o;
	return NULL;
}

static void bad_option(const struct cmd_spec *spec, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		usage_error(spec->name, "option %s needs a value", opt_quote(arg));
	if (optopt && optopt < 0x100)
		usage_error(spec->name, "unknown option '-%c'", optopt);
	usage_error(spec->name, "unknown option %s", opt_quote(arg));
}

static void check_args(const struct cmd_spec *spec, int n)
{
	if (n < spec->min_args)
		usage_error(spec->name, "missing argument: usage: ftnet %s %s", spec->name,
			    spec->args ? spec->args : "");
	if (spec->max_args >= 0 && n > spec->max_args) {
		if (!spec->max_args)
			usage_error(spec->name, "'%s' takes no arguments", spec->name);
		usage_error(spec->name, "too many arguments: usage: ftnet %s %s", spec->name,
			    spec->args ? spec->args : "");
	}
}

int opt_parse(const struct cmd_spec *spec, int argc, char **argv, void *dest)
{
	struct option lo[OPT_MAX + 2];
	char so[OPT_MAX * 2 + 4];
	int c;

	build_getopt(spec, lo, so, sizeof(so));
	ngiven = 0;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		const struct opt *o;

		if (c == 'h') {
			opt_help(spec);
			exit(out_close_stdout() ? EXIT_FAIL : EXIT_OK);
		}
		if (c == '?' || c == ':')
			bad_option(spec, c, argv);
		o = c >= 0x100 ? &spec->opts[c - 0x100] : find_short(spec->opts, c);
		if (!o)
			bad_option(spec, '?', argv);
		set_value(spec, o, optarg, dest);
		if (ngiven < OPT_MAX)
			given[ngiven++] = o->lname;
	}
	if (!spec->posix)
		check_args(spec, argc - optind);
	return optind;
}

bool opt_given(const char *lname)
{
	for (int i = 0; i < ngiven; i++)
		if (!strcmp(given[i], lname))
			return true;
	return false;
}

void opt_synopsis(const struct cmd_spec *spec)
{
	out_printf("usage: ftnet%s%s%s%s%s\n", spec->name ? " " : "", spec->name ? spec->name : "",
		   spec->opts[0].lname ? " [OPTIONS]" : "", spec->args ? " " : "",
		   spec->args ? spec->args : "");
}

static void opt_line(const struct opt *o)
{
	const char *h = o->help;
	char left[64];
	int n;

	n = snprintf(left, sizeof(left), "%c%c%s--%s%s%s", o->sname ? '-' : ' ',
		     o->sname ? o->sname : ' ', o->sname ? ", " : "  ", o->lname,
		     o->argname ? " " : "", o->argname ? o->argname : "");
	if (n < 24)
		out_printf("  %-24s", left);
	else
		out_printf("  %s\n  %24s", left, "");
	/* a help of several lines: each under the first */
	for (size_t len; (len = strcspn(h, "\n")), h[len]; h += len + 1)
		out_printf("%.*s\n  %24s", (int)len, h, "");
	out_printf("%s\n", h);
}

void opt_help(const struct cmd_spec *spec)
{
	static const struct opt help = { .sname = 'h', .lname = "help", .kind = OPT_FLAG,
					 .help = "this help" };

	opt_synopsis(spec);
	if (spec->about)
		out_printf("\n%s", spec->about);
	if (spec->more_help)
		spec->more_help();
	out_printf("\nOPTIONS\n");
	for (const struct opt *o = spec->opts; o->lname; o++)
		opt_line(o);
	opt_line(&help);
	if (spec->examples)
		out_printf("\nEXAMPLES\n%s", spec->examples);
}

const char *opt_check_prom(const char *arg)
{
	prom_path_or_die(NULL, arg);
	return NULL;
}

/* The kernel reads a filter file line by line: a newline would keep only the last line. */
#define FILTER_MAX 2048

const char *opt_check_filter(const char *arg)
{
	static char msg[96];

	if (strspn(arg, " \t") == strlen(arg))
		return "give an expression, such as 'reason == NO_SOCKET'";
	if (strpbrk(arg, "\n\r;#"))
		return "a filter is one expression: no newline, ';' or '#' (join terms with && or ||)";
	if (strlen(arg) > FILTER_MAX) {
		snprintf(msg, sizeof(msg), "longer than %d bytes, the most ftnet writes to the kernel",
			 FILTER_MAX);
		return msg;
	}
	return NULL;
}
