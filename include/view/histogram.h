/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Latency histograms: log2 buckets drawn like bpftrace's hist(), percentiles from finer ones. */
#ifndef FTNET_HIST_H
#define FTNET_HIST_H

#include <stdint.h>

#define HIST_LOG2 64
#define HIST_SUB 16	/* linear sub-buckets per power of two: percentiles within 1/16 */

struct hist {
	uint64_t	log2[HIST_LOG2];		/* [2^(i-1), 2^i); bucket 0 holds 0 */
	uint64_t	fine[HIST_LOG2][HIST_SUB];
	uint64_t	count, sum, min, max;
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t v);
/* n samples of value v at once (the kernel's tables). */
void hist_add_n(struct hist *h, uint64_t v, uint64_t n);
/* The value at quantile q (0..1): the lower edge of the fine bucket holding it; exact below 16. */
uint64_t hist_quantile(const struct hist *h, double q);
/* Bucket i covers [lo, hi). */
void hist_bucket_range(int i, uint64_t *lo, uint64_t *hi);
/* "1K", "4M": the power-of-two labels bpftrace prints. */
void hist_label(uint64_t v, char *buf, int size);

#endif
