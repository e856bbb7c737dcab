/* Shared by the trace.dat readers of versions 6 and 7: a checked cursor over the file. */
#ifndef FTNET_TRACEDAT_INT_H
#define FTNET_TRACEDAT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracedat.h"

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

/* Version 7 after the common header (src/tracedat-v7.c). */
int td_parse_v7(struct td_file *f, struct cur *c);

#endif
