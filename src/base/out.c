/* Output: one call per field serves aligned text and JSON Lines; lines go out whole. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

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

static void put_json_string(const char *s)
{
	put("\"", 1);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\') {
			char esc[2] = { '\\', ch };

			put(esc, 2);
		} else if (ch < 0x20 || ch == 0x7f) {
			putf("\\u%04x", ch);
		} else {
			put((const char *)&ch, 1);
		}
	}
	put("\"", 1);
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

static void open_nest(const char *key, char c)
{
	if (opts.mode != OUT_JSON)
		return;
	json_key(key);
	put(&c, 1);
	if (depth < 15)
		nfields[++depth] = 0;
}

static void close_nest(char c)
{
	if (opts.mode != OUT_JSON)
		return;
	put(&c, 1);
	if (depth)
		depth--;
}

void out_open_object(const char *key)
{
	open_nest(key, '{');
}

void out_open_array(const char *key)
{
	open_nest(key, '[');
}

void out_close_object(void)
{
	close_nest('}');
}

void out_close_array(void)
{
	close_nest(']');
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

/* Whether a field goes to JSON, or through fmt to text. */
static bool to_json(enum out_where to)
{
	return opts.mode == OUT_JSON && to != PRINT_TEXT;
}

static bool to_text(enum out_where to, const char *fmt)
{
	return opts.mode != OUT_JSON && to != PRINT_JSON && fmt;
}

void out_str_json(enum out_where to, const char *key, const void *fmt, const char *v)
{
	if (to_json(to)) {
		json_key(key);
		put_json_string(v);
	}
}

void out_uint_json(enum out_where to, const char *key, const void *fmt, uint64_t v)
{
	if (to_json(to)) {
		json_key(key);
		putf("%" PRIu64, v);
	}
}

void out_int_json(enum out_where to, const char *key, const void *fmt, int64_t v)
{
	if (to_json(to)) {
		json_key(key);
		putf("%" PRId64, v);
	}
}

void out_double_json(enum out_where to, const char *key, const void *fmt, double v)
{
	if (to_json(to)) {
		json_key(key);
		putf("%.3f", v);
	}
}

/* The value is the one argument after fmt, converted by the out_* macros to the type read. */
void out_str_fmt(enum out_where to, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (to_text(to, fmt))
		vputf(fmt, ap);
	else
		out_str_json(to, key, NULL, va_arg(ap, const char *));
	va_end(ap);
}

void out_uint_fmt(enum out_where to, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (to_text(to, fmt))
		vputf(fmt, ap);
	else
		out_uint_json(to, key, NULL, va_arg(ap, uint64_t));
	va_end(ap);
}

void out_int_fmt(enum out_where to, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (to_text(to, fmt))
		vputf(fmt, ap);
	else
		out_int_json(to, key, NULL, va_arg(ap, int64_t));
	va_end(ap);
}

void out_double_fmt(enum out_where to, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (to_text(to, fmt))
		vputf(fmt, ap);
	else
		out_double_json(to, key, NULL, va_arg(ap, double));
	va_end(ap);
}

void out_bool(enum out_where to, const char *key, const char *text, bool v)
{
	if (to_json(to)) {
		json_key(key);
		put(v ? "true" : "false", v ? 4 : 5);
	} else if (v && to_text(to, text)) {
		put(text, strlen(text));
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

/*
 * Deprecated (out.h): the three-argument forms, "" for a field in JSON alone. Their formats
 * come through a parameter, so the compiler cannot check them here.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static enum out_where old_where(const char *fmt)
{
	return *fmt ? PRINT_ANY : PRINT_JSON;
}

void out_str_old(const char *key, const char *fmt, const char *v)
{
	out_str_fmt(old_where(fmt), key, fmt, v);
}

void out_uint_old(const char *key, const char *fmt, uint64_t v)
{
	out_uint_fmt(old_where(fmt), key, fmt, v);
}

void out_int_old(const char *key, const char *fmt, int64_t v)
{
	out_int_fmt(old_where(fmt), key, fmt, v);
}

void out_double_old(const char *key, const char *fmt, double v)
{
	out_double_fmt(old_where(fmt), key, fmt, v);
}
#pragma GCC diagnostic pop

void out_open(const char *key, bool array)
{
	open_nest(key, array ? '[' : '{');
}

void out_close(bool array)
{
	close_nest(array ? ']' : '}');
}
