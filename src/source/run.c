// SPDX-License-Identifier: GPL-2.0-or-later
/* The run loop shared by every command that reads events: start, read, tick, drain, restore. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/out.h"
#include "base/prom.h"
#include "source/run.h"
#include "base/util.h"
#include "kernel/groups.h"

static int prom_tick(struct run_spec *r, bool final)
{
	int ret;

	if (!r->prom || !r->prom_write)
		return 0;
	ret = r->prom_write(r->arg, r->prom);
	if (ret < 0 && !final)
		warn("cannot write '%s': %s", r->prom, prom_strerror(ret));
	if (ret < 0 && final)
		error("cannot write the Prometheus file '%s': %s", r->prom, prom_strerror(ret));
	return ret;
}

static double since(uint64_t now, uint64_t last)
{
	return now > last ? (now - last) / 1e9 : 0;
}

/* Waits without reading (hold): a tenth of a second, or to the deadline; 1 once it passed. */
static int hold_wait(uint64_t deadline)
{
	uint64_t now = mono_ns(), ns = 100000000ull;
	struct timespec ts;

	if (deadline && deadline <= now)
		return 1;
	if (deadline && deadline - now < ns)
		ns = deadline - now;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)ns;
	nanosleep(&ts, NULL);	/* a signal ends it early */
	return deadline && mono_ns() >= deadline;
}

/*
 * SIGHUP with r->reload: when every group of the run is still on, the instance is kept (not a
 * single event missed) and r->reload is told; else the run ends with session_stop still
 * SIGHUP, for the command to set everything up again. True when the run goes on.
 */
static bool reload_in_place(struct session *s, struct run_spec *r)
{
	if (session_stop != SIGHUP || !r->reload)
		return false;
	for (int i = 0; i < s->nrun; i++)
		if (s->gone[i] || !group_enabled(s->inst, s->run[i]))
			return false;
	session_stop = 0;
	r->reload(r->arg, s);
	return true;
}

/* Reads until the run ends; returns the exit status so far. */
static int loop(struct session *s, struct run_spec *r, uint64_t deadline, uint64_t *last)
{
	uint64_t step = (uint64_t)(r->interval * 1e9), next = step ? *last + step : 0;
	uint64_t check = *last + 1000000000ull;

	while ((!session_stop || reload_in_place(s, r)) && !(r->done && r->done(r->arg))) {
		int waited = r->hold ? hold_wait(deadline) : session_wait(s, deadline, next);
		uint64_t now = mono_ns();

		if (waited)
			return waited < 0 ? EXIT_FAIL : EXIT_OK;
		if (now >= check) {	/* another command may have turned our events off */
			check = now + 1000000000ull;
			if (!session_check(s)) {
				error("nothing this run reads is enabled any more in instance '%s'",
				      s->ctx->instance);
				return EXIT_FAIL;
			}
		}
		if (r->idle)
			r->idle(r->arg, now);
		if (next && now >= next) {
			r->tick(r->arg, now, since(now, *last), false);
			prom_tick(r, false);
			*last = now;
			next = now + step;
		}
		if (out_flush() < 0)
			break;	/* the reader of our output went away: nothing more to show */
	}
	return EXIT_OK;
}

/* The last interval drawn and the Prometheus file written; the exit status. */
static int run_final(struct run_spec *r, uint64_t last, int ret)
{
	if (r->tick)
		r->tick(r->arg, mono_ns(), since(mono_ns(), last), true);
	if (prom_tick(r, true) < 0)
		ret = EXIT_FAIL;
	out_flush();
	return ret;
}

/* No events to read: time, ticks and signals only (top with every table in the kernel). */
static int run_no_events(struct run_spec *r, struct run_stats *stats)
{
	uint64_t start = mono_ns(), last = start, deadline = 0, step, next;
	int ret = EXIT_OK;

	session_signals();
	if (r->duration > 0)
		deadline = start + (uint64_t)(r->duration * 1e9);
	step = (uint64_t)(r->interval * 1e9);
	next = step ? start + step : 0;
	out_set_abort(&session_stop, deadline);
	if (r->started)
		r->started(r->arg, NULL);
	while (!session_stop && !(r->done && r->done(r->arg))) {
		uint64_t until = next && (!deadline || next < deadline) ? next : deadline, now;

		if (hold_wait(until) && deadline && mono_ns() >= deadline)
			break;
		now = mono_ns();
		if (next && now >= next) {
			r->tick(r->arg, now, since(now, last), false);
			prom_tick(r, false);
			last = now;
			next = now + step;
		}
		if (out_flush() < 0)
			break;
	}
	if (r->stopping)
		r->stopping(r->arg, NULL);
	ret = run_final(r, last, ret);
	if (stats)
		*stats = (struct run_stats){ 0, 0, 0 };
	return ret;
}

int run_events(struct ftnet_ctx *ctx, struct run_spec *r, struct run_stats *stats)
{
	static bool said_private;
	const char *instance = ctx->instance;
	char private[64];
	uint64_t start, last, deadline = 0;
	struct session s;
	int ret;

	if (r->read_file)
		return run_file(ctx, r, stats);
	if (r->no_events)
		return run_no_events(r, stats);
	if (r->private_instance) {
		/* counting must not consume a stream's events, nor the reverse */
		snprintf(private, sizeof(private), "ftnet-%s-%d", r->cmd, (int)getpid());
		/* once: serve sets its instance up again after a recovery, with the same name */
		if (ctx->instance_given && !said_private)
			note("%s reads a private instance of its own (%s): instance '%s' is not used",
			     r->cmd, private, ctx->instance);
		said_private = true;
		ctx->instance = private;
	}
	session_signals();
	/* events are decoded here (not passed on raw): their names as the kernel gave them */
	r->so.comms = !r->on_record && !r->on_page;
	r->so.no_map = r->on_page != NULL;	/* pages to a file as the kernel wrote them */
	/* record's files hold the groups' formats only: their pages never carry flow events */
	r->so.flows = r->so.comms;
	ret = session_start(&s, ctx, r->groups, r->ngroups, &r->so);
	if (ret < 0)
		return ret;
	s.on_event = r->on_event;
	s.on_record = r->on_record;
	s.on_page = r->on_page;
	s.arg = r->arg;
	s.wake_fd = r->wake_fd;
	s.wake_ms = r->wake_ms;
	if (r->started)
		r->started(r->arg, &s);
	start = last = mono_ns();
	if (r->duration > 0)
		deadline = start + (uint64_t)(r->duration * 1e9);
	out_set_abort(&session_stop, deadline);
	if (!r->quiet && !deadline && !out_is_json() && isatty(STDERR_FILENO))
		fprintf(stderr, "%s: tracing... hit Ctrl-C to end\n", prog_name);
	ret = loop(&s, r, deadline, &last);
	if (r->stopping)
		r->stopping(r->arg, &s);
	session_drain(&s);	/* the rest, and losses only the kernel's stats show */
	if (r->drained)
		r->drained(r->arg, &s);
	session_end(&s);
	ret = run_final(r, last, ret);
	if (stats)
		*stats = (struct run_stats){ s.records, s.delivered, s.lost };
	ctx->instance = instance;
	return ret;
}
