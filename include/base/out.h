/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Text columns and JSON Lines: the only module that writes to stdout. */
#ifndef FTNET_OUT_H
#define FTNET_OUT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

struct ksyms;

enum out_mode { OUT_TEXT, OUT_JSON };
enum out_time { TIME_MONO, TIME_WALL };

struct out_opts {
	enum out_mode		mode;
	enum out_time		time;
	bool			no_header;
	int64_t			wall_offset_ns;	/* wall clock minus trace clock */
	const struct ksyms	*ksyms;
};

void out_init(const struct out_opts *o);
/* Begins and ends one record; in text mode fields are separated by their formats. */
void out_begin(const char *type);
void out_end(void);

/*
 * One call per field, saying where it goes, as iproute2's print_uint(PRINT_ANY, ...): in both
 * (the value under key in JSON, through fmt in text), in JSON only (fmt NULL), or in text only.
 * A string is escaped in both (base/esc.h): control bytes never reach a terminal, JSON is always
 * UTF-8.
 *
 *	out_uint(PRINT_ANY, "sport", ":%" PRIu64, ev->sport);
 *	out_uint(PRINT_JSON, "ts_ns", NULL, ev->ts);
 *
 * The value is converted to the helper's type (uint64_t, int64_t, double, const char *) before
 * it is passed, so that -Wformat checks fmt against that type. A NULL fmt is sent to a helper
 * without a format: printf-checking it would count the value as an argument too many.
 */
enum out_where { PRINT_ANY, PRINT_JSON, PRINT_TEXT };

#define out_str(to, key, fmt, v) \
	_Generic((fmt), void *: out_str_json, default: out_str_fmt)(to, key, fmt, out_s_(v))
#define out_uint(to, key, fmt, v) \
	_Generic((fmt), void *: out_uint_json, default: out_uint_fmt)(to, key, fmt, out_u_(v))
#define out_int(to, key, fmt, v) \
	_Generic((fmt), void *: out_int_json, default: out_int_fmt)(to, key, fmt, out_i_(v))
#define out_double(to, key, fmt, v) \
	_Generic((fmt), void *: out_double_json, default: out_double_fmt)(to, key, fmt, out_d_(v))

void out_str_fmt(enum out_where to, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void out_uint_fmt(enum out_where to, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void out_int_fmt(enum out_where to, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void out_double_fmt(enum out_where to, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void out_str_json(enum out_where to, const char *key, const void *fmt, const char *v);
void out_uint_json(enum out_where to, const char *key, const void *fmt, uint64_t v);
void out_int_json(enum out_where to, const char *key, const void *fmt, int64_t v);
void out_double_json(enum out_where to, const char *key, const void *fmt, double v);

/* The conversions, as an assignment does them (a pointer for a number does not compile). */
static inline const char *out_s_(const char *v) { return v; }
static inline uint64_t out_u_(uint64_t v) { return v; }
static inline int64_t out_i_(int64_t v) { return v; }
static inline double out_d_(double v) { return v; }

/* JSON true or false; in text, the words of text (printed as they are) when v is true. */
void out_bool(enum out_where to, const char *key, const char *text, bool v);

/* JSON nesting, by name (NULL inside an array); nothing in text. */
void out_open_object(const char *key);
void out_open_array(const char *key);
void out_close_object(void);
void out_close_array(void);
bool out_is_json(void);
/* Text only (a label, a separator); nothing in JSON. */
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Text only, fmt with one %s: a string from outside (a name, a symbol), escaped as out_str does.
 * v is converted to const char * as out_str's is, so that -Wformat checks fmt against it.
 */
#define out_text_str(fmt, v) out_text_str_fmt(fmt, out_s_(v))
void out_text_str_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s escaped for a terminal (base/esc.h): s itself, or one of four buffers reused in turn. */
const char *out_esc(const char *s);



/*
 * Standard output (src/base/out-fd.c): everything ftnet prints on stdout goes through these.
 * out_flush writes what is queued: 0, or -errno of the first failed write (kept for exit).
 */
int out_flush(void);
void out_write(const char *s, size_t n);
void out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Opens /dev/null on a closed fd 0, 1 or 2, remembering a closed stdout as an error. */
void out_guard_fds(void);
/* A blocked reader is waited for only until *stop is set or deadline (mono ns, 0: none). */
void out_set_abort(volatile sig_atomic_t *stop, uint64_t deadline);
bool out_failed(void);
/* What fn prints with out_printf/out_write, as a string (free it), instead of on stdout. */
char *out_capture(void (*fn)(void));
uint64_t out_unwritten(void);
/* Flushes and checks stdout at exit: -1 after saying on stderr what could not be written. */
int out_close_stdout(void);

/* The time of an event as the options ask (monotonic seconds, or the wall clock's time). */
void out_fmt_time(uint64_t ts, char *buf, size_t size);
/* The options out_init was given. */
const struct out_opts *out_options(void);

#endif
