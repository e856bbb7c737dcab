// SPDX-License-Identifier: GPL-2.0-or-later
/* The static binary has no HTTP server: libmicrohttpd's static library needs gnutls's. */
#include <stdio.h>

#include "view/serve-http.h"

struct serve_http *serve_http_start(const char *addr, int port, serve_metrics_fn fn, void *arg,
				    char *why, size_t size)
{
	(void)addr;
	(void)port;
	(void)fn;
	(void)arg;
	snprintf(why, size, "this is the static ftnet, built without an HTTP server (Debian's static libmicrohttpd needs gnutls, which has no static build): use the packaged ftnet, or 'ftnet top --prom FILE' for node_exporter's textfile collector");
	return NULL;
}

void serve_http_stop(struct serve_http *h)
{
	(void)h;
}
