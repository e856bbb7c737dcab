// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ftnet serve's HTTP side, on libmicrohttpd: GET and HEAD of /metrics (Prometheus text, or
 * OpenMetrics when the Accept header asks), a pointer at /, 404 and 405 for the rest. The
 * server runs in its own thread with every signal blocked, so the reader never waits on a
 * client; connections, their memory and their idle time are bounded.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "view/serve-http.h"
#include "base/util.h"

/*
 * Room for the scraper whatever others do: few connections per address (a scraper needs one
 * or two), a short idle time (a request comes in one packet; a reader that does not read is
 * dropped), and a reserve at the top that only addresses that scraped before may take.
 */
#define MAX_CONNECTIONS 256
#define PER_IP 8
#define IDLE_SECS 3
#define RESERVE 32
#define SCRAPERS 8		/* addresses remembered as having scraped */
#define CONN_MEMORY 16384	/* headers past this get 431 */

struct serve_http {
	struct MHD_Daemon	*d;
	serve_metrics_fn	fn;
	void			*arg;
	pthread_mutex_t		lock;		/* the fields below */
	unsigned int		open;		/* connections now */
	struct sockaddr_storage	scrapers[SCRAPERS];
	uint64_t		scraped[SCRAPERS];	/* the order of the last scrape */
	uint64_t		scrapes;
};

static bool same_host(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	if (a->sa_family != b->ss_family)
		return false;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return a->sa_family == AF_INET6 &&
	       !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
}

static int scraper_slot(struct serve_http *h, const struct sockaddr *a)
{
	for (int i = 0; i < SCRAPERS; i++)
		if (h->scraped[i] && same_host(a, &h->scrapers[i]))
			return i;
	return -1;
}

/* A /metrics answered to a: a is a scraper (the least recent of eight makes room). */
static void note_scraper(struct serve_http *h, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *a = ci ? ci->client_addr : NULL;
	int slot, i;

	if (!a || (a->sa_family != AF_INET && a->sa_family != AF_INET6))
		return;
	pthread_mutex_lock(&h->lock);
	slot = scraper_slot(h, a);
	if (slot < 0)
		for (i = slot = 0; i < SCRAPERS; i++)
			if (h->scraped[i] < h->scraped[slot])
				slot = i;
	memcpy(&h->scrapers[slot], a, a->sa_family == AF_INET ? sizeof(struct sockaddr_in) :
	       sizeof(struct sockaddr_in6));
	h->scrapers[slot].ss_family = a->sa_family;
	h->scraped[slot] = ++h->scrapes;
	pthread_mutex_unlock(&h->lock);
}

/* The last RESERVE connections go to addresses that scraped before, none to the rest. */
static enum MHD_Result accept_policy(void *cls, const struct sockaddr *a, socklen_t len)
{
	struct serve_http *h = cls;
	bool ok;

	(void)len;
	pthread_mutex_lock(&h->lock);
	ok = h->open < MAX_CONNECTIONS - RESERVE || scraper_slot(h, a) >= 0;
	pthread_mutex_unlock(&h->lock);
	return ok ? MHD_YES : MHD_NO;
}

static void notify(void *cls, struct MHD_Connection *c, void **ctx,
		   enum MHD_ConnectionNotificationCode code)
{
	struct serve_http *h = cls;

	(void)c;
	(void)ctx;
	pthread_mutex_lock(&h->lock);
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		h->open++;
	else if (code == MHD_CONNECTION_NOTIFY_CLOSED && h->open)
		h->open--;
	pthread_mutex_unlock(&h->lock);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result metrics(struct serve_http *h, struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_ACCEPT);
	bool om = accept && http_wants_openmetrics(accept);
	size_t len = 0;
	char *text = h->fn(h->arg, om, &len);

	if (text)
		note_scraper(h, c);
	if (!text)
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n",
			     14, MHD_RESPMEM_PERSISTENT);
	return reply(c, MHD_HTTP_OK, om ? "application/openmetrics-text; version=1.0.0; "
		     "charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8", text, len,
		     MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	static char index[] = "ftnet exporter: the metrics are at /metrics\n";
	static char missing[] = "not found: the metrics are at /metrics\n";
	static char method_no[] = "only GET and HEAD\n";

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)state;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", method_no,
			     sizeof(method_no) - 1, MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/metrics"))
		return metrics(cls, c);
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, "text/plain", index, sizeof(index) - 1,
			     MHD_RESPMEM_PERSISTENT);
	return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", missing, sizeof(missing) - 1,
		     MHD_RESPMEM_PERSISTENT);
}

/* addr as a socket address; 0, or -1 when it is no numeric IPv4 or IPv6 address. */
static int sockaddr_of(const char *addr, int port, struct sockaddr_storage *ss, bool *v6)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	*v6 = false;
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return 0;
	}
	return -1;
}

struct serve_http *serve_http_start(const char *addr, int port, serve_metrics_fn fn, void *arg,
				    char *why, size_t size)
{
	struct serve_http *h = xcalloc(1, sizeof(*h));
	struct sockaddr_storage ss;
	sigset_t all, old;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	bool v6;

	if (sockaddr_of(addr, port, &ss, &v6) < 0) {
		snprintf(why, size, "'%s' is no numeric IPv4 or IPv6 address", addr);
		free(h);
		return NULL;
	}
	if (v6)
		flags |= MHD_USE_IPv6;
	h->fn = fn;
	h->arg = arg;
	pthread_mutex_init(&h->lock, NULL);
	/* the server's thread takes no signal: they end the reader's waits, as everywhere */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	h->d = MHD_start_daemon(flags, (uint16_t)port, accept_policy, h, handle, h,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_NOTIFY_CONNECTION, notify, h,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)PER_IP,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_SECS,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
				MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!h->d) {
		pthread_mutex_destroy(&h->lock);
		snprintf(why, size, "cannot listen on %s%s%s:%d (the port in use, or the address not this machine's)",
			 v6 ? "[" : "", addr, v6 ? "]" : "", port);
		free(h);
		return NULL;
	}
	return h;
}

void serve_http_stop(struct serve_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
