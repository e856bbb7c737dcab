// SPDX-License-Identifier: GPL-2.0-or-later
/* log2 histograms with 16 linear sub-buckets per power of two (fixed memory, 1/16 precision). */
#include <stdio.h>
#include <string.h>

#include "view/histogram.h"

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

static int log2_index(uint64_t v)
{
	return v ? 64 - __builtin_clzll(v) : 0;	/* 1 -> 1, 2..3 -> 2, 4..7 -> 3 */
}

static int sub_index(uint64_t v, int i)
{
	uint64_t lo, width;

	if (i <= 4)	/* below 16 each value has a sub-bucket of its own */
		return (int)(v & (HIST_SUB - 1)) % HIST_SUB;
	lo = 1ull << (i - 1);
	width = lo / HIST_SUB;
	return (int)((v - lo) / width);
}

void hist_add(struct hist *h, uint64_t v)
{
	hist_add_n(h, v, 1);
}

void hist_add_n(struct hist *h, uint64_t v, uint64_t n)
{
	int i = log2_index(v);

	if (!n)
		return;
	if (i >= HIST_LOG2)
		i = HIST_LOG2 - 1;
	h->log2[i] += n;
	h->fine[i][sub_index(v, i)] += n;
	h->count += n;
	h->sum += v * n;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void hist_bucket_range(int i, uint64_t *lo, uint64_t *hi)
{
	if (i == 0) {
		*lo = 0;
		*hi = 1;
		return;
	}
	*lo = 1ull << (i - 1);
	*hi = i >= 64 ? UINT64_MAX : 1ull << i;
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0;

	if (!h->count)
		return 0;
	if (q <= 0)
		return h->min;
	if (q >= 1)
		return h->max;
	/* nearest rank: the smallest value with at least q of the samples at or below it */
	rank = (uint64_t)(q * h->count);
	if ((double)rank < q * h->count)
		rank++;
	for (int i = 0; i < HIST_LOG2; i++) {
		if (seen + h->log2[i] < rank) {
			seen += h->log2[i];
			continue;
		}
		for (int s = 0; s < HIST_SUB; s++) {
			seen += h->fine[i][s];
			if (seen >= rank) {
				uint64_t lo, hi, v;

				hist_bucket_range(i, &lo, &hi);
				v = i <= 4 ? (uint64_t)s : lo + (uint64_t)s * (lo / HIST_SUB);
				if (v < h->min)
					v = h->min;
				if (v > h->max)
					v = h->max;
				return v;
			}
		}
	}
	return h->max;
}

void hist_label(uint64_t v, char *buf, int size)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	while (v >= 1024 && !(v % 1024) && u < 5) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, size, "%llu", (unsigned long long)v);
	else
		snprintf(buf, size, "%llu%c", (unsigned long long)v, units[u]);
}
