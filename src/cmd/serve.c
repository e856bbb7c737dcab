// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ftnet serve: a Prometheus exporter. The groups are read in a private instance as top reads
 * them, into the same tables (and histograms for the latencies); an HTTP thread of its own
 * answers /metrics from them under a lock. SIGHUP keeps the instance when all its groups are
 * on (kallsyms read again) and sets it up again otherwise, as an instance turned off or removed
 * underneath is; the counters go on, and the time between two setups is counted.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "view/agg.h"
#include "kernel/groups.h"
#include "view/histogram.h"
#include "kernel/ksyms.h"
#include "base/opt.h"
#include "base/out.h"
#include "base/prom.h"
#include "source/run.h"
#include "view/serve-http.h"
#include "source/session.h"
#include "view/top-view.h"
#include "base/util.h"

#define DEFAULT_PORT 9577

struct serve_opts {
	const char	*listen;
	uint64_t	max_keys, buffer_kb;
	double		duration;
};

static const char *check_listen(const char *arg);

static const struct opt serve_opts[] = {
	OPT_SC('l', "listen", struct serve_opts, listen, "ADDR:PORT",
	       "where to answer (default 127.0.0.1:9577; [::1]:PORT for IPv6)", check_listen),
	OPT_U('k', "max-keys", struct serve_opts, max_keys, "N",
	      "label sets kept per metric (default 1000); more fold into 'other'", 1, 1000000),
	OPT_DURATION(struct serve_opts, duration),
	OPT_BUFFER_KB(struct serve_opts, buffer_kb),
	OPT_END,
};

const struct cmd_spec serve_spec = {
	.name = "serve",
	.args = "[GROUP...]",
	.about = "A Prometheus exporter: the groups' counters (drops by reason and location,\n"
		 "resets, retransmits, devices, UDP senders, state transitions), connect and\n"
		 "rxlat latencies as histograms, lost events and ftnet's own health, answered\n"
		 "on GET /metrics (OpenMetrics when the Accept header asks for it). The groups\n"
		 "are read in a private instance; the default is drops, resets, retrans and\n"
		 "connect. SIGHUP checks the instance (set up again when something turned it\n"
		 "off) and reads kallsyms again; the counters go on.\n",
	.opts = serve_opts,
	.examples = "  ftnet serve\n"
		    "  ftnet serve drops resets rx tx --listen 0.0.0.0:9577\n"
		    "  curl -s localhost:9577/metrics | grep ftnet_drops_total\n",
	.max_args = -1,
	.args_kind = ARGS_GROUPS,
};

static char listen_addr[64];
static int listen_port = DEFAULT_PORT;

/*
 * "ADDR:PORT" (IPv4) or "[V6]:PORT", both numeric: split into listen_addr and listen_port.
 * Anything else is a usage error here, before the server is started.
 */
static const char *check_listen(const char *arg)
{
	const char *a = arg, *colon, *close = NULL;
	unsigned char bin[sizeof(struct in6_addr)];
	size_t n;
	long port = 0;

	if (*a == '[') {
		close = strchr(a, ']');
		if (!close || close[1] != ':')
			return "an IPv6 address goes in brackets before the port: [::1]:9577";
		a++;
		colon = close + 1;
	} else {
		colon = strrchr(a, ':');
		if (!colon)
			return "give ADDR:PORT, such as 127.0.0.1:9577 or [::1]:9577";
	}
	n = (size_t)((close ? close : colon) - a);
	if (!n || n >= sizeof(listen_addr))
		return "give ADDR:PORT, such as 127.0.0.1:9577 or [::1]:9577";
	snprintf(listen_addr, sizeof(listen_addr), "%.*s", (int)n, a);
	if (inet_pton(close ? AF_INET6 : AF_INET, listen_addr, bin) != 1)
		return close ? "not a numeric IPv6 address in the brackets" :
		       "give a numeric address such as 127.0.0.1, 0.0.0.0 or [::1] (no name, no space)";
	for (const char *p = colon + 1; *p; p++) {
		if (*p < '0' || *p > '9' || port > 65535)
			return "give a port from 1 to 65535";
		port = port * 10 + (*p - '0');
	}
	if (port < 1 || port > 65535)
		return "give a port from 1 to 65535";
	listen_port = (int)port;
	return NULL;
}

struct serve {
	pthread_mutex_t	lock;
	struct top	t;
	struct hist	lat[2];		/* connect, rxlat */
	bool		has_lat[2];
	unsigned int	max_keys;
	uint64_t	events, setups, read_errors;
	uint64_t	untraced_ns, ended;	/* between a run's end and the next setup */
	uint64_t	last_read, started;	/* wall clock, ns */
	struct ksyms	*ks;
};

static void started(void *arg, struct session *s)
{
	struct serve *sv = arg;

	pthread_mutex_lock(&sv->lock);
	for (int i = 0; i < s->nrun; i++) {
		top_tables(&sv->t, s->run[i]->view, sv->max_keys);
		if (s->run[i]->types & (1u << EV_CONNECT))
			sv->has_lat[0] = true;
		if (s->run[i]->types & (1u << EV_RXLAT))
			sv->has_lat[1] = true;
	}
	sv->setups++;
	if (sv->ended)
		sv->untraced_ns += mono_ns() - sv->ended;
	sv->ended = 0;
	sv->last_read = wall_ns();
	pthread_mutex_unlock(&sv->lock);
}

/* The buffers are read to the end: from here to the next setup nothing is seen. */
static void drained(void *arg, struct session *s)
{
	struct serve *sv = arg;

	(void)s;
	pthread_mutex_lock(&sv->lock);
	sv->ended = mono_ns();
	pthread_mutex_unlock(&sv->lock);
}

/* SIGHUP with every group still on: the instance is kept, kallsyms read again (modules). */
static void reload(void *arg, struct session *s)
{
	struct serve *sv = arg;
	struct ksyms *ks = ksyms_load("/proc/kallsyms"), *old;

	(void)s;
	note("SIGHUP: the instance is as set up; kept, kallsyms read again");
	pthread_mutex_lock(&sv->lock);
	old = sv->ks;
	if (ks) {
		sv->ks = ks;
		sv->t.ks = ks;
	}
	sv->setups++;
	pthread_mutex_unlock(&sv->lock);
	if (ks)
		ksyms_free(old);
}

static void on_event(void *arg, const struct ftnet_event *ev)
{
	struct serve *sv = arg;

	pthread_mutex_lock(&sv->lock);
	if (ev->type == EV_CONNECT && ev->ok)
		hist_add(&sv->lat[0], ev->latency_ns);
	else if (ev->type == EV_RXLAT)
		hist_add(&sv->lat[1], ev->latency_ns);
	else
		top_add(&sv->t, ev);
	if (ev->type != EV_LOST)
		sv->events++;
	pthread_mutex_unlock(&sv->lock);
}

static void idle(void *arg, uint64_t now)
{
	struct serve *sv = arg;

	(void)now;
	pthread_mutex_lock(&sv->lock);
	sv->last_read = wall_ns();
	pthread_mutex_unlock(&sv->lock);
}

/* A latency as a Prometheus histogram in seconds: bucket i holds [2^(i-1), 2^i) ns. */
static void histogram(struct prom *p, const char *name, const char *help, const struct hist *h)
{
	char bucket[96], le[32], sum[96], count[96];
	const char *labels[3] = { "le", le, NULL };
	uint64_t cum = 0;
	int top = 1;

	snprintf(bucket, sizeof(bucket), "%s_bucket", name);
	snprintf(sum, sizeof(sum), "%s_sum", name);
	snprintf(count, sizeof(count), "%s_count", name);
	for (int i = 0; i < HIST_LOG2; i++)
		if (h->log2[i])
			top = i;
	prom_family(p, name, "histogram", help);
	for (int i = 0; i <= top && i < 63; i++) {
		cum += h->log2[i];
		/* integers below 2^i ns: at most 2^i - 1 ns */
		prom_seconds((1ull << i) - 1, le, sizeof(le));
		prom_sample(p, bucket, cum, labels);
	}
	snprintf(le, sizeof(le), "+Inf");
	prom_sample(p, bucket, h->count, labels);
	prom_sample_ns(p, sum, h->sum, NULL);
	prom_sample(p, count, h->count, NULL);
}

static void health(struct serve *sv, struct prom *p)
{
	prom_family(p, "ftnet_events_read_total", "counter", "events read from the kernel");
	prom_sample(p, "ftnet_events_read_total", sv->events, NULL);
	prom_family(p, "ftnet_read_errors_total", "counter",
		    "runs that ended on an error and were set up again");
	prom_sample(p, "ftnet_read_errors_total", sv->read_errors, NULL);
	prom_family(p, "ftnet_setups_total", "counter",
		    "times the instance was set up or checked (1, then SIGHUP and recoveries)");
	prom_sample(p, "ftnet_setups_total", sv->setups, NULL);
	prom_family(p, "ftnet_untraced_seconds_total", "counter",
		    "time between a run's end and the next setup: events then are not seen");
	prom_sample_ns(p, "ftnet_untraced_seconds_total", sv->untraced_ns, NULL);
	prom_family(p, "ftnet_last_read_timestamp_seconds", "gauge",
		    "when the ring buffers were last read");
	prom_sample_ns(p, "ftnet_last_read_timestamp_seconds", sv->last_read, NULL);
	prom_family(p, "ftnet_start_time_seconds", "gauge", "when this exporter started");
	prom_sample_ns(p, "ftnet_start_time_seconds", sv->started, NULL);
}

static char *metrics(void *arg, bool om, size_t *len)
{
	struct serve *sv = arg;
	struct prom *p = prom_open_mem(om);
	char *text;

	if (!p)
		return NULL;
	pthread_mutex_lock(&sv->lock);
	top_prom_emit(&sv->t, p);
	if (sv->has_lat[0])
		histogram(p, "ftnet_connect_latency_seconds",
			  "TCP connect latency, SYN_SENT to ESTABLISHED", &sv->lat[0]);
	if (sv->has_lat[1])
		histogram(p, "ftnet_rx_latency_seconds",
			  "receive latency, netif_receive_skb to the copy into user space",
			  &sv->lat[1]);
	health(sv, p);
	pthread_mutex_unlock(&sv->lock);
	text = prom_take(p, len);
	return text;
}

/* A second, or until a signal. */
static void pause_a_second(void)
{
	struct timespec ts = { 1, 0 };

	nanosleep(&ts, NULL);
}

/* Runs until SIGINT or SIGTERM (or -d): SIGHUP and a failed run set the instance up again. */
static int serve_loop(struct ftnet_ctx *ctx, struct run_spec *r, struct serve *sv)
{
	static char *defaults[] = { "drops", "resets", "retrans", "connect" };
	uint64_t end = r->duration > 0 ? mono_ns() + (uint64_t)(r->duration * 1e9) : 0;
	int ret;

	if (!r->ngroups) {
		r->groups = defaults;
		r->ngroups = (int)ARRAY_SIZE(defaults);
	}
	for (;;) {
		if (end)
			r->duration = end > mono_ns() ? (double)(end - mono_ns()) / 1e9 : 0.001;
		ret = run_or_exit(ctx, r, NULL);
		if (session_stop == SIGHUP) {
			note("SIGHUP: setting the instance up again");
			session_stop = 0;
			continue;
		}
		if (session_stop || ret == EXIT_OK)
			return ret == EXIT_OK || session_stop ? EXIT_OK : ret;
		pthread_mutex_lock(&sv->lock);
		sv->read_errors++;
		pthread_mutex_unlock(&sv->lock);
		warn("the run ended on an error: setting the instance up again in a second");
		pause_a_second();
		if (session_stop && session_stop != SIGHUP)
			return EXIT_OK;
		session_stop = 0;
	}
}

int cmd_serve(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct serve_opts o = { .max_keys = 1000 };
	struct out_opts oo = { .mode = OUT_TEXT };
	struct run_spec r = { .cmd = "serve", .private_instance = true, .quiet = true };
	struct serve_http *h;
	struct serve sv;
	char why[320];
	int i, ret;

	snprintf(listen_addr, sizeof(listen_addr), "127.0.0.1");
	i = opt_parse(&serve_spec, argc, argv, &o);
	out_init(&oo);
	memset(&sv, 0, sizeof(sv));
	pthread_mutex_init(&sv.lock, NULL);
	sv.max_keys = (unsigned int)o.max_keys;
	sv.t.drop_by = BY_REASON | BY_LOCATION;
	sv.started = wall_ns();
	hist_init(&sv.lat[0]);
	hist_init(&sv.lat[1]);
	sv.ks = ksyms_load("/proc/kallsyms");
	sv.t.ks = sv.ks;
	h = serve_http_start(listen_addr, listen_port, metrics, &sv, why, sizeof(why));
	if (!h)
		die(EXIT_FAIL, "cannot serve: %s", why);
	fprintf(stderr, "%s: serving metrics on http://%s%s%s:%d/metrics\n", prog_name,
		strchr(listen_addr, ':') ? "[" : "", listen_addr,
		strchr(listen_addr, ':') ? "]" : "", listen_port);
	r.groups = argv + i;
	r.ngroups = argc - i;
	r.so.buffer_kb = o.buffer_kb;
	r.duration = o.duration;
	r.arg = &sv;
	r.started = started;
	r.on_event = on_event;
	r.idle = idle;
	r.reload = reload;
	r.drained = drained;
	ret = serve_loop(ctx, &r, &sv);
	serve_http_stop(h);
	top_release(&sv.t);
	ksyms_free(sv.ks);
	pthread_mutex_destroy(&sv.lock);
	return ret;
}
