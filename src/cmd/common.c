/* What several commands share: group lookup with clear errors, filters, enabling with undo. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd/cmds.h"
#include "decode/decode.h"
#include "base/event.h"
#include "kernel/groups.h"
#include "base/opt.h"
#include "base/out.h"
#include "kernel/probe.h"
#include "base/prom.h"
#include "kernel/tfs.h"
#include "base/util.h"

void usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	out_flush();
	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'ftnet%s%s -h')\n", cmd ? " " : "", cmd ? cmd : "");
	exit(EXIT_USAGE);
}

void netns_or_die(const char *spec)
{
	int r = netns_enter(spec);

	if (r < 0)
		die(EXIT_FAIL, "cannot enter network namespace '%s': %s%s", spec, strerror(-r),
		    r == -ENOENT ? ": 'ip netns list' shows the names" : "");
}

double seconds_or_die(const char *cmd, const char *opt, const char *arg)
{
	double v;

	if (parse_seconds(arg, &v) < 0)
		usage_error(cmd, "invalid %s '%s': give seconds, such as 10 or 0.5", opt, arg);
	return v;
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

double interval_or_die(const char *cmd, const char *arg)
{
	double v;

	if (parse_seconds(arg, &v) < 0 || v < 0.1)
		usage_error(cmd, "invalid interval '%s': give seconds, at least 0.1", arg);
	return v;
}

const struct group *group_or_die(const char *name)
{
	const struct group *g = group_find(name);

	if (!g)
		die(EXIT_USAGE, "unknown group '%s': the groups are %s", name, group_names());
	return g;
}

int group_backend_or_die(struct ftnet_ctx *ctx, const struct group *g)
{
	char why[512];
	int b = group_backend(g, ctx->backend, why, sizeof(why));

	if (b < 0)
		die(EXIT_FAIL, "group '%s' cannot run on this kernel: %s", g->name, why);
	if (b == BK_KPROBE && ctx->backend == BK_AUTO && verbose)
		note("group '%s' uses kprobes: %s", g->name, why);
	return b;
}

struct tep_handle *tep_load_or_die(void)
{
	static const char *const systems[] = { "skb", "net", "tcp", "sock", "ftnet", NULL };
	struct tep_handle *tep = tfs_tep_load(systems);

	if (!tep)
		die(EXIT_FAIL, "cannot read the event formats from tracefs: %s", strerror(errno));
	/* the comm names' events (session.c), where the kernel has them */
	tfs_tep_add(tep, "task", "task_rename");
	tfs_tep_add(tep, "sched", "sched_process_fork");
	tfs_tep_add(tep, "sched", "sched_process_exit");
	return tep;
}

const char *tfs_strerror(int err)
{
	static char buf[160];

	if (err < 0)
		err = -err;
	if (err == EACCES || err == EPERM)
		snprintf(buf, sizeof(buf), "%s: ftnet needs root (CAP_SYS_ADMIN) to change tracefs",
			 strerror(err));
	else
		snprintf(buf, sizeof(buf), "%s", strerror(err));
	return buf;
}

static bool is_field(struct tep_event *e, const char *name)
{
	if (tep_find_field(e, name) || tep_find_common_field(e, name))
		return true;
	return false;
}

static int name_value(struct tep_event *e, const char *name, long long *v)
{
	static const char *sym_fields[] = { "reason", "family", "protocol" };
	static const struct { const char *name; int v; } consts[] = {
		{ "AF_INET", AF_INET }, { "AF_INET6", AF_INET6 },
		{ "IPPROTO_TCP", 6 }, { "IPPROTO_UDP", 17 },
	};
	const char *state = name;

	for (size_t i = 0; i < ARRAY_SIZE(sym_fields); i++)
		if (!decode_symbol_value(e, sym_fields[i], name, v))
			return 0;
	for (size_t i = 0; i < ARRAY_SIZE(consts); i++) {
		if (!strcasecmp(name, consts[i].name)) {
			*v = consts[i].v;
			return 0;
		}
	}
	/* our own TCP state table: some kernels' tables hold unresolved enum names */
	if (!strncasecmp(state, "TCP_", 4))
		state += 4;
	for (int s = 1; s < 14; s++) {
		if (!strcasecmp(state, tcp_state_name(s))) {
			*v = s;
			return 0;
		}
	}
	return -ENOENT;
}

/* Whether the operator characters before a word make it a value (reason == NAME). */
static bool compares(const char *op)
{
	return !strcmp(op, "==") || !strcmp(op, "!=") || !strcmp(op, "<") || !strcmp(op, ">") ||
	       !strcmp(op, "<=") || !strcmp(op, ">=") || !strcmp(op, "&") || !strcmp(op, "~");
}

/* The next token: a quoted string or a number copied whole, or one other character. */
static size_t plain_token(const char *p)
{
	size_t len = 1;

	if (*p == '"' || *p == '\'') {
		const char *end = strchr(p + 1, *p);

		return end ? (size_t)(end - p + 1) : strlen(p);
	}
	if (isdigit((unsigned char)*p))
		while (isalnum((unsigned char)p[len]))
			len++;
	return len;
}

int filter_translate(struct tep_event *e, const char *expr, char *out, size_t size)
{
	char op[4] = "";
	size_t n = 0;

	for (const char *p = expr; *p;) {
		char word[128];
		size_t len = 0;

		if (!(isalpha((unsigned char)*p) || *p == '_')) {
			len = plain_token(p);
			if (strchr("=!<>&~", *p) && strlen(op) < sizeof(op) - 1)
				strncat(op, p, 1);
			else if (!isspace((unsigned char)*p))
				op[0] = 0;
			if (n + len >= size)
				return -ENOSPC;
			memcpy(out + n, p, len);
			n += len;
			p += len;
			continue;
		}
		while (isalnum((unsigned char)p[len]) || p[len] == '_')
			len++;
		if (len >= sizeof(word))
			return -EINVAL;
		memcpy(word, p, len);
		word[len] = '\0';
		p += len;
		if (!is_field(e, word)) {
			long long v;

			if (!name_value(e, word, &v)) {
				snprintf(word, sizeof(word), "%lld", v);
			} else if (compares(op)) {
				snprintf(out, size, "%s", word);	/* the name nothing knows */
				return -ENOENT;
			}
		}
		op[0] = 0;
		len = strlen(word);
		if (n + len >= size)
			return -ENOSPC;
		memcpy(out + n, word, len);
		n += len;
	}
	out[n] = '\0';
	return 0;
}

/* The longest filter a user may give (opt.c checks it) */
#define FILTER_TEXT_MAX 2048

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

static int probe_register(struct enabling *en, const struct group *g,
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
		snprintf(en->msg, sizeof(en->msg), "cannot register the kprobe '%s/%s' of group "
			 "'%s': %s", ge->sys, ge->name, g->name, perr);
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

/* The filter written for ge: the group's own condition (udp: protocol == 17) and the user's. */
static int filter_expr(struct enabling *en, const struct group_event *ge, char *expr, size_t size)
{
	const char *want = en->filter ? en->filter : ge->filter;
	struct tep_event *e;
	char both[FILTER_TEXT_MAX + 64];
	int ret;

	if (en->filter && ge->filter) {
		snprintf(both, sizeof(both), "(%s) && (%s)", ge->filter, en->filter);
		want = both;
	}
	if (!en->tep)
		en->tep = tep_load_or_die();
	e = tep_find_event_by_name(en->tep, ge->sys, ge->name);
	ret = e ? filter_translate(e, want, expr, size) : -ENOENT;
	en->status = EXIT_USAGE;
	if (ret == -ENOENT && e)
		snprintf(en->msg, sizeof(en->msg), "invalid --filter %s: '%s' is no value this "
			 "kernel names for '%s:%s' (the names are its drop reasons and TCP states, "
			 "AF_INET, AF_INET6, IPPROTO_TCP and IPPROTO_UDP)", opt_quote(want), expr,
			 ge->sys, ge->name);
	else if (ret < 0)
		snprintf(en->msg, sizeof(en->msg), "invalid --filter %s for '%s:%s'",
			 opt_quote(want), ge->sys, ge->name);
	return ret;
}

static int filter_apply(struct enabling *en, const struct group_event *ge, struct undo *u)
{
	char expr[FILTER_TEXT_MAX * 2], kerr[TFS_ERRLEN];
	int ret;

	if (!en->filter && !ge->filter)
		return 0;
	ret = filter_expr(en, ge, expr, sizeof(expr));
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
		snprintf(en->msg, sizeof(en->msg), "the kernel rejected the filter %s on '%s:%s' "
			 "(written as %s): %s", opt_quote(en->filter ? en->filter : ge->filter),
			 ge->sys, ge->name, opt_quote(expr), kerr);
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
	ret = probe_register(en, g, ge, u);
	if (ret < 0)
		return ret;
	u->was_on = tfs_event_enabled(en->inst, ge->sys, ge->name) == 1;
	ret = filter_apply(en, ge, u);
	return ret < 0 ? ret : event_on(en, ge, u, changed);
}

void groups_enable_or_die(struct ftnet_ctx *ctx, struct tracefs_instance *inst, bool created,
			  const struct group **gs, int n, const char *filter, bool *changed,
			  int *backends)
{
	struct enabling en = { .ctx = ctx, .inst = inst, .filter = filter };
	int ret = 0;

	for (int i = 0; i < n && !ret; i++) {
		struct group_event evs[GROUP_MAX_PROBES];
		int b = backends ? backends[i] : group_backend_or_die(ctx, gs[i]);
		int nev = group_events(gs[i], b, evs, GROUP_MAX_PROBES);

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
		die(en.status, "%s", en.msg);
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
