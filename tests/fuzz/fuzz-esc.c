// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the escaping of strings from outside (base/esc.h). For any bytes: no
 * escaped form holds a control byte; the JSON and Prometheus forms are valid UTF-8; the
 * measured length is the written one; the text form reads back to the input exactly; and a
 * JSON record and a Prometheus sample holding the bytes as a name are valid UTF-8 lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/esc.h"
#include "base/out.h"
#include "base/prom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void utf8_valid_or_die(const char *what, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len = utf8_seq_len(s + i, n - i);

		if (!len) {
			fprintf(stderr, "%s: byte %zu (0x%02x) is not UTF-8\n", what, i, s[i]);
			abort();
		}
		i += len;
	}
}

static void no_control_or_die(const char *what, const char *s, bool newline_ends)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (newline_ends && c == '\n' && i == n - 1)
			continue;
		if (c < 0x20 || c == 0x7f) {
			fprintf(stderr, "%s: control byte 0x%02x at %zu\n", what, c, i);
			abort();
		}
	}
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The text form undone: it must give back exactly the input. */
static size_t unescape_text(const char *e, char *out)
{
	size_t o = 0;

	for (; *e; e++) {
		if (*e != '\\') {
			out[o++] = *e;
			continue;
		}
		e++;
		if (*e == 'n' || *e == 't' || *e == 'r' || *e == '\\') {
			out[o++] = *e == 'n' ? '\n' : *e == 't' ? '\t' : *e == 'r' ? '\r' : '\\';
		} else if (*e == 'x' && hexval(e[1]) >= 0 && hexval(e[2]) >= 0) {
			out[o++] = (char)(hexval(e[1]) << 4 | hexval(e[2]));
			e += 2;
		} else {
			fprintf(stderr, "text form: stray backslash\n");
			abort();
		}
	}
	out[o] = 0;
	return o;
}

static const char *json_arg;

static void json_record(void)
{
	out_begin("drop");
	out_str(PRINT_ANY, "comm", "%s", json_arg);
	out_end();
}

static void writers(const char *s)
{
	struct out_opts o = { .mode = OUT_JSON };
	const char *labels[] = { "comm", s, NULL };
	struct prom *p;
	char *text;
	size_t len;

	out_init(&o);
	json_arg = s;
	text = out_capture(json_record);
	utf8_valid_or_die("json record", (const unsigned char *)text, strlen(text));
	no_control_or_die("json record", text, true);
	free(text);
	p = prom_open_mem(false);
	prom_sample(p, "ftnet_x_total", 1, labels);
	text = prom_take(p, &len);
	utf8_valid_or_die("prometheus sample", (const unsigned char *)text, len);
	no_control_or_die("prometheus sample", text, true);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t (*const fns[])(char *, size_t, const char *) = { esc_text, esc_line, esc_json,
								  esc_prom };
	char *s = malloc(size + 1), *e, *back;

	memcpy(s, data, size);
	s[size] = 0;
	for (size_t f = 0; f < 4; f++) {
		size_t n = fns[f](NULL, 0, s);

		e = malloc(n + 1);
		if (fns[f](e, n + 1, s) != n || strlen(e) != n)
			abort();
		no_control_or_die("escaped", e, false);
		if (f >= 2)
			utf8_valid_or_die("escaped", (const unsigned char *)e, n);
		if (f == 0) {
			back = malloc(strlen(s) + 1);
			if (unescape_text(e, back) != strlen(s) || strcmp(back, s))
				abort();
			free(back);
		}
		free(e);
	}
	writers(s);
	free(s);
	return 0;
}
