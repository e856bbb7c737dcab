// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top --by stack: each drop waits on its CPU for the ftrace:kernel_stack record the kernel
 * writes right after it (a trigger live, record -g in a file), then is counted under the id of
 * its stack; the stacks are kept by id and drawn as a call tree, innermost frame first.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "kernel/ksyms.h"
#include "base/out.h"
#include "source/stacks.h"
#include "view/top-stack.h"
#include "base/util.h"

struct held {
	unsigned char	key[AGG_KEY_MAX];
	bool		on;
};

struct stack_ent {
	uint64_t	id;	/* 0: empty */
	uint32_t	n;
	uint64_t	frames[TOP_STACK_FRAMES];
};

struct top_stacks {
	struct held		*held;	/* by CPU */
	int			nheld;
	size_t			keysize;
	struct stack_ent	*ents;
	size_t			cap, used;	/* cap: a power of two */
	uint64_t		unkept;	/* stacks past the table's size (counted, not drawn) */
	uint64_t		taken;
};

struct top_stacks *top_stacks_new(size_t keysize, unsigned int max_keys)
{
	struct top_stacks *ts = xcalloc(1, sizeof(*ts));

	ts->keysize = keysize;
	ts->cap = 64;
	while (ts->cap < 2 * (size_t)max_keys && ts->cap < 65536)
		ts->cap *= 2;
	ts->ents = xcalloc(ts->cap, sizeof(*ts->ents));
	return ts;
}

void top_stacks_free(struct top_stacks *ts)
{
	if (!ts)
		return;
	free(ts->held);
	free(ts->ents);
	free(ts);
}

bool top_stacks_hold(struct top_stacks *ts, int cpu, const void *key, void *unstacked)
{
	bool had;

	if (cpu < 0 || cpu > 65535)
		return false;
	if (cpu >= ts->nheld) {
		ts->held = xrealloc(ts->held, (size_t)(cpu + 1) * sizeof(*ts->held));
		memset(ts->held + ts->nheld, 0, (size_t)(cpu + 1 - ts->nheld) * sizeof(*ts->held));
		ts->nheld = cpu + 1;
	}
	had = ts->held[cpu].on;
	if (had)	/* the one before never got its stack */
		memcpy(unstacked, ts->held[cpu].key, ts->keysize);
	memcpy(ts->held[cpu].key, key, ts->keysize);
	ts->held[cpu].on = true;
	return had;
}

static struct stack_ent *slot(struct top_stacks *ts, uint64_t id)
{
	size_t i = (size_t)id & (ts->cap - 1);

	for (size_t k = 0; k < ts->cap; k++, i = (i + 1) & (ts->cap - 1))
		if (ts->ents[i].id == id || !ts->ents[i].id)
			return &ts->ents[i];
	return NULL;
}

/* The frames below the trigger's own, innermost first; their FNV-1a hash is the id. */
bool top_stacks_take(struct top_stacks *ts, const struct ftnet_event *ev, const struct ksyms *ks,
		     void *key, uint64_t *id)
{
	uint64_t frames[TOP_STACK_FRAMES], h = 0xcbf29ce484222325ull;
	uint32_t n = 0, i = 0;
	struct stack_ent *e;

	if (ev->cpu < 0 || ev->cpu >= ts->nheld || !ts->held[ev->cpu].on)
		return false;
	for (; i < ev->nframes; i++) {
		char sym[160];

		ksyms_format(ks, decode_frame(ev, i), sym, sizeof(sym));
		if (!stacks_tracing_frame(sym))
			break;
	}
	for (; i < ev->nframes && n < TOP_STACK_FRAMES; i++) {
		frames[n] = decode_frame(ev, i);
		for (int b = 0; b < 8; b++)
			h = (h ^ ((frames[n] >> (8 * b)) & 0xff)) * 0x100000001b3ull;
		n++;
	}
	*id = h ? h : 1;
	ts->taken++;
	memcpy(key, ts->held[ev->cpu].key, ts->keysize);
	ts->held[ev->cpu].on = false;
	e = ts->used * 4 < ts->cap * 3 ? slot(ts, *id) : NULL;
	if (!e || e->id) {
		ts->unkept += !e;
		return true;
	}
	e->id = *id;
	e->n = n;
	memcpy(e->frames, frames, n * sizeof(frames[0]));
	ts->used++;
	return true;
}

bool top_stacks_unstacked(struct top_stacks *ts, void *key)
{
	for (int c = 0; c < ts->nheld; c++) {
		if (!ts->held[c].on)
			continue;
		memcpy(key, ts->held[c].key, ts->keysize);
		ts->held[c].on = false;
		return true;
	}
	return false;
}

uint64_t top_stacks_taken(const struct top_stacks *ts)
{
	return ts->taken;
}

const uint64_t *top_stacks_frames(struct top_stacks *ts, uint64_t id, uint32_t *n)
{
	struct stack_ent *e = id ? slot(ts, id) : NULL;

	*n = e && e->id == id ? e->n : 0;
	return *n ? e->frames : NULL;
}

/* "inner;caller;...": the innermost functions of a stack, for a label (Prometheus) */
void top_stacks_label(struct top_stacks *ts, uint64_t id, const struct ksyms *ks, char *buf,
		      size_t size)
{
	uint32_t n;
	const uint64_t *f = top_stacks_frames(ts, id, &n);
	size_t len = 0;

	snprintf(buf, size, "%s", id ? "unknown" : "none");
	for (uint32_t i = 0; f && i < n && len + 2 < size; i++) {
		char sym[160], *plus;

		ksyms_format(ks, f[i], sym, sizeof(sym));
		if ((plus = strchr(sym, '+')))
			*plus = '\0';
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ";" : "", sym);
	}
	if (len >= size && size > 4)
		memcpy(buf + size - 4, "...", 4);
}

/* JSON: the frames of one row's stack, innermost first. */
void top_stacks_json(struct top_stacks *ts, uint64_t id, const struct ksyms *ks)
{
	uint32_t n;
	const uint64_t *f = top_stacks_frames(ts, id, &n);

	out_open_array("stack");
	for (uint32_t i = 0; i < n; i++) {
		char sym[160];

		ksyms_format(ks, f[i], sym, sizeof(sym));
		out_str(PRINT_JSON, NULL, NULL, sym);
	}
	out_close_array();
}

/* The call tree of a group of rows: a trie over their frames, innermost first. */
struct node {
	uint64_t	addr, count;
	int32_t		child, next;
};

struct tree {
	struct node	*n;
	int32_t		len, cap;
};

static int32_t node_new(struct tree *t, uint64_t addr)
{
	if (t->len == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->n = xrealloc(t->n, (size_t)t->cap * sizeof(*t->n));
	}
	t->n[t->len] = (struct node){ addr, 0, -1, -1 };
	return t->len++;
}

static int32_t node_child(struct tree *t, int32_t parent, uint64_t addr)
{
	int32_t i;

	for (i = t->n[parent].child; i >= 0; i = t->n[i].next)
		if (t->n[i].addr == addr)
			return i;
	i = node_new(t, addr);
	t->n[i].next = t->n[parent].child;
	t->n[parent].child = i;
	return i;
}

void top_stacks_tree_add(struct top_stacks *ts, struct tree **tp, uint64_t id, uint64_t count)
{
	struct tree *t = *tp;
	uint32_t n;
	const uint64_t *f = top_stacks_frames(ts, id, &n);
	int32_t at;

	if (!t) {
		t = *tp = xcalloc(1, sizeof(*t));
		node_new(t, 0);	/* the root: every stack of the group */
	}
	t->n[0].count += count;
	at = 0;
	for (uint32_t i = 0; i < n; i++) {
		at = node_child(t, at, f[i]);
		t->n[at].count += count;
	}
}

static void tree_line(const struct tree *t, int32_t i, const struct ksyms *ks, int depth,
		      bool head)
{
	char sym[160];

	ksyms_format(ks, t->n[i].addr, sym, sizeof(sym));
	if (head)
		out_text("%10" PRIu64 " %5.1f%%  %*s%s\n", t->n[i].count,
			 100.0 * (double)t->n[i].count / (double)t->n[0].count, 2 * depth, "",
			 out_esc(sym));
	else
		out_text("%18s  %*s%s\n", "", 2 * depth, "", out_esc(sym));
}

static const struct tree *sort_tree;

static int by_count(const void *a, const void *b)
{
	uint64_t x = sort_tree->n[*(const int32_t *)a].count;
	uint64_t y = sort_tree->n[*(const int32_t *)b].count;

	return x < y ? 1 : x > y ? -1 : 0;
}

/* The children of i, most frequent first; *n of them (the caller frees). */
static int32_t *children(const struct tree *t, int32_t i, int *n)
{
	int32_t *c = NULL;

	*n = 0;
	for (int32_t k = t->n[i].child; k >= 0; k = t->n[k].next) {
		c = xrealloc(c, (size_t)(*n + 1) * sizeof(*c));
		c[(*n)++] = k;
	}
	sort_tree = t;
	if (*n > 1)
		qsort(c, (size_t)*n, sizeof(*c), by_count);
	return c;
}

/* A chain of single children on one column; a branch indents its children one step. */
static void tree_print(const struct tree *t, int32_t i, const struct ksyms *ks, int depth)
{
	bool head = true;

	while (i >= 0) {
		int32_t *c;
		int n;

		tree_line(t, i, ks, depth, head);
		head = false;
		c = children(t, i, &n);
		if (n == 1) {
			i = c[0];	/* one caller: the same chain */
			free(c);
			continue;
		}
		for (int k = 0; k < n; k++)
			tree_print(t, c[k], ks, depth + 1);
		free(c);
		break;
	}
}

void top_stacks_tree_draw(struct tree *t, const struct ksyms *ks)
{
	int32_t *c;
	int n;

	if (!t)
		return;
	c = children(t, 0, &n);
	if (t->n[0].count > 0 && !n)
		out_text("%18s  (no stack)\n", "");
	for (int k = 0; k < n; k++)
		tree_print(t, c[k], ks, 0);
	free(c);
	free(t->n);
	free(t);
}
