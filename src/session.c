/* source -> decode -> sink for the commands that read the instance: setup, rounds, restore. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "comm.h"
#include "conn.h"
#include "decode.h"
#include "groups.h"
#include "reader.h"
#include "session.h"
#include "tfs.h"
#include "util.h"

volatile sig_atomic_t session_stop;

static void on_signal(int sig)
{
	session_stop = sig;
}

void session_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() must return */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void restore(struct session *s)
{
	const struct group *undo[SESSION_MAX_GROUPS];
	int n = 0;

	for (int i = 0; i < s->nrun; i++)
		if (s->changed[i])
			undo[n++] = s->run[i];
	if (n)
		groups_disable(s->inst, undo, n, s->before, s->nbefore);
	for (int i = 0; i < s->nraw; i++)
		tfs_event_set(s->inst, s->raw[i][0], s->raw[i][1], false);
	free(s->raw);
	s->raw = NULL;
	s->nraw = 0;
	if (s->created && !tfs_any_enabled(s->inst)) {
		if (tfs_instance_remove(s->inst) < 0)
			warn("cannot remove the tracefs instance '%s': busy; remove it with "
			     "'ftnet -I %s disable --all'", s->ctx->instance, s->ctx->instance);
	} else {
		tracefs_instance_free(s->inst);
	}
	s->inst = NULL;
}

/* Raw events (count): enabled for the run in what is always a private instance. */
static void raw_enable(struct session *s, const struct session_opts *o)
{
	if (!o->nevents)
		return;
	s->raw = xcalloc(o->nevents, sizeof(*s->raw));
	for (int i = 0; i < o->nevents; i++) {
		const char *ev = o->events[i], *colon = strchr(ev, ':');
		int ret;

		if (!colon || colon == ev || !colon[1] || colon - ev >= 64 || strlen(colon) > 64) {
			restore(s);
			die(EXIT_USAGE, "invalid event '%s': give SYSTEM:EVENT, such as skb:kfree_skb",
			    ev);
		}
		snprintf(s->raw[i][0], 64, "%.*s", (int)(colon - ev), ev);
		snprintf(s->raw[i][1], 64, "%s", colon + 1);
		if (!tracefs_event_file_exists(s->inst, s->raw[i][0], s->raw[i][1], "enable")) {
			restore(s);
			die(EXIT_FAIL, "this kernel has no tracepoint '%s': 'ftnet list' shows the "
				       "network ones, %s/available_events all of them", ev,
			    s->ctx->tracefs);
		}
		ret = tfs_event_set(s->inst, s->raw[i][0], s->raw[i][1], true);
		s->nraw = i + 1;
		if (ret < 0) {
			restore(s);
			die(EXIT_FAIL, "cannot enable '%s': %s", ev, tfs_strerror(ret));
		}
	}
}

static void add_group(struct session *s, const struct group *g)
{
	for (int i = 0; i < s->nrun; i++)
		if (s->run[i] == g)
			return;
	if (s->nrun < SESSION_MAX_GROUPS)
		s->run[s->nrun++] = g;
}

void session_start(struct session *s, struct ftnet_ctx *ctx, char **names, int nnames,
		   const struct session_opts *o)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->lockfd = -1;
	for (int i = 0; i < nnames; i++)
		add_group(s, group_or_die(names[i]));

	s->lockfd = tfs_reader_lock(ctx->instance);
	if (s->lockfd == -EBUSY)
		die(EXIT_FAIL, "instance '%s' is being read by another ftnet: reads consume events, "
			       "so two readers would each see part of them; stop the other one, or "
			       "use another instance with -I NAME", ctx->instance);
	if (s->lockfd < 0)
		die(EXIT_FAIL, "cannot lock instance '%s' for reading: %s", ctx->instance,
		    strerror(-s->lockfd));

	s->inst = tfs_instance_open(ctx->instance, true, &s->created);
	if (!s->inst)
		die(EXIT_FAIL, "cannot open the tracefs instance '%s': %s", ctx->instance,
		    tfs_strerror(errno));
	for (int i = 0; i < ngroups; i++)
		if (!s->created && group_enabled(s->inst, &groups[i]))
			s->before[s->nbefore++] = &groups[i];
	if (!s->nrun && !o->nevents) {
		for (int i = 0; i < s->nbefore; i++)
			add_group(s, s->before[i]);
		if (!s->nrun && o->default_group)
			add_group(s, group_or_die(o->default_group));
		if (!s->nrun) {
			restore(s);
			die(EXIT_FAIL, "nothing is enabled in instance '%s': run 'ftnet enable GROUP' "
				       "first, or name groups here (ftnet stream drops); the groups "
				       "are %s", ctx->instance, group_names());
		}
	}
	/* a group already on keeps its backend; the others get the one that runs here */
	for (int i = 0; i < s->nrun; i++) {
		int b = s->created ? -1 : group_enabled_backend(s->inst, s->run[i]);

		if (b < 0) {
			char why[512];

			b = group_backend(s->run[i], ctx->backend, why, sizeof(why));
			if (b < 0) {
				const char *name = s->run[i]->name;

				restore(s);
				die(EXIT_FAIL, "group '%s' cannot run on this kernel: %s", name, why);
			}
		}
		s->backend[i] = b;
	}
	/* new instance: our settings; existing: only what reading needs (wake on 1 event) */
	ret = tfs_instance_setup(s->inst, s->created ? o->buffer_kb : o->buffer_kb);
	if (ret < 0) {
		restore(s);
		die(EXIT_FAIL, "cannot set up the tracefs instance '%s': %s", ctx->instance,
		    tfs_strerror(ret));
	}
	groups_enable_or_die(ctx, s->inst, s->created, s->run, s->nrun, o->filter, s->changed,
			     s->backend);
	raw_enable(s, o);
	for (int i = 0; i < s->nrun; i++)
		s->types |= s->run[i]->types;
	s->types |= 1u << EV_LOST;

	s->tep = tep_load_or_die();
	s->dec = decoder_new(s->tep);
	s->comm = comm_new();
	s->conn = pending_new(4096, 60ull * 1000000000ull);
	/* an skb not copied within a second was dropped or went elsewhere */
	s->rxlat = pending_new(16384, 1000000000ull);
	s->ports = pending_new(1024, 1000000000ull);
	s->rd = reader_open(s->inst, s->tep);
	if (!s->rd) {
		int e = errno;

		session_end(s);
		die(EXIT_FAIL, "cannot open the per-CPU buffers of instance '%s': %s", ctx->instance,
		    strerror(e));
	}
}

static void deliver(struct session *s, struct ftnet_event *ev)
{
	if (!(s->types & (1u << ev->type)))
		return;
	if (ev->type != EV_LOST)
		comm_lookup(s->comm, ev->pid, ev->cpu, ev->ts, ev->comm);
	s->delivered++;
	s->on_event(s->arg, ev);
}

static void sink_record(void *arg, struct tep_record *rec)
{
	struct session *s = arg;
	struct ftnet_event ev, conn;
	int ret;

	if (s->on_record) {
		s->on_record(s->arg, rec);
		return;
	}
	ret = decode_record(s->dec, rec, &ev);

	if (ret <= 0) {
		s->undecoded++;
		return;
	}
	if (ev.internal == INTERNAL_PORT_NOTE) {
		pending_start(s->ports, ev.skaddr, ev.ts, ev.sport);
		return;
	}
	/* kprobe on an aborting socket: its port, released already, from the note above */
	if (ev.type == EV_RESET && ev.dir == DIR_SENT && !ev.sport && ev.skaddr) {
		uint64_t ts;
		int port;

		if (pending_take(s->ports, ev.skaddr, &ts, &port))
			ev.sport = port;
	}
	if (ev.type == EV_STATE && (s->types & (1u << EV_CONNECT)) &&
	    conn_feed(s->conn, &ev, &conn))
		deliver(s, &conn);
	if (ev.internal)
		return;
	if ((ev.type == EV_RX || ev.type == EV_COPY) && (s->types & (1u << EV_RXLAT)) &&
	    rxlat_feed(s->rxlat, &ev, &conn))
		deliver(s, &conn);
	deliver(s, &ev);
}

static void sink_lost(void *arg, int cpu, uint64_t count, uint64_t ts)
{
	struct session *s = arg;
	struct ftnet_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_LOST;
	ev.cpu = cpu;
	ev.count = count;
	ev.ts = ts;
	s->lost += count;
	deliver(s, &ev);
}

/* A round this large means a flood: read every READ_INTERVAL_MS instead of waking per event. */
#define BUSY_RECORDS 64
#define READ_INTERVAL_MS 50

long session_step(struct session *s, uint64_t until_ns)
{
	uint64_t now = mono_ns(), left = until_ns > now ? until_ns - now : 0;
	int timeout;
	long n;

	/*
	 * Idle: wait in poll() for the first event. Busy: read at a fixed interval, since every
	 * poll() wait arms a wake-up that the writer's CPU pays for on its next event.
	 */
	if (s->busy) {
		uint64_t ns = READ_INTERVAL_MS * 1000000ull;
		struct timespec ts;

		if (left < ns)
			ns = left;
		ts.tv_sec = ns / 1000000000ull;
		ts.tv_nsec = ns % 1000000000ull;
		nanosleep(&ts, NULL);	/* a signal cuts it short */
		timeout = 0;
	} else {
		timeout = left / 1000000 > 1000 ? 1000 : (int)(left / 1000000) + (left ? 1 : 0);
	}
	n = session_round(s, timeout);
	s->busy = n >= BUSY_RECORDS;
	return n;
}

int session_wait(struct session *s, uint64_t deadline, uint64_t next)
{
	uint64_t until = mono_ns() + 1000000000ull;
	long n;

	if (deadline && deadline < until)
		until = deadline;
	if (next && next < until)
		until = next;
	n = session_step(s, until);
	if (n < 0 && n != -EINTR) {
		error("cannot read the trace buffers of instance '%s': %s", s->ctx->instance,
		      strerror((int)-n));
		return -1;
	}
	return deadline && mono_ns() >= deadline;
}

long session_round(struct session *s, int timeout_ms)
{
	struct reader_sink sink = { sink_record, sink_lost, s };

	return reader_round(s->rd, timeout_ms, &sink);
}

void session_drain(struct session *s)
{
	struct reader_sink sink = { sink_record, sink_lost, s };

	reader_finish(s->rd, &sink);
}

void session_end(struct session *s)
{
	if (s->rd)
		s->records = reader_records(s->rd);
	reader_close(s->rd);
	s->rd = NULL;
	if (s->inst)
		restore(s);
	pending_free(s->conn);
	pending_free(s->rxlat);
	pending_free(s->ports);
	comm_free(s->comm);
	decoder_free(s->dec);
	if (s->tep)
		tep_free(s->tep);
	if (s->lockfd >= 0)
		close(s->lockfd);
	s->conn = s->rxlat = s->ports = NULL;
	s->comm = NULL;
	s->dec = NULL;
	s->tep = NULL;
	s->lockfd = -1;
}
