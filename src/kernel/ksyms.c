// SPDX-License-Identifier: GPL-2.0-or-later
/* A sorted table of kernel text symbols; binary search turns an address into func+0xoff. */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/ksyms.h"
#include "base/util.h"

struct ksym {
	uint64_t	addr;
	const char	*name;
};

struct ksyms {
	struct ksym	*syms;
	size_t		n;
	char		*text;	/* the file, names point into it */
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Builds the table over ks->text (kept: the names point into it). */
static struct ksyms *ksyms_build(struct ksyms *ks)
{
	size_t cap = 1 << 16;
	bool nonzero = false;
	char *line, *next;

	ks->syms = xmalloc(cap * sizeof(*ks->syms));
	for (line = ks->text; line && *line; line = next) {
		char *type, *name, *end;
		uint64_t addr;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		addr = strtoull(line, &end, 16);
		if (end == line || *end != ' ')
			continue;
		type = end + 1;
		if (!(*type == 't' || *type == 'T') || type[1] != ' ')
			continue;
		name = type + 2;
		end = strpbrk(name, " \t");	/* drop the "[module]" column */
		if (end)
			*end = '\0';
		if (addr)
			nonzero = true;
		if (ks->n == cap) {
			cap *= 2;
			ks->syms = xrealloc(ks->syms, cap * sizeof(*ks->syms));
		}
		ks->syms[ks->n].addr = addr;
		ks->syms[ks->n].name = name;
		ks->n++;
	}
	if (!nonzero) {
		/* kptr_restrict or no root: every address reads as zero */
		ksyms_free(ks);
		errno = EPERM;
		return NULL;
	}
	qsort(ks->syms, ks->n, sizeof(*ks->syms), ksym_cmp);
	return ks;
}

struct ksyms *ksyms_load(const char *path)
{
	struct ksyms *ks = xcalloc(1, sizeof(*ks));
	size_t len;

	ks->text = read_file(path, &len);
	if (!ks->text) {
		int e = errno;

		free(ks);
		errno = e;
		return NULL;
	}
	return ksyms_build(ks);
}

struct ksyms *ksyms_parse(const char *text, size_t len)
{
	struct ksyms *ks = xcalloc(1, sizeof(*ks));

	ks->text = xmalloc(len + 1);
	memcpy(ks->text, text, len);
	ks->text[len] = '\0';
	return ksyms_build(ks);
}

void ksyms_free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->text);
	free(ks);
}

size_t ksyms_count(const struct ksyms *ks)
{
	return ks ? ks->n : 0;
}

/* The index of the last symbol at or below addr; -1 when there is none. */
static long ksyms_find(const struct ksyms *ks, uint64_t addr)
{
	size_t lo = 0, hi;

	if (!ks || !ks->n || addr < ks->syms[0].addr)
		return -1;
	hi = ks->n;
	while (hi - lo > 1) {	/* last symbol with addr <= target */
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return (long)lo;
}

uint64_t ksyms_start(const struct ksyms *ks, uint64_t addr)
{
	long i = ksyms_find(ks, addr);

	return i < 0 ? 0 : ks->syms[i].addr;
}

void ksyms_format(const struct ksyms *ks, uint64_t addr, char *buf, size_t size)
{
	long i = ksyms_find(ks, addr);

	if (i < 0)
		snprintf(buf, size, "0x%" PRIx64, addr);
	else
		snprintf(buf, size, "%s+0x%" PRIx64, ks->syms[i].name, addr - ks->syms[i].addr);
}
