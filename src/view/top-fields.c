// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top's table of tracepoints named as SYSTEM:EVENT: rows keyed by the event and the values of
 * the --by fields, as text, JSON and Prometheus. Keys are strings, kept once each in a table
 * bounded like the rows (--max-keys); the row holds the string's number.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/out.h"
#include "base/prom.h"
#include "base/util.h"
#include "decode/decode.h"
#include "view/agg.h"
#include "view/top-fields.h"

#define TF_MAX_BY 8
#define SEP '\x1f'	/* between the key's parts: no field value holds it */

struct top_fields {
	struct agg	*agg;
	char		*by[TF_MAX_BY];
	int		nby;
	unsigned int	max_keys;
	char		**keys;		/* by number: "event SEP tvalue SEP tvalue" */
	uint64_t	nkeys, cap;	/* (t: 'n' a number, 's' text) */
	uint64_t	*slots;		/* open addressing: key number + 1, 0 empty */
	uint64_t	nslots;
};

struct top_fields *top_fields_new(const char *by, unsigned int max_keys)
{
	struct top_fields *tf = xcalloc(1, sizeof(*tf));
	char *copy = xstrdup(by ? by : ""), *save, *tok;

	for (tok = strtok_r(copy, ",", &save); tok && tf->nby < TF_MAX_BY;
	     tok = strtok_r(NULL, ",", &save))
		tf->by[tf->nby++] = xstrdup(tok);
	free(copy);
	tf->max_keys = max_keys;
	tf->agg = agg_new(sizeof(uint64_t), max_keys);
	tf->nslots = 1024;
	while (tf->nslots < 2ull * max_keys && tf->nslots < (1ull << 24))
		tf->nslots *= 2;
	tf->slots = xcalloc(tf->nslots, sizeof(*tf->slots));
	return tf;
}

int top_fields_by(const struct top_fields *tf, const char ***names)
{
	*names = (const char **)tf->by;
	return tf->nby;
}

void top_fields_free(struct top_fields *tf)
{
	if (!tf)
		return;
	for (uint64_t i = 0; i < tf->nkeys; i++)
		free(tf->keys[i]);
	for (int i = 0; i < tf->nby; i++)
		free(tf->by[i]);
	free(tf->keys);
	free(tf->slots);
	agg_free(tf->agg);
	free(tf);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The key's number, a new one while there is room; false when the table is full. */
static bool intern(struct top_fields *tf, const char *key, uint64_t *id)
{
	uint64_t i = hash(key) & (tf->nslots - 1);

	for (; tf->slots[i]; i = (i + 1) & (tf->nslots - 1)) {
		if (!strcmp(tf->keys[tf->slots[i] - 1], key)) {
			*id = tf->slots[i] - 1;
			return true;
		}
	}
	if (tf->nkeys >= tf->max_keys || tf->nkeys * 2 >= tf->nslots)
		return false;
	if (tf->nkeys == tf->cap) {
		tf->cap = tf->cap ? tf->cap * 2 : 64;
		tf->keys = xrealloc(tf->keys, tf->cap * sizeof(*tf->keys));
	}
	tf->keys[tf->nkeys] = xstrdup(key);
	tf->slots[i] = ++tf->nkeys;
	*id = tf->nkeys - 1;
	return true;
}

void top_fields_add(struct top_fields *tf, const struct ftnet_event *ev)
{
	char key[1024], name[160];
	size_t n = (size_t)snprintf(key, sizeof(key), "%s", tp_name(ev, name, sizeof(name)));
	uint64_t id;

	for (int i = 0; i < tf->nby && n < sizeof(key); i++) {
		const struct tep_format_field *f = tp_find(ev, tf->by[i]);
		struct tp_value v;

		if (!f) {
			n += (size_t)snprintf(key + n, sizeof(key) - n, "%cs-", SEP);
			continue;
		}
		tp_value(ev, f, &v);
		if (v.kind == TP_INT)
			n += (size_t)snprintf(key + n, sizeof(key) - n, "%cn%" PRId64, SEP, v.i);
		else if (v.kind == TP_UINT)
			n += (size_t)snprintf(key + n, sizeof(key) - n, "%cn%" PRIu64, SEP, v.u);
		else
			n += (size_t)snprintf(key + n, sizeof(key) - n, "%cs%s", SEP, v.str);
	}
	if (intern(tf, key, &id))
		agg_add(tf->agg, &id, 1, 0);
	else
		agg_add_other(tf->agg, 1, 0);
}

void top_fields_interval(struct top_fields *tf)
{
	agg_interval(tf->agg);
}

/* The parts of a row's key: parts[0] the event, then each field's typed value ("n5", "sx"). */
static int key_parts(const struct top_fields *tf, const struct agg_row *r, char *buf,
		     size_t size, const char **parts)
{
	uint64_t id;
	int n = 0;

	if (r->other) {
		parts[n++] = "other";
		for (int i = 0; i < tf->nby; i++)
			parts[n++] = "sother";
		return n;
	}
	memcpy(&id, r->key, sizeof(id));
	snprintf(buf, size, "%s", tf->keys[id]);
	parts[n++] = buf;
	for (char *p = strchr(buf, SEP); p && n <= TF_MAX_BY; p = strchr(p + 1, SEP)) {
		*p = 0;
		parts[n++] = p + 1;
	}
	return n;
}

static void render_row(const struct top_fields *tf, const struct agg_row *r, double secs)
{
	const char *parts[TF_MAX_BY + 1];
	char buf[1024];
	int n = key_parts(tf, r, buf, sizeof(buf), parts);

	out_open_object(NULL);
	out_str(PRINT_ANY, "event", "%-40s ", parts[0]);
	out_open_object("fields");
	for (int i = 1; i < n; i++) {
		if (parts[i][0] == 'n' && out_is_json())
			out_int(PRINT_JSON, tf->by[i - 1], NULL, strtoll(parts[i] + 1, NULL, 10));
		else
			out_str(PRINT_ANY, tf->by[i - 1], "%-20s ", parts[i] + 1);
	}
	out_close_object();
	if (r->other)
		out_bool(PRINT_JSON, "other", NULL, true);
	out_uint(PRINT_ANY, "count", "%10" PRIu64 " ", r->count);
	out_double(PRINT_ANY, "per_sec", "%10.1f ", secs > 0 ? r->count / secs : 0);
	out_uint(PRINT_ANY, "total", "%12" PRIu64 "\n", r->total);
	out_close_object();
}

void top_fields_render(struct top_fields *tf, double secs, int rows)
{
	size_t n, shown = 0;
	struct agg_row **sorted = agg_sorted(tf->agg, &n);

	out_open_array("tracepoints");
	out_text("\nTRACEPOINTS\n%-40s ", "EVENT");
	for (int i = 0; i < tf->nby; i++)
		out_text("%-20s ", tf->by[i]);
	out_text("%10s %10s %12s\n", "COUNT", "PER_SEC", "TOTAL");
	for (size_t i = 0; i < n; i++) {
		if (shown >= (size_t)rows && !sorted[i]->other)
			continue;
		shown++;
		render_row(tf, sorted[i], secs);
	}
	if (n > shown)
		out_text("(%zu more rows)\n", n - shown);
	if (agg_other(tf->agg)->total)
		out_text("(%" PRIu64 " events of keys past --max-keys are in 'other')\n",
			 agg_folded(tf->agg));
	out_close_array();
}

void top_fields_prom(struct top_fields *tf, struct prom *p)
{
	const char *labels[2 * (TF_MAX_BY + 1) + 1], *parts[TF_MAX_BY + 1];
	char buf[1024], names[TF_MAX_BY][80];
	struct agg_row **rows;
	size_t n;

	/* a field called event would hide the event's label: its label is field_event */
	for (int i = 0; i < tf->nby; i++)
		snprintf(names[i], sizeof(names[i]), "%s%s", strcmp(tf->by[i], "event") ? "" :
			 "field_", tf->by[i]);
	rows = agg_sorted(tf->agg, &n);
	prom_family(p, "ftnet_tracepoint_events_total", "counter",
		    "hits of tracepoints named as SYSTEM:EVENT, by the --by fields");
	for (size_t j = 0; j < n; j++) {
		int k = key_parts(tf, rows[j], buf, sizeof(buf), parts), l = 0;

		labels[l++] = "event";
		labels[l++] = parts[0];
		for (int i = 1; i < k; i++) {
			labels[l++] = names[i - 1];
			labels[l++] = parts[i] + 1;
		}
		labels[l] = NULL;
		prom_sample(p, "ftnet_tracepoint_events_total", rows[j]->total, labels);
	}
}
