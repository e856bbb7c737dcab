/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top --by stack (src/view/top-stack.c): drops held for their stack record, stacks kept by id. */
#ifndef FTNET_TOP_STACK_H
#define FTNET_TOP_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "view/agg.h"
#include "base/event.h"

#define TOP_STACK_FRAMES 64

struct ksyms;
struct top_stacks;
struct tree;

struct top_stacks *top_stacks_new(size_t keysize, unsigned int max_keys);
void top_stacks_free(struct top_stacks *ts);
/* Holds a drop's key on its CPU; true with unstacked set when the one before got no stack. */
bool top_stacks_hold(struct top_stacks *ts, int cpu, const void *key, void *unstacked);
/* A stack record: the held key of its CPU in key, the stack's id in *id; false when none. */
bool top_stacks_take(struct top_stacks *ts, const struct ftnet_event *ev, const struct ksyms *ks,
		     void *key, uint64_t *id);
/* At the end: one held key that never got a stack per call; false when none is left. */
bool top_stacks_unstacked(struct top_stacks *ts, void *key);
/* How many stack records were matched to their drop. */
uint64_t top_stacks_taken(const struct top_stacks *ts);
const uint64_t *top_stacks_frames(struct top_stacks *ts, uint64_t id, uint32_t *n);
/* "inner;caller;..." function names, for a Prometheus label; "none" for id 0. */
void top_stacks_label(struct top_stacks *ts, uint64_t id, const struct ksyms *ks, char *buf,
		      size_t size);
/* JSON: "stack": [frames], innermost first. */
void top_stacks_json(struct top_stacks *ts, uint64_t id, const struct ksyms *ks);
/* A call tree: stacks added with their counts, drawn (and freed) as text. */
void top_stacks_tree_add(struct top_stacks *ts, struct tree **t, uint64_t id, uint64_t count);
void top_stacks_tree_draw(struct tree *t, const struct ksyms *ks);

#endif
