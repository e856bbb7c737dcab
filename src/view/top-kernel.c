// SPDX-License-Identifier: GPL-2.0-or-later
/* top's tables from the kernel's hist triggers: set up, read each interval, removed at the end. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>
#include <unistd.h>

#include "decode/decode.h"
#include "kernel/khist.h"
#include "kernel/tfs.h"
#include "view/top-kernel.h"
#include "base/util.h"

#define TK_MAX 8

const char *const aggregate_names[] = { "auto", "kernel", "user", NULL };

/* One trigger: the event it is on, what its keys are, how its rows become events. */
struct tk_trigger {
	struct khist		h;
	enum ftnet_type		type;
	bool			reason, location, protocol;	/* drops: which keys it has */
};

struct top_kernel {
	struct tracefs_instance	*inst;
	char			name[64];
	struct tk_trigger	tr[TK_MAX];
	int			n;
	struct top		*t;
	struct tep_handle	*tep;
	struct tep_event	*kfree;		/* for the names of drop reasons */
	enum top_view		view;		/* of the trigger being read */
	struct tk_trigger	*cur;
};

static bool has_field(const char *sys, const char *name, const char *field)
{
	char *fmt = tracefs_event_file_read(NULL, sys, name, "format", NULL);
	char want[64];
	bool ok;

	snprintf(want, sizeof(want), " %s;", field);
	ok = fmt && (strstr(fmt, want) || (snprintf(want, sizeof(want), " %s[", field),
					   strstr(fmt, want)));
	free(fmt);
	return ok;
}

const char *top_kernel_why_not(const struct ftnet_ctx *ctx, const struct group *g,
			       unsigned int drop_by)
{
	const struct group_event *e = &g->events[0];

	if (!khist_supported(ctx->tracefs))
		return "this kernel has no hist triggers (CONFIG_HIST_TRIGGERS)";
	if (ctx->backend == BK_KPROBE)
		return "--backend kprobe: hist triggers are set on the tracepoints";
	switch (g->view) {
	case VIEW_DROPS:
		if (drop_by & ~(unsigned int)(BY_REASON | BY_LOCATION | BY_PROTOCOL))
			return "the packet's flow and the stack are no fields of skb:kfree_skb";
		break;
	case VIEW_DEVICES:
	case VIEW_STATES:
		break;
	default:
		return "its keys (addresses, names of tasks) are no fields the kernel can key on";
	}
	if (!tracefs_event_file_exists(NULL, e->sys, e->name, "format"))
		return "its tracepoint is missing";
	return NULL;
}

/* The keys of g's trigger on event e, and what its rows mean. */
static void keys_for(const struct group *g, const struct group_event *e, unsigned int drop_by,
		     struct tk_trigger *tr, char *keys, size_t size, const char **sum)
{
	size_t n = 0;

	keys[0] = '\0';
	*sum = NULL;
	tr->type = g->view == VIEW_DROPS ? EV_DROP : g->view == VIEW_STATES ? EV_STATE :
		   !strcmp(e->name, "netif_receive_skb") ? EV_RX : EV_TX;
	if (g->view == VIEW_DEVICES) {
		snprintf(keys, size, "name$");
		*sum = "len";
		return;
	}
	if (g->view == VIEW_STATES) {
		snprintf(keys, size, "oldstate,newstate");
		return;
	}
	tr->reason = (drop_by & BY_REASON) && has_field(e->sys, e->name, "reason");
	tr->location = drop_by & BY_LOCATION;
	tr->protocol = drop_by & BY_PROTOCOL;
	if (tr->reason)
		n += (size_t)snprintf(keys + n, size - n, "reason");
	if (tr->location)
		n += (size_t)snprintf(keys + n, size - n, "%slocation", n ? "," : "");
	if (tr->protocol || !n)	/* a key is needed: protocol is in every kernel's format */
		n += (size_t)snprintf(keys + n, size - n, "%sprotocol", n ? "," : "");
	(void)n;
}

static void add_trigger(struct top_kernel *k, const struct group *g, unsigned int drop_by,
			unsigned int size, const struct group **fallback, int *nfallback)
{
	bool ok = true;
	int first = k->n;

	for (int j = 0; j < GROUP_MAX_EVENTS && g->events[j].sys && ok; j++) {
		const struct group_event *e = &g->events[j];
		struct tk_trigger *tr = &k->tr[k->n];
		char keys[96], err[TFS_ERRLEN];
		const char *sum;

		if (k->n >= TK_MAX) {
			ok = false;
			break;
		}
		memset(tr, 0, sizeof(*tr));
		keys_for(g, e, drop_by, tr, keys, sizeof(keys), &sum);
		if (khist_on(&tr->h, k->inst, e->sys, e->name, keys, sum, size, e->filter, err,
			     sizeof(err)) < 0) {
			warn("the kernel refused a hist trigger on %s:%s (%s): group '%s' is aggregated in user space",
			     e->sys, e->name, err, g->name);
			ok = false;
			break;
		}
		k->n++;
	}
	if (ok)
		return;
	while (k->n > first) {	/* the group's other triggers go too */
		k->n--;
		khist_off(&k->tr[k->n].h);
		khist_free(&k->tr[k->n].h);
	}
	fallback[(*nfallback)++] = g;
}

struct top_kernel *top_kernel_start(struct ftnet_ctx *ctx, struct top *t,
				    const struct group **gs, int n, unsigned int max_keys,
				    const struct group **fallback, int *nfallback)
{
	struct top_kernel *k = xcalloc(1, sizeof(*k));
	unsigned int size = khist_size(max_keys);

	k->t = t;
	k->inst = khist_instance_new(k->name, sizeof(k->name));
	k->tep = k->inst ? tfs_tep_load_net() : NULL;
	if (!k->tep) {
		warn("cannot aggregate in the kernel (instance '%s'): %s; aggregating in ftnet",
		     k->name, tfs_strerror(errno));
		for (int i = 0; i < n; i++)
			fallback[(*nfallback)++] = gs[i];
		top_kernel_end(k);
		return NULL;
	}
	k->kfree = tep_find_event_by_name(k->tep, "skb", "kfree_skb");
	for (int i = 0; i < n; i++) {
		int fell = *nfallback;

		top_tables(t, gs[i]->view, max_keys);
		add_trigger(k, gs[i], t->drop_by, size, fallback, nfallback);
		if (verbose && *nfallback == fell)
			note("group '%s' is aggregated in the kernel (hist triggers in instance '%s')",
			     gs[i]->name, k->name);
	}
	if (!k->n) {
		top_kernel_end(k);
		return NULL;
	}
	return k;
}

static void on_row(void *arg, const struct khist_row *row, uint64_t hits, uint64_t sum)
{
	struct top_kernel *k = arg;
	struct tk_trigger *tr = k->cur;
	struct ftnet_event ev;
	int i = 0;

	if (!row) {	/* keys the kernel's full table dropped */
		top_add_other(k->t, k->view, hits);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.type = tr->type;
	ev.reason = -1;
	ev.pid = -1;
	switch (tr->type) {
	case EV_DROP:
		if (tr->reason) {
			ev.reason = (int32_t)row->num[i++];
			ev.reason_name = k->kfree ? decode_symbol(k->kfree, "reason", ev.reason) :
					 NULL;
		}
		if (tr->location)
			ev.location = row->num[i++];
		if (tr->protocol)
			ev.protocol = (uint16_t)row->num[i];
		break;
	case EV_STATE:
		ev.oldstate = (int32_t)row->num[0];
		ev.newstate = (int32_t)row->num[1];
		break;
	default:	/* rx, tx */
		snprintf(ev.dev, sizeof(ev.dev), "%s", row->str[0]);
		break;
	}
	top_add_n(k->t, &ev, hits, sum);
}

int top_kernel_read(struct top_kernel *k)
{
	int ret = 0;

	for (int i = 0; i < k->n; i++) {
		int r;

		k->cur = &k->tr[i];
		k->view = k->tr[i].type == EV_DROP ? TV_DROPS :
			  k->tr[i].type == EV_STATE ? TV_STATES : TV_DEV;
		r = khist_read(&k->tr[i].h, on_row, k);
		if (r < 0 && !ret) {
			warn("cannot read the hist table of %s:%s: %s", k->tr[i].h.sys,
			     k->tr[i].h.name, strerror(-r));
			ret = r;
		}
	}
	return ret;
}

void top_kernel_end(struct top_kernel *k)
{
	if (!k)
		return;
	for (int i = 0; i < k->n; i++) {
		int r = khist_off(&k->tr[i].h);

		if (r < 0)
			warn("cannot remove the hist trigger of %s:%s: %s (removing the instance removes it)",
			     k->tr[i].h.sys, k->tr[i].h.name, strerror(-r));
		khist_free(&k->tr[i].h);
	}
	khist_instance_end(k->inst, k->name);
	if (k->tep)
		tep_free(k->tep);
	free(k);
}

