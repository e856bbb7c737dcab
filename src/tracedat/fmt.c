// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The format files of a trace.dat, rewritten before libtraceevent sees them: libtraceevent's
 * parser trusts its input (a malformed print fmt crashes it), so a file's format is read here
 * in the kernel's strict shape and written out anew with only what ftnet needs: the name, the
 * id, the fields, and the __print_symbolic tables of the print fmt (drop reasons, states).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracedat/tracedat.h"
#include "base/util.h"

#define MAX_LINE 256		/* a field line or the name; the print fmt may be longer */
#define MAX_SYMS 1024		/* entries in one table */
#define MAX_SYM_LEN 64
#define MAX_FIELDS 128

/* What the print fmt may name: the fields read (libtraceevent crashes on an unknown one). */
struct names {
	char	name[MAX_FIELDS][65];
	int	n;
};

struct sb {
	char	*p;
	size_t	n, cap;
};

static void sb_add(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->n + (size_t)n + 1 > b->cap) {
		b->cap = (b->n + (size_t)n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* "KEY:" then digits then ';' at *p; the number in v (at most 65535). */
static int keyed_number(const char **p, const char *end, const char *key, unsigned int *v)
{
	size_t kl = strlen(key);
	const char *s = *p;
	unsigned int n = 0;
	int digits = 0;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if ((size_t)(end - s) < kl || memcmp(s, key, kl))
		return -EINVAL;
	for (s += kl; s < end && *s >= '0' && *s <= '9' && digits < 6; s++, digits++)
		n = n * 10 + (unsigned int)(*s - '0');
	if (!digits || n > 65535 || s >= end || *s != ';')
		return -EINVAL;
	*v = n;
	*p = s + 1;
	return 0;
}

/* A declaration: words of [A-Za-z0-9_], '*', spaces, and [N] or [] after a word. */
static bool decl_ok(const char *d, size_t n)
{
	bool word = false;

	if (!n || n > 120)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (is_ident(d[i]) || d[i] == ' ' || d[i] == '*') {
			word = is_ident(d[i]);
			continue;
		}
		if (d[i] != '[' || !word)
			return false;
		for (i++; i < n && d[i] >= '0' && d[i] <= '9'; i++)
			;
		if (i >= n || d[i] != ']')
			return false;
		/* "x[16]", "x[2][3]", or "__data_loc char[] x" (libtraceevent leaks on others) */
		if (i + 1 < n && d[i + 1] != '[' &&
		    (d[i + 1] != ' ' || (strncmp(d, "__data_loc ", 11) && strncmp(d, "__rel_loc ", 10))))
			return false;
		word = true;
	}
	return is_ident(d[n - 1]) || d[n - 1] == ']';
}

/* The name a declaration declares: its last word before any [N]. */
static int decl_name(const char *d, size_t n, struct names *names)
{
	size_t end = n, start;
	bool type = false;

	while (end && d[end - 1] == ']') {	/* "x[16]", "char[] x" has its name last */
		while (end && d[end - 1] != '[')
			end--;
		end -= end > 0;
	}
	for (start = end; start && is_ident(d[start - 1]); start--)
		;
	for (size_t i = 0; i < start; i++)
		type |= is_ident(d[i]);
	/* a type, then the name (libtraceevent leaks on a name alone) */
	if (!type || start == end || end - start > 64 || names->n == MAX_FIELDS)
		return -EINVAL;
	for (int i = 0; i < names->n; i++)
		if (strlen(names->name[i]) == end - start && !memcmp(names->name[i], d + start,
								       end - start))
			return -EINVAL;	/* two fields of one name */
	snprintf(names->name[names->n++], 65, "%.*s", (int)(end - start), d + start);
	return 0;
}

/* "field:DECL;\toffset:N;\tsize:N;\tsigned:N;" rewritten; -EINVAL when not that. */
static int field_line(struct sb *out, const char *s, const char *end, struct names *names)
{
	unsigned int off, size, sign = 0;
	const char *decl, *semi;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (end - s < 6 || memcmp(s, "field:", 6))
		return -EINVAL;
	decl = s + 6;
	semi = memchr(decl, ';', (size_t)(end - decl));
	if (!semi || !decl_ok(decl, (size_t)(semi - decl)) ||
	    decl_name(decl, (size_t)(semi - decl), names))
		return -EINVAL;
	s = semi + 1;
	if (keyed_number(&s, end, "offset:", &off) || keyed_number(&s, end, "size:", &size))
		return -EINVAL;
	if (keyed_number(&s, end, "signed:", &sign) == 0 && sign > 1)
		return -EINVAL;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s != end)
		return -EINVAL;
	sb_add(out, "\tfield:%.*s;\toffset:%u;\tsize:%u;\tsigned:%u;\n", (int)(semi - decl), decl,
	       off, size, sign);
	return 0;
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static bool sym_char(char c)
{
	return is_ident(c) || c == ' ' || c == '-' || c == '.' || c == ':' || c == '/' || c == '+';
}

/* One "{ VALUE, "NAME" }" at p, appended to t; the position after it, or NULL. */
static const char *sym_entry(struct sb *t, const char *p, const char *end, bool first)
{
	const char *v, *s;
	size_t vl, sl;

	p = skip_ws(p, end);
	if (p >= end || *p != '{')
		return NULL;
	v = p = skip_ws(p + 1, end);
	if (p < end && (isalpha((unsigned char)*p) || *p == '_')) {
		while (p < end && is_ident(*p))	/* an enum's name (some kernels leave them) */
			p++;
	} else {
		/* a number: decimal, or hex after 0x ("-" alone leaks in libtraceevent) */
		p += p < end && *p == '-';
		bool hex = end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
			   isxdigit((unsigned char)p[2]);

		for (p += hex ? 2 : 0; p < end && (hex ? isxdigit((unsigned char)*p) :
						   isdigit((unsigned char)*p)); p++)
			;
	}
	vl = (size_t)(p - v);
	p = skip_ws(p, end);
	if (!vl || vl > 64 || !is_ident(v[vl - 1]) || p >= end || *p != ',')
		return NULL;
	p = skip_ws(p + 1, end);
	if (p >= end || *p != '"')
		return NULL;
	for (s = ++p; p < end && sym_char(*p) && p - s <= MAX_SYM_LEN; p++)
		;
	sl = (size_t)(p - s);
	if (p >= end || *p != '"')
		return NULL;
	p = skip_ws(p + 1, end);
	if (p >= end || *p != '}')
		return NULL;
	sb_add(t, "%s{ %.*s, \"%.*s\" }", first ? "" : ", ", (int)vl, v, (int)sl, s);
	return p + 1;
}

/* "REC->FIELD, {...}, ...)" after "__print_symbolic(", appended to args when well formed. */
static bool known(const struct names *names, const char *f, size_t n)
{
	for (int i = 0; i < names->n; i++)
		if (strlen(names->name[i]) == n && !memcmp(names->name[i], f, n))
			return true;
	return false;
}

static const char *sym_table(struct sb *args, const char *p, const char *end,
			     const struct names *names)
{
	struct sb t = { 0 };
	const char *f;

	p = skip_ws(p, end);
	if (end - p < 5 || memcmp(p, "REC->", 5))
		return NULL;
	for (f = p += 5; p < end && is_ident(*p) && p - f <= 64; p++)
		;
	if (p == f || !known(names, f, (size_t)(p - f)) || (p = skip_ws(p, end)) >= end ||
	    *p != ',')
		return NULL;
	sb_add(&t, "%s__print_symbolic(REC->%.*s, ", args->n ? ", " : "", (int)(p - f), f);
	for (int n = 0; p; n++) {
		p = n < MAX_SYMS ? sym_entry(&t, p + 1, end, !n) : NULL;
		p = p ? skip_ws(p, end) : NULL;
		if (p && p < end && *p == ')') {
			sb_add(args, "%s)", t.p);
			free(t.p);
			return p + 1;
		}
		if (p && (p >= end || *p != ','))
			p = NULL;
	}
	free(t.p);
	return NULL;
}

/* The __print_symbolic tables of a print fmt, as a print fmt of their own. */
static void print_fmt(struct sb *out, const char *p, const char *end, const struct names *names)
{
	static const char key[] = "__print_symbolic(";
	struct sb args = { 0 };
	int n = 0;

	while ((p = memmem(p, (size_t)(end - p), key, sizeof(key) - 1))) {
		const char *next = sym_table(&args, p + sizeof(key) - 1, end, names);

		n += next != NULL;
		p = next ? next : p + 1;
	}
	sb_add(out, "print fmt: \"");
	for (int i = 0; i < n; i++)
		sb_add(out, "%s%%s", i ? " " : "");
	sb_add(out, "\"%s%s\n", n ? ", " : "", n ? args.p : "");
	free(args.p);
}

/* "KEY" then a word of [A-Za-z0-9_] (at most 64) up to the line's end; its length, or 0. */
static size_t keyed_word(const char *s, const char *end, const char *key)
{
	size_t kl = strlen(key), n = 0;

	if ((size_t)(end - s) <= kl || memcmp(s, key, kl))
		return 0;
	for (s += kl; s + n < end && is_ident(s[n]) && n <= 64; n++)
		;
	return s + n == end && n <= 64 ? n : 0;
}

enum { F_NAME, F_ID, F_FORMAT, F_FIELDS, F_DONE };

/* One line of a format file into out, as state says it must be; -EINVAL when it is not. */
static int format_line(struct sb *out, const char *s, const char *end, int *state, int *group,
		       struct names *names)
{
	size_t n;

	switch (*state) {
	case F_NAME:
		if (!(n = keyed_word(s, end, "name: ")))
			return -EINVAL;
		sb_add(out, "name: %.*s\n", (int)n, s + 6);
		break;
	case F_ID:
		n = keyed_word(s, end, "ID: ");
		if (!n || n > 5 || strspn(s + 4, "0123456789") < n || atoi(s + 4) > 65535)
			return -EINVAL;
		sb_add(out, "ID: %.*s\n", (int)n, s + 4);
		break;
	case F_FORMAT:
		if (end - s != 7 || memcmp(s, "format:", 7))
			return -EINVAL;
		sb_add(out, "format:\n");
		break;
	default:
		if (skip_ws(s, end) == end) {	/* after the common fields, and the others */
			if (*group == 1)
				sb_add(out, "\n");
			*group += *group == 1;
			return 0;
		}
		if (end - s > 11 && !memcmp(s, "print fmt: ", 11)) {
			sb_add(out, "%s\n", *group == 1 ? "\n" : "");
			print_fmt(out, s + 11, end, names);
			*state = F_DONE;
			return 0;
		}
		if (*group == 0)
			*group = 1;
		return field_line(out, s, end, names);
	}
	(*state)++;
	return 0;
}

int td_format_clean(const char *in, size_t len, char **out, size_t *outlen)
{
	const char *p = in, *end = in + len;
	struct names *names = xcalloc(1, sizeof(*names));
	struct sb o = { 0 };
	int state = F_NAME, group = 0;

	while (p < end && state != F_DONE) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;

		/* only the print fmt may be long */
		if ((e - p > MAX_LINE && (state != F_FIELDS || end - p < 11 ||
					  memcmp(p, "print fmt: ", 11))) ||
		    format_line(&o, p, e, &state, &group, names) < 0)
			break;
		p = e + 1;
	}
	free(names);
	if (state != F_DONE) {
		free(o.p);
		return -EINVAL;
	}
	*out = o.p;
	*outlen = o.n;
	return 0;
}

int td_header_long_size(const char *in, size_t len)
{
	static const char key[] = " commit;";
	const char *p = memmem(in, len, key, sizeof(key) - 1), *end = in + len, *nl;
	unsigned int size, off;

	if (!p)
		return -EINVAL;
	p += sizeof(key) - 1;
	nl = memchr(p, '\n', (size_t)(end - p));
	end = nl ? nl : end;
	if (keyed_number(&p, end, "offset:", &off) || keyed_number(&p, end, "size:", &size))
		return -EINVAL;
	return off == 8 && (size == 4 || size == 8) ? (int)size : -EINVAL;
}
