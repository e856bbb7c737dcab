/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * top's tables aggregated in the kernel (src/view/top-kernel.c): hist triggers on the groups'
 * tracepoints in an instance of top's own (ftnet-agg-PID), whose events stay off; each tick
 * reads the tables and counts what grew into the same tables the user-space path fills.
 */
#ifndef FTNET_TOP_KERNEL_H
#define FTNET_TOP_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/ctx.h"
#include "kernel/groups.h"
#include "view/top-view.h"

enum aggregate { AGG_AUTO, AGG_KERNEL, AGG_USER };

/* aggregate_names (opt.h) are the values of --aggregate, in this order. */

struct top_kernel;

/*
 * Whether g's view can be aggregated in this kernel with these --by keys; NULL, or why not
 * (said with -v where it falls back to user space).
 */
const char *top_kernel_why_not(const struct ftnet_ctx *ctx, const struct group *g,
			       unsigned int drop_by);
/*
 * Sets up the triggers of groups gs in an instance of its own, the tables of their views in
 * t. Groups whose trigger the kernel refuses are put in *fallback (said, then read in user
 * space). NULL when none could be set up.
 */
struct top_kernel *top_kernel_start(struct ftnet_ctx *ctx, struct top *t,
				    const struct group **gs, int n, unsigned int max_keys,
				    const struct group **fallback, int *nfallback);
/* Counts what the kernel's tables gained since the last call into t; 0 or -errno. */
int top_kernel_read(struct top_kernel *k);
/* Removes the triggers and the instance. */
void top_kernel_end(struct top_kernel *k);

#endif
