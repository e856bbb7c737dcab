/* ftnet count: how often tracepoints fire, system-wide, like 'perf stat -e ... -a'. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"
#include "prom.h"
#include "session.h"
#include "tfs.h"
#include "util.h"

/* The events the network playbook counts first. */
static const char *const default_events[] = {
	"net:netif_receive_skb", "net:net_dev_xmit", "skb:kfree_skb", "skb:consume_skb",
	"tcp:tcp_retransmit_skb", "tcp:tcp_send_reset", "tcp:tcp_receive_reset",
	"sock:inet_sock_set_state",
};

#define COUNT_MAX 64

struct counter {
	const char	*name;
	uint64_t	count, total;
	int		id;
};

struct cstate {
	struct counter	c[COUNT_MAX];
	int		n;
	uint64_t	lost, lost_total, unknown;
};

static void count_usage(FILE *f)
{
	fprintf(f, "usage: ftnet count [EVENT...] [-d SECS] [-i SECS] [--json] [--prom FILE]\n\n"
		   "Counts tracepoint hits on all CPUs in a private instance, read from the raw\n"
		   "buffers. EVENT is SYSTEM:NAME; the default is the network playbook's:\n"
		   "  netif_receive_skb, net_dev_xmit, kfree_skb, consume_skb, tcp_retransmit_skb,\n"
		   "  tcp_send_reset, tcp_receive_reset, inet_sock_set_state\n\n"
		   "  -d, --duration SECS stop after SECS (default: until Ctrl-C)\n"
		   "  -i, --interval SECS print the counts every SECS\n"
		   "  -j, --json          one object per interval\n"
		   "  -p, --prom FILE     write the totals as Prometheus text to FILE\n\n"
		   "EXAMPLES\n"
		   "  ftnet count -d 10\n"
		   "  ftnet count skb:kfree_skb net:napi_poll -i 1 -d 10 --json\n");
}

static void on_record(void *arg, struct tep_record *rec)
{
	struct cstate *cs = arg;
	uint16_t id;

	memcpy(&id, rec->data, 2);
	for (int i = 0; i < cs->n; i++) {
		if (cs->c[i].id == id) {
			cs->c[i].count++;
			cs->c[i].total++;
			return;
		}
	}
	cs->unknown++;
}

static void on_event(void *arg, const struct ftnet_event *ev)
{
	struct cstate *cs = arg;

	if (ev->type == EV_LOST) {
		cs->lost += ev->count;
		cs->lost_total += ev->count;
	}
}

static void render(struct cstate *cs, uint64_t ts, double secs, bool final)
{
	out_begin("count");
	out_uint("ts_ns", "", ts);
	out_double("interval_s", "\n%.3f seconds", secs);
	out_uint("lost", ", %" PRIu64 " events lost", cs->lost);
	if (final)
		out_str("final", " (final)", "true");
	out_text("\n\n%14s %14s %14s  %s\n", "COUNT", "PER_SEC", "TOTAL", "EVENT");
	out_open("counts", true);
	for (int i = 0; i < cs->n; i++) {
		out_open(NULL, false);
		out_uint("count", "%14" PRIu64 " ", cs->c[i].count);
		out_double("per_sec", "%14.1f ", secs > 0 ? cs->c[i].count / secs : 0);
		out_uint("total", "%14" PRIu64 "  ", cs->c[i].total);
		out_str("event", "%s\n", cs->c[i].name);
		out_close(false);
		cs->c[i].count = 0;
	}
	out_close(true);
	out_end();
	out_flush();
	cs->lost = 0;
}

static int prom_write(const struct cstate *cs, const char *path)
{
	struct prom *p = prom_open(path);

	if (!p)
		return -errno;
	prom_family(p, "ftnet_tracepoint_events_total", "counter", "tracepoint hits");
	for (int i = 0; i < cs->n; i++) {
		const char *labels[] = { "event", cs->c[i].name, NULL };

		prom_sample(p, "ftnet_tracepoint_events_total", cs->c[i].total, labels);
	}
	prom_family(p, "ftnet_lost_events_total", "counter", "events the kernel could not keep");
	prom_sample(p, "ftnet_lost_events_total", cs->lost_total, NULL);
	return prom_commit(p);
}

int cmd_count(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "prom", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *events[COUNT_MAX], *prom = NULL;
	struct out_opts oo = { .mode = OUT_TEXT };
	struct session_opts so = { 0 };
	uint64_t deadline = 0, interval = 0, next = 0, start, last;
	char instance[64];
	struct cstate cs;
	struct session s;
	int c, n = 0, ret = 0;

	while ((c = getopt_long(argc, argv, "d:i:jp:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			deadline = (uint64_t)(seconds_or_die("count", "duration", optarg) * 1e9);
			break;
		case 'i':
			interval = (uint64_t)(interval_or_die("count", optarg) * 1e9);
			break;
		case 'j':
			oo.mode = OUT_JSON;
			break;
		case 'p':
			prom = prom_path_or_die("count", optarg);
			break;
		case 'h':
			count_usage(stdout);
			return 0;
		default:
			count_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > COUNT_MAX)
		usage_error("count", "at most %d events", COUNT_MAX);
	for (int i = optind; i < argc; i++)
		events[n++] = argv[i];
	if (!n) {
		/* the defaults this kernel has */
		for (size_t i = 0; i < ARRAY_SIZE(default_events); i++) {
			char sys[16];
			const char *colon = strchr(default_events[i], ':');

			snprintf(sys, sizeof(sys), "%.*s", (int)(colon - default_events[i]),
				 default_events[i]);
			if (tracefs_event_file_exists(NULL, sys, colon + 1, "id"))
				events[n++] = default_events[i];
		}
	}
	memset(&cs, 0, sizeof(cs));
	/* a private instance: counting must not consume a stream's events, nor the reverse */
	snprintf(instance, sizeof(instance), "ftnet-count-%d", (int)getpid());
	ctx->instance = instance;
	so.events = events;
	so.nevents = n;
	session_signals();
	session_start(&s, ctx, NULL, 0, &so);
	for (int i = 0; i < s.nraw; i++) {
		char *id = tracefs_event_file_read(NULL, s.raw[i][0], s.raw[i][1], "id", NULL);

		cs.c[cs.n].name = events[i];
		cs.c[cs.n].id = id ? atoi(id) : -1;
		cs.n++;
		free(id);
	}
	s.on_record = on_record;
	s.on_event = on_event;
	s.arg = &cs;
	out_init(&oo);
	start = last = mono_ns();
	if (deadline)
		deadline += start;
	if (interval)
		next = start + interval;
	if (!out_is_json() && !deadline)
		fprintf(stderr, "%s: counting %d events... hit Ctrl-C to end\n", prog_name, cs.n);
	while (!session_stop) {
		int w = session_wait(&s, deadline, next);
		uint64_t now = mono_ns();

		if (w) {
			ret = w < 0 ? EXIT_FAIL : ret;
			break;
		}
		if (next && now >= next) {
			render(&cs, now, (now - last) / 1e9, false);
			if (prom && (c = prom_write(&cs, prom)) < 0)
				warn("cannot write '%s': %s", prom, strerror(-c));
			last = now;
			next = now + interval;
		}
	}
	session_drain(&s);
	session_end(&s);
	render(&cs, mono_ns(), (mono_ns() - last) / 1e9, true);
	if (prom && (c = prom_write(&cs, prom)) < 0) {
		error("cannot write the Prometheus file '%s': %s", prom, strerror(-c));
		ret = EXIT_FAIL;
	}
	return ret;
}
