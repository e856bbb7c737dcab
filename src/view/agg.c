// SPDX-License-Identifier: GPL-2.0-or-later
/* Bounded open-addressing tables: memory is fixed at creation, whatever keys arrive. */
#include <stdlib.h>
#include <string.h>

#include "view/agg.h"
#include "base/util.h"

struct agg {
	struct agg_row	*rows;		/* capacity slots, a power of two, >= 2 x max_keys */
	struct agg_row	**sorted;
	struct agg_row	other;
	size_t		keysize, capacity, nkeys, max_keys;
	uint64_t	folded;
};

struct agg *agg_new(size_t keysize, unsigned int max_keys)
{
	struct agg *a = xcalloc(1, sizeof(*a));

	if (keysize > AGG_KEY_MAX)
		keysize = AGG_KEY_MAX;
	if (!max_keys)
		max_keys = AGG_DEFAULT_MAX_KEYS;
	a->keysize = keysize;
	a->max_keys = max_keys;
	a->capacity = 16;
	while (a->capacity < 2 * (size_t)max_keys)
		a->capacity <<= 1;
	a->rows = xcalloc(a->capacity, sizeof(*a->rows));
	a->sorted = xcalloc(max_keys + 1, sizeof(*a->sorted));
	a->other.other = 1;
	a->other.used = 1;
	return a;
}

void agg_free(struct agg *a)
{
	if (!a)
		return;
	free(a->rows);
	free(a->sorted);
	free(a);
}

/* FNV-1a over the key bytes */
static size_t hash(const unsigned char *k, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= k[i];
		h *= 0x100000001b3ull;
	}
	return (size_t)(h ^ (h >> 29));
}

struct agg_row *agg_add(struct agg *a, const void *key, uint64_t count, uint64_t bytes)
{
	size_t mask = a->capacity - 1, i = hash(key, a->keysize) & mask;
	struct agg_row *r;

	for (;;) {
		r = &a->rows[i];
		if (!r->used)
			break;
		if (!memcmp(r->key, key, a->keysize))
			goto found;
		i = (i + 1) & mask;
	}
	if (a->nkeys >= a->max_keys) {
		/* full: the key is counted, in the fold row, and the fold is shown */
		r = &a->other;
		a->folded += count;
		goto found;
	}
	r->used = 1;
	memcpy(r->key, key, a->keysize);
	a->nkeys++;
found:
	r->count += count;
	r->bytes += bytes;
	r->total += count;
	r->total_bytes += bytes;
	return r;
}

static int row_cmp(const void *x, const void *y)
{
	const struct agg_row *a = *(struct agg_row *const *)x, *b = *(struct agg_row *const *)y;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	if (a->total != b->total)
		return a->total < b->total ? 1 : -1;
	return memcmp(a->key, b->key, AGG_KEY_MAX);
}

struct agg_row **agg_sorted(struct agg *a, size_t *n)
{
	size_t k = 0;

	for (size_t i = 0; i < a->capacity; i++)
		if (a->rows[i].used && a->rows[i].total)
			a->sorted[k++] = &a->rows[i];
	qsort(a->sorted, k, sizeof(*a->sorted), row_cmp);
	if (a->other.total)
		a->sorted[k++] = &a->other;
	*n = k;
	return a->sorted;
}

void agg_add_other(struct agg *a, uint64_t count, uint64_t bytes)
{
	a->folded += count;
	a->other.count += count;
	a->other.total += count;
	a->other.bytes += bytes;
	a->other.total_bytes += bytes;
}

void agg_interval(struct agg *a)
{
	for (size_t i = 0; i < a->capacity; i++)
		a->rows[i].count = a->rows[i].bytes = 0;
	a->other.count = a->other.bytes = 0;
}

size_t agg_keys(const struct agg *a)
{
	return a->nkeys;
}

uint64_t agg_folded(const struct agg *a)
{
	return a->folded;
}

const struct agg_row *agg_other(const struct agg *a)
{
	return &a->other;
}
