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

/* Raw events (count): enabled for the run in what is always a private instance. */
static int raw_enable(struct session *s, const struct session_opts *o)
{
	if (!o->nevents)
		return 0;
	s->raw = xcalloc(o->nevents, sizeof(*s->raw));
	for (int i = 0; i < o->nevents; i++) {
		const char *ev = o->events[i], *colon = strchr(ev, ':');
		int ret;

		if (!colon || colon == ev || !colon[1] || colon - ev >= 64 || strlen(colon) > 64) {
			return error_usage("invalid event '%s': give SYSTEM:EVENT, such as skb:kfree_skb",
					   ev);
		}
		snprintf(s->raw[i][0], 64, "%.*s", (int)(colon - ev), ev);
		snprintf(s->raw[i][1], 64, "%s", colon + 1);
		if (!tracefs_event_file_exists(s->inst, s->raw[i][0], s->raw[i][1], "enable")) {
			return error("this kernel has no tracepoint '%s': 'ftnet list' shows the network ones, %s/available_events all of them",
				     ev, s->ctx->tracefs);
		}
		ret = tfs_event_set(s->inst, s->raw[i][0], s->raw[i][1], true);
		s->nraw = i + 1;
		if (ret < 0)
			return error("cannot enable '%s': %s", ev, tfs_strerror(ret));
	}
	return 0;
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
	int ret = tfs_instance_setup(s->inst, s->created ? o->buffer_kb : 0);

	if (ret < 0)
		return error("cannot set up the tracefs instance '%s': %s", s->ctx->instance,
			     tfs_strerror(ret));
	ret = groups_enable(s->ctx, s->inst, s->created, s->run, s->nrun, o->filter, s->changed,
			    s->backend);
	if (ret < 0) {
		s->inst = NULL;	/* freed, and removed when it was ours */
		return ret;
	}
	for (int i = 0; i < s->nrun; i++)
		if (s->changed[i])
			owner_set(s->ctx->instance, s->run[i]->name, true);
	ret = raw_enable(s, o);
	if (ret < 0)
		return ret;
	if (o->comms)
		session_comm_events_on(s);
	if (!tfs_tracing_on(s->inst))
		warn("tracing is off in instance '%s' (tracing_on is 0): no events will arrive; 'echo 1 > %s/instances/%s/tracing_on' turns it on",
		     s->ctx->instance, s->ctx->tracefs ? s->ctx->tracefs : "/sys/kernel/tracing",
		     s->ctx->instance);
	for (int i = 0; i < s->nrun; i++)
		s->types |= s->run[i]->types;
	s->types |= 1u << EV_LOST;
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
	ret = session_groups(s, o);
	if (!ret)
		ret = session_keep_settings(s, o);
	if (!ret)
		ret = session_backends(s);
	if (!ret)
		ret = session_enable(s, o);
	if (ret < 0 && s->inst)
		session_restore(s);
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
	s->dec = decoder_new(s->tep);
	s->comm = comm_new();
	/* its records come only where comm_events_enable turned it on */
	exit_ev = tep_find_event_by_name(s->tep, "sched", "sched_process_exit");
	s->exit_id = exit_ev ? exit_ev->id : -1;
	s->conn = pending_new(4096, 60ull * 1000000000ull);
	/* an skb not copied within a second was dropped or went elsewhere */
	s->rxlat = pending_new(16384, 1000000000ull);
	s->ports = pending_new(1024, 1000000000ull);
	s->rd = reader_open(s->inst, s->tep);
	if (!s->rd) {
		ret = error_errno("cannot open the per-CPU buffers of instance '%s'", ctx->instance);
		goto out_end;
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
