// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ftnet record: the groups' raw ring-buffer pages, exactly as read, into a trace.dat file
 * (version 6) that trace-cmd, KernelShark and 'ftnet report' read.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "cmd/commands.h"
#include "base/opt.h"
#include "flight.h"
#include "source/reader.h"
#include "source/run.h"
#include "kernel/tfs.h"
#include "tracedat/tracedat.h"
#include "base/util.h"

struct record_opts {
	const char	*output, *filter, *until;
	uint64_t	count, buffer_kb, flight;
	double		duration;
	bool		stacks;
};

static const struct opt record_opts[] = {
	OPT_S('o', "output", struct record_opts, output, "FILE",
	      "the trace.dat file to write (required; replaced at the end)"),
	OPT_DURATION(struct record_opts, duration),
	OPT_COUNT(struct record_opts, count, "stop after N events (the file may hold a few more)"),
	OPT_FILTER(struct record_opts, filter),
	OPT_BUFFER_KB(struct record_opts, buffer_kb),
	OPT_F('g', "stacks", struct record_opts, stacks,
	      "a kernel stack trace after every event (the instance's stacktrace option)"),
	OPT_U(0, "flight", struct record_opts, flight, "MB",
	      "keep the last MB per CPU, write them at --until, SIGUSR1, -d or Ctrl-C", 1, 4096),
	OPT_S(0, "until", struct record_opts, until, "EVENT[:FILTER]",
	      "with --flight: when this event (drop, SYSTEM:EVENT) fires where FILTER holds"),
	OPT_END,
};

const struct cmd_spec record_spec = {
	.name = "record",
	.args = "[GROUP|SYSTEM:EVENT...] -o FILE",
	.about = "Writes the events of the groups to FILE in trace-cmd's trace.dat format (version\n"
		 "6): the kernel's raw ring-buffer pages as read, with the formats, kernel symbols\n"
		 "and command names needed to read them elsewhere. 'trace-cmd report FILE' and\n"
		 "'ftnet report FILE' read it. Ctrl-C, SIGTERM or -d end it with a complete file;\n"
		 "events the kernel lost are marked in the pages and counted on stderr.\n"
		 "Any tracepoint can be named as SYSTEM:EVENT or SYSTEM:* (recorded in a private\n"
		 "instance); 'ftnet report' shows it with every field of its format.\n"
		 "As a flight recorder (--flight MB), the kernel keeps the last MB of events per\n"
		 "CPU in a private instance nobody reads, and a traceoff trigger on the --until\n"
		 "event (a kernel filter: 'drop:reason == NETFILTER_DROP') stops it the moment\n"
		 "that event fires; the file then holds what led up to it.\n",
	.opts = record_opts,
	.examples = "  ftnet record drops -o drops.dat -d 60\n"
		    "  ftnet record drops resets -o net.dat --filter 'reason != NOT_SPECIFIED'\n"
		    "  ftnet record drops -g -o stacks.dat -d 10\n"
		    "  ftnet record tcp:tcp_rcv_space_adjust sock:inet_sock_set_state -o tcp.dat -d 30\n"
		    "  ftnet record drops resets --flight 4 --until 'drop:reason == NETFILTER_DROP' "
		    "-o before.dat\n"
		    "  ftnet report drops.dat --json\n"
		    "  trace-cmd report drops.dat\n",
	.max_args = -1,
	.args_kind = ARGS_GROUPS,
};

/* pid -> comm of every event seen, for the file's command lines */
struct comms {
	int		*pid;
	char		(*name)[FTNET_COMM_LEN];
	size_t		cap, n;
};

struct record_state {
	struct td_writer	*w;
	const char		*path;
	uint64_t		limit, events, pages;
	int			err;
	bool			stacks, stack_on;	/* -g; the option turned on by us */
	bool			failed;		/* before any page: nothing to write */
	char			*clock, *cmdlines;
	struct td_blob		*stats;
	int			nstats;
	char			version[160];
	struct flight		*flight;	/* --flight, or NULL */
	struct session		*sess;		/* the run's, for the flight's checks */
	struct comms		comms;
};

static void comms_add(struct comms *c, int pid, const char *name);

static void comms_grow(struct comms *c)
{
	struct comms old = *c;

	c->cap = c->cap ? c->cap * 2 : 1024;
	c->pid = xcalloc(c->cap, sizeof(*c->pid));
	c->name = xcalloc(c->cap, sizeof(*c->name));
	c->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.pid[i])
			comms_add(c, old.pid[i], old.name[i]);
	free(old.pid);
	free(old.name);
}

static void comms_add(struct comms *c, int pid, const char *name)
{
	size_t i;

	if (pid <= 0)
		return;
	if (c->n * 2 >= c->cap)
		comms_grow(c);
	for (i = (size_t)pid * 2654435761u % c->cap; c->pid[i] && c->pid[i] != pid;
	     i = (i + 1) % c->cap)
		;
	if (!c->pid[i])
		c->n++;
	c->pid[i] = pid;	/* the latest name: a task renames itself after exec */
	snprintf(c->name[i], FTNET_COMM_LEN, "%s", name);
}

static bool comms_has(const struct comms *c, int pid)
{
	if (!c->cap)
		return false;
	for (size_t i = (size_t)pid * 2654435761u % c->cap; c->pid[i]; i = (i + 1) % c->cap)
		if (c->pid[i] == pid)
			return true;
	return false;
}

static void record_version(struct record_state *st, struct session *s)
{
	size_t n = (size_t)snprintf(st->version, sizeof(st->version), "ftnet %s groups ",
				    PACKAGE_VERSION);

	for (int i = 0; i < s->nrun && n < sizeof(st->version); i++)
		n += (size_t)snprintf(st->version + n, sizeof(st->version) - n, "%s%s",
				      i ? "," : "", s->run[i]->name);
}

/* The CPUs of the file: every CPU the system has, and any the reader saw beyond them. */
static int record_ncpus(struct session *s)
{
	int cpus[TD_MAX_CPUS], n = reader_cpus(s->rd, cpus, TD_MAX_CPUS), ncpu = tfs_ncpus();

	if (n && cpus[n - 1] >= ncpu)
		ncpu = cpus[n - 1] + 1;
	return ncpu < TD_MAX_CPUS ? ncpu : TD_MAX_CPUS;
}

/* -g: the kernel writes ftrace's kernel_stack record after each event (its format is kept). */
static int stacks_on(struct record_state *st, struct session *s)
{
	if (tracefs_option_is_enabled(s->inst, TRACEFS_OPTION_STACKTRACE))
		return 0;	/* on already: left as it is */
	if (!tracefs_option_is_supported(s->inst, TRACEFS_OPTION_STACKTRACE) ||
	    tracefs_option_enable(s->inst, TRACEFS_OPTION_STACKTRACE) < 0) {
		error("cannot take kernel stacks (-g): instance '%s' has no stacktrace option to turn on: %s",
		      s->ctx->instance, strerror(errno ? errno : ENOTSUP));
		st->failed = true;
		return -1;
	}
	st->stack_on = true;
	return 0;
}

static void stopping(void *arg, struct session *s)
{
	struct record_state *st = arg;

	if (st->flight)	/* nothing after this moment: the file ends where the trigger fired */
		flight_stop(st->flight, s);
	if (st->stack_on && tracefs_option_disable(s->inst, TRACEFS_OPTION_STACKTRACE) < 0)
		warn("cannot turn the stacktrace option of instance '%s' off: %s",
		     s->ctx->instance, strerror(errno));
	st->stack_on = false;
}

static void flight_begin(struct record_state *st, struct session *s)
{
	const char *why = flight_start(st->flight, s);

	if (why) {
		error("%s", why);
		st->failed = true;
		return;
	}
	fprintf(stderr, "%s: flight recorder: the last %lu KB per CPU kept in instance '%s'; the file is written %s%s%s, on SIGUSR1, at -d or on Ctrl-C\n",
		prog_name, (unsigned long)tracefs_instance_get_buffer_size(s->inst, 0),
		s->ctx->instance,
		st->flight->until ? "when " : "", st->flight->until ? st->flight->until : "",
		st->flight->until ? " fires" : "");
}

static void started(void *arg, struct session *s)
{
	int max = SESSION_MAX_GROUPS * (GROUP_MAX_PROBES + GROUP_MAX_EVENTS) + s->nuser;
	struct group_event *evs = xcalloc((size_t)max, sizeof(*evs));
	struct record_state *st = arg;
	struct td_meta_tfs meta;
	int n = 0, ret;

	if (st->stacks && stacks_on(st, s) < 0) {
		free(evs);
		return;
	}
	for (int i = 0; i < s->nrun; i++)
		n += group_events(s->run[i], s->backend[i], evs + n, max - s->nuser - n);
	for (int i = 0; i < s->nuser; i++)	/* tracepoints named as SYSTEM:EVENT */
		evs[n++] = (struct group_event){ .sys = s->raw[i][0], .name = s->raw[i][1] };
	record_version(st, s);
	st->clock = tracefs_instance_file_read(s->inst, "trace_clock", NULL);
	ret = td_meta_from_tfs(&meta, evs, n);
	free(evs);
	if (ret < 0) {
		error("cannot read the event formats from tracefs: %s", strerror(-ret));
		st->err = ret;
		return;
	}
	meta.m.long_size = tep_get_header_page_size(s->tep);
	ret = td_writer_open(&st->w, st->path);
	if (ret < 0)
		error("cannot create '%s" TD_TMP_TAG "%d' beside '%s': %s", st->path,
		      (int)getpid(), st->path, strerror(-ret));
	else
		ret = td_writer_begin(st->w, record_ncpus(s), reader_page_size(s->rd), &meta.m);
	td_meta_release(&meta);
	st->err = ret;	/* a write error is reported with what was kept, at the end */
	st->sess = s;
	if (!ret && st->flight)
		flight_begin(st, s);
}

static void on_event(void *arg, const struct ftnet_event *ev)
{
	struct record_state *st = arg;

	if (ev->type == EV_LOST)
		return;
	st->events++;
	comms_add(&st->comms, ev->pid, ev->comm);
}

static void on_page(void *arg, int cpu, const void *page, int size)
{
	struct record_state *st = arg;

	if (!st->w || st->err)
		return;
	st->err = td_writer_page(st->w, cpu, page, size);
	if (!st->err)
		st->pages++;
}

static bool enough(void *arg)
{
	struct record_state *st = arg;

	if (st->flight && st->w && flight_due(st->flight, st->sess))
		return true;
	return (st->limit && st->events >= st->limit) || st->err || st->failed;
}

/* The kernel's statistics of each CPU, as trace-cmd keeps them ("CPU: N" then the file). */
static void drained(void *arg, struct session *s)
{
	struct record_state *st = arg;
	int ncpu = tfs_ncpus();

	st->stats = xcalloc((size_t)ncpu, sizeof(*st->stats));
	for (int cpu = 0; cpu < ncpu; cpu++) {
		char file[64], *text, *all;

		snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", cpu);
		text = tracefs_instance_file_read(s->inst, file, NULL);
		if (!text)
			continue;
		all = xmalloc(strlen(text) + 32);
		sprintf(all, "CPU: %d\n%s", cpu, text);
		free(text);
		st->stats[st->nstats++] = (struct td_blob){ NULL, all, strlen(all) };
	}
	/* names of pids whose events were not decoded (the kernel's table, ours first) */
	st->cmdlines = tracefs_instance_file_read(NULL, "saved_cmdlines", NULL);
}

static char *cmdlines_text(struct record_state *st, size_t *len)
{
	const char *k = st->cmdlines;
	size_t cap = st->comms.n * 24 + (k ? strlen(k) : 0) + 1, n = 0;
	char *out = xmalloc(cap);

	for (size_t i = 0; i < st->comms.cap; i++)
		if (st->comms.pid[i])
			n += (size_t)snprintf(out + n, cap - n, "%d %s\n", st->comms.pid[i],
					      st->comms.name[i]);
	while (k && *k) {
		size_t line = strcspn(k, "\n");
		int pid = atoi(k);

		if (pid > 0 && !comms_has(&st->comms, pid)) {
			memcpy(out + n, k, line);
			n += line;
			out[n++] = '\n';
		}
		k += line + (k[line] == '\n');
	}
	out[n] = '\0';
	*len = n;
	return out;
}

static int record_finish(struct record_state *st, struct td_kept *kept)
{
	struct td_tail t = { .clock = st->clock, .version = st->version, .cpustats = st->stats,
			     .ncpustats = st->nstats };
	struct utsname u;
	char name[512];
	int ret;

	if (!uname(&u)) {
		snprintf(name, sizeof(name), "%s %s %s %s", u.sysname, u.nodename, u.release,
			 u.machine);
		t.uname = name;
	}
	t.cmdlines.data = cmdlines_text(st, &t.cmdlines.len);
	ret = td_writer_finish(st->w, &t, kept);
	free((char *)t.cmdlines.data);
	return ret;
}

static void record_report(struct record_state *st, const struct td_kept *k,
			  const struct run_stats *rs)
{
	const char *what = st->stacks ? "records (events and their stacks)" : "events";

	if (k->error && k->file_size)
		error("cannot write '%s': %s (writing %s): recording stopped there; the file is complete and holds the first %" PRIu64 " %s (%" PRIu64 " pages); %" PRIu64 " events read after were not kept: free some space, or record less (-d, --filter)",
		      st->path, strerror(-k->error), k->error_at, k->events, what, k->pages,
		      st->events > k->events ? st->events - k->events : 0);
	else if (k->error)
		error("cannot write '%s': %s (writing %s): nothing was kept; free some space or write elsewhere",
		      st->path, strerror(-k->error), k->error_at ? k->error_at : "the file");
	else
		fprintf(stderr, "%s: %s%" PRIu64 " %s in %" PRIu64 " pages written to '%s' (%" PRIu64 " bytes), %" PRIu64 " %s%s\n",
			prog_name, !st->flight ? "" :
			st->flight->fired ? "the trigger fired: " : "flight recorder: ", k->events,
			what, k->pages, st->path, k->file_size, rs->lost,
			st->flight ? "older events overwritten" : "lost",
			!rs->lost || st->flight ? "" :
			": enlarge the buffer (--buffer-kb) or filter in the kernel (--filter)");
	if (!k->error && !k->events && !rs->lost && !st->flight)
		nothing_seen();
}

/* The directory must take the temporary file, and FILE must be a file (it is replaced). */
static void output_or_die(const char *path)
{
	char *copy = xstrdup(path), *dir = dirname(copy);
	struct stat st;

	if (!stat(path, &st) && !S_ISREG(st.st_mode))
		die(EXIT_FAIL, "'%s' is not a regular file: record writes a new file and renames it to its name; give a file name",
		    path);
	if (access(dir, W_OK | X_OK) < 0)
		die(EXIT_FAIL, "cannot write in '%s': %s", dir, strerror(errno));
	td_writer_sweep(path);
	free(copy);
}

/* --flight MB: a private instance of that size per CPU, read once at the end. */
static void flight_opts(struct record_opts *o, struct run_spec *r, struct flight *fl,
			struct record_state *st)
{
	const char *why = o->until ? flight_parse(fl, o->until) : NULL;

	if (why)
		usage_error("record", "%s", why);
	if (o->buffer_kb)
		usage_error("record", "--flight MB sets the buffer: give it without --buffer-kb");
	if (o->count)
		usage_error("record", "--flight writes what the kernel kept when it stops: -c does not apply");
	o->buffer_kb = o->flight * 1024;
	r->hold = true;
	r->private_instance = true;
	st->flight = fl;
}

int cmd_record(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct flight fl = { 0 };
	struct record_opts o = { 0 };
	struct record_state st = { 0 };
	struct run_spec r = { .cmd = "record" };
	struct td_kept kept = { 0 };
	struct run_stats rs = { 0 };
	const char **events;
	int i = opt_parse(&record_spec, argc, argv, &o), ret;

	if (!o.output)
		usage_error("record", "no output file: give one with -o FILE");
	if (o.flight)
		flight_opts(&o, &r, &fl, &st);
	else if (o.until)
		usage_error("record", "--until is for the flight recorder: give --flight MB too");
	output_or_die(o.output);
	st.path = o.output;
	st.limit = o.count;
	st.stacks = o.stacks;
	r.groups = argv + i;
	r.ngroups = args_take_events(argv + i, argc - i, &events, &r.so.nevents);
	r.so.events = events;
	/* a tracepoint is enabled only where no other run's settings are: a private instance */
	if (r.so.nevents)
		r.private_instance = true;
	r.so.filter = o.filter;
	r.so.buffer_kb = o.buffer_kb;
	r.so.batch_pages = true;
	r.duration = o.duration;
	r.arg = &st;
	r.started = started;
	r.on_event = on_event;
	r.on_page = on_page;
	r.done = enough;
	r.stopping = stopping;
	r.drained = drained;
	ret = run_or_exit(ctx, &r, &rs);
	if (st.failed)
		ret = EXIT_FAIL;
	else if (st.w && record_finish(&st, &kept))
		ret = EXIT_FAIL;
	else if (!st.w && st.err)
		ret = EXIT_FAIL;
	if (st.w && !st.failed)
		record_report(&st, &kept, &rs);
	for (int c = 0; c < st.nstats; c++)
		free((char *)st.stats[c].data);
	free(st.stats);
	free(st.clock);
	free(st.cmdlines);
	free(st.comms.pid);
	free(st.comms.name);
	free(events);
	return ret;
}
