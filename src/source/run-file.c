// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The run loop over a trace.dat: the file's events in time order through the command's
 * callbacks, interval ticks and the duration on the file's own clock, to the file's end.
 */
#include <stdint.h>
#include <stdio.h>

#include "base/out.h"
#include "base/prom.h"
#include "source/run.h"
#include "base/util.h"

#define BATCH 4096	/* events between checks of signals, -c and output */

static int file_prom(struct run_spec *r, bool final)
{
	int ret;

	if (!r->prom || !r->prom_write)
		return 0;
	ret = r->prom_write(r->arg, r->prom);
	if (ret < 0)
		error("cannot write the Prometheus file '%s': %s", r->prom, prom_strerror(ret));
	return ret < 0 && final ? ret : 0;
}

struct clock {
	uint64_t	last, next, step, deadline, now;
};

/* Ticks for every interval the file's time has passed (empty ones too, as live). */
static void file_ticks(struct run_spec *r, struct clock *c, uint64_t ts)
{
	while (c->step && ts >= c->next) {
		r->tick(r->arg, c->next, c->step / 1e9, false);
		file_prom(r, false);
		c->last = c->next;
		c->next += c->step;
	}
}

static int file_loop(struct session *s, struct run_spec *r, struct clock *c)
{
	while (!session_stop && !(r->done && r->done(r->arg))) {
		uint64_t until = c->next < c->deadline ? c->next : c->deadline, ts;
		long n = session_file_read(s, until, BATCH, &c->now);

		if (n < 0)
			return EXIT_FAIL;
		ts = session_file_next_ts(s);
		if (ts == UINT64_MAX)
			break;
		if (ts >= c->deadline) {
			c->now = c->deadline;
			break;
		}
		file_ticks(r, c, ts);
		if (out_flush() < 0)
			break;
	}
	return EXIT_OK;
}

int run_file(struct ftnet_ctx *ctx, struct run_spec *r, struct run_stats *stats)
{
	struct clock c = { .next = UINT64_MAX, .deadline = UINT64_MAX };
	struct session s;
	int ret;

	session_signals();
	ret = session_file_start(&s, ctx, r->read_file, r->groups, r->ngroups, &r->so);
	if (ret < 0)
		return ret;
	s.on_event = r->on_event;
	s.on_record = r->on_record;
	s.arg = r->arg;
	if (r->started)
		r->started(r->arg, &s);
	c.last = c.now = session_file_next_ts(&s);
	if (c.last == UINT64_MAX)
		c.last = c.now = 0;	/* no event at all */
	c.step = r->tick ? (uint64_t)(r->interval * 1e9) : 0;
	if (c.step)
		c.next = c.last + c.step;
	if (r->duration > 0)
		c.deadline = c.last + (uint64_t)(r->duration * 1e9);
	out_set_abort(&session_stop, 0);
	ret = file_loop(&s, r, &c);
	/* the last tick before the end: views may use the file's symbols (s.ksyms) */
	if (r->tick)
		r->tick(r->arg, c.now, c.now > c.last ? (c.now - c.last) / 1e9 : 0, true);
	if (file_prom(r, true) < 0)
		ret = EXIT_FAIL;
	out_flush();
	session_file_end(&s);
	if (stats)
		*stats = (struct run_stats){ s.records, s.delivered, s.lost };
	return ret;
}
