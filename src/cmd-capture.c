/* ftnet capture: packets through libpcap (classic BPF filters), tcpdump's summary, --drops. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cap.h"
#include "ksyms.h"
#include "out.h"
#include "session.h"
#include "tfs.h"
#include "opt.h"
#include "util.h"

static void capture_usage(FILE *f)
{
	fprintf(f, "usage: ftnet capture [-i IF|any] [-w FILE] [-r FILE] [-s SNAPLEN] [-B KB] [-c N]\n"
		   "                     [-d SECS] [--netns NAME|PID] [--json] [--drops] [FILTER...]\n\n"
		   "Captures packets with libpcap and a classic filter expression (no eBPF), one line\n"
		   "per packet, or writes them to a pcap file that tcpdump and Wireshark read. On exit\n"
		   "it prints tcpdump's summary: captured, received by filter, dropped by kernel.\n\n"
		   "  -i, --interface IF  interface, or any (default)\n"
		   "  -w, --write FILE    write the packets to FILE (pcap) instead of printing them\n"
		   "  -r, --read FILE     read a pcap or pcapng file instead of capturing\n"
		   "  -s, --snaplen N     bytes kept per packet (default 262144)\n"
		   "  -B, --buffer-kb KB  kernel capture buffer\n"
		   "  -c, --count N       stop after N packets\n"
		   "  -d, --duration SECS stop after SECS\n"
		   "  -n, --netns NS      capture inside a network namespace (ip netns name, or a PID)\n"
		   "  -j, --json          one JSON object per packet\n"
		   "  -D, --drops         also show the kernel's drops (skb:kfree_skb), in time order\n\n"
		   "EXAMPLES\n"
		   "  ftnet capture -i eth0 'tcp[tcpflags] & tcp-rst != 0'\n"
		   "  ftnet capture -i any -w /tmp/dns.pcap -c 1000 udp port 53\n"
		   "  ftnet capture --drops -i any -d 10 udp\n");
}

/* One line to print, a packet or a drop, ordered by wall time with the others. */
struct item {
	uint64_t		wall_ns;
	bool			is_drop;
	struct packet		pkt;
	struct ftnet_event	ev;
};

struct capture {
	pcap_t			*pc;
	pcap_dumper_t		*dump;
	const char		*ifname;
	struct item		*q;
	size_t			nq, capq;
	uint64_t		count, limit, drops;
	int64_t			wall_offset;	/* wall clock minus the trace clock */
	int			linktype;
	bool			interleave;
};

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return x->wall_ns < y->wall_ns ? -1 : x->wall_ns > y->wall_ns;
}

/* Prints what is older than the hold time (everything when hold is 0), in time order. */
static void flush(struct capture *c, uint64_t hold_ns)
{
	uint64_t horizon = wall_ns() - hold_ns;
	size_t n = 0;

	if (!c->nq)
		return;
	qsort(c->q, c->nq, sizeof(*c->q), item_cmp);
	while (n < c->nq && (!hold_ns || c->q[n].wall_ns <= horizon)) {
		if (c->q[n].is_drop) {
			struct ftnet_event ev = c->q[n].ev;

			out_event(&ev);
		} else {
			out_packet(&c->q[n].pkt);
		}
		n++;
	}
	memmove(c->q, c->q + n, (c->nq - n) * sizeof(*c->q));
	c->nq -= n;
	out_flush();
}

static struct item *push(struct capture *c)
{
	if (c->nq == c->capq) {
		c->capq = c->capq ? c->capq * 2 : 256;
		c->q = xrealloc(c->q, c->capq * sizeof(*c->q));
	}
	memset(&c->q[c->nq], 0, sizeof(c->q[0]));
	return &c->q[c->nq++];
}

static void on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct capture *c = (struct capture *)arg;
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
	struct packet p;

	if (c->limit && c->count >= c->limit)
		return;
	c->count++;
	if (c->dump) {
		pcap_dump((u_char *)c->dump, h, data);
		return;
	}
	/* nanosecond precision was asked for: tv_usec holds nanoseconds */
	cap_dissect(c->linktype, data, h->caplen, h->len, ts, c->ifname, &p);
	if (c->interleave) {
		struct item *it = push(c);

		it->pkt = p;
		it->wall_ns = ts;
		return;
	}
	out_packet(&p);
}

static void on_drop(void *arg, const struct ftnet_event *ev)
{
	struct capture *c = arg;
	struct item *it;

	if (ev->type != EV_DROP && ev->type != EV_LOST)
		return;
	c->drops += ev->type == EV_DROP;
	it = push(c);
	it->is_drop = true;
	it->ev = *ev;
	it->wall_ns = (uint64_t)((int64_t)ev->ts + c->wall_offset);
}

static pcap_t *open_live(const char *ifname, int snaplen, uint64_t kb, bool immediate)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc = pcap_create(ifname, err);
	int ret;

	if (!pc)
		die(EXIT_FAIL, "cannot capture on '%s': %s", ifname, err);
	pcap_set_snaplen(pc, snaplen);
	pcap_set_timeout(pc, 100);
	pcap_set_tstamp_precision(pc, PCAP_TSTAMP_PRECISION_NANO);
	if (kb)
		pcap_set_buffer_size(pc, (int)(kb * 1024));
	/* immediate mode wakes per packet: only for a person watching, not for files or pipes */
	if (immediate)
		pcap_set_immediate_mode(pc, 1);
	ret = pcap_activate(pc);
	if (ret == PCAP_ERROR_NO_SUCH_DEVICE)
		die(EXIT_FAIL, "no interface '%s' here: 'ip link' lists them (--netns for another "
			       "namespace)", ifname);
	if (ret == PCAP_ERROR_PERM_DENIED)
		die(EXIT_FAIL, "cannot capture on '%s': permission denied: capturing needs root "
			       "(CAP_NET_RAW)", ifname);
	if (ret < 0)
		die(EXIT_FAIL, "cannot capture on '%s': %s", ifname, pcap_geterr(pc));
	if (ret > 0)
		warn("capture on '%s': %s", ifname, pcap_statustostr(ret));
	/* the any device: cooked v2 names each packet's interface */
	if (!strcmp(ifname, "any"))
		pcap_set_datalink(pc, DLT_LINUX_SLL2);
	return pc;
}

int cmd_capture(struct ftnet_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "write", required_argument, NULL, 'w' },
		{ "read", required_argument, NULL, 'r' },
		{ "snaplen", required_argument, NULL, 's' },
		{ "buffer-kb", required_argument, NULL, 'B' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "netns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "drops", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifname = "any", *wfile = NULL, *rfile = NULL, *netns = NULL;
	struct out_opts oo = { .mode = OUT_TEXT, .time = TIME_WALL };
	struct capture c = { 0 };
	struct bpf_program prog;
	char filter[4096] = "";
	uint64_t snaplen = 262144, kb = 0, deadline = 0;
	struct session s;
	struct ksyms *ks = NULL;
	bool drops = false;
	size_t flen = 0;
	int ch, ret = 0;

	while ((ch = getopt_long(argc, argv, "i:w:r:s:B:c:d:n:jDh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'i': ifname = optarg; break;
		case 'w': wfile = optarg; break;
		case 'r': rfile = optarg; break;
		case 's':
			if (parse_u64(optarg, &snaplen) < 0 || snaplen < 64 || snaplen > 262144)
				usage_error("capture", "invalid snaplen '%s': give 64 to 262144", optarg);
			break;
		case 'B':
			if (parse_u64(optarg, &kb) < 0 || !kb || kb > (1u << 21))
				usage_error("capture", "invalid --buffer-kb '%s'", optarg);
			break;
		case 'c':
			if (parse_u64(optarg, &c.limit) < 0 || !c.limit)
				usage_error("capture", "invalid count '%s'", optarg);
			break;
		case 'd':
			deadline = (uint64_t)(seconds_or_die("capture", "duration", optarg) * 1e9);
			break;
		case 'n': netns = optarg; break;
		case 'j': oo.mode = OUT_JSON; break;
		case 'D': drops = true; break;
		case 'h':
			capture_usage(stdout);
			return 0;
		default:
			capture_usage(stderr);
			return EXIT_USAGE;
		}
	}
	for (int i = optind; i < argc; i++) {
		size_t l = strlen(argv[i]);

		if (flen + l + 2 > sizeof(filter))
			usage_error("capture", "the filter is too long");
		if (flen)
			filter[flen++] = ' ';
		memcpy(filter + flen, argv[i], l + 1);
		flen += l;
	}
	if (rfile && (wfile || drops || netns))
		usage_error("capture", "-r reads a file: -w, --drops and --netns are for live capture");
	if (wfile && drops)
		usage_error("capture", "--drops prints drop events: it does not go into a pcap file");
	if (netns)
		netns_or_die(netns);

	if (rfile) {
		char err[PCAP_ERRBUF_SIZE] = "";

		c.pc = pcap_open_offline_with_tstamp_precision(rfile, PCAP_TSTAMP_PRECISION_NANO,
								 err);
		if (!c.pc)
			die(EXIT_FAIL, "cannot read '%s': %s", rfile, err);
		ifname = "";
	} else {
		c.pc = open_live(ifname, (int)snaplen, kb, !wfile && isatty(STDOUT_FILENO));
	}
	c.ifname = strcmp(ifname, "any") ? ifname : "";
	c.linktype = pcap_datalink(c.pc);
	if (pcap_compile(c.pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		fprintf(stderr, "%s: invalid filter '%s': %s\n", prog_name, filter, pcap_geterr(c.pc));
		pcap_close(c.pc);
		return EXIT_USAGE;
	}
	if (pcap_setfilter(c.pc, &prog) < 0)
		die(EXIT_FAIL, "cannot set the filter: %s", pcap_geterr(c.pc));
	pcap_freecode(&prog);
	if (wfile && !(c.dump = pcap_dump_open(c.pc, wfile)))
		die(EXIT_FAIL, "cannot write '%s': %s", wfile, pcap_geterr(c.pc));

	session_signals();
	out_init(&oo);
	if (drops) {
		char instance[64], *names[] = { "drops" };
		struct session_opts so = { 0 };

		if (tfs_mount(&ctx->tracefs) < 0)
			die(EXIT_FAIL, "--drops needs tracefs, and it cannot be mounted here");
		snprintf(instance, sizeof(instance), "ftnet-capture-%d", (int)getpid());
		ctx->instance = instance;
		session_start(&s, ctx, names, 1, &so);
		s.on_event = on_drop;
		s.arg = &c;
		ks = ksyms_load("/proc/kallsyms");
		oo.ksyms = ks;
		oo.wall_offset_ns = c.wall_offset = (int64_t)(wall_ns() - mono_ns());
		out_init(&oo);
		c.interleave = true;
	}
	/*
	 * Live: non-blocking reads after our own poll(). libpcap's read timeout may never fire
	 * while no packet comes, and it retries on EINTR: neither -d nor Ctrl-C would end it.
	 */
	if (!rfile)
		pcap_setnonblock(c.pc, 1, NULL);
	if (deadline)
		deadline += mono_ns();

	while (!session_stop && !(c.limit && c.count >= c.limit)) {
		int n;

		if (deadline && mono_ns() >= deadline)
			break;
		if (!rfile) {
			struct pollfd pfd = { pcap_get_selectable_fd(c.pc), POLLIN, 0 };

			poll(&pfd, 1, drops ? 20 : 100);
		}
		n = pcap_dispatch(c.pc, -1, on_packet, (u_char *)&c);
		if (n == PCAP_ERROR) {
			error("capture failed: %s", pcap_geterr(c.pc));
			ret = EXIT_FAIL;
			break;
		}
		if (n == PCAP_ERROR_BREAK)
			break;
		if (rfile && n == 0)
			break;	/* end of the file */
		if (drops) {
			session_step(&s, mono_ns());
			flush(&c, 300000000ull);
		}
		if (!c.dump)
			out_flush();
	}
	if (drops) {
		session_drain(&s);
		flush(&c, 0);	/* before session_end: the events' reason names live in its parser */
		session_end(&s);
	}
	out_flush();
	if (c.dump)
		pcap_dump_close(c.dump);
	if (!rfile) {
		struct pcap_stat st;

		/* tcpdump's summary, to stderr so that it never mixes with the packets */
		if (pcap_stats(c.pc, &st) == 0) {
			fprintf(stderr, "%" PRIu64 " packets captured\n%u packets received by filter\n"
				"%u packets dropped by kernel\n", c.count, st.ps_recv, st.ps_drop);
			if (st.ps_drop)
				fprintf(stderr, "%s: hint: the kernel dropped packets ftnet could not take "
					"in time: a bigger buffer (-B KB) or a smaller snaplen (-s) helps\n",
					prog_name);
		}
		if (drops)
			fprintf(stderr, "%" PRIu64 " drop events\n", c.drops);
	} else {
		fprintf(stderr, "%" PRIu64 " packets read from '%s'\n", c.count, rfile);
	}
	pcap_close(c.pc);
	free(c.q);
	ksyms_free(ks);
	return ret;
}

/* placeholder until the options move into a table */
static const struct opt capture_opts_tbl[] = { OPT_END };
const struct cmd_spec capture_spec = { .name = "capture", .opts = capture_opts_tbl, .max_args = -1 };
