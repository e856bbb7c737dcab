// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compressed trace.dat version 7 files (trace-cmd's default since 3.0), as trace-cmd's
 * Documentation/trace-cmd/trace-cmd.dat.v7.5.txt lays them out. A compressed section holds,
 * after its header, the size of its compressed data, the size of the data decompressed and
 * the compressed bytes (one zstd or zlib block). Each CPU's flyrecord data is a count of
 * chunks, then for each chunk the same two sizes and its bytes. Everything is decompressed
 * into memory the td_file owns, so that the rest of the reader sees an uncompressed file.
 * Every size is bounded before anything is allocated for it (a block at most 64 MiB, all of
 * them at most 1 GiB), and a block must decompress to exactly the size it declares.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "tracedat-int.h"
#include "tracedat/tracedat.h"
#include "base/util.h"

#define MAX_BLOCK (64u << 20)
#define MAX_TOTAL (1ull << 30)

enum codec { CODEC_ZSTD = 1, CODEC_ZLIB };

/* A section decompressed. */
struct zbuf {
	struct zbuf	*next;
	uint8_t		data[];
};

struct td_z {
	enum codec	codec;
	bool		cpus;		/* the flyrecord data is compressed */
	uint64_t	total;		/* bytes decompressed so far */
	struct zbuf	*bufs;
	uint8_t		*cpu_data;	/* every CPU's data, one after the other */
	size_t		cpu_used, cpu_cap;
	ZSTD_DCtx	*dctx;		/* made once, for every zstd block */
};

int td_z_open(struct td_file *f, struct cur *c, const char *name, const char *version)
{
	enum codec codec;

	if (!strcmp(name, "zstd")) {
		codec = CODEC_ZSTD;
	} else if (!strcmp(name, "zlib")) {
		codec = CODEC_ZLIB;
	} else {
		c->unsupported = true;
		return td_fail(c, "compressed with %.32s%s%.32s, which ftnet does not read (it reads zstd and zlib): 'trace-cmd convert --compression none -i FILE -o FILE2' (or --file-version 6) writes it uncompressed",
			       name, *version ? " " : "", version);
	}
	f->z = xcalloc(1, sizeof(*f->z));
	f->z->codec = codec;
	return 0;
}

void td_z_free(struct td_file *f)
{
	struct td_z *z = f->z;

	if (!z)
		return;
	while (z->bufs) {
		struct zbuf *b = z->bufs;

		z->bufs = b->next;
		free(b);
	}
	free(z->cpu_data);
	ZSTD_freeDCtx(z->dctx);
	free(z);
	f->z = NULL;
}

/* Room for a block of size bytes: within the bounds, said about what when not. */
static int bounded(struct td_z *z, struct cur *c, const char *what, uint32_t size)
{
	if (size > MAX_BLOCK)
		return td_fail(c, "%s: declares %u bytes decompressed, over the %u MiB a block may have (a corrupt file?)",
			       what, size, MAX_BLOCK >> 20);
	if (size > MAX_TOTAL - z->total)
		return td_fail(c, "%s: the file's data decompressed would pass %llu MiB, more than ftnet reads: 'trace-cmd convert --compression none' writes it uncompressed",
			       what, MAX_TOTAL >> 20);
	return 0;
}

/* in[0..n) decompressed into out, which must come out exactly size bytes long. */
static int inflate_block(struct td_z *z, struct cur *c, const char *what, const uint8_t *in,
			 size_t n, uint8_t *out, uint32_t size)
{
	const char *codec = z->codec == CODEC_ZSTD ? "zstd" : "zlib";
	size_t got;

	if (z->codec == CODEC_ZSTD) {
		size_t r;

		if (!z->dctx && !(z->dctx = ZSTD_createDCtx()))
			return td_fail(c, "%s: cannot make a zstd context: out of memory", what);
		r = ZSTD_decompressDCtx(z->dctx, out, size, in, n);
		if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
			return td_fail(c, "%s: decompresses to more than the %u bytes declared",
				       what, size);
		if (ZSTD_isError(r))
			return td_fail(c, "%s: corrupt zstd data (%s)", what, ZSTD_getErrorName(r));
		got = r;
	} else {
		uLongf len = size;
		int r = uncompress(out, &len, in, (uLong)n);

		if (r != Z_OK)
			return td_fail(c, "%s: corrupt zlib data, or not the %u bytes declared (%s)",
				       what, size, zError(r));
		got = len;
	}
	if (got != size)
		return td_fail(c, "%s: decompresses to %zu bytes, not the %u declared (%s)", what,
			       got, size, codec);
	z->total += size;
	return 0;
}

int td_z_section(struct td_file *f, struct cur *s, uint16_t id)
{
	uint32_t zsize, size;
	const uint8_t *in;
	struct zbuf *b;

	if (!f->z)
		return td_fail(s, "%s is compressed, but the file says it is not", s->section);
	if (id == TD_OPT_BUFFER) {
		f->z->cpus = true;
		return 0;
	}
	if (td_get_u32(s, &zsize) || td_get_u32(s, &size) ||
	    bounded(f->z, s, s->section, size) || !(in = td_take(s, zsize)))
		return -EINVAL;
	b = xmalloc(sizeof(*b) + size);
	b->next = f->z->bufs;
	f->z->bufs = b;
	if (inflate_block(f->z, s, s->section, in, zsize, b->data, size))
		return -EINVAL;
	s->p = b->data;
	s->len = size;
	s->off = 0;
	return 0;
}

/* The chunks of one CPU's data (k: from where they begin) appended to z->cpu_data. */
static int cpu_chunks(struct td_z *z, struct cur *k, int cpu)
{
	char what[64];
	uint32_t n;

	snprintf(what, sizeof(what), "the data of CPU %d", cpu);
	k->section = what;
	if (td_get_u32(k, &n))
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t zsize, size;
		const uint8_t *in;

		snprintf(what, sizeof(what), "chunk %u of CPU %d", i, cpu);
		if (td_get_u32(k, &zsize) || td_get_u32(k, &size) || bounded(z, k, what, size) ||
		    !(in = td_take(k, zsize)))
			return -EINVAL;
		if (size >= z->cpu_cap - z->cpu_used) {	/* doubled up to the bound; never NULL */
			size_t want = z->cpu_used + size + 1, cap = 2 * z->cpu_cap;

			cap = cap > MAX_TOTAL ? MAX_TOTAL : cap;
			z->cpu_cap = cap > want ? cap : want;
			z->cpu_data = xrealloc(z->cpu_data, z->cpu_cap);
		}
		if (inflate_block(z, k, what, in, zsize, z->cpu_data + z->cpu_used, size))
			return -EINVAL;
		z->cpu_used += size;
	}
	return 0;
}

bool td_z_inflated(const struct td_file *f)
{
	return f->z && f->z->cpus;
}

int td_z_cpus(struct td_file *f, struct cur *c)
{
	struct td_z *z = f->z;

	if (!z || !z->cpus)
		return 0;
	for (int i = 0; i < f->ncpus; i++) {
		struct td_cpu *d = &f->cpus[i];
		struct cur k = *c;
		size_t start = z->cpu_used;

		if (!d->size)
			continue;
		if (d->offset > f->len || d->size > f->len - d->offset)
			return td_fail(c, "the data of CPU %d (%llu bytes at %llu) lies past the end of the file (%zu bytes): the file is truncated",
				       i, (unsigned long long)d->size,
				       (unsigned long long)d->offset, f->len);
		/* the chunks say where they end: trace-cmd before 3.2 wrote sizes 4 bytes short */
		k.p = f->data;
		k.off = (size_t)d->offset;
		k.len = f->len;
		if (cpu_chunks(z, &k, i))
			return -EINVAL;
		d->offset = start;
		d->size = z->cpu_used - start;
	}
	f->data = z->cpu_data;
	f->len = z->cpu_used;
	return 0;
}
