/* ftnet top: per-interval tables of drops, resets, retransmits, devices, UDP senders, states. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agg.h"
#include "groups.h"
#include "ksyms.h"
#include "out.h"
#include "prom.h"
#include "session.h"
#include "opt.h"
#include "util.h"

enum view_id { V_DROPS, V_RESETS, V_RFLOW, V_RCOMM, V_DEV, V_UDP, V_STATES, NVIEWS };

enum drop_by { BY_REASON = 1, BY_LOCATION = 2, BY_PROTOCOL = 4 };

struct drop_key { int32_t reason; uint16_t protocol, pad; uint64_t location; };
struct addr_key { uint16_t family, sport, dport; uint8_t dir, pad; uint8_t saddr[16], daddr[16]; };
struct comm_key { char comm[FTNET_COMM_LEN]; int32_t pid; };
struct dev_key { char dev[FTNET_DEV_LEN]; uint8_t dir; };
struct state_key { int32_t from, to; };

static const struct {
	const char	*json, *title, *group;
	size_t		keysize;
} views[NVIEWS] = {
	[V_DROPS] = { "drops", "DROPS", "drops", sizeof(struct drop_key) },
	[V_RESETS] = { "resets", "RESETS", "resets", sizeof(struct addr_key) },
	[V_RFLOW] = { "retransmits", "RETRANSMITS BY FLOW", "retrans", sizeof(struct addr_key) },
	[V_RCOMM] = { "retransmits_by_comm", "RETRANSMITS BY COMM", "retrans",
		      sizeof(struct comm_key) },
	[V_DEV] = { "devices", "DEVICES", NULL, sizeof(struct dev_key) },
	[V_UDP] = { "udp_senders", "UDP SENDERS", "udp", sizeof(struct comm_key) },
	[V_STATES] = { "state_transitions", "TCP STATE TRANSITIONS", "states",
		       sizeof(struct state_key) },
};

struct top {
	struct agg		*agg[NVIEWS];
	const struct ksyms	*ks;
	char			*reasons[1024];	/* names seen, by reason number */
	unsigned int		drop_by;
	uint64_t		events, lost, lost_total, events_total;
	int			rows;
	double			interval;
};

static void top_usage(FILE *f)
{
	fprintf(f, "usage: ftnet top [GROUP...] [--by KEY] [-i SECS] [-d SECS] [-n ROWS] [--json]\n"
		   "                 [--prom FILE] [--max-keys N]\n\n"
		   "Per-interval tables sorted by count, with rates and totals: drops by reason and\n"
		   "location, resets by address pair, retransmits by flow and by comm, rx/tx per\n"
		   "device, UDP senders, TCP state transitions. Without groups it uses those\n"
		   "enabled in the instance, or drops. Lost events are shown for each interval.\n\n"
		   "  -b, --by KEY        drops by reason, location, reason,location (default) or protocol\n"
		   "  -i, --interval SECS one table per SECS (default 1)\n"
		   "  -d, --duration SECS stop after SECS\n"
		   "  -n, --rows N        rows per table (default 10)\n"
		   "  -j, --json          one object per interval\n"
		   "  -p, --prom FILE     write the totals as Prometheus text to FILE (atomically)\n"
		   "  -k, --max-keys N    rows kept per table (default %d); more fold into 'other'\n\n"
		   "groups: drops, resets, retrans, rx, tx, udp, states\n\n"
		   "EXAMPLES\n"
		   "  ftnet top\n"
		   "  ftnet top drops --by location -i 5\n"
		   "  ftnet top rx tx udp --json -d 60 --prom /var/lib/node_exporter/ftnet.prom\n",
		AGG_DEFAULT_MAX_KEYS);
}

static void on_event(void *arg, const struct ftnet_event *ev)
{
	struct top *t = arg;
	union {
		struct drop_key d;
		struct addr_key a;
		struct comm_key c;
		struct dev_key v;
		struct state_key s;
	} k;
	struct agg_row *r;

	memset(&k, 0, sizeof(k));
	if (ev->type == EV_LOST) {
		t->lost += ev->count;
		t->lost_total += ev->count;
		return;
	}
	t->events++;
	t->events_total++;
	switch (ev->type) {
	case EV_DROP:
		if (t->drop_by & BY_REASON) {
			k.d.reason = ev->reason;
			/* a copy: the name lives in the format parser, freed before the last table */
			if (ev->reason >= 0 && ev->reason < (int)ARRAY_SIZE(t->reasons) &&
			    !t->reasons[ev->reason] && ev->reason_name)
				t->reasons[ev->reason] = xstrdup(ev->reason_name);
		}
		if (t->drop_by & BY_LOCATION)
			k.d.location = ev->location;
		if (t->drop_by & BY_PROTOCOL)
			k.d.protocol = ev->protocol;
		agg_add(t->agg[V_DROPS], &k, 1, 0);
		break;
	case EV_RESET:
		k.a.dir = ev->dir;
		k.a.family = ev->family;
		memcpy(k.a.saddr, ev->saddr, 16);
		memcpy(k.a.daddr, ev->daddr, 16);
		agg_add(t->agg[V_RESETS], &k, 1, 0);
		break;
	case EV_RETRANS:
		k.a.family = ev->family;
		k.a.sport = ev->sport;
		k.a.dport = ev->dport;
		memcpy(k.a.saddr, ev->saddr, 16);
		memcpy(k.a.daddr, ev->daddr, 16);
		r = agg_add(t->agg[V_RFLOW], &k, 1, 0);
		r->extra = ev->state;
		memset(&k, 0, sizeof(k));
		memcpy(k.c.comm, ev->comm, FTNET_COMM_LEN);
		agg_add(t->agg[V_RCOMM], &k, 1, 0);
		break;
	case EV_RX:
	case EV_TX:
		memcpy(k.v.dev, ev->dev, FTNET_DEV_LEN);
		k.v.dir = ev->type == EV_RX ? DIR_RECEIVED : DIR_SENT;
		agg_add(t->agg[V_DEV], &k, 1, ev->len);
		break;
	case EV_UDP:
		memcpy(k.c.comm, ev->comm, FTNET_COMM_LEN);
		k.c.pid = ev->pid;
		agg_add(t->agg[V_UDP], &k, 1, ev->len);
		break;
	case EV_STATE:
		k.s.from = ev->oldstate;
		k.s.to = ev->newstate;
		agg_add(t->agg[V_STATES], &k, 1, 0);
		break;
	default:
		break;
	}
}

static void addr_str(uint16_t family, const uint8_t *a, uint16_t port, bool with_port, char *buf,
		     size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (family == AF_INET || family == AF_INET6)
		inet_ntop(family, a, ip, sizeof(ip));
	if (!with_port)
		snprintf(buf, size, "%s", ip);
	else if (family == AF_INET6)
		snprintf(buf, size, "[%s]:%u", ip, port);
	else
		snprintf(buf, size, "%s:%u", ip, port);
}

static const char *reason_str(const struct top *t, int reason, char *buf, size_t size)
{
	if (reason < 0)
		return "-";
	if (reason < (int)ARRAY_SIZE(t->reasons) && t->reasons[reason])
		return t->reasons[reason];
	snprintf(buf, size, "%d", reason);
	return buf;
}

/* The key columns of one row; also its Prometheus labels (pairs, NULL-terminated). */
static void row_keys(const struct top *t, int v, const struct agg_row *r, const char **labels,
		     char (*bufs)[128])
{
	const void *key = r->key;
	int n = 0;

#define L(name, val) do { labels[n++] = name; labels[n++] = val; } while (0)
	if (r->other) {
		switch (v) {
		case V_DROPS:
			if (t->drop_by & BY_REASON)
				L("reason", "other");
			if (t->drop_by & BY_LOCATION)
				L("location", "other");
			if (t->drop_by & BY_PROTOCOL)
				L("protocol", "other");
			break;
		case V_RESETS: L("direction", "other"); L("saddr", "other"); L("daddr", "other"); break;
		case V_RFLOW: L("saddr", "other"); L("daddr", "other"); break;
		case V_RCOMM: L("comm", "other"); break;
		case V_DEV: L("dev", "other"); L("direction", "other"); break;
		case V_UDP: L("comm", "other"); L("pid", "other"); break;
		case V_STATES: L("from", "other"); L("to", "other"); break;
		}
		labels[n] = NULL;
		return;
	}
	switch (v) {
	case V_DROPS: {
		const struct drop_key *k = key;

		if (t->drop_by & BY_REASON)
			L("reason", reason_str(t, k->reason, bufs[0], sizeof(bufs[0])));
		if (t->drop_by & BY_LOCATION) {
			ksyms_format(t->ks, k->location, bufs[1], sizeof(bufs[1]));
			L("location", bufs[1]);
		}
		if (t->drop_by & BY_PROTOCOL)
			L("protocol", strcpy(bufs[2], out_ethertype(k->protocol)));
		break;
	}
	case V_RESETS: {
		const struct addr_key *k = key;

		L("direction", k->dir == DIR_SENT ? "sent" : "received");
		addr_str(k->family, k->saddr, 0, false, bufs[0], sizeof(bufs[0]));
		addr_str(k->family, k->daddr, 0, false, bufs[1], sizeof(bufs[1]));
		L("saddr", bufs[0]);
		L("daddr", bufs[1]);
		break;
	}
	case V_RFLOW: {
		const struct addr_key *k = key;

		addr_str(k->family, k->saddr, 0, false, bufs[0], sizeof(bufs[0]));
		snprintf(bufs[1], sizeof(bufs[1]), "%u", k->sport);
		addr_str(k->family, k->daddr, 0, false, bufs[2], sizeof(bufs[2]));
		snprintf(bufs[3], sizeof(bufs[3]), "%u", k->dport);
		L("saddr", bufs[0]);
		L("sport", bufs[1]);
		L("daddr", bufs[2]);
		L("dport", bufs[3]);
		L("state", tcp_state_name((int)r->extra));
		break;
	}
	case V_RCOMM:
		L("comm", ((const struct comm_key *)key)->comm);
		break;
	case V_DEV: {
		const struct dev_key *k = key;

		L("dev", k->dev);
		L("direction", k->dir == DIR_RECEIVED ? "rx" : "tx");
		break;
	}
	case V_UDP: {
		const struct comm_key *k = key;

		snprintf(bufs[0], sizeof(bufs[0]), "%d", k->pid);
		L("comm", k->comm);
		L("pid", bufs[0]);
		break;
	}
	case V_STATES: {
		const struct state_key *k = key;

		L("from", tcp_state_name(k->from));
		L("to", tcp_state_name(k->to));
		break;
	}
	}
#undef L
	labels[n] = NULL;
}

static bool has_bytes(int v)
{
	return v == V_DEV || v == V_UDP;
}

/* Text: one row's key columns, laid out per view. */
static void text_keys(int v, const char *const *l, const struct agg_row *r)
{
	char a[160], b[160];
	const char *o[16];

	/* the other row: "other" in the first column, the rest left blank */
	if (r->other && v != V_RFLOW) {
		int i;

		for (i = 0; l[i] && i < (int)ARRAY_SIZE(o) - 2; i += 2) {
			o[i] = l[i];
			o[i + 1] = i ? "" : "other";
		}
		o[i] = NULL;
		l = o;
	}
	switch (v) {
	case V_RFLOW:
		if (r->other) {
			out_text("%-46s %-47s %-12s ", "other", "", "");
			break;
		}
		snprintf(a, sizeof(a), strchr(l[1], ':') ? "[%s]:%s" : "%s:%s", l[1], l[3]);
		snprintf(b, sizeof(b), strchr(l[5], ':') ? "[%s]:%s" : "%s:%s", l[5], l[7]);
		out_text("%-46s %-47s %-12s ", a, b, l[9]);
		break;
	case V_RESETS:
		out_text("%-9s %-40s %-40s ", l[1], l[3], l[5]);
		break;
	case V_UDP:
		out_text("%-16s %8s ", l[1], l[3]);
		break;
	case V_DEV:
		out_text("%-16s %-3s ", l[1], l[3]);
		break;
	case V_STATES:
		out_text(r->other ? "%-12s    %-12s " : "%-12s -> %-12s ", l[1], l[3]);
		break;
	default:
		for (int i = 0; l[i]; i += 2)
			out_text(i == 0 ? "%-22s " : "%-40s ", l[i + 1]);
	}
}

static void text_header(const struct top *t, int v)
{
	const char *cnt = has_bytes(v) ? (v == V_UDP ? "SENDS" : "PACKETS") : "COUNT";

	out_text("\n%s\n", views[v].title);
	switch (v) {
	case V_DROPS:
		if (t->drop_by & BY_REASON)
			out_text("%-22s ", "REASON");
		if (t->drop_by & BY_LOCATION)
			out_text(t->drop_by & BY_REASON ? "%-40s " : "%-22s ", "LOCATION");
		if (t->drop_by & BY_PROTOCOL)
			out_text(t->drop_by == BY_PROTOCOL ? "%-22s " : "%-40s ", "PROTOCOL");
		break;
	case V_RESETS: out_text("%-9s %-40s %-40s ", "DIR", "SOURCE", "DESTINATION"); break;
	case V_RFLOW: out_text("%-46s %-47s %-12s ", "SOURCE", "DESTINATION", "STATE"); break;
	case V_RCOMM: out_text("%-22s ", "COMM"); break;
	case V_DEV: out_text("%-16s %-3s ", "DEV", "DIR"); break;
	case V_UDP: out_text("%-16s %8s ", "COMM", "PID"); break;
	case V_STATES: out_text("%-12s    %-12s ", "FROM", "TO"); break;
	}
	out_text("%10s %10s %12s", cnt, "PER_SEC", "TOTAL");
	if (has_bytes(v))
		out_text(" %14s %14s %16s", "BYTES", "BYTES_PER_SEC", "TOTAL_BYTES");
	out_text("\n");
}

static void render(struct top *t, uint64_t ts, double secs, bool final)
{
	char bufs[4][128];
	const char *labels[16];

	out_begin("top");
	if (out_is_json()) {
		out_uint("ts_ns", "", ts);
		out_double("interval_s", "", secs);
		out_uint("events", "", t->events);
		out_uint("lost", "", t->lost);
		out_uint("events_total", "", t->events_total);
		out_uint("lost_total", "", t->lost_total);
		if (final)
			out_str("final", "", "true");
	} else {
		char tm[64];

		out_fmt_time(ts, tm, sizeof(tm));
		out_text("%s  interval %.2fs  events %" PRIu64 "  lost %" PRIu64 "  (total %" PRIu64
			 " events, %" PRIu64 " lost)%s\n", tm, secs, t->events, t->lost,
			 t->events_total, t->lost_total, final ? "  final" : "");
		if (t->lost)
			out_text("warning: %" PRIu64 " events lost in this interval: counts are low; "
				 "enlarge the buffer (--buffer-kb)\n", t->lost);
	}
	for (int v = 0; v < NVIEWS; v++) {
		struct agg_row **rows;
		size_t n, shown = 0;

		if (!t->agg[v])
			continue;
		rows = agg_sorted(t->agg[v], &n);
		out_open(views[v].json, true);
		if (!out_is_json())
			text_header(t, v);
		for (size_t i = 0; i < n; i++) {
			const struct agg_row *r = rows[i];

			if (shown >= (size_t)t->rows && !r->other)
				continue;
			shown++;
			row_keys(t, v, r, labels, bufs);
			out_open(NULL, false);
			if (out_is_json()) {
				for (int j = 0; labels[j]; j += 2)
					out_str(labels[j], "", labels[j + 1]);
				if (r->other)
					out_str("other", "", "true");
			} else {
				text_keys(v, labels, r);
			}
			out_uint("count", "%10" PRIu64 " ", r->count);
			out_double("per_sec", "%10.1f ", secs > 0 ? r->count / secs : 0);
			out_uint("total", "%12" PRIu64, r->total);
			if (has_bytes(v)) {
				out_uint("bytes", " %14" PRIu64, r->bytes);
				out_double("bytes_per_sec", " %14.1f", secs > 0 ? r->bytes / secs : 0);
				out_uint("total_bytes", " %16" PRIu64, r->total_bytes);
			}
			out_text("\n");
			out_close(false);
		}
		if (n > shown)
			out_text("(%zu more rows)\n", n - shown);
		if (agg_other(t->agg[v])->total)
			out_text("(%" PRIu64 " events of keys past --max-keys are in 'other')\n",
				 agg_folded(t->agg[v]));
		out_close(true);
	}
	out_end();
	out_flush();
}

static int prom_write(struct top *t, const char *path)
{
	static const struct { int v; const char *name, *bytes, *help; } m[] = {
		{ V_DROPS, "ftnet_drops_total", NULL, "packets dropped (skb:kfree_skb)" },
		{ V_RESETS, "ftnet_resets_total", NULL, "TCP resets sent and received" },
		{ V_RFLOW, "ftnet_retransmits_total", NULL, "TCP retransmitted skbs by flow" },
		{ V_RCOMM, "ftnet_retransmits_by_comm_total", NULL, "TCP retransmits by comm" },
		{ V_DEV, "ftnet_dev_packets_total", "ftnet_dev_bytes_total", "packets per device" },
		{ V_UDP, "ftnet_udp_sends_total", "ftnet_udp_send_bytes_total", "UDP sends" },
		{ V_STATES, "ftnet_tcp_state_transitions_total", NULL, "TCP state changes" },
	};
	char bufs[4][128];
	const char *labels[16];
	struct prom *p = prom_open(path);

	if (!p)
		return -errno;
	prom_family(p, "ftnet_lost_events_total", "counter", "events the kernel could not keep");
	prom_sample(p, "ftnet_lost_events_total", t->lost_total, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		struct agg_row **rows;
		size_t n;

		if (!t->agg[m[i].v])
			continue;
		rows = agg_sorted(t->agg[m[i].v], &n);
		prom_family(p, m[i].name, "counter", m[i].help);
		for (size_t j = 0; j < n; j++) {
			row_keys(t, m[i].v, rows[j], labels, bufs);
			prom_sample(p, m[i].name, rows[j]->total, labels);
		}
		if (!m[i].bytes)
			continue;
		prom_family(p, m[i].bytes, "counter", "bytes of the same");
		for (size_t j = 0; j < n; j++) {
			row_keys(t, m[i].v, rows[j], labels, bufs);
			prom_sample(p, m[i].bytes, rows[j]->total_bytes, labels);
		}
	}
	return prom_commit(p);
}

static unsigned int parse_by(const char *s)
{
	if (!strcmp(s, "reason"))
		return BY_REASON;
	if (!strcmp(s, "location"))
		return BY_LOCATION;
	if (!strcmp(s, "reason,location") || !strcmp(s, "location,reason"))
		return BY_REASON | BY_LOCATION;
	if (!strcmp(s, "protocol"))
		return BY_PROTOCOL;
	return 0;
}

int cmd_top(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "interval", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "rows", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "prom", required_argument, NULL, 'p' },
		{ "max-keys", required_argument, NULL, 'k' },
		{ "buffer-kb", required_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct out_opts oo = { .mode = OUT_TEXT, .time = TIME_WALL };
	struct session_opts so = { .default_group = "drops" };
	struct top t = { .drop_by = BY_REASON | BY_LOCATION, .rows = 10, .interval = 1 };
	uint64_t deadline = 0, next, start, v, max_keys = AGG_DEFAULT_MAX_KEYS;
	const char *prom = NULL;
	bool redraw;
	struct ksyms *ks;
	struct session s;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "b:i:d:n:jp:k:B:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			t.drop_by = parse_by(optarg);
			if (!t.drop_by)
				usage_error("top", "invalid --by '%s': give reason, location, "
					    "reason,location or protocol", optarg);
			break;
		case 'i':
			t.interval = interval_or_die("top", optarg);
			break;
		case 'd':
			deadline = (uint64_t)(seconds_or_die("top", "duration", optarg) * 1e9);
			break;
		case 'n':
			if (parse_u64(optarg, &v) < 0 || !v || v > 100000)
				usage_error("top", "invalid --rows '%s': give 1 to 100000", optarg);
			t.rows = (int)v;
			break;
		case 'j':
			oo.mode = OUT_JSON;
			break;
		case 'p':
			prom = prom_path_or_die("top", optarg);
			break;
		case 'k':
			if (parse_u64(optarg, &max_keys) < 0 || !max_keys || max_keys > 10000000)
				usage_error("top", "invalid --max-keys '%s': give 1 to 10000000", optarg);
			break;
		case 'B':
			if (parse_u64(optarg, &v) < 0 || !v || v > (1u << 22))
				usage_error("top", "invalid --buffer-kb '%s'", optarg);
			so.buffer_kb = v;
			break;
		case 'h':
			top_usage(stdout);
			return 0;
		default:
			top_usage(stderr);
			return EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "connect") || !strcmp(argv[i], "rxlat"))
			usage_error("top", "'%s' is a latency: use 'ftnet hist %s'", argv[i], argv[i]);
	}
	session_signals();
	session_start(&s, ctx, argv + optind, argc - optind, &so);
	for (int i = 0; i < s.nrun; i++) {
		const char *g = s.run[i]->name;

		for (int w = 0; w < NVIEWS; w++)
			if ((views[w].group && !strcmp(views[w].group, g)) ||
			    (w == V_DEV && (!strcmp(g, "rx") || !strcmp(g, "tx"))))
				if (!t.agg[w])
					t.agg[w] = agg_new(views[w].keysize, (unsigned int)max_keys);
	}
	ks = ksyms_load("/proc/kallsyms");
	t.ks = ks;
	s.on_event = on_event;
	s.arg = &t;
	oo.wall_offset_ns = (int64_t)(wall_ns() - mono_ns());
	out_init(&oo);
	redraw = !out_is_json() && isatty(STDOUT_FILENO);
	start = mono_ns();
	next = start + (uint64_t)(t.interval * 1e9);
	if (deadline)
		deadline += start;

	while (!session_stop) {
		int waited = session_wait(&s, deadline, next);
		uint64_t now = mono_ns();

		if (waited) {
			ret = waited < 0 ? EXIT_FAIL : ret;
			break;
		}
		if (now >= next) {
			if (redraw)
				fputs("\033[H\033[2J", stdout);
			render(&t, now, (now - (next - (uint64_t)(t.interval * 1e9))) / 1e9, false);
			if (prom && (c = prom_write(&t, prom)) < 0)
				warn("cannot write '%s': %s", prom, strerror(-c));
			for (int w = 0; w < NVIEWS; w++)
				if (t.agg[w])
					agg_interval(t.agg[w]);
			t.events = t.lost = 0;
			next = now + (uint64_t)(t.interval * 1e9);
		}
		if (ferror(stdout))
			break;
	}
	session_drain(&s);
	session_end(&s);
	{
		uint64_t now = mono_ns(), from = next - (uint64_t)(t.interval * 1e9);

		render(&t, now, now > from ? (now - from) / 1e9 : 0, true);
	}
	if (prom && (c = prom_write(&t, prom)) < 0) {
		error("cannot write the Prometheus file '%s': %s", prom, strerror(-c));
		ret = EXIT_FAIL;
	}
	for (int w = 0; w < NVIEWS; w++)
		agg_free(t.agg[w]);
	for (size_t i = 0; i < ARRAY_SIZE(t.reasons); i++)
		free(t.reasons[i]);
	ksyms_free(ks);
	return ret;
}

/* placeholder until the options move into a table */
static const struct opt top_opts_tbl[] = { OPT_END };
const struct cmd_spec top_spec = { .name = "top", .opts = top_opts_tbl, .max_args = -1 };
