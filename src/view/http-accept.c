// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Accept header of a scrape, read as RFC 9110 says: media ranges separated by commas,
 * types compared without case, each with a weight q (1 when not given, 0 meaning "not this").
 * Apart from the HTTP server so that the unit tests and the static binary have it too.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "view/serve-http.h"

static const char *skip_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* The q of one media range's parameters (p to end): 1 unless a valid q says otherwise. */
static double range_q(const char *p, const char *end)
{
	double q = 1;

	while (p && p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;

		p = skip_ws(p, stop);
		if (stop - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			char num[16], *e;
			size_t n = (size_t)(stop - p - 2);

			if (n >= sizeof(num))
				n = sizeof(num) - 1;
			memcpy(num, p + 2, n);
			num[n] = 0;
			q = strtod(num, &e);
			if (e == num || q < 0 || q > 1)
				q = 1;	/* not a weight: as if none was given */
		}
		p = semi ? semi + 1 : NULL;
	}
	return q;
}

static bool type_is(const char *t, size_t n, const char *want)
{
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		n--;
	return strlen(want) == n && !strncasecmp(t, want, n);
}

bool http_wants_openmetrics(const char *accept)
{
	double om = 0, text = 0;
	const char *p = accept;

	while (p && *p) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
		const char *semi = memchr(p, ';', (size_t)(end - p)), *tend = semi ? semi : end;
		double q;

		p = skip_ws(p, tend);
		q = range_q(semi ? semi + 1 : NULL, end);
		if (type_is(p, (size_t)(tend - p), "application/openmetrics-text")) {
			if (q > om)
				om = q;
		} else if (type_is(p, (size_t)(tend - p), "text/plain") ||
			   type_is(p, (size_t)(tend - p), "text/*") ||
			   type_is(p, (size_t)(tend - p), "*/*")) {
			if (q > text)
				text = q;
		}
		p = comma ? comma + 1 : NULL;
	}
	/* a tie goes to OpenMetrics: a client that names it asked for it */
	return om > 0 && om >= text;
}
