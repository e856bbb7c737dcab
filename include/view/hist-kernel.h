/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hist's latencies measured in the kernel (src/view/hist-kernel.c): the start of each one kept in a
 * hist variable keyed by the socket or skb, its end firing a synthetic event of the run's own
 * (ftnet_conn_PID, ...) with the latency, a hist trigger on that event counting latencies by
 * microsecond. Nothing is written to a ring buffer.
 */
#ifndef FTNET_HIST_KERNEL_H
#define FTNET_HIST_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/ctx.h"
#include "kernel/groups.h"
#include "view/histogram.h"

struct hist_kernel;

/* NULL when g's latency can be measured in this kernel, or why not. */
const char *hist_kernel_why_not(const struct ftnet_ctx *ctx, const struct group *g);
/* Sets it up; NULL with the kernel's words in err when it refused (all undone then). */
struct hist_kernel *hist_kernel_start(const struct group *g, char *err, size_t errlen);
/*
 * Adds the latencies the kernel counted since the last call: us in microseconds, ns at 1 us
 * precision with the exact sum; failed connects into *failed. 0 or -errno.
 */
int hist_kernel_read(struct hist_kernel *k, struct hist *us, struct hist *ns, uint64_t *failed);
/* Removes the triggers, the synthetic events and the instance. */
void hist_kernel_end(struct hist_kernel *k);
/* disable --all: synthetic events of runs that are gone; how many were removed. */
int hist_kernel_sweep(void);

#endif
