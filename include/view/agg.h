/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Aggregation tables for top and count: rows keyed by a fixed-size key, with interval and
 * total counters, bounded by a row limit; keys past the limit fold into one "other" row.
 */
#ifndef FTNET_AGG_H
#define FTNET_AGG_H

#include <stddef.h>
#include <stdint.h>

#define AGG_KEY_MAX 64
#define AGG_DEFAULT_MAX_KEYS 10000

struct agg_row {
	uint64_t	count, bytes;		/* this interval */
	uint64_t	total, total_bytes;	/* since the start */
	int64_t		extra;			/* view-specific, e.g. the last TCP state */
	unsigned char	key[AGG_KEY_MAX];
	unsigned char	used;
	unsigned char	other;			/* the fold row for keys past the limit */
};

struct agg;

struct agg *agg_new(size_t keysize, unsigned int max_keys);
void agg_free(struct agg *a);
/* Counts one occurrence of key (count and bytes added); returns its row, maybe the fold row. */
struct agg_row *agg_add(struct agg *a, const void *key, uint64_t count, uint64_t bytes);
/*
 * Rows with a non-zero total, by interval count then total, descending; the fold row comes last.
 * The array is the table's own and valid until the next agg_add.
 */
struct agg_row **agg_sorted(struct agg *a, size_t *n);
/* Counts occurrences whose keys are not known (a kernel table's dropped ones) in the fold row. */
void agg_add_other(struct agg *a, uint64_t count, uint64_t bytes);
/* Starts a new interval: interval counters go to zero, totals stay. */
void agg_interval(struct agg *a);
size_t agg_keys(const struct agg *a);
/* Keys that went into the fold row because the table was full (distinct keys are not known). */
uint64_t agg_folded(const struct agg *a);
const struct agg_row *agg_other(const struct agg *a);

#endif
