/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the trace.dat readers of versions 6 and 7: a checked cursor over the file. */
#ifndef FTNET_TRACEDAT_INT_H
#define FTNET_TRACEDAT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracedat/tracedat.h"

struct cur {
	const uint8_t	*p;
	size_t		len, off;	/* len: where this cursor must stop (a section's end) */
	bool		swap;
	bool		unsupported;	/* the file is valid, ftnet cannot read it (-ENOTSUP) */
	const char	*section;	/* where we are, for messages */
	char		*err;
	size_t		errlen;
};

/* Sets the message (the first one stays); returns -EINVAL. */
int td_fail(struct cur *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* n bytes from the cursor, or NULL (truncated, said) */
const uint8_t *td_take(struct cur *c, uint64_t n);
int td_get_u16(struct cur *c, uint16_t *v);
int td_get_u32(struct cur *c, uint32_t *v);
int td_get_u64(struct cur *c, uint64_t *v);
/* A size of width 4 or 8 bytes and the bytes it counts. */
int td_get_blob(struct cur *c, int width, struct td_blob *b);
/* A NUL-terminated name of at most 256 bytes. */
const char *td_get_name(struct cur *c);
int td_expect(struct cur *c, const char *word, size_t n);

/* The sections, the same in both versions. */
int td_parse_headers(struct td_file *f, struct cur *c);
int td_parse_ftrace(struct td_file *f, struct cur *c);
int td_parse_systems(struct td_file *f, struct cur *c);
int td_check_fields(struct td_file *f, struct cur *c);
int td_check_cpus(struct td_file *f, struct cur *c);
void td_option_clock(struct td_file *f, const char *text, size_t len);
/* TRACECLOCK, UNAME, VERSION into f; the others are not needed. */
void td_option(struct td_file *f, uint16_t id, const struct td_blob *b);

/* Version 7 after the common header (src/tracedat/v7.c). */
int td_parse_v7(struct td_file *f, struct cur *c);

/*
 * Compressed version 7 files (src/tracedat/z.c). td_z_open: the compression header's name,
 * "zstd" or "zlib" (sets f->z), or -ENOTSUP for another. td_z_section: the section s is bounded
 * by is marked compressed (id: its id): s then reads its data decompressed; for the flyrecord
 * section the mark only says the CPU data is compressed. td_z_cpus: that CPU data decompressed
 * into one buffer, which f->data, f->len and f->cpus then describe. td_z_free: td_release's.
 */
int td_z_open(struct td_file *f, struct cur *c, const char *name, const char *version);
int td_z_section(struct td_file *f, struct cur *s, uint16_t id);
int td_z_cpus(struct td_file *f, struct cur *c);
void td_z_free(struct td_file *f);
/* f->data is the CPU data decompressed (for messages: its offsets are not the file's). */
bool td_z_inflated(const struct td_file *f);

#define MAX_FORMATS 65536	/* events in a file: a kernel has a few thousand */
#define MAX_SYSTEMS 4096
#define MAX_NAME 256

/* Version 6's pieces, read in order by read.c (src/tracedat/sections.c). */
int td_parse_header(struct td_file *f, struct cur *c);
int td_parse_options(struct td_file *f, struct cur *c, bool *clock, uint64_t *named);
int td_cpu_table(struct td_file *f, struct cur *c);
bool td_host_big_endian(void);
int td_named_buffer(struct td_file *f, struct cur *c, uint64_t at);

#endif
