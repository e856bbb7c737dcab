// SPDX-License-Identifier: GPL-2.0-or-later
/* A session's start: the reader's lock, the instance, its groups, filters and events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "decode/decode.h"
#include "kernel/groups.h"
#include "kernel/owner.h"
#include "kernel/tfs.h"
#include "source/comm.h"
#include "source/conn.h"
#include "source/enabling.h"
#include "source/reader.h"
#include "source/session.h"
#include "session-int.h"

/*
 * The buffers are mapped (Linux 6.10+) unless the command writes the pages as read (record:
 * a mapped page is copied out from where the last read stopped), or FTNET_READ=read asks
 * for read() (the benchmarks compare the two).
 */
static bool want_map(const struct session_opts *o)
{
	const char *env = getenv("FTNET_READ");

	return !o->no_map && !(env && !strcmp(env, "read"));
}

/* The most events SYSTEM:* may bring into one run. */
#define RAW_MAX 1024

static void raw_push(struct session *s, const char *sys, const char *name)
{
	s->raw = xrealloc(s->raw, (size_t)(s->nraw + 1) * sizeof(*s->raw));
	snprintf(s->raw[s->nraw][0], 64, "%s", sys);
	snprintf(s->raw[s->nraw][1], 64, "%s", name);
	s->nraw++;
}

/* SYSTEM:EVENT, or SYSTEM:* for every event of the system, added to s->raw. */
static int raw_add(struct session *s, const char *ev)
{
	const char *colon = strchr(ev, ':');
	char sys[64], **list;
	int n = 0;

	if (!colon || colon == ev || !colon[1] || colon - ev >= 64 || strlen(colon) > 64)
		return error_usage("invalid event '%s': give SYSTEM:EVENT or SYSTEM:*, such as skb:kfree_skb",
				   ev);
	snprintf(sys, sizeof(sys), "%.*s", (int)(colon - ev), ev);
	if (strcmp(colon + 1, "*")) {
		if (!tracefs_event_file_exists(s->inst, sys, colon + 1, "enable"))
			return error("this kernel has no tracepoint '%s': 'ftnet list' shows the network ones, %s/available_events all of them",
				     ev, s->ctx->tracefs);
		raw_push(s, sys, colon + 1);
		return 0;
	}
	list = tracefs_system_events(NULL, sys);
	for (; list && list[n] && s->nraw < RAW_MAX; n++)
		raw_push(s, sys, list[n]);
	tracefs_list_free(list);
	if (!n)
		return error("this kernel has no tracepoint system '%s': 'ftnet list' shows the network ones, %s/available_events all of them",
			     sys, s->ctx->tracefs);
	if (s->nraw >= RAW_MAX)
		return error_usage("'%s' brings more than %d events: name them one by one", ev,
				   RAW_MAX);
	return 0;
}

/* --filter on a named tracepoint: names of its values translated as for the groups. */
static int raw_filter(struct session *s, struct tep_handle *tep, int i, const char *filter)
{
	const char *sys = s->raw[i][0], *name = s->raw[i][1];
	char expr[FILTER_TEXT_MAX * 2], kerr[TFS_ERRLEN];
	struct tep_event *e;
	int ret;

	tfs_tep_add(tep, sys, name);
	e = tep_find_event_by_name(tep, sys, name);
	ret = e ? filter_translate(e, filter, expr, sizeof(expr)) : -ENOENT;
	if (ret == -ENOENT && e)
		return error_usage("invalid --filter '%s': '%s' is no value this kernel names for '%s:%s'",
				   filter, expr, sys, name);
	if (ret < 0)
		return error_usage("invalid --filter '%s' for '%s:%s'", filter, sys, name);
	ret = tfs_filter_set(s->inst, sys, name, expr, kerr, sizeof(kerr));
	if (ret == -EACCES || ret == -EPERM)
		return error("cannot set the filter of '%s:%s': %s", sys, name, tfs_strerror(ret));
	if (ret < 0)
		return error_usage("the kernel rejected the filter '%s' on '%s:%s' (written as '%s'): %s; 'ftnet list %s:%s' shows its fields",
				   filter, sys, name, expr, kerr, sys, name);
	return 0;
}

/*
 * Tracepoints named as SYSTEM:EVENT or SYSTEM:* (count, and the commands that read groups):
 * enabled for the run, with the run's filter, in what is always a private instance.
 */
static int raw_enable(struct session *s, const struct session_opts *o)
{
	struct tep_handle *tep = NULL;
	int ret = 0;

	for (int i = 0; i < o->nevents && !ret; i++)
		ret = raw_add(s, o->events[i]);
	s->nuser = s->nraw;
	if (o->filter && s->nuser) {
		static const char *const none[] = { NULL };

		tep = tfs_tep_load(none);
		if (!tep)
			return error_errno("cannot read the event formats from tracefs");
		s->raw_filtered = true;
	}
	for (int i = 0; i < s->nuser && !ret; i++) {
		int on;

		if (tep)
			ret = raw_filter(s, tep, i, o->filter);
		on = ret ? 0 : tfs_event_set(s->inst, s->raw[i][0], s->raw[i][1], true);
		if (on < 0)
			ret = error("cannot enable '%s:%s': %s", s->raw[i][0], s->raw[i][1],
				    tfs_strerror(on));
	}
	if (tep)
		tep_free(tep);
	return ret;
}

static void add_group(struct session *s, const struct group *g)
{
	for (int i = 0; i < s->nrun; i++)
		if (s->run[i] == g)
			return;
	if (s->nrun < SESSION_MAX_GROUPS)
		s->run[s->nrun++] = g;
}

static int session_lock(struct session *s)
{
	const char *inst = s->ctx->instance;

	s->lockfd = owner_reader_lock(inst);
	if (s->lockfd == -EBUSY)
		return error("instance '%s' is being read by another ftnet: reads consume events, so two readers would each see part of them; stop the other one, or use another instance with -I NAME",
			     inst);
	if (s->lockfd < 0)
		return error("cannot lock instance '%s' for reading: %s", inst,
			     strerror(-s->lockfd));
	return 0;
}

/* Groups a run that died without restoring (kill -9) left on: turned off, and said so. */
static bool leftover(struct session *s, const struct group *g)
{
	struct owner o;
	const struct group *one[1] = { g };

	if (owner_get(s->ctx->instance, g->name, &o) < 0 || !owner_dead(&o))
		return false;
	warn("group '%s' was left on in instance '%s' by an ftnet run that ended without restoring it (pid %d): turning it off",
	     g->name, s->ctx->instance, (int)o.pid);
	groups_disable(s->inst, one, 1, s->before, s->nbefore);
	owner_clear(s->ctx->instance, g->name);
	s->cleaned = true;
	return true;
}

/* What is on already (a user's `enable`), and which groups this run reads. */
static int session_groups(struct session *s, const struct session_opts *o)
{
	for (int i = 0; i < ngroups; i++)
		if (!s->created && group_enabled(s->inst, &groups[i]) && !leftover(s, &groups[i]))
			s->before[s->nbefore++] = &groups[i];
	/* nothing of the user's is left: the instance was the dead run's, ours to remove */
	if (s->cleaned && !s->nbefore && !tfs_any_enabled(s->inst))
		s->created = true;
	if (s->nrun || o->nevents)
		return 0;
	for (int i = 0; i < s->nbefore; i++)
		add_group(s, s->before[i]);
	if (!s->nrun && o->default_group && group_find(o->default_group))
		add_group(s, group_find(o->default_group));
	if (!s->nrun)
		return error("nothing is enabled in instance '%s': run 'ftnet enable GROUP' first, or name groups here (ftnet stream drops); the groups are %s",
			     s->ctx->instance, group_names());
	return 0;
}

static bool was_on(const struct session *s, const struct group *g)
{
	for (int i = 0; i < s->nbefore; i++)
		if (s->before[i] == g)
			return true;
	return false;
}

/*
 * A run changes nothing it did not turn on itself: a filter or buffer size for groups the
 * user enabled for good is refused (the user's settings would be lost).
 */
static int session_keep_settings(struct session *s, const struct session_opts *o)
{
	for (int i = 0; o->filter && i < s->nrun; i++) {
		if (!was_on(s, s->run[i]))
			continue;
		return error("group '%s' is enabled in instance '%s' for good ('ftnet enable'): a run does not change its filter; use another instance (-I NAME) for this filter, or 'ftnet enable %s --filter ...' to change it",
			     s->run[i]->name, s->ctx->instance, s->run[i]->name);
	}
	if (o->buffer_kb && !s->created)
		return error("instance '%s' exists: a run does not resize its buffer; use another instance (-I NAME), or 'ftnet enable --buffer-kb KB' to resize it",
			     s->ctx->instance);
	return 0;
}

/* A group already on keeps its backend; the others get the one that runs here. */
static int session_backends(struct session *s)
{
	for (int i = 0; i < s->nrun; i++) {
		int b = s->created ? -1 : group_enabled_backend(s->inst, s->run[i]);
		char why[512];

		if (b < 0)
			b = group_backend(s->run[i], s->ctx->backend, why, sizeof(why));
		if (b < 0)
			return error("group '%s' cannot run on this kernel: %s", s->run[i]->name,
				     why);
		s->backend[i] = b;
	}
	return 0;
}

static int session_enable(struct session *s, const struct session_opts *o)
{
	/* new instance: our settings; existing: only what reading needs (wake on 1 event) */
	unsigned long kb = o->buffer_kb ? o->buffer_kb : o->default_buffer_kb;
	int ret = tfs_instance_setup(s->inst, s->created ? kb : 0);

	if (ret < 0)
		return error("cannot set up the tracefs instance '%s': %s", s->ctx->instance,
			     tfs_strerror(ret));
	/*
	 * Whose the groups will be is written before the kernel changes: a run killed (-9) at
	 * any moment after leaves a record the next run cleans up by. Kept for what changed.
	 */
	for (int i = 0; i < s->nrun; i++)
		if (!was_on(s, s->run[i]))
			owner_set(s->ctx->instance, s->run[i]->name, true);
	ret = groups_enable(s->ctx, s->inst, s->created, s->run, s->nrun, o->filter, s->changed,
			    s->backend);
	for (int i = 0; i < s->nrun; i++)
		if (!was_on(s, s->run[i]) && (ret < 0 || !s->changed[i]))
			owner_clear(s->ctx->instance, s->run[i]->name);
	if (ret < 0) {
		s->inst = NULL;	/* freed, and removed when it was ours */
		return ret;
	}
	ret = raw_enable(s, o);
	if (ret < 0)
		return ret;
	/* one reader per instance (the reader lock): the setting is ours until session_end */
	if (o->batch_pages && !tfs_buffer_percent(s->inst, 1))
		s->batching = true;
	if (o->comms)
		session_comm_events_on(s);
	if (o->flows)
		session_ident_events_on(s);
	if (!tfs_tracing_on(s->inst))
		warn("tracing is off in instance '%s' (tracing_on is 0): no events will arrive; 'echo 1 > %s/instances/%s/tracing_on' turns it on",
		     s->ctx->instance, s->ctx->tracefs ? s->ctx->tracefs : "/sys/kernel/tracing",
		     s->ctx->instance);
	for (int i = 0; i < s->nrun; i++)
		s->types |= s->run[i]->types;
	s->types |= 1u << EV_LOST;
	s->comm_types = o->comm_types;
	return 0;
}

/* The instance, its groups and events, as session_start's first half; unwinds on failure. */
static int session_setup(struct session *s, const struct session_opts *o)
{
	const char *name = s->ctx->instance;
	int cfg, ret;

	ret = session_lock(s);
	if (ret < 0)
		return ret;
	/* an enable or disable at the same moment waits for our setup, and we for theirs */
	cfg = owner_config_lock(name);
	s->inst = tfs_instance_open(name, true, &s->created);
	if (!s->inst) {
		ret = error("cannot open the tracefs instance '%s': %s", name, tfs_strerror(errno));
		goto out_unlock;
	}
	if (!s->created)	/* we read it now: comm events on are a dead run's */
		session_comm_events_off(s->inst);
	else	/* ours: should this run be killed, 'disable --all' knows whose it was */
		owner_set(name, OWNER_INSTANCE, true);
	ret = session_groups(s, o);
	if (!ret)
		ret = session_keep_settings(s, o);
	if (!ret)
		ret = session_backends(s);
	if (!ret)
		ret = session_enable(s, o);
	if (ret < 0 && s->inst)
		session_restore(s);
	else if (ret < 0 && s->created)	/* removed by groups_enable's undo: forget it */
		owner_clear_all(name);
out_unlock:
	owner_config_unlock(name, cfg);
	return ret;
}

int session_start(struct session *s, struct ftnet_ctx *ctx, char **names, int nnames,
		  const struct session_opts *o)
{
	struct tep_event *exit_ev;
	int ret;

	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->lockfd = -1;
	for (int i = 0; i < nnames; i++) {
		const struct group *g = group_find(names[i]);

		if (!g)
			return error_usage("unknown group '%s': the groups are %s", names[i],
					   group_names());
		add_group(s, g);
	}
	ret = session_setup(s, o);
	if (ret < 0)
		goto out_unlock;
	s->tep = tfs_tep_load_net();
	if (!s->tep) {
		ret = error_errno("cannot read the event formats from tracefs");
		goto out_end;
	}
	for (int i = 0; i < s->nuser; i++)
		tfs_tep_add(s->tep, s->raw[i][0], s->raw[i][1]);
	s->dec = decoder_new(s->tep);
	for (int i = 0; i < s->nuser; i++)
		decoder_add_tracepoint(s->dec, s->raw[i][0], s->raw[i][1]);
	if (s->nuser)
		s->types |= 1u << EV_TRACEPOINT;
	s->comm = comm_new();
	/* its records come only where comm_events_enable turned it on */
	exit_ev = tep_find_event_by_name(s->tep, "sched", "sched_process_exit");
	s->exit_id = exit_ev ? exit_ev->id : -1;
	s->conn = pending_new(4096, 60ull * 1000000000ull);
	/* an skb not copied within a second was dropped or went elsewhere */
	s->rxlat = pending_new(16384, 1000000000ull);
	s->ports = pending_new(1024, 1000000000ull);
	session_ident_start(s, true);
	s->rd = reader_open(s->inst, s->tep, want_map(o));
	if (!s->rd) {
		ret = error_errno("cannot open the per-CPU buffers of instance '%s'", ctx->instance);
		goto out_end;
	}
	if (s->batching)
		reader_batch(s->rd);
	if (verbose) {
		const char *why, *how = reader_method(s->rd, &why);

		note("reading the buffers of instance '%s' (%lu KB per CPU) with %s%s%s",
		     ctx->instance, (unsigned long)(tracefs_instance_get_buffer_size(s->inst, 0)),
		     how, why ? ": " : "", why ? why : "");
	}
	return 0;
out_end:
	session_end(s);
	return ret;
out_unlock:
	if (s->lockfd >= 0)
		owner_reader_unlock(ctx->instance, s->lockfd);
	s->lockfd = -1;
	return ret;
}
