/* What several commands share: group lookup with clear errors, filters, enabling with undo. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmds.h"
#include "decode.h"
#include "event.h"
#include "groups.h"
#include "out.h"
#include "probe.h"
#include "prom.h"
#include "tfs.h"
#include "util.h"

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
		die(EXIT_FAIL, "cannot write the Prometheus file '%s': %s", arg, strerror(errno));
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

int filter_translate(struct tep_event *e, const char *expr, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = expr; *p;) {
		char word[128];
		size_t len = 0;

		if (*p == '"' || *p == '\'') {	/* string literals are the kernel's to read */
			char q = *p;
			const char *end = strchr(p + 1, q);

			len = end ? (size_t)(end - p + 1) : strlen(p);
			if (n + len >= size)
				return -ENOSPC;
			memcpy(out + n, p, len);
			n += len;
			p += len;
			continue;
		}
		if (!(isalpha((unsigned char)*p) || *p == '_')) {
			if (n + 1 >= size)
				return -ENOSPC;
			out[n++] = *p++;
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

			if (!name_value(e, word, &v))
				snprintf(word, sizeof(word), "%lld", v);
		}
		len = strlen(word);
		if (n + len >= size)
			return -ENOSPC;
		memcpy(out + n, word, len);
		n += len;
	}
	out[n] = '\0';
	return 0;
}

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

void groups_enable_or_die(struct ftnet_ctx *ctx, struct tracefs_instance *inst, bool created,
			  const struct group **gs, int n, const char *filter, bool *changed,
			  int *backends)
{
	struct undo undo[32];
	struct tep_handle *tep = NULL;
	char msg[TFS_ERRLEN * 2];
	int nundo = 0, ret = 0;

	msg[0] = '\0';
	for (int i = 0; i < n && !ret; i++) {
		const struct group *g = gs[i];
		struct group_event evs[GROUP_MAX_PROBES];
		int b = backends ? backends[i] : group_backend_or_die(ctx, g);
		int nev = group_events(g, b, evs, GROUP_MAX_PROBES);

		if (changed)
			changed[i] = false;
		for (int j = 0; j < nev && !ret; j++) {
			const struct group_event *ge = &evs[j];
			struct undo *u;
			bool seen = false;

			for (int k = 0; k < nundo; k++)
				if (!strcmp(undo[k].sys, ge->sys) && !strcmp(undo[k].name, ge->name))
					seen = true;
			if (seen || nundo == (int)ARRAY_SIZE(undo))
				continue;
			u = &undo[nundo++];
			memset(u, 0, sizeof(*u));
			u->sys = ge->sys;
			u->name = ge->name;
			if (ge->probe && !tracefs_event_file_exists(NULL, ge->sys, ge->name, "format")) {
				char perr[TFS_ERRLEN];

				ret = probe_create(ge->probe, perr, sizeof(perr));
				if (ret < 0) {
					snprintf(msg, sizeof(msg), "cannot register the kprobe '%s/%s' "
						 "of group '%s': %s", ge->sys, ge->name, g->name, perr);
					break;
				}
				u->probe = ge->probe;
				if (verbose)
					note("registered kprobe '%s/%s' on %s", ge->sys, ge->name,
					     ge->probe->func);
			}
			u->was_on = tfs_event_enabled(inst, ge->sys, ge->name) == 1;
			if (filter || ge->filter) {
				struct tep_event *e;

				if (ge->probe && tep) {	/* a new probe's format: parse it again */
					tep_free(tep);
					tep = NULL;
				}
				if (!tep)
					tep = tep_load_or_die();
				e = tep_find_event_by_name(tep, ge->sys, ge->name);
				char expr[1024], kerr[TFS_ERRLEN], both[1024];
				const char *want = filter ? filter : ge->filter;

				/* a group's own condition (udp: protocol == 17) stays in force */
				if (filter && ge->filter) {
					snprintf(both, sizeof(both), "(%s) && (%s)", ge->filter, filter);
					want = both;
				}
				if (!e || filter_translate(e, want, expr, sizeof(expr)) < 0) {
					snprintf(msg, sizeof(msg), "invalid filter '%s' for '%s:%s'",
						 want, ge->sys, ge->name);
					ret = -EINVAL;
					break;
				}
				u->filter = tfs_filter_get(inst, ge->sys, ge->name);
				u->filter_set = true;
				ret = tfs_filter_set(inst, ge->sys, ge->name, expr, kerr, sizeof(kerr));
				if (ret < 0) {
					if (ret == -EACCES || ret == -EPERM)
						snprintf(msg, sizeof(msg), "cannot set the filter of '%s:%s': %s",
							 ge->sys, ge->name, tfs_strerror(ret));
					else
						snprintf(msg, sizeof(msg), "the kernel rejected the filter '%s' "
							 "(written as '%s') on '%s:%s': %s", filter, expr,
							 ge->sys, ge->name, kerr);
					break;
				}
			}
			if (!u->was_on) {
				ret = tfs_event_set(inst, ge->sys, ge->name, true);
				if (ret < 0) {
					snprintf(msg, sizeof(msg), "cannot enable '%s:%s': %s", ge->sys,
						 ge->name, tfs_strerror(ret));
					break;
				}
				if (changed)
					changed[i] = true;
				if (verbose)
					note("enabled '%s:%s' in instance '%s'", ge->sys, ge->name,
					     ctx->instance);
			}
		}
	}
	if (tep)
		tep_free(tep);
	if (ret < 0) {
		/* leave the kernel as it was before this command */
		undo_all(inst, undo, nundo);
		if (created)
			tfs_instance_remove(inst);
		else
			tracefs_instance_free(inst);
	}
	for (int k = 0; k < nundo; k++)
		free(undo[k].filter);
	if (ret < 0)
		die(EXIT_FAIL, "%s", msg);
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
