// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Escaping of strings that come from outside: any local user can name a process
 * "a\nb\x1b[31m" or "\xff\xfe" and make ftnet print it (a dropped datagram is enough), so
 * nothing from outside reaches a terminal, a JSON parser or a Prometheus scrape unescaped.
 */
#include <stdint.h>
#include <string.h>

#include "base/esc.h"

enum esc_mode { ESC_TEXT, ESC_LINE, ESC_JSON, ESC_PROM };

struct esc_buf {
	char	*dst;
	size_t	size;
	size_t	len;
};

static void emit(struct esc_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, b->len++)
		if (b->len + 1 < b->size)
			b->dst[b->len] = s[i];
}

static void emit_hex(struct esc_buf *b, const char *prefix, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char h[2] = { hex[c >> 4], hex[c & 15] };

	emit(b, prefix, strlen(prefix));
	emit(b, h, 2);
}

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)	/* continuation bytes, overlong C0 C1, beyond U+10FFFF */
		return 0;
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	/* the second byte's range rules out overlong forms, surrogates and beyond U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* A C0 control, DEL, or (as UTF-8 C2 80..C2 9F) a C1 control such as the 8-bit CSI. */
static bool is_control(const unsigned char *s, size_t len)
{
	if (len == 1)
		return s[0] < 0x20 || s[0] == 0x7f;
	return len == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

static void esc_control(struct esc_buf *b, enum esc_mode m, const unsigned char *s, size_t len)
{
	if (len == 1 && m != ESC_PROM) {
		const char *named = s[0] == '\n' ? "\\n" : s[0] == '\t' ? "\\t" :
				    s[0] == '\r' ? "\\r" : NULL;

		if (named) {
			emit(b, named, 2);
			return;
		}
	}
	if (m == ESC_PROM && s[0] == '\n') {
		emit(b, "\\n", 2);
		return;
	}
	if (m == ESC_JSON) {	/* exact: the character itself, as JSON spells it */
		unsigned int cp = len == 1 ? s[0] : s[1];

		emit_hex(b, "\\u00", (unsigned char)cp);
		return;
	}
	for (size_t i = 0; i < len; i++)
		emit_hex(b, m == ESC_PROM ? "\\\\x" : "\\x", s[i]);
}

static size_t esc(char *dst, size_t size, const char *str, enum esc_mode m)
{
	const unsigned char *s = (const unsigned char *)str;
	struct esc_buf b = { dst, size, 0 };
	size_t n = strlen(str);

	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq_len(s + i, n - i);

		if (!len) {
			emit_hex(&b, m <= ESC_LINE ? "\\x" : "\\\\x", s[i]);
			i++;
			continue;
		}
		if (is_control(s + i, len))
			esc_control(&b, m, s + i, len);
		else if (s[i] == '\\' && m != ESC_LINE)
			emit(&b, "\\\\", 2);
		else if (s[i] == '"' && m >= ESC_JSON)
			emit(&b, "\\\"", 2);
		else
			emit(&b, (const char *)s + i, len);
		i += len;
	}
	if (size)
		dst[b.len < size ? b.len : size - 1] = 0;
	return b.len;
}

size_t esc_text(char *dst, size_t size, const char *s)
{
	return esc(dst, size, s, ESC_TEXT);
}

size_t esc_line(char *dst, size_t size, const char *s)
{
	return esc(dst, size, s, ESC_LINE);
}

size_t esc_json(char *dst, size_t size, const char *s)
{
	return esc(dst, size, s, ESC_JSON);
}

size_t esc_prom(char *dst, size_t size, const char *s)
{
	return esc(dst, size, s, ESC_PROM);
}

bool esc_text_needed(const char *str)
{
	for (const unsigned char *s = (const unsigned char *)str; *s; s++)
		if (*s < 0x20 || *s >= 0x7f || *s == '\\')
			return true;
	return false;
}

long esc_json_plain(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	for (; *s; s++)
		if (*s < 0x20 || *s >= 0x7f || *s == '\\' || *s == '"')
			return -1;
	return (long)(s - (const unsigned char *)str);
}
