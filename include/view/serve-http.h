/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ftnet serve's HTTP side (src/view/serve-http.c; src/view/serve-none.c in the static binary). */
#ifndef FTNET_SERVE_H
#define FTNET_SERVE_H

#include <stdbool.h>
#include <stddef.h>

struct serve_http;

/* The text of /metrics (caller frees), built under the caller's lock; NULL on failure. */
typedef char *(*serve_metrics_fn)(void *arg, bool openmetrics, size_t *len);

/*
 * Listens on addr:port (IPv4 or IPv6 numeric) in a thread of its own, bounded against slow and
 * hostile clients. NULL with why set when it cannot (the port is taken, no HTTP support).
 */
struct serve_http *serve_http_start(const char *addr, int port, serve_metrics_fn fn, void *arg,
				    char *why, size_t size);
void serve_http_stop(struct serve_http *h);
/*
 * Whether an Accept header asks for OpenMetrics (src/view/http-accept.c): media types without
 * case, q weights (q=0 refuses), OpenMetrics when its weight is at least text/plain's.
 */
bool http_wants_openmetrics(const char *accept);

#endif
