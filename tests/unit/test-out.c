// SPDX-License-Identifier: GPL-2.0-or-later
/* The output writer: where each field goes (text, JSON or both), nesting by name, escaping. */
#include <inttypes.h>
#include <stdio.h>

#include "base/out.h"
#include "fixtures.h"
#include "tap.h"

/* one record with a field of every kind, each to both, to JSON alone and to text alone */
static void record(const void *arg)
{
	(void)arg;
	out_begin("t");
	out_str(PRINT_ANY, "s", "s=%s ", "a\"b");
	out_str(PRINT_JSON, "sj", NULL, "json");
	out_str(PRINT_TEXT, NULL, "text=%s ", "only");
	out_uint(PRINT_ANY, "u", "u=%" PRIu64 " ", UINT64_MAX);
	out_uint(PRINT_JSON, "uj", NULL, 7);
	out_int(PRINT_ANY, "i", "i=%" PRId64 " ", -5);
	out_int(PRINT_TEXT, "ignored", "it=%" PRId64 " ", 6);
	out_int(PRINT_JSON, "imin", NULL, INT64_MIN);
	out_uint(PRINT_JSON, "u0", NULL, 0);
	out_double(PRINT_ANY, "d", "d=%.1f ", 2.25);
	out_double(PRINT_JSON, "dj", NULL, 0.5);
	out_bool(PRINT_ANY, "b", "yes ", true);
	out_bool(PRINT_ANY, "bf", "never ", false);
	out_bool(PRINT_JSON, "bj", NULL, true);
	out_text("label ");
	out_end();
}

/* an array of objects and an object holding an array, opened and closed by name */
static void nested(const void *arg)
{
	(void)arg;
	out_begin("n");
	out_open_array("rows");
	for (unsigned int i = 0; i < 2; i++) {
		out_open_object(NULL);
		out_uint(PRINT_ANY, "k", "%" PRIu64 " ", i);
		out_close_object();
	}
	out_close_array();
	out_open_object("o");
	out_open_array("a");
	out_str(PRINT_ANY, NULL, "<%s>", "x");
	out_close_array();
	out_close_object();
	out_end();
}

/* strings from outside (a process name, a tracepoint's string): escaped, in text and in JSON */
static void escaped(const void *arg)
{
	(void)arg;
	out_begin("e");
	out_str(PRINT_ANY, "s", "%s ", "a\x1b[31mb\n");
	out_text_str("[%s]", "c\td");
	out_end();
}

int main(void)
{
	struct out_opts o = { .mode = OUT_JSON };

	out_init(&o);
	CHECK_STR(fixture_stdout(record, NULL),
		  "{\"type\":\"t\",\"s\":\"a\\\"b\",\"sj\":\"json\",\"u\":18446744073709551615,"
		  "\"uj\":7,\"i\":-5,\"imin\":-9223372036854775808,\"u0\":0,\"d\":2.250,\"dj\":0.500,\"b\":true,\"bf\":false,\"bj\":true}\n");
	CHECK_STR(fixture_stdout(nested, NULL),
		  "{\"type\":\"n\",\"rows\":[{\"k\":0},{\"k\":1}],\"o\":{\"a\":[\"x\"]}}\n");
	CHECK_STR(fixture_stdout(escaped, NULL), "{\"type\":\"e\",\"s\":\"a\\u001b[31mb\\n\"}\n");
	o.mode = OUT_TEXT;
	out_init(&o);
	CHECK_STR(fixture_stdout(record, NULL),
		  "s=a\"b text=only u=18446744073709551615 i=-5 it=6 d=2.2 yes label\n");
	CHECK_STR(fixture_stdout(nested, NULL), "0 1 <x>\n");
	CHECK_STR(fixture_stdout(escaped, NULL), "a\\x1b[31mb\\n [c\\td]\n");
	printf("out: %d checks, %d failed\n", tap_run, tap_failed);
	return tap_failed ? 1 : 0;
}
