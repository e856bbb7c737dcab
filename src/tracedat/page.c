// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pages of a trace.dat: each CPU's pages walked record by record (the ring buffer's
 * layout, as kbuffer reads it, but with every length checked against the page's data), and
 * the CPUs merged into one stream in time order for a reader's sink.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracedat-int.h"
#include "tracedat/tracedat.h"
#include "base/util.h"

#define MISSED_EVENTS (1ull << 31)
#define MISSED_STORED (1ull << 30)
#define COMMIT_MASK ((1ull << 27) - 1)
#define TS_MSB (0xf8ull << 56)

enum { RB_PADDING = 29, RB_TIME_EXTEND = 30, RB_TIME_STAMP = 31 };

struct tdcur {
	const struct td_file	*f;
	uint8_t			*buf;		/* one page and a page of zeroed slack */
	uint64_t		page, npages;
	uint64_t		ts;		/* of the last record read */
	uint32_t		commit, pos;	/* bytes of data in the page, where we are */
	int			cpu;
	bool			loaded;
	/* the next item: a record (data) or a loss marker (lost, data NULL) */
	bool			have;
	uint64_t		head_ts, head_lost;
	void			*head_data;
	int			head_size;
};

struct td_reader {
	const struct td_file	*f;
	struct tdcur		*cur;
	int			ncur;
	uint64_t		records, lost, last_ts;
	bool			started;
	int			failed;		/* -EINVAL once a page was corrupt */
	char			err[TD_ERRLEN];
};

static bool swapped(const struct td_file *f)
{
	const uint16_t one = 1;
	uint8_t b;

	memcpy(&b, &one, 1);
	return f->big_endian != (b == 0);
}

static uint32_t rd32(const struct td_file *f, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swapped(f) ? __builtin_bswap32(v) : v;
}

static uint64_t rd64(const struct td_file *f, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return swapped(f) ? __builtin_bswap64(v) : v;
}

static uint64_t rdlong(const struct td_file *f, const uint8_t *p)
{
	return f->long_size == 4 ? rd32(f, p) : rd64(f, p);
}

static int hdr_size(const struct td_file *f)
{
	return 8 + f->long_size;
}

static int corrupt(struct tdcur *c, char *err, size_t errlen, const char *what)
{
	if (!c->f->cpus) {	/* a page alone (td_page_count) */
		snprintf(err, errlen, "%s", what);
		return -EINVAL;
	}
	snprintf(err, errlen, "page %llu of CPU %d (byte %llu of the %s): %s",
		 (unsigned long long)c->page, c->cpu,
		 (unsigned long long)(c->f->cpus[c->cpu].offset + c->page * c->f->page_size),
		 td_z_inflated(c->f) ? "CPU data decompressed" : "file", what);
	return -EINVAL;
}

/* Loads the next page; a page that says events were missed gives a loss marker first. */
static int page_load(struct tdcur *c, char *err, size_t errlen)
{
	const struct td_file *f = c->f;
	size_t ps = (size_t)f->page_size, hs = (size_t)hdr_size(f);
	uint64_t flags;

	memcpy(c->buf, f->data + f->cpus[c->cpu].offset + c->page * ps, ps);
	c->ts = rd64(f, c->buf);
	flags = rdlong(f, c->buf + 8);
	c->commit = (uint32_t)(flags & COMMIT_MASK);
	c->pos = 0;
	c->loaded = true;
	if (c->commit > ps - hs)
		return corrupt(c, err, errlen, "its data is longer than a page");
	if (!(flags & MISSED_EVENTS))
		return 0;
	c->have = true;
	c->head_ts = c->ts;
	c->head_data = NULL;
	c->head_lost = 0;	/* an unknown number */
	if ((flags & MISSED_STORED) && c->commit + (size_t)f->long_size <= ps - hs)
		c->head_lost = rdlong(f, c->buf + hs + c->commit);
	if (!c->head_lost)
		c->head_lost = UINT64_MAX;
	return 0;
}

/* The ring buffer's event header: type_len in 5 bits, the time delta in the other 27. */
static void event_word(const struct td_file *f, uint32_t w, uint32_t *type_len, uint32_t *delta)
{
	if (f->big_endian) {
		*type_len = w >> 27;
		*delta = w & ((1u << 27) - 1);
	} else {
		*type_len = w & 31;
		*delta = w >> 5;
	}
}

/*
 * The next record of the loaded page into the head: 1, 0 at the page's end, -EINVAL when a
 * length points outside the data. Time extensions, stamps and padding are read as kbuffer does.
 */
static int page_next(struct tdcur *c, char *err, size_t errlen)
{
	const struct td_file *f = c->f;
	uint8_t *data = c->buf + hdr_size(f);

	while (c->pos < c->commit) {
		uint32_t left = c->commit - c->pos, w, type_len, delta, len, hlen = 4, ext;

		if (left < 4)
			return corrupt(c, err, errlen, "a record header is cut by the page's end");
		w = rd32(f, data + c->pos);
		event_word(f, w, &type_len, &delta);
		ext = left >= 8 ? rd32(f, data + c->pos + 4) : 0;
		if (type_len == 0 || type_len >= RB_PADDING) {
			if (left < 8)
				return corrupt(c, err, errlen, "a record is cut by the page's end");
			hlen = 8;
		}
		if (type_len == RB_TIME_EXTEND || type_len == RB_TIME_STAMP) {
			uint64_t t = ((uint64_t)ext << 27) + delta;

			c->ts = type_len == RB_TIME_STAMP ? t | (c->ts & TS_MSB) : c->ts + t;
			c->pos += 8;
			continue;
		}
		if (type_len == RB_PADDING) {
			len = ext;	/* a discarded record: its length follows the header */
			hlen = 4;
		} else if (type_len == 0) {
			if (ext < 4)
				return corrupt(c, err, errlen, "a record has a length under 4 bytes");
			len = (ext - 4 + 3) & ~3u;
		} else {
			len = type_len * 4;
		}
		if (len > left - hlen)
			return corrupt(c, err, errlen, "a record runs past the page's data");
		c->ts += delta;
		if (type_len == RB_PADDING) {
			c->pos += hlen + len;
			if (!len && !delta)
				c->pos = c->commit;	/* the rest of the page is empty */
			continue;
		}
		c->head_ts = c->ts;
		c->head_data = data + c->pos + hlen;
		c->head_size = (int)len;
		c->pos += hlen + len;
		c->have = true;
		return 1;
	}
	return 0;
}

/* Fills the head with the CPU's next item; c->have false at the end. 0 or -EINVAL. */
static int cur_advance(struct tdcur *c, char *err, size_t errlen)
{
	c->have = false;
	while (c->page < c->npages) {
		int ret;

		if (!c->loaded) {
			ret = page_load(c, err, errlen);
			if (ret || c->have)
				return ret;
		}
		ret = page_next(c, err, errlen);
		if (ret)
			return ret < 0 ? ret : 0;
		c->loaded = false;
		c->page++;
	}
	return 0;
}

int td_page_count(const void *page, int size, int long_size)
{
	const uint16_t one = 1;
	struct td_file f = { .long_size = long_size, .page_size = size };
	struct tdcur c = { .f = &f, .buf = (uint8_t *)page };
	char err[8];
	uint8_t low;
	int n = 0;

	memcpy(&low, &one, 1);
	f.big_endian = low == 0;
	if ((long_size != 4 && long_size != 8) || size < hdr_size(&f))
		return -EINVAL;
	c.commit = (uint32_t)(rdlong(&f, c.buf + 8) & COMMIT_MASK);
	if (c.commit > (uint32_t)(size - hdr_size(&f)))
		return -EINVAL;
	while (page_next(&c, err, sizeof(err)) == 1)
		n++;
	return n;
}

struct td_reader *td_reader_new(const struct td_file *f)
{
	struct td_reader *r = xcalloc(1, sizeof(*r));

	r->f = f;
	r->cur = xcalloc((size_t)f->ncpus, sizeof(*r->cur));
	for (int i = 0; i < f->ncpus; i++) {
		struct tdcur *c;

		if (!f->cpus[i].size)
			continue;
		c = &r->cur[r->ncur++];
		c->f = f;
		c->cpu = i;
		c->npages = f->cpus[i].size / (uint64_t)f->page_size;
		/* allocated per CPU with data: the file holds at least that much */
		c->buf = xcalloc(2, (size_t)f->page_size);
	}
	return r;
}

void td_reader_free(struct td_reader *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->ncur; i++)
		free(r->cur[i].buf);
	free(r->cur);
	free(r);
}

static int start(struct td_reader *r)
{
	r->started = true;
	for (int i = 0; i < r->ncur && !r->failed; i++)
		r->failed = cur_advance(&r->cur[i], r->err, sizeof(r->err));
	return r->failed;
}

static struct tdcur *earliest(struct td_reader *r)
{
	struct tdcur *best = NULL;

	for (int i = 0; i < r->ncur; i++)
		if (r->cur[i].have && (!best || r->cur[i].head_ts < best->head_ts))
			best = &r->cur[i];
	return best;
}

static void deliver(struct td_reader *r, struct tdcur *c, const struct reader_sink *sink)
{
	struct tep_record rec;

	r->last_ts = c->head_ts;
	if (!c->head_data) {
		uint64_t n = c->head_lost == UINT64_MAX ? 0 : c->head_lost;

		r->lost += n;
		sink->lost(sink->ctx, c->cpu, n, c->head_ts);
		return;
	}
	memset(&rec, 0, sizeof(rec));
	rec.ts = c->head_ts;
	rec.cpu = c->cpu;
	rec.data = c->head_data;
	rec.size = c->head_size;
	r->records++;
	sink->record(sink->ctx, &rec);
}

long td_read(struct td_reader *r, uint64_t until_ts, long max, const struct reader_sink *sink,
	     char *err, size_t errlen)
{
	long n = 0;

	if (!r->started)
		start(r);
	while (!r->failed && n < max) {
		struct tdcur *c = earliest(r);

		if (!c || c->head_ts >= until_ts)
			break;
		deliver(r, c, sink);
		n++;
		r->failed = cur_advance(c, r->err, sizeof(r->err));
	}
	if (r->failed) {
		snprintf(err, errlen, "%s", r->err);
		return r->failed;
	}
	return n;
}

uint64_t td_next_ts(struct td_reader *r)
{
	struct tdcur *c;

	if (!r->started)
		start(r);
	c = r->failed ? NULL : earliest(r);
	return c ? c->head_ts : UINT64_MAX;
}

uint64_t td_last_ts(const struct td_reader *r)
{
	return r->last_ts;
}

uint64_t td_records(const struct td_reader *r)
{
	return r->records;
}

uint64_t td_lost(const struct td_reader *r)
{
	return r->lost;
}
