// SPDX-License-Identifier: GPL-2.0-or-later
/* top's tables drawn: a header per interval, then each view's rows as text or JSON. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "view/agg.h"
#include "kernel/ksyms.h"
#include "base/out.h"
#include "view/print.h"
#include "base/prom.h"
#include "view/top-view.h"
#include "view/top-fields.h"
#include "view/top-stack.h"
#include "top-int.h"
#include "base/util.h"

static bool has_bytes(int v)
{
	return v == TV_DEV || v == TV_UDP;
}

/* Text: one row's key columns, laid out per view. */
static void text_keys(int v, const char *const *l, const struct agg_row *r)
{
	char a[160], b[160];
	const char *o[16];

	/* the other row: "other" in the first column, the rest left blank */
	if (r->other && v != TV_RFLOW) {
		int i;

		for (i = 0; l[i] && i < (int)ARRAY_SIZE(o) - 2; i += 2) {
			o[i] = l[i];
			o[i + 1] = i ? "" : "other";
		}
		o[i] = NULL;
		l = o;
	}
	switch (v) {
	case TV_RFLOW:
		if (r->other) {
			out_text("%-46s %-47s %-12s ", "other", "", "");
			break;
		}
		snprintf(a, sizeof(a), strchr(l[1], ':') ? "[%s]:%s" : "%s:%s", l[1], l[3]);
		snprintf(b, sizeof(b), strchr(l[5], ':') ? "[%s]:%s" : "%s:%s", l[5], l[7]);
		out_text("%-46s %-47s %-12s ", out_esc(a), out_esc(b), out_esc(l[9]));
		break;
	case TV_RESETS:
		out_text("%-9s %-40s %-40s ", out_esc(l[1]), out_esc(l[3]), out_esc(l[5]));
		break;
	case TV_UDP:
		out_text("%-16s %8s ", out_esc(l[1]), out_esc(l[3]));
		break;
	case TV_DEV:
		out_text("%-16s %-3s ", out_esc(l[1]), out_esc(l[3]));
		break;
	case TV_STATES:
		out_text(r->other ? "%-12s    %-12s " : "%-12s -> %-12s ", out_esc(l[1]),
			 out_esc(l[3]));
		break;
	default:
		for (int i = 0; l[i]; i += 2)
			out_text_str(i == 0 ? "%-22s " : "%-40s ", l[i + 1]);
	}
}

static void text_header(const struct top *t, int v)
{
	const char *cnt = has_bytes(v) ? (v == TV_UDP ? "SENDS" : "PACKETS") : "COUNT";

	out_text("\n%s\n", top_views[v].title);
	switch (v) {
	case TV_DROPS:
		if (t->drop_by & BY_REASON)
			out_text("%-22s ", "REASON");
		if (t->drop_by & BY_LOCATION)
			out_text(t->drop_by & BY_REASON ? "%-40s " : "%-22s ", "LOCATION");
		if (t->drop_by & BY_PROTOCOL)
			out_text(t->drop_by == BY_PROTOCOL ? "%-22s " : "%-40s ", "PROTOCOL");
		for (int i = 0, first = !(t->drop_by & 7); i < (int)ARRAY_SIZE(top_pkt_cols); i++)
			if (t->drop_by & top_pkt_cols[i].by) {
				out_text(first ? "%-22s " : "%-40s ", top_pkt_cols[i].title);
				first = 0;
			}
		break;
	case TV_RESETS: out_text("%-9s %-40s %-40s ", "DIR", "SOURCE", "DESTINATION"); break;
	case TV_RFLOW: out_text("%-46s %-47s %-12s ", "SOURCE", "DESTINATION", "STATE"); break;
	case TV_RCOMM: out_text("%-22s ", "COMM"); break;
	case TV_DEV: out_text("%-16s %-3s ", "DEV", "DIR"); break;
	case TV_UDP: out_text("%-16s %8s ", "COMM", "PID"); break;
	case TV_STATES: out_text("%-12s    %-12s ", "FROM", "TO"); break;
	}
	out_text("%10s %10s %12s", cnt, "PER_SEC", "TOTAL");
	if (has_bytes(v))
		out_text(" %14s %14s %16s", "BYTES", "BYTES_PER_SEC", "TOTAL_BYTES");
	out_text("\n");
}

/* The line above the tables: when, how long, events and losses. */
static void render_head(const struct top *t, uint64_t ts, double secs, bool final)
{
	char tm[64];

	if (out_is_json()) {
		out_uint(PRINT_JSON, "ts_ns", NULL, ts);
		out_double(PRINT_JSON, "interval_s", NULL, secs);
		out_uint(PRINT_JSON, "events", NULL, t->events);
		out_uint(PRINT_JSON, "lost", NULL, t->lost);
		out_uint(PRINT_JSON, "events_total", NULL, t->events_total);
		out_uint(PRINT_JSON, "lost_total", NULL, t->lost_total);
		if (final)
			out_str(PRINT_JSON, "final", NULL, "true");
		return;
	}
	out_fmt_time(ts, tm, sizeof(tm));
	out_text("%s  interval %.2fs  events %" PRIu64 "  lost %" PRIu64 "  (total %" PRIu64
		 " events, %" PRIu64 " lost)%s\n", tm, secs, t->events, t->lost,
		 t->events_total, t->lost_total, final ? "  final" : "");
	if (t->lost)
		out_text("warning: %" PRIu64 " events lost in this interval: counts are low; enlarge the buffer (--buffer-kb)\n",
			 t->lost);
}

static void render_row(const struct top *t, int v, const struct agg_row *r, double secs)
{
	char bufs[9][TOP_LABEL_LEN];
	const char *labels[20];

	top_row_keys(t, v, r, labels, bufs);
	out_open_object(NULL);
	if (out_is_json()) {
		for (int j = 0; labels[j]; j += 2) {
			if (t->stacks && !r->other && !strcmp(labels[j], "stack"))
				top_stacks_json(t->stacks, ((const struct drop_key *)r->key)->stack,
						t->ks);
			else
				out_str(PRINT_JSON, labels[j], NULL, labels[j + 1]);
		}
		if (r->other)
			out_str(PRINT_JSON, "other", NULL, "true");
	} else {
		text_keys(v, labels, r);
	}
	out_uint(PRINT_ANY, "count", "%10" PRIu64 " ", r->count);
	out_double(PRINT_ANY, "per_sec", "%10.1f ", secs > 0 ? r->count / secs : 0);
	out_uint(PRINT_ANY, "total", "%12" PRIu64, r->total);
	if (has_bytes(v)) {
		out_uint(PRINT_ANY, "bytes", " %14" PRIu64, r->bytes);
		out_double(PRINT_ANY, "bytes_per_sec", " %14.1f", secs > 0 ? r->bytes / secs : 0);
		out_uint(PRINT_ANY, "total_bytes", " %16" PRIu64, r->total_bytes);
	}
	out_text("\n");
	out_close_object();
}

/* Whether rows a and b differ in a key other than their stack. */
static bool other_keys_differ(const struct agg_row *a, const struct agg_row *b)
{
	struct drop_key x, y;

	memcpy(&x, a->key, sizeof(x));
	memcpy(&y, b->key, sizeof(y));
	x.stack = y.stack = 0;
	return a->other != b->other || memcmp(&x, &y, sizeof(x));
}

/*
 * --by stack in text: the rows of the same other keys drawn as one, with the call tree of
 * their stacks (totals, innermost frame first) under it, as perf report -g draws.
 */
static void render_stacks(struct top *t, double secs, struct agg_row **rows, size_t n)
{
	unsigned int by = t->drop_by;
	bool *done = xcalloc(n + 1, sizeof(*done));
	size_t shown = 0;

	for (size_t i = 0; i < n; i++) {
		struct agg_row g = *rows[i];
		struct tree *tree = NULL;

		if (done[i] || (shown >= (size_t)t->rows && !rows[i]->other))
			continue;
		g.count = g.total = 0;
		for (size_t j = i; j < n; j++) {
			if (done[j] || other_keys_differ(rows[i], rows[j]))
				continue;
			done[j] = true;
			g.count += rows[j]->count;
			g.total += rows[j]->total;
			if (!rows[j]->other)
				top_stacks_tree_add(t->stacks, &tree,
						    ((struct drop_key *)rows[j]->key)->stack,
						    rows[j]->total);
		}
		((struct drop_key *)g.key)->stack = 0;
		t->drop_by = by & ~(unsigned int)BY_STACK;
		render_row(t, TV_DROPS, &g, secs);
		t->drop_by = by;
		top_stacks_tree_draw(tree, t->ks);
		shown++;
	}
	free(done);
}

/* One table: the first --rows rows by count, and the other row. */
static void render_view(struct top *t, int v, double secs)
{
	struct agg_row **rows;
	size_t n, shown = 0;

	rows = agg_sorted(t->agg[v], &n);
	out_open_array(top_views[v].json);
	if (!out_is_json())
		text_header(t, v);
	if (v == TV_DROPS && t->stacks && !out_is_json()) {
		render_stacks(t, secs, rows, n);
		n = shown = 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (shown >= (size_t)t->rows && !rows[i]->other)
			continue;
		shown++;
		render_row(t, v, rows[i], secs);
	}
	if (n > shown)
		out_text("(%zu more rows)\n", n - shown);
	if (agg_other(t->agg[v])->total)
		out_text("(%" PRIu64 " events of keys past --max-keys are in 'other')\n",
			 agg_folded(t->agg[v]));
	out_close_array();
}

void top_render(struct top *t, uint64_t ts, double secs, bool final)
{
	struct drop_key k;

	if (t->stale)
		top_new_interval(t);	/* no event came in this interval */
	while (final && t->stacks && top_stacks_unstacked(t->stacks, &k))
		agg_add(t->agg[TV_DROPS], &k, 1, 0);	/* its stack never came */
	out_begin("top");
	render_head(t, ts, secs, final);
	for (int v = 0; v < TOP_NVIEWS; v++)
		if (t->agg[v])
			render_view(t, v, secs);
	if (t->fields)
		top_fields_render(t->fields, secs, t->rows);
	out_end();
	out_flush();
	t->stale = true;
}
