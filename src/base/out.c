/* Output: one call per field serves aligned text and JSON Lines; lines go out whole. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/esc.h"
#include "base/out.h"
#include "base/util.h"

static struct out_opts opts;
static char *line;		/* one record: an event, or a whole top interval; grows */
static size_t pos, cap;
static int depth;
static int nfields[16];		/* per JSON nesting level: fields so far, for the commas */

static void grow(size_t n)
{
	if (pos + n + 1 <= cap)
		return;
	while (pos + n + 1 > cap)
		cap = cap ? cap * 2 : 4096;
	line = xrealloc(line, cap);
}

static void put(const char *s, size_t n)
{
	grow(n);
	memcpy(line + pos, s, n);
	pos += n;
	line[pos] = 0;
}

static void vputf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static void vputf(const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	grow(0);
	n = vsnprintf(line + pos, cap - pos, fmt, ap);
	if (n > 0 && (size_t)n >= cap - pos) {
		grow((size_t)n);
		n = vsnprintf(line + pos, cap - pos, fmt, again);
	}
	va_end(again);
	if (n > 0)
		pos += (size_t)n;
}

static void putf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void putf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vputf(fmt, ap);
	va_end(ap);
}

/* A JSON string of s: valid UTF-8 whatever s holds (base/esc.h says how). */
static void put_json_string(const char *s)
{
	size_t n = esc_json(NULL, 0, s);

	put("\"", 1);
	grow(n);
	pos += esc_json(line + pos, cap - pos, s);
	put("\"", 1);
}

/* s with its control and non-UTF-8 bytes escaped for a terminal; s itself when none. */
static const char *text_safe(const char *s)
{
	static char *buf;
	static size_t size;
	size_t n;

	if (!s || !esc_text_needed(s))
		return s;
	n = esc_text(NULL, 0, s) + 1;
	if (n > size) {
		size = n;
		buf = xrealloc(buf, size);
	}
	esc_text(buf, size, s);
	return buf;
}

static void json_key(const char *key)
{
	if (nfields[depth]++)
		put(",", 1);
	if (key) {
		put_json_string(key);
		put(":", 1);
	}
}

void out_open(const char *key, bool array)
{
	if (opts.mode != OUT_JSON)
		return;
	json_key(key);
	put(array ? "[" : "{", 1);
	if (depth < 15)
		nfields[++depth] = 0;
}

void out_close(bool array)
{
	if (opts.mode != OUT_JSON)
		return;
	put(array ? "]" : "}", 1);
	if (depth)
		depth--;
}

void out_double(const char *key, const char *fmt, double v)
{
	if (opts.mode == OUT_JSON) {
		json_key(key);
		putf("%.3f", v);
	} else {
		putf(fmt, v);
	}
}

bool out_is_json(void)
{
	return opts.mode == OUT_JSON;
}

void out_init(const struct out_opts *o)
{
	opts = *o;
}

void out_begin(const char *type)
{
	pos = 0;
	depth = 0;
	nfields[0] = 0;
	if (opts.mode == OUT_JSON) {
		put("{", 1);
		json_key("type");
		put_json_string(type);
	}
}

void out_end(void)
{
	if (opts.mode == OUT_JSON)
		put("}", 1);
	else
		while (pos && line[pos - 1] == ' ')
			pos--;
	put("\n", 1);
	out_write(line, pos);
	pos = 0;
}

void out_str(const char *key, const char *fmt, const char *v)
{
	if (opts.mode == OUT_JSON) {
		json_key(key);
		put_json_string(v);
	} else {
		putf(fmt, text_safe(v));
	}
}

const char *out_esc(const char *s)
{
	static char *bufs[4];
	static size_t sizes[4];
	static int which;
	size_t n;

	if (!s || !esc_text_needed(s))
		return s;
	which = (which + 1) % 4;
	n = esc_text(NULL, 0, s) + 1;
	if (n > sizes[which]) {
		sizes[which] = n;
		bufs[which] = xrealloc(bufs[which], n);
	}
	esc_text(bufs[which], n, s);
	return bufs[which];
}

void out_text_str(const char *fmt, const char *v)
{
	if (opts.mode != OUT_JSON)
		putf(fmt, text_safe(v));
}

void out_uint(const char *key, const char *fmt, uint64_t v)
{
	if (opts.mode == OUT_JSON) {
		json_key(key);
		putf("%" PRIu64, v);
	} else {
		putf(fmt, v);
	}
}

void out_int(const char *key, const char *fmt, int64_t v)
{
	if (opts.mode == OUT_JSON) {
		json_key(key);
		putf("%" PRId64, v);
	} else {
		putf(fmt, v);
	}
}

void out_bool(const char *key, const char *fmt, bool v)
{
	if (opts.mode == OUT_JSON) {
		json_key(key);
		put(v ? "true" : "false", v ? 4 : 5);
	} else if (v) {
		put(fmt, strlen(fmt));
	}
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (opts.mode == OUT_JSON)
		return;
	va_start(ap, fmt);
	vputf(fmt, ap);
	va_end(ap);
}

void out_fmt_time(uint64_t ts, char *buf, size_t size)
{
	if (opts.time == TIME_WALL) {
		int64_t w = (int64_t)ts + opts.wall_offset_ns;
		time_t sec = w / 1000000000;
		struct tm tm;

		localtime_r(&sec, &tm);
		snprintf(buf, size, "%02d:%02d:%02d.%06" PRId64, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (w % 1000000000) / 1000);
	} else {
		snprintf(buf, size, "%" PRIu64 ".%09" PRIu64, ts / 1000000000, ts % 1000000000);
	}
}

const struct out_opts *out_options(void)
{
	return &opts;
}
