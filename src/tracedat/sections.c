// SPDX-License-Identifier: GPL-2.0-or-later
/* What both versions of trace.dat share: a cursor over the bytes, the headers, formats, options. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tracedat-int.h"
#include "tracedat/tracedat.h"
#include "base/util.h"

int td_fail(struct cur *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err[0])
		return -EINVAL;	/* the first problem is the one to report */
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

const uint8_t *td_take(struct cur *c, uint64_t n)
{
	const uint8_t *p;

	if (n > c->len - c->off) {
		td_fail(c, "truncated in %s (at byte %zu, %llu more needed, %zu left)", c->section,
		     c->off, (unsigned long long)n, c->len - c->off);
		return NULL;
	}
	p = c->p + c->off;
	c->off += n;
	return p;
}

bool td_host_big_endian(void)
{
	const uint16_t one = 1;
	uint8_t b;

	memcpy(&b, &one, 1);
	return b == 0;
}

static uint64_t swap64(uint64_t v)
{
	return __builtin_bswap64(v);
}

int td_get_u16(struct cur *c, uint16_t *v)
{
	const uint8_t *p = td_take(c, 2);

	if (!p)
		return -EINVAL;
	memcpy(v, p, 2);
	if (c->swap)
		*v = __builtin_bswap16(*v);
	return 0;
}

int td_get_u32(struct cur *c, uint32_t *v)
{
	const uint8_t *p = td_take(c, 4);

	if (!p)
		return -EINVAL;
	memcpy(v, p, 4);
	if (c->swap)
		*v = __builtin_bswap32(*v);
	return 0;
}

int td_get_u64(struct cur *c, uint64_t *v)
{
	const uint8_t *p = td_take(c, 8);

	if (!p)
		return -EINVAL;
	memcpy(v, p, 8);
	if (c->swap)
		*v = swap64(*v);
	return 0;
}

/* A size (4 or 8 bytes wide) and the bytes it counts. */
int td_get_blob(struct cur *c, int width, struct td_blob *b)
{
	uint64_t n;
	uint32_t n32;

	if (width == 4 ? td_get_u32(c, &n32) : td_get_u64(c, &n))
		return -EINVAL;
	if (width == 4)
		n = n32;
	b->data = (const char *)td_take(c, n);
	b->len = (size_t)n;
	return b->data ? 0 : -EINVAL;
}

/* A NUL-terminated name of at most MAX_NAME bytes. */
const char *td_get_name(struct cur *c)
{
	size_t left = c->len - c->off, max = left < MAX_NAME ? left : MAX_NAME;
	const uint8_t *nul = memchr(c->p + c->off, '\0', max);

	if (!nul) {
		td_fail(c, "%s in %s (at byte %zu)", max == left ? "truncated" : "a name too long",
		     c->section, c->off);
		return NULL;
	}
	return (const char *)td_take(c, (size_t)(nul - (c->p + c->off)) + 1);
}

int td_expect(struct cur *c, const char *word, size_t n)
{
	const uint8_t *p = td_take(c, n);

	if (p && memcmp(p, word, n))
		return td_fail(c, "'%s' expected at byte %zu, in %s", word, c->off - n, c->section);
	return p ? 0 : -EINVAL;
}

/*
 * An event's format, rewritten first (fmt.c): libtraceevent gets only text of the
 * strict shape. Like trace-cmd, a format that cannot be read is skipped, not an error.
 */
static int parse_format(struct cur *c, struct tep_handle *tep, const char *sys)
{
	struct td_blob b;
	size_t len;
	char *text;

	if (td_get_blob(c, 8, &b))
		return -EINVAL;
	if (!tep || td_format_clean(b.data, b.len, &text, &len) < 0)
		return 0;
	tep_parse_event(tep, text, len, sys);
	free(text);
	return 0;
}

int td_parse_header(struct td_file *f, struct cur *c)
{
	const uint8_t *p;
	char version[8];
	const char *v;
	uint32_t ps;

	c->section = "the file's header";
	p = td_take(c, 10);
	if (!p || memcmp(p, "\027\010\104tracing", 10))
		return td_fail(c, "not a trace.dat file: it does not begin with trace-cmd's magic bytes");
	v = td_get_name(c);
	if (!v)
		return -EINVAL;
	snprintf(version, sizeof(version), "%s", v);
	f->version = atoi(version);
	if (f->version != 6 && f->version != 7)
		return td_fail(c, "version '%s' is not one ftnet reads (6 or 7)", version);
	p = td_take(c, 2);
	if (!p)
		return -EINVAL;
	if (p[0] > 1 || (p[1] != 4 && p[1] != 8))
		return td_fail(c, "bad byte order (%u) or long size (%u) in the header", p[0], p[1]);
	f->big_endian = p[0];
	f->long_size = p[1];
	c->swap = f->big_endian != td_host_big_endian();
	if (td_get_u32(c, &ps))
		return -EINVAL;
	if (ps < 256 || ps > (1u << 24) || (ps & (ps - 1)))
		return td_fail(c, "page size %u is not a power of two from 256 to 16M", ps);
	f->page_size = (int)ps;
	return 0;
}

int td_parse_headers(struct td_file *f, struct cur *c)
{
	struct td_blob b;

	c->section = "header_page";
	if (td_expect(c, "header_page", 12) || td_get_blob(c, 8, &b))
		return -EINVAL;
	if (!b.len)
		return td_fail(c, "the file has no header_page: a kernel older than ftnet reads");
	f->long_size = td_header_long_size(b.data, b.len);
	if (f->long_size < 0)
		return td_fail(c, "header_page does not describe a page header ftnet reads");
	c->section = "header_event";
	if (td_expect(c, "header_event", 13) || td_get_blob(c, 8, &b))
		return -EINVAL;
	return 0;
}

int td_parse_ftrace(struct td_file *f, struct cur *c)
{
	uint32_t n;

	c->section = "the ftrace event formats";
	if (td_get_u32(c, &n))
		return -EINVAL;
	if (n > MAX_FORMATS)
		return td_fail(c, "%u ftrace event formats: too many", n);
	for (uint32_t i = 0; i < n; i++)	/* kernel_stack: the stacks of record -g */
		if (parse_format(c, f->tep, "ftrace"))
			return -EINVAL;
	return 0;
}

int td_parse_systems(struct td_file *f, struct cur *c)
{
	uint32_t n, nsys;

	c->section = "the event formats";
	if (td_get_u32(c, &nsys))
		return -EINVAL;
	if (nsys > MAX_SYSTEMS)
		return td_fail(c, "%u event systems: too many", nsys);
	for (uint32_t s = 0; s < nsys; s++) {
		const char *sys = td_get_name(c);

		if (!sys || td_get_u32(c, &n))
			return -EINVAL;
		if (n > MAX_FORMATS)
			return td_fail(c, "%u formats in system '%.64s': too many", n, sys);
		for (uint32_t i = 0; i < n; i++)
			if (parse_format(c, f->tep, sys))
				return -EINVAL;
	}
	return 0;
}

/*
 * Every fixed field within a page: a record's fields are then read inside the page buffer
 * and its one page of slack, whatever the record's size says.
 */
int td_check_fields(struct td_file *f, struct cur *c)
{
	struct tep_event **ev = tep_list_events(f->tep, TEP_EVENT_SORT_ID);

	for (int i = 0; ev && ev[i]; i++) {
		struct tep_format_field *fl = ev[i]->format.common_fields;

		for (int pass = 0; pass < 2; pass++, fl = ev[i]->format.fields) {
			for (; fl; fl = fl->next) {
				long long end = (long long)fl->offset + fl->size;

				if (fl->offset < 0 || fl->size < 0 || end > f->page_size)
					return td_fail(c, "field '%.64s' of event '%.64s' lies outside a page (offset %d, size %d)",
						       fl->name, ev[i]->name, fl->offset, fl->size);
			}
		}
	}
	return 0;
}

void td_option_clock(struct td_file *f, const char *text, size_t len)
{
	const char *open = memchr(text, '[', len), *close;

	if (!open)
		return;
	close = memchr(open, ']', len - (size_t)(open - text));
	if (close && (size_t)(close - open - 1) < sizeof(f->clock))
		snprintf(f->clock, sizeof(f->clock), "%.*s", (int)(close - open - 1), open + 1);
}

void td_option(struct td_file *f, uint16_t id, const struct td_blob *b)
{
	if (id == TD_OPT_TRACECLOCK)
		td_option_clock(f, b->data, b->len);
	else if (id == TD_OPT_UNAME && b->len)
		snprintf(f->uname, sizeof(f->uname), "%.*s", (int)strnlen(b->data, b->len),
			 b->data);
	else if (id == TD_OPT_VERSION && b->len)
		snprintf(f->writer, sizeof(f->writer), "%.*s", (int)strnlen(b->data, b->len),
			 b->data);
}

/*
 * Options until DONE; *clock is set when the clock follows the CPU table, *named to where the
 * first instance's CPU table is ('trace-cmd extract -B NAME' leaves the top buffer empty).
 */
int td_parse_options(struct td_file *f, struct cur *c, bool *clock, uint64_t *named)
{
	c->section = "the options";
	for (;;) {
		struct td_blob b;
		uint16_t id;

		if (td_get_u16(c, &id))
			return -EINVAL;
		if (id == TD_OPT_DONE)
			return 0;
		if (td_get_blob(c, 4, &b))
			return -EINVAL;
		*clock |= id == TD_OPT_TRACECLOCK;
		if (id == TD_OPT_BUFFER && b.len > 9 && b.data[8] && !*named) {
			memcpy(named, b.data, 8);
			*named = c->swap ? __builtin_bswap64(*named) : *named;
			snprintf(f->buffer, sizeof(f->buffer), "%.*s",
				 (int)strnlen(b.data + 8, b.len - 8), b.data + 8);
		}
		td_option(f, id, &b);
	}
}

/* "flyrecord" and the table of each CPU's data (offset, size). */
int td_cpu_table(struct td_file *f, struct cur *c)
{
	const uint8_t *w = td_take(c, 10);

	if (w && memcmp(w, "flyrecord", 10))
		return td_fail(c, "neither 'flyrecord' nor 'latency' at byte %zu", c->off - 10);
	if (!w)
		return -EINVAL;
	c->section = "the CPU table";
	f->flyrecord = c->off;
	for (int i = 0; i < f->ncpus; i++)
		if (td_get_u64(c, &f->cpus[i].offset) || td_get_u64(c, &f->cpus[i].size))
			return -EINVAL;
	return 0;
}

/* The top buffer's CPUs, or an instance's when the top one holds nothing. */
int td_named_buffer(struct td_file *f, struct cur *c, uint64_t at)
{
	for (int i = 0; i < f->ncpus; i++)
		if (f->cpus[i].size || !at)
			return 0;
	if (at > c->len)
		return td_fail(c, "the data of instance '%s' lies past the end of the file",
			       f->buffer);
	c->off = (size_t)at;
	c->section = "an instance's CPU table";
	return td_cpu_table(f, c);
}

static int cmp_cpu(const void *a, const void *b)
{
	const struct td_cpu *x = *(struct td_cpu *const *)a, *y = *(struct td_cpu *const *)b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Each CPU's data within the file, whole pages, no two overlapping. */
int td_check_cpus(struct td_file *f, struct cur *c)
{
	struct td_cpu **by = xcalloc((size_t)f->ncpus, sizeof(*by));
	int n = 0, ret = 0;

	for (int i = 0; i < f->ncpus && !ret; i++) {
		struct td_cpu *d = &f->cpus[i];

		if (!d->size)
			continue;
		if (d->offset > f->len || d->size > f->len - d->offset)
			ret = td_fail(c, "the data of CPU %d (%llu bytes at %llu) lies past the end of the file (%zu bytes): the file is truncated",
				      i, (unsigned long long)d->size, (unsigned long long)d->offset,
				      f->len);
		else if (d->size % (uint64_t)f->page_size)
			ret = td_fail(c, "the data of CPU %d is not a whole number of pages", i);
		by[n++] = d;
	}
	if (!ret)
		qsort(by, (size_t)n, sizeof(*by), cmp_cpu);
	for (int i = 1; i < n && !ret; i++)
		if (by[i - 1]->offset + by[i - 1]->size > by[i]->offset)
			ret = td_fail(c, "the data of two CPUs overlap in the file");
	free(by);
	return ret;
}
