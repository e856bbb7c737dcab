// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Escaping of strings from outside (base/esc.h) and its use by the output layer: every byte
 * 0..255 alone and in UTF-8 sequences, invalid sequences, overlong forms, surrogates, and the
 * names of issue 25 through the text, JSON and Prometheus writers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/esc.h"
#include "base/event.h"
#include "base/out.h"
#include "base/prom.h"
#include "fixtures.h"
#include "tap.h"
#include "view/print.h"

typedef size_t (*esc_fn)(char *, size_t, const char *);

static char *escd(esc_fn fn, const char *s)
{
	static char buf[4][512];
	static int which;
	char *b = buf[which = (which + 1) % 4];

	fn(b, sizeof(buf[0]), s);
	return b;
}

/* A strict UTF-8 check written apart from utf8_seq_len (Unicode table 3-7, by code point). */
static int utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		uint32_t cp, min;
		size_t len;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			len = 2, cp = s[i] & 0x1f, min = 0x80;
		else if ((s[i] & 0xf0) == 0xe0)
			len = 3, cp = s[i] & 0x0f, min = 0x800;
		else if ((s[i] & 0xf8) == 0xf0)
			len = 4, cp = s[i] & 0x07, min = 0x10000;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/* No escaped form holds a control byte, and JSON and Prometheus forms are UTF-8. */
static int safe(const char *e, int utf8)
{
	for (const unsigned char *p = (const unsigned char *)e; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return !utf8 || utf8_ok((const unsigned char *)e, strlen(e));
}

static void test_single_bytes(void)
{
	int text_bad = 0, json_bad = 0, prom_bad = 0, kept = 0;

	for (int c = 1; c < 256; c++) {
		char s[2] = { (char)c, 0 }, want[8];
		const char *t = escd(esc_text, s), *j = escd(esc_json, s), *p = escd(esc_prom, s);

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			kept += !strcmp(t, s);
		} else if (c >= 0x80 || (c != '\n' && c != '\t' && c != '\r' && c != '\\')) {
			snprintf(want, sizeof(want), "\\x%02x", c);
			text_bad += strcmp(t, want) != 0;
		}
		text_bad += !safe(t, 0);
		json_bad += !safe(j, 1);
		prom_bad += !safe(p, 1);
		/* a lone byte of 0x80 and above is never UTF-8: JSON says \xHH, escaped */
		if (c >= 0x80) {
			snprintf(want, sizeof(want), "\\\\x%02x", c);
			json_bad += strcmp(j, want) != 0;
			prom_bad += strcmp(p, want) != 0;
		}
	}
	CHECK_INT(kept, 0x7f - 0x20 - 1);
	CHECK_INT(text_bad, 0);
	CHECK_INT(json_bad, 0);
	CHECK_INT(prom_bad, 0);
	CHECK_STR(escd(esc_text, "\n\t\r\\"), "\\n\\t\\r\\\\");
	CHECK_STR(escd(esc_json, "\n\t\x01\x1b\x7f\"\\"), "\\n\\t\\u0001\\u001b\\u007f\\\"\\\\");
	CHECK_STR(escd(esc_prom, "\n\t\x1b\"\\"), "\\n\\\\x09\\\\x1b\\\"\\\\");
}

/* Every two-byte string: escaping is total, safe, and keeps exactly the valid sequences. */
static void test_byte_pairs(void)
{
	int bad = 0, valid = 0, plain = 0;

	for (int a = 1; a < 256; a++) {
		for (int b = 1; b < 256; b++) {
			char s[3] = { (char)a, (char)b, 0 };
			const char *t = escd(esc_text, s), *j = escd(esc_json, s);
			int ok = utf8_ok((const unsigned char *)s, 2) && a >= 0x80;

			bad += !safe(t, 0) || !safe(j, 1) || !safe(escd(esc_prom, s), 1);
			bad += (int)esc_text(NULL, 0, s) != (int)strlen(t);
			/* the fast path JSON takes: only where escaping changes nothing */
			if (esc_json_plain(s) >= 0) {
				plain++;
				bad += esc_json_plain(s) != 2 || strcmp(j, s) != 0;
			}
			if (ok && !(a == 0xc2 && b < 0xa0)) {	/* C1 controls are escaped */
				valid++;
				bad += strcmp(t, s) != 0 || strcmp(j, s) != 0;
			}
		}
	}
	CHECK_INT(bad, 0);
	CHECK_INT(valid, 30 * 64 - 32);	/* C2..DF with a continuation byte, less C2 80..9F */
	CHECK_INT(plain, 93 * 93);	/* printable ASCII less '"' and '\\' */
}

static void test_sequences(void)
{
	const unsigned char *u;

	/* valid: 2, 3 and 4 bytes, the last code point */
	CHECK_STR(escd(esc_text, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"),
		  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
	/* overlong forms of '/' and NUL, surrogates, beyond U+10FFFF, truncated sequences */
	CHECK_STR(escd(esc_text, "\xc0\xaf"), "\\xc0\\xaf");
	CHECK_STR(escd(esc_text, "\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
	CHECK_STR(escd(esc_text, "\xf0\x80\x80\xaf"), "\\xf0\\x80\\x80\\xaf");
	CHECK_STR(escd(esc_text, "\xc1\xbf"), "\\xc1\\xbf");
	CHECK_STR(escd(esc_text, "\xed\xa0\x80"), "\\xed\\xa0\\x80");
	CHECK_STR(escd(esc_text, "\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	CHECK_STR(escd(esc_text, "\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80");
	CHECK_STR(escd(esc_text, "a\xe2\x82"), "a\\xe2\\x82");
	CHECK_STR(escd(esc_text, "\xe2\x82" "b"), "\\xe2\\x82b");
	/* the 8-bit CSI (U+009B) would start an escape sequence on some terminals */
	CHECK_STR(escd(esc_text, "\xc2\x9b" "31m"), "\\xc2\\x9b31m");
	CHECK_STR(escd(esc_json, "\xc2\x9b"), "\\u009b");
	/* issue 25's names */
	CHECK_STR(escd(esc_text, "a\nb\tc\x1b[31mR"), "a\\nb\\tc\\x1b[31mR");
	CHECK_STR(escd(esc_text, "\x1b]0;pwn\x07"), "\\x1b]0;pwn\\x07");
	CHECK_STR(escd(esc_text, "\xff\xfe\xc3"), "\\xff\\xfe\\xc3");
	CHECK_STR(escd(esc_json, "\xff\xfe\xc3"), "\\\\xff\\\\xfe\\\\xc3");
	CHECK_STR(escd(esc_prom, "\xff\xfe\xc3"), "\\\\xff\\\\xfe\\\\xc3");
	u = (const unsigned char *)"\xf0\x9f\x98\x80";
	CHECK_INT(utf8_seq_len(u, 4), 4);
	CHECK_INT(utf8_seq_len(u, 3), 0);
	CHECK(!esc_text_needed("eth0 nc curl-7.1"));
	CHECK(esc_text_needed("a\\b"));
	/* snprintf's contract: measured length, cut output NUL-terminated */
	{
		char small[5];

		CHECK_INT(esc_text(small, sizeof(small), "\x1b\x1b"), 8);
		CHECK_STR(small, "\\x1b");
	}
}

static void print_one(const void *arg)
{
	out_event(arg);
}

/* The writers: out_str in text and JSON, Prometheus label values. */
static void test_writers(void)
{
	struct out_opts o = { .mode = OUT_TEXT };
	const char *labels[] = { "comm", "\xff\xfe\xc3", "dev", "a\nb\x1b", NULL };
	struct ftnet_event ev;
	struct prom *p;
	char *text;
	size_t len;

	memset(&ev, 0, sizeof(ev));
	ev.type = EV_LOST;
	ev.count = 1;
	out_init(&o);
	strcpy(ev.comm, "a\nb\tc\x1b[31mR");
	text = fixture_stdout(print_one, &ev);
	CHECK(text && !strchr(text, '\x1b') && strchr(text, '\n') == text + strlen(text) - 1);
	ev.type = EV_DROP;
	ev.reason_name = "NO\x1bSOCKET";
	text = fixture_stdout(print_one, &ev);
	CHECK(text && strstr(text, "a\\nb\\tc\\x1b[31mR ") && strstr(text, "NO\\x1bSOCKET"));
	o.mode = OUT_JSON;
	out_init(&o);
	strcpy(ev.comm, "\xff\xfe\xc3");
	text = fixture_stdout(print_one, &ev);
	CHECK(text && strstr(text, "\"comm\":\"\\\\xff\\\\xfe\\\\xc3\""));
	CHECK(text && utf8_ok((const unsigned char *)text, strlen(text)));
	p = prom_open_mem(false);
	prom_sample(p, "ftnet_udp_drops_total", 1, labels);
	text = prom_take(p, &len);
	CHECK_STR(text, "ftnet_udp_drops_total{comm=\"\\\\xff\\\\xfe\\\\xc3\",dev=\"a\\nb\\\\x1b\"} 1\n");
	free(text);
}

int main(void)
{
	test_single_bytes();
	test_byte_pairs();
	test_sequences();
	test_writers();
	printf("esc: %d checks, %d failed\n", tap_run, tap_failed);
	return tap_failed ? 1 : 0;
}
