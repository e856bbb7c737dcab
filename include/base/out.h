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
 * One call per field for both modes, like iproute2's print_uint(PRINT_ANY, ...). A string is
 * escaped in both (base/esc.h): control bytes never reach a terminal, JSON is always UTF-8.
 */
void out_str(const char *key, const char *fmt, const char *v);
void out_uint(const char *key, const char *fmt, uint64_t v);
void out_int(const char *key, const char *fmt, int64_t v);
void out_double(const char *key, const char *fmt, double v);
/* JSON true/false; in text, fmt (no conversion) when v is true, nothing when false. */
void out_bool(const char *key, const char *fmt, bool v);
/* JSON nesting: an object or array under key (NULL inside an array); nothing in text. */
void out_open(const char *key, bool array);
void out_close(bool array);
bool out_is_json(void);
/* Text only (a label, a separator); nothing in JSON. */
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Text only, fmt with one %s: a string from outside (a name, a symbol), escaped as out_str does. */
void out_text_str(const char *fmt, const char *v);
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
