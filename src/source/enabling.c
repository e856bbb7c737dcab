// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Groups turned on in an instance and off again: kprobes registered where a group needs them,
 * filters written, events enabled, each change logged so that a failure undoes them all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "base/opt.h"
#include "base/util.h"
#include "decode/decode.h"
#include "kernel/groups.h"
#include "kernel/probe.h"
#include "kernel/tfs.h"
#include "net/pkt.h"
#include "source/enabling.h"

struct undo {
	const char		*sys, *name;
	char			*filter;	/* the filter before, NULL for none */
	const struct probe_def	*probe;		/* registered by us: removed on failure */
	int			was_on;
	bool			filter_set;
};

static void undo_all(struct tracefs_instance *inst, struct undo *u, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		if (u[i].filter_set)
			tfs_filter_set(inst, u[i].sys, u[i].name, u[i].filter, NULL, 0);
		if (!u[i].was_on)
			tfs_event_set(inst, u[i].sys, u[i].name, false);
		if (u[i].probe)
			probe_remove(u[i].probe);
	}
}

/* One enabling of groups in an instance: what was done, so a failure can undo it all. */
struct enabling {
	struct ftnet_ctx	*ctx;
	struct tracefs_instance	*inst;
	const char		*filter;	/* the user's, or NULL */
	struct tep_handle	*tep;		/* formats, for the filter's names */
	struct undo		undo[64];
	int			nundo;
	int			status;		/* how to exit on failure: EXIT_FAIL or EXIT_USAGE */
	char			msg[TFS_ERRLEN * 2];
};

static int register_probe(struct enabling *en, const struct group *g,
			  const struct group_event *ge, struct undo *u)
{
	char perr[TFS_ERRLEN];
	int ret;

	if (!ge->probe || tracefs_event_file_exists(NULL, ge->sys, ge->name, "format"))
		return 0;
	ret = probe_create(ge->probe, perr, sizeof(perr));
	if (ret < 0 && tracefs_event_file_exists(NULL, ge->sys, ge->name, "format"))
		return 0;	/* another ftnet registered it at the same moment: shared, not ours */
	if (ret < 0) {
		snprintf(en->msg, sizeof(en->msg), "cannot register the kprobe '%s/%s' of group '%s': %s",
			 ge->sys, ge->name, g->name, perr);
		return ret;
	}
	u->probe = ge->probe;
	if (en->tep) {	/* a new probe's format: parse the formats again */
		tep_free(en->tep);
		en->tep = NULL;
	}
	if (verbose)
		note("registered kprobe '%s/%s' on %s", ge->sys, ge->name, ge->probe->func);
	return 0;
}

/*
 * follow's packet filter as a kernel filter on a step that reads the header it checks, where
 * the probe registered has the fields (one an older ftnet left registered may not).
 */
static int step_filter(struct enabling *en, const struct group_event *ge, char *buf,
		       size_t size)
{
	struct tep_event *e;
	enum pkt_kat at;
	uint8_t proto;

	buf[0] = '\0';
	if (!en->ctx->step_filter || !ge->probe)
		return 0;
	at = group_step_at(ge->probe, &proto);
	if (at == PKT_KAT_NONE)
		return 0;
	if (!en->tep)
		en->tep = tfs_tep_load_net();
	e = en->tep ? tep_find_event_by_name(en->tep, ge->sys, ge->name) : NULL;
	if (!e || !tep_find_field(e, at == PKT_KAT_NET ? "kv" : proto == 1 ? "skbaddr" : "ksp"))
		return 0;
	return pkt_kfilter_expr(en->ctx->step_filter, at, proto, buf, size);
}

/*
 * The filter written for ge: the group's own condition (udp: protocol == 17), the user's, and
 * follow's packet filter where the step can check it.
 */
static int filter_expr(struct enabling *en, const struct group_event *ge, const char *step,
		       char *expr, size_t size)
{
	const char *parts[3] = { ge->filter, en->filter, step[0] ? step : NULL };
	char want[FILTER_TEXT_MAX * 2 + 512];
	struct tep_event *e;
	size_t n = 0;
	int ret, nparts = 0;

	want[0] = '\0';
	for (int i = 0; i < 3; i++)
		nparts += parts[i] != NULL;
	for (int i = 0; i < 3; i++)	/* one part as it is: the kernel shows it as written */
		if (parts[i] && n < sizeof(want))
			n += (size_t)snprintf(want + n, sizeof(want) - n,
					      nparts == 1 ? "%s%s" : "%s(%s)", n ? " && " : "",
					      parts[i]);
	if (!en->tep)
		en->tep = tfs_tep_load_net();
	if (!en->tep) {
		snprintf(en->msg, sizeof(en->msg), "cannot read the event formats from tracefs: %s",
			 strerror(errno));
		return -errno;
	}
	e = tep_find_event_by_name(en->tep, ge->sys, ge->name);
	ret = e ? filter_translate(e, want, expr, size) : -ENOENT;
	en->status = EXIT_USAGE;
	if (ret == -ENOENT && e)
		snprintf(en->msg, sizeof(en->msg), "invalid --filter %s: '%s' is no value this kernel names for '%s:%s' (the names are its drop reasons and TCP states, AF_INET, AF_INET6, IPPROTO_TCP and IPPROTO_UDP)",
			 opt_quote(want), expr, ge->sys, ge->name);
	else if (ret < 0)
		snprintf(en->msg, sizeof(en->msg), "invalid --filter %s for '%s:%s'",
			 opt_quote(want), ge->sys, ge->name);
	return ret;
}

static int filter_apply(struct enabling *en, const struct group_event *ge, struct undo *u)
{
	char expr[FILTER_TEXT_MAX * 2 + 512], kerr[TFS_ERRLEN], step[512];
	int ret;

	if (step_filter(en, ge, step, sizeof(step)) < 0)
		step[0] = '\0';	/* too long to write: the step is filtered in ftnet only */
	if (!en->filter && !ge->filter && !step[0])
		return 0;
	ret = filter_expr(en, ge, step, expr, sizeof(expr));
	if (ret < 0)
		return ret;
	u->filter = tfs_filter_get(en->inst, ge->sys, ge->name);
	u->filter_set = true;
	ret = tfs_filter_set(en->inst, ge->sys, ge->name, expr, kerr, sizeof(kerr));
	if (ret == -EACCES || ret == -EPERM) {
		en->status = EXIT_FAIL;
		snprintf(en->msg, sizeof(en->msg), "cannot set the filter of '%s:%s': %s",
			 ge->sys, ge->name, tfs_strerror(ret));
	} else if (ret < 0) {
		snprintf(en->msg, sizeof(en->msg), "the kernel rejected the filter %s on '%s:%s' (written as %s): %s",
			 opt_quote(en->filter ? en->filter : ge->filter), ge->sys, ge->name,
			 opt_quote(expr), kerr);
	}
	return ret;
}

static int event_on(struct enabling *en, const struct group_event *ge, struct undo *u,
		    bool *changed)
{
	int ret;

	if (u->was_on)
		return 0;
	en->status = EXIT_FAIL;
	ret = tfs_event_set(en->inst, ge->sys, ge->name, true);
	if (ret < 0) {
		snprintf(en->msg, sizeof(en->msg), "cannot enable '%s:%s': %s", ge->sys, ge->name,
			 tfs_strerror(ret));
		return ret;
	}
	if (changed)
		*changed = true;
	if (verbose)
		note("enabled '%s:%s' in instance '%s'", ge->sys, ge->name, en->ctx->instance);
	return 0;
}

static int event_enable(struct enabling *en, const struct group *g, const struct group_event *ge,
			bool *changed)
{
	struct undo *u;
	int ret;

	for (int k = 0; k < en->nundo; k++)
		if (!strcmp(en->undo[k].sys, ge->sys) && !strcmp(en->undo[k].name, ge->name))
			return 0;	/* shared with a group before (states and connect) */
	if (en->nundo == (int)ARRAY_SIZE(en->undo))
		return 0;
	u = &en->undo[en->nundo++];
	memset(u, 0, sizeof(*u));
	u->sys = ge->sys;
	u->name = ge->name;
	en->status = EXIT_FAIL;
	ret = register_probe(en, g, ge, u);
	if (ret < 0)
		return ret;
	u->was_on = tfs_event_enabled(en->inst, ge->sys, ge->name) == 1;
	ret = filter_apply(en, ge, u);
	return ret < 0 ? ret : event_on(en, ge, u, changed);
}

/* The backend a group runs on here, said once in -v; -1 with the reason in en->msg. */
static int backend_of(struct enabling *en, const struct group *g)
{
	char why[512];
	int b = group_backend(g, en->ctx->backend, why, sizeof(why));

	en->status = EXIT_FAIL;
	if (b < 0)
		snprintf(en->msg, sizeof(en->msg), "group '%s' cannot run on this kernel: %s",
			 g->name, why);
	else if (b == BK_KPROBE && en->ctx->backend == BK_AUTO && verbose)
		note("group '%s' uses kprobes: %s", g->name, why);
	return b;
}

int groups_enable(struct ftnet_ctx *ctx, struct tracefs_instance *inst, bool created,
		  const struct group **gs, int n, const char *filter, bool *changed, int *backends)
{
	struct enabling en = { .ctx = ctx, .inst = inst, .filter = filter };
	int ret = 0;

	for (int i = 0; i < n && !ret; i++) {
		struct group_event evs[GROUP_MAX_PROBES];
		int b = backends ? backends[i] : backend_of(&en, gs[i]);
		int nev = b < 0 ? 0 : group_events(gs[i], b, evs, GROUP_MAX_PROBES);

		if (b < 0) {
			ret = b;
			break;
		}

		if (changed)
			changed[i] = false;
		for (int j = 0; j < nev && !ret; j++)
			ret = event_enable(&en, gs[i], &evs[j], changed ? &changed[i] : NULL);
	}
	if (en.tep)
		tep_free(en.tep);
	if (ret < 0) {
		/* leave the kernel as it was before this command */
		undo_all(inst, en.undo, en.nundo);
		if (created)
			tfs_instance_remove(inst);
		else
			tracefs_instance_free(inst);
	}
	for (int k = 0; k < en.nundo; k++)
		free(en.undo[k].filter);
	if (ret < 0)
		return en.status == EXIT_USAGE ? error_usage("%s", en.msg) : error("%s", en.msg);
	return 0;
}

/* Does a group in keep use the event sys:name under either backend? */
static bool kept(const struct group **keep, int nkeep, const char *sys, const char *name)
{
	for (int k = 0; k < nkeep; k++) {
		for (int b = BK_TRACEPOINT; b <= BK_KPROBE; b++) {
			struct group_event ev[GROUP_MAX_PROBES];
			int m = group_events(keep[k], b, ev, GROUP_MAX_PROBES);

			for (int j = 0; j < m; j++)
				if (!strcmp(ev[j].sys, sys) && !strcmp(ev[j].name, name))
					return true;
		}
	}
	return false;
}

void groups_disable(struct tracefs_instance *inst, const struct group **gs, int n,
		    const struct group **keep, int nkeep)
{
	for (int i = 0; i < n; i++) {
		for (int b = BK_TRACEPOINT; b <= BK_KPROBE; b++) {
			struct group_event ev[GROUP_MAX_PROBES];
			int m = group_events(gs[i], b, ev, GROUP_MAX_PROBES);

			for (int j = 0; j < m; j++) {
				if (kept(keep, nkeep, ev[j].sys, ev[j].name) ||
				    !tracefs_event_file_exists(inst, ev[j].sys, ev[j].name, "enable"))
					continue;
				tfs_event_set(inst, ev[j].sys, ev[j].name, false);
				tfs_filter_set(inst, ev[j].sys, ev[j].name, NULL, NULL, 0);
				/* still enabled in another instance: the kernel keeps it (EBUSY) */
				if (ev[j].probe)
					probe_remove(ev[j].probe);
			}
		}
	}
}
