// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trace.dat version 7 (trace-cmd's Documentation/trace-cmd/trace-cmd.dat.v7.5.txt): the same
 * sections as version 6, found through chained option sections, each behind a header with
 * its size. Compressed sections (zstd, zlib) are read decompressed (src/tracedat/z.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracedat-int.h"
#include "tracedat/tracedat.h"
#include "base/util.h"

#define MAX_OPTION_SECTIONS 64
#define SECTION_COMPRESSED 1
#define WORD "abcdefghijklmnopqrstuvwxyz0123456789_-"

enum { ID_HEADER_INFO = 16, ID_FTRACE, ID_FORMATS, ID_KALLSYMS, ID_PRINTK, ID_CMDLINES,
       ID_LAST };

struct v7 {
	uint64_t	at[ID_LAST];	/* where each section is, from the options */
	bool		buffer;		/* the top instance's BUFFER option was read */
	struct td_blob	named;		/* the first instance's, read when the top one is not */
	struct cur	named_at;
};

static uint64_t blob64(const struct cur *c, const struct td_blob *b)
{
	uint64_t v = 0;

	if (b->len >= 8)
		memcpy(&v, b->data, 8);
	return c->swap ? __builtin_bswap64(v) : v;
}

/* A cursor over the section at off, which must be want: bounded by its size, decompressed. */
static int section(struct td_file *f, const struct cur *c, uint64_t off, uint16_t want,
		   const char *what, struct cur *s)
{
	uint16_t id, flags;
	uint32_t name;
	uint64_t size;

	*s = *c;
	s->p = f->data;
	s->len = f->len;
	s->section = what;
	if (off > s->len)
		return td_fail(s, "%s lies past the end of the file (at byte %llu)", what,
			       (unsigned long long)off);
	s->off = (size_t)off;
	if (td_get_u16(s, &id) || td_get_u16(s, &flags) || td_get_u32(s, &name) ||
	    td_get_u64(s, &size))
		return -EINVAL;
	if (id != want)
		return td_fail(s, "the section at byte %llu is not %s", (unsigned long long)off,
			       what);
	if (size > s->len - s->off)
		return td_fail(s, "truncated in %s (%llu bytes at %zu, the file has %zu)", what,
			       (unsigned long long)size, s->off, s->len);
	s->len = s->off + (size_t)size;
	return flags & SECTION_COMPRESSED ? td_z_section(f, s, id) : 0;
}

/* One CPU of a BUFFER option: its data's place in f->cpus. */
static int buffer_cpu(struct td_file *f, struct cur *b, int *max)
{
	uint64_t off, size;
	uint32_t cpu;

	if (td_get_u32(b, &cpu) || td_get_u64(b, &off) || td_get_u64(b, &size))
		return -EINVAL;
	if (cpu >= TD_MAX_CPUS)
		return td_fail(b, "CPU %u: more than %d CPUs", cpu, TD_MAX_CPUS);
	if (f->cpus[cpu].offset || f->cpus[cpu].size)
		return td_fail(b, "CPU %u is given twice", cpu);
	f->cpus[cpu].offset = off;
	f->cpus[cpu].size = size;
	if ((int)cpu + 1 > *max)
		*max = (int)cpu + 1;
	return 0;
}

/*
 * The top instance's data: its flyrecord section, clock, page size and CPUs. Another
 * instance's is kept for later ('trace-cmd extract -B NAME' writes only that one), and read
 * when named is set.
 */
static int buffer_option(struct td_file *f, const struct cur *c, const struct td_blob *o,
			 struct v7 *v, bool named)
{
	struct cur b = *c, sec;
	const char *name, *clock;
	uint32_t ps, n;
	uint64_t at;
	int max = 0;

	b.p = (const uint8_t *)o->data;
	b.len = o->len;
	b.off = 0;
	b.section = "the BUFFER option";
	if (td_get_u64(&b, &at) || !(name = td_get_name(&b)) || !(clock = td_get_name(&b)) ||
	    td_get_u32(&b, &ps) || td_get_u32(&b, &n))
		return -EINVAL;
	if (!*name && !n && !named)
		return 0;	/* 'trace-cmd extract -B NAME' (3.1): an empty top buffer */
	if (v->buffer || (*name && !named)) {
		if (*name && !v->named.data) {
			v->named = *o;
			v->named_at = *c;
		}
		return 0;
	}
	snprintf(f->buffer, sizeof(f->buffer), "%s", name);
	if (ps < 256 || ps > (1u << 24) || (ps & (ps - 1)) || n > TD_MAX_CPUS)
		return td_fail(&b, "page size %u or CPU count %u out of range", ps, n);
	f->page_size = (int)ps;
	snprintf(f->clock, sizeof(f->clock), "%s", clock);
	f->cpus = xcalloc(TD_MAX_CPUS, sizeof(*f->cpus));
	for (uint32_t i = 0; i < n; i++)
		if (buffer_cpu(f, &b, &max))
			return -EINVAL;
	f->ncpus = max ? max : 1;
	v->buffer = true;
	f->flyrecord = at;
	return section(f, c, at, TD_OPT_BUFFER, "the flyrecord section", &sec);
}

static int one_option(struct td_file *f, struct cur *c, uint16_t id, const struct td_blob *b,
		      struct v7 *v)
{
	if (id >= ID_HEADER_INFO && id < ID_LAST) {
		if (b->len < 8)
			return td_fail(c, "option %u is too short", id);
		v->at[id] = blob64(c, b);
		return 0;
	}
	if (id == TD_OPT_BUFFER)
		return buffer_option(f, c, b, v, false);
	td_option(f, id, b);
	return 0;
}

/* Every options section, from the first to the one whose DONE points nowhere. */
static int options(struct td_file *f, struct cur *c, uint64_t off, struct v7 *v)
{
	for (int n = 0; off; n++) {
		struct cur s;

		if (n == MAX_OPTION_SECTIONS)
			return td_fail(c, "more than %d option sections (a loop?)", n);
		if (section(f, c, off, TD_OPT_DONE, "an options section", &s))
			return -EINVAL;
		for (;;) {
			struct td_blob b;
			uint16_t id;

			if (td_get_u16(&s, &id) || td_get_blob(&s, 4, &b))
				return -EINVAL;
			if (id == TD_OPT_DONE) {
				if (b.len < 8)
					return td_fail(&s, "the last option is too short");
				off = blob64(c, &b);
				break;
			}
			if (one_option(f, &s, id, &b, v))
				return -EINVAL;
		}
	}
	return 0;
}

/* The sections the options point at, as version 6 lays them out one after the other. */
static int sections(struct td_file *f, struct cur *c, const struct v7 *v)
{
	struct cur s;

	if (!v->at[ID_HEADER_INFO] || !v->buffer)
		return td_fail(c, "the file has no %s", !v->buffer ? "trace data (no BUFFER option)"
								   : "header_page section");
	if (section(f, c, v->at[ID_HEADER_INFO], ID_HEADER_INFO, "the headers", &s) ||
	    td_parse_headers(f, &s))
		return -EINVAL;
	if (v->at[ID_FTRACE] && (section(f, c, v->at[ID_FTRACE], ID_FTRACE, "the ftrace formats",
					 &s) || td_parse_ftrace(f, &s)))
		return -EINVAL;
	if (v->at[ID_FORMATS] && (section(f, c, v->at[ID_FORMATS], ID_FORMATS,
					  "the event formats", &s) || td_parse_systems(f, &s)))
		return -EINVAL;
	if (td_check_fields(f, c))
		return -EINVAL;
	if (v->at[ID_KALLSYMS] && (section(f, c, v->at[ID_KALLSYMS], ID_KALLSYMS, "kallsyms", &s) ||
				   td_get_blob(&s, 4, &f->kallsyms)))
		return -EINVAL;
	if (v->at[ID_PRINTK] && (section(f, c, v->at[ID_PRINTK], ID_PRINTK, "the printk formats",
					 &s) || td_get_blob(&s, 4, &f->printk)))
		return -EINVAL;
	if (v->at[ID_CMDLINES] && (section(f, c, v->at[ID_CMDLINES], ID_CMDLINES,
					   "the command lines", &s) ||
				   td_get_blob(&s, 8, &f->cmdlines)))
		return -EINVAL;
	return td_z_cpus(f, c) || td_check_cpus(f, c) ? -EINVAL : 0;
}

int td_parse_v7(struct td_file *f, struct cur *c)
{
	struct v7 v;
	const char *name, *version;
	uint64_t first;

	memset(&v, 0, sizeof(v));
	c->section = "the compression header";
	name = td_get_name(c);
	version = name ? td_get_name(c) : NULL;
	if (!version)
		return -EINVAL;
	if (!*name || strlen(name) > 32 || strspn(name, WORD) < strlen(name) ||
	    strlen(version) > 32 || strspn(version, WORD ".") < strlen(version))
		return td_fail(c, "not a version 7 file: its compression header is unreadable");
	if (strcmp(name, "none") && td_z_open(f, c, name, version))
		return -EINVAL;
	if (td_get_u64(c, &first))
		return -EINVAL;
	if (!first)
		return td_fail(c, "the file has no options section");
	if (options(f, c, first, &v))
		return -EINVAL;
	if (!v.buffer && v.named.data && buffer_option(f, &v.named_at, &v.named, &v, true))
		return -EINVAL;
	return sections(f, c, &v);
}
