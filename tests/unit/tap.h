/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A tiny check harness: counts and prints failures with their place. */
#ifndef FTNET_TAP_H
#define FTNET_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_run, tap_failed;

#define CHECK(cond) do { \
	tap_run++; \
	if (!(cond)) { \
		tap_failed++; \
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *_a = (a), *_b = (b); \
	tap_run++; \
	if (!_a || !_b || strcmp(_a, _b)) { \
		tap_failed++; \
		fprintf(stderr, "FAIL %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, \
			__LINE__, #a, _a ? _a : "(null)", _b ? _b : "(null)"); \
	} \
} while (0)

#define CHECK_INT(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	tap_run++; \
	if (_a != _b) { \
		tap_failed++; \
		fprintf(stderr, "FAIL %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, \
			#a, _a, _b); \
	} \
} while (0)

#endif
