// SPDX-License-Identifier: GPL-2.0-or-later
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

static void pad(size_t n)
{
	grow(n);
	memset(line + pos, ' ', n);
	pos += n;
	line[pos] = 0;
}

/* One conversion of a simple format: its flags and width read, at the conversion letter. */
struct conv {
	bool	left, zero;	/* '-', '0' (not written here) */
	size_t	width;
	int	longs;		/* 'l's */
	char	letter;
};

static const char *conv_parse(const char *f, struct conv *c)
{
	*c = (struct conv){ 0 };
	if (*f == '-') {
		c->left = true;
		f++;
	}
	c->zero = *f == '0';
	while (*f >= '0' && *f <= '9' && c->width < 1000)
		c->width = c->width * 10 + (size_t)(*f++ - '0');
	while (*f == 'l' && c->longs < 2) {
		c->longs++;
		f++;
	}
	c->letter = *f;
	return f;
}

/*
 * A format compiled once: runs of text, each followed by a conversion (letter 0: none). Only
 * what put_simple writes: text, "%%", and %s, %d, %i, %u, %x with '-', a width and l or ll;
 * no precision, no '+', no '0', no floats, at most FMT_OPS conversions. Other formats go to
 * vsnprintf.
 */
#define FMT_OPS 8

struct fmt_prog {
	const char	*fmt;
	bool		simple;
	int		nops;
	struct {
		const char	*text;
		size_t		len;
		struct conv	c;
	} ops[FMT_OPS + 1];
};

static void fmt_compile(struct fmt_prog *p, const char *fmt)
{
	const char *f = fmt, *pct;

	p->fmt = fmt;
	p->simple = false;
	p->nops = 0;
	for (;;) {
		if (p->nops > FMT_OPS)
			return;
		pct = strchrnul(f, '%');
		p->ops[p->nops].text = f;
		p->ops[p->nops].len = (size_t)(pct - f);
		p->ops[p->nops].c = (struct conv){ 0 };
		if (!*pct)
			break;
		f = conv_parse(pct + 1, &p->ops[p->nops].c);
		if (!*f || !strchr("sdiux%", *f))
			return;
		if (*f == '%' ? p->ops[p->nops].c.left || p->ops[p->nops].c.width ||
				p->ops[p->nops].c.longs : (*f == 's' && p->ops[p->nops].c.longs) ||
		    p->ops[p->nops].c.zero)
			return;
		p->nops++;
		f++;
	}
	p->nops++;
	p->simple = true;
}

/* Formats are literals: each is compiled once, kept by its address (a slot per hash). */
#define FMT_CACHE 256

static const struct fmt_prog *fmt_prog(const char *fmt)
{
	static struct fmt_prog cache[FMT_CACHE];
	struct fmt_prog *p = &cache[((uintptr_t)fmt >> 3) % FMT_CACHE];

	if (p->fmt != fmt)
		fmt_compile(p, fmt);
	return p;
}

static void put_padded(const char *s, size_t n, const struct conv *c)
{
	if (!c->left && c->width > n)
		pad(c->width - n);
	put(s, n);
	if (c->left && c->width > n)
		pad(c->width - n);
}

/* A JSON number, with no format to read (a number per field of every event in --json). */
static void put_decimal(unsigned long long u, bool neg)
{
	char buf[24], *e = buf + sizeof(buf), *b = e;

	do {
		*--b = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (neg)
		*--b = '-';
	put(b, (size_t)(e - b));
}

static void put_number(const struct conv *c, va_list *ap)
{
	char buf[24], *e = buf + sizeof(buf), *b = e;
	unsigned long long u;
	bool neg = false;

	if (c->letter == 'u' || c->letter == 'x')
		u = c->longs == 2 ? va_arg(*ap, unsigned long long) :
		    c->longs ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
	else {
		long long v = c->longs == 2 ? va_arg(*ap, long long) :
			      c->longs ? va_arg(*ap, long) : va_arg(*ap, int);

		neg = v < 0;
		u = neg ? 0ull - (unsigned long long)v : (unsigned long long)v;
	}
	if (c->letter == 'x') {
		do {
			*--b = "0123456789abcdef"[u & 15];
			u >>= 4;
		} while (u);
	} else {
		do {
			*--b = (char)('0' + u % 10);
			u /= 10;
		} while (u);
	}
	if (neg)
		*--b = '-';
	put_padded(b, (size_t)(e - b), c);
}

/*
 * The formats fields use (" len %" PRIu64, "%-24s ", "cpu %" PRId64) written without
 * vsnprintf, which took a third of follow's time under a flood. A format is assumed not to
 * change at its address: those given are literals.
 */
static void put_simple(const struct fmt_prog *p, va_list *ap)
{
	for (int i = 0; i < p->nops; i++) {
		const struct conv *c = &p->ops[i].c;

		put(p->ops[i].text, p->ops[i].len);
		if (!c->letter) {
			continue;
		} else if (c->letter == '%') {
			put("%", 1);
		} else if (c->letter == 's') {
			const char *v = va_arg(*ap, const char *);

			v = v ? v : "(null)";
			put_padded(v, strlen(v), c);
		} else {
			put_number(c, ap);
		}
	}
}

static void vputf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static void vputf(const char *fmt, va_list ap)
{
	const struct fmt_prog *prog;
	va_list again;
	int n;

	if (!*fmt)
		return;
	prog = fmt_prog(fmt);
	if (prog->simple) {
		va_copy(again, ap);
		put_simple(prog, &again);
		va_end(again);
		return;
	}
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
	long plain = esc_json_plain(s);
	size_t n;

	if (plain >= 0) {	/* most strings: copied as they are */
		grow((size_t)plain + 2);
		line[pos++] = '"';
		memcpy(line + pos, s, (size_t)plain);
		pos += (size_t)plain;
		line[pos++] = '"';
		line[pos] = 0;
		return;
	}
	n = esc_json(NULL, 0, s);
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

/*
 * fmt with one string conversion, v escaped for a terminal. fmt is checked where it is written,
 * against the const char * the macros of out.h convert v to; here it is a parameter.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void put_str(const char *fmt, const char *v)
{
	putf(fmt, text_safe(v));
}
#pragma GCC diagnostic pop

void out_text_str_fmt(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (opts.mode != OUT_JSON)
		put_str(fmt, va_arg(ap, const char *));
	va_end(ap);
}

void out_uint_json(enum out_where to, const char *key, const void *fmt, uint64_t v)
{
	if (to_json(to)) {
		json_key(key);
		put_decimal(v, false);
	}
}

void out_int_json(enum out_where to, const char *key, const void *fmt, int64_t v)
{
	if (to_json(to)) {
		json_key(key);
		put_decimal(v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, v < 0);
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
		put_str(fmt, va_arg(ap, const char *));
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
	} else if (size >= 32) {	/* "SECONDS.NANOSECONDS", without snprintf: per event */
		char tmp[32], *b = tmp + sizeof(tmp);

		*--b = '\0';
		for (int i = 0; i < 9; i++, ts /= 10)
			*--b = (char)('0' + ts % 10);
		*--b = '.';
		do {
			*--b = (char)('0' + ts % 10);
			ts /= 10;
		} while (ts);
		memcpy(buf, b, (size_t)(tmp + sizeof(tmp) - b));
	} else {
		snprintf(buf, size, "%" PRIu64 ".%09" PRIu64, ts / 1000000000, ts % 1000000000);
	}
}

const struct out_opts *out_options(void)
{
	return &opts;
}
