/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Options as data: one table per command, from which parsing, checking and the option block
 * of `-h` all come (in the manner of git's parse-options). Shared entries for the options
 * many commands take keep one meaning per letter across the tool.
 */
#ifndef FTNET_OPT_H
#define FTNET_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum opt_kind {
	OPT_FLAG,	/* bool, no argument */
	OPT_INC,	/* int, no argument: counts how often it was given (-vv) */
	OPT_UINT,	/* uint64_t: decimal digits, within [min, max] */
	OPT_INT,	/* int: decimal digits, within [min, max] */
	OPT_SECONDS,	/* double: digits with an optional fraction, within [min, max] */
	OPT_STRING,	/* const char *: not empty */
	OPT_CHOICE,	/* int: the index of the argument in choices */
};

struct opt {
	int			sname;		/* short letter, 0 for a long-only option */
	const char		*lname;
	enum opt_kind		kind;
	size_t			off;		/* where the value goes in the command's struct */
	const char		*argname;	/* "SECS", "KB"; NULL for a flag */
	const char		*help;
	double			min, max;	/* bounds of numbers (max 0: none) */
	const char *const	*choices;	/* OPT_CHOICE, or the words of a string: NULL-ended */
	/* a further check of a string's value; returns a message for a usage error, or NULL */
	const char		*(*check)(const char *arg);
};

/* What a command's positional arguments are, for completion (ftnet CMD --list-args). */
enum opt_args {
	ARGS_OTHER,	/* none, or free text (a filter) */
	ARGS_GROUPS,	/* group names */
	ARGS_TABLES,	/* the groups top draws: neither latencies nor paths */
	ARGS_LATENCIES,	/* the latency groups (hist) */
	ARGS_EVENTS,	/* tracepoints, SYSTEM:EVENT */
	ARGS_FILE,	/* a file, then group names (report) */
};

/* A command's synopsis, options and examples. */
struct cmd_spec {
	const char		*name;
	const char		*args;		/* positional part of the synopsis: "[GROUP...]" */
	const char		*about;		/* paragraph after the synopsis */
	const struct opt	*opts;		/* ends with OPT_END */
	const char		*examples;	/* lines, each ending in \n */
	int			min_args, max_args;	/* positional arguments (max -1: any) */
	bool			posix;		/* options end at the first argument (global) */
	void			(*more_help)(void);	/* after about: the command list */
	enum opt_args		args_kind;	/* what completion offers for the arguments */
};

/*
 * The entries of a table, with designated initialisers. OPT_FIELD gives the offset of field f of
 * T and refuses at compile time a field whose type is not the one the parser writes (as git's
 * BARF_UNLESS_* do): an OPT_U on a double does not build instead of writing a uint64_t into it.
 */
#define OPT_FIELD(T, f, type)								\
	(offsetof(T, f) + 0 * sizeof(struct {						\
		_Static_assert(__builtin_types_compatible_p(__typeof__(((T *)0)->f), type),	\
			       "the field '" #f "' of an option must be of type " #type);	\
		char c;									\
	}))

#define OPT_END { .lname = NULL }

/* bool: set when given */
#define OPT_F(s, l, T, f, h) \
	{ .sname = (s), .lname = (l), .kind = OPT_FLAG, .off = OPT_FIELD(T, f, bool), .help = (h) }
/* int: counts how often it was given (-vv) */
#define OPT_INCR(s, l, T, f, h) \
	{ .sname = (s), .lname = (l), .kind = OPT_INC, .off = OPT_FIELD(T, f, int), .help = (h) }
/* uint64_t within [lo, hi] */
#define OPT_U(s, l, T, f, arg, h, lo, hi) \
	{ .sname = (s), .lname = (l), .kind = OPT_UINT, .off = OPT_FIELD(T, f, uint64_t), \
	  .argname = (arg), .help = (h), .min = (lo), .max = (hi) }
/* int within [lo, hi] */
#define OPT_I(s, l, T, f, arg, h, lo, hi) \
	{ .sname = (s), .lname = (l), .kind = OPT_INT, .off = OPT_FIELD(T, f, int), \
	  .argname = (arg), .help = (h), .min = (lo), .max = (hi) }
/* double: seconds within [lo, hi] */
#define OPT_SECS(s, l, T, f, arg, h, lo, hi) \
	{ .sname = (s), .lname = (l), .kind = OPT_SECONDS, .off = OPT_FIELD(T, f, double), \
	  .argname = (arg), .help = (h), .min = (lo), .max = (hi) }
/* const char *, checked by chk when it is not NULL */
#define OPT_SC(s, l, T, f, arg, h, chk) \
	{ .sname = (s), .lname = (l), .kind = OPT_STRING, .off = OPT_FIELD(T, f, const char *), \
	  .argname = (arg), .help = (h), .check = (chk) }
#define OPT_S(s, l, T, f, arg, h) OPT_SC(s, l, T, f, arg, h, NULL)
/* const char *: words of the list w (for completion), the whole checked by chk */
#define OPT_WORDS(s, l, T, f, arg, h, w, chk) \
	{ .sname = (s), .lname = (l), .kind = OPT_STRING, .off = OPT_FIELD(T, f, const char *), \
	  .argname = (arg), .help = (h), .choices = (w), .check = (chk) }
/* int: the index of the argument in the list c */
#define OPT_C(s, l, T, f, arg, h, c) \
	{ .sname = (s), .lname = (l), .kind = OPT_CHOICE, .off = OPT_FIELD(T, f, int), \
	  .argname = (arg), .help = (h), .choices = (c) }

/* The shared entries: the same letter, name, bounds and words in every command. */
#define OPT_JSON(T, f) OPT_F('j', "json", T, f, "JSON Lines, one object per line with a \"type\" key")
#define OPT_DURATION(T, f) OPT_SECS('d', "duration", T, f, "SECS", \
	"stop after SECS seconds (default: until Ctrl-C)", 0.000001, 1e9)
#define OPT_INTERVAL(T, f, help) OPT_SECS('t', "interval", T, f, "SECS", help, 0.1, 1e9)
#define OPT_COUNT(T, f, help) OPT_U('c', "count", T, f, "N", help, 1, 1e18)
#define OPT_NETNS(T, f) OPT_S('n', "netns", T, f, "NS", \
	"run in network namespace NS (a name from 'ip netns', or a PID)")
#define OPT_BUFFER_KB(T, f) OPT_U('B', "buffer-kb", T, f, "KB", \
	"ring buffer per CPU (1 to 4194304), for an instance made now", 1, 4194304)
#define OPT_PROM(T, f) OPT_SC('p', "prom", T, f, "FILE", \
	"write the totals as Prometheus text to FILE (replaced atomically)", opt_check_prom)
#define OPT_FILTER(T, f) OPT_SC('f', "filter", T, f, "EXPR", \
	"kernel filter for the groups enabled for this run", opt_check_filter)

/* where top, count and hist aggregate: auto|kernel|user, the index into aggregate_names */
extern const char *const aggregate_names[];
#define OPT_AGGREGATE(T, f) OPT_C('A', "aggregate", T, f, "WHERE", \
	"where to count: auto (default) in the kernel where it has hist\n" \
	"triggers and the keys are the event's fields; kernel (or an\n" \
	"error); user (every event read here)", \
	aggregate_names)

/* The commands whose only option is --json share this table. */
struct json_opts {
	bool	json;
};
extern const struct opt json_only_opts[];

/*
 * Parses argv[1..] (argv[0] is the command's name) into the struct at dest against the
 * command's table. -h/--help prints the help on stdout and exits 0; a bad option, value or
 * argument count is a usage error (exit 2) naming it. Returns the index of the first
 * positional argument; positional arguments are moved behind the options.
 */
int opt_parse(const struct cmd_spec *spec, int argc, char **argv, void *dest);
/* The whole help: synopsis, about, the option block from the table, examples. */
void opt_help(const struct cmd_spec *spec);
/* The synopsis line alone ("usage: ftnet top [GROUP...] [OPTIONS]"). */
void opt_synopsis(const struct cmd_spec *spec);
/* Whether option lname was given on the command line of the last opt_parse. */
bool opt_given(const char *lname);
/* An argument quoted for a message, cut to a readable length ("'abc...' (100000 bytes)"). */
const char *opt_quote(const char *arg);

/* Number syntax shared by every option: decimal digits; seconds may have a fraction. */
int opt_parse_uint(const char *s, uint64_t *v);
int opt_parse_seconds(const char *s, double *v);

/* --prom FILE: a path that can be written now (see prom.h). */
const char *opt_check_prom(const char *arg);
/* --filter EXPR: one expression the kernel's filter file takes whole. */
const char *opt_check_filter(const char *arg);

/* "ftnet: WHAT (see 'ftnet CMD -h')" on stderr, and exit 2: the options' one way out. */
void usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* --prom FILE: a usage error when empty, a failure when FILE cannot be written (checked now). */
const char *prom_path_or_die(const char *cmd, const char *arg);

#endif
