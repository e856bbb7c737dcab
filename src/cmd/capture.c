// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet capture: packets through libpcap (classic BPF filters), tcpdump's summary, --drops. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "net/cap.h"
#include "capture-int.h"
#include "base/opt.h"
#include "base/out.h"
#include "view/print.h"
#include "source/session.h"
#include "kernel/tfs.h"
#include "base/util.h"

struct capture_opts {
	const char	*interface, *write, *read, *netns;
	uint64_t	snaplen, buffer_kb, count;
	double		duration;
	bool		json, drops;
};

static const struct opt capture_opts[] = {
	OPT_S('i', "interface", struct capture_opts, interface, "IF", "interface, or any (default)"),
	OPT_S('w', "write", struct capture_opts, write, "FILE",
	      "write the packets to FILE (pcap) instead of printing them"),
	OPT_S('r', "read", struct capture_opts, read, "FILE",
	      "read a pcap or pcapng file instead of capturing"),
	OPT_U('s', "snaplen", struct capture_opts, snaplen, "N",
	      "bytes kept per packet (64 to 262144, default 262144)", 64, 262144),
	/* bytes for libpcap in an int */
	OPT_U('B', "buffer-kb", struct capture_opts, buffer_kb, "KB",
	      "kernel capture buffer (1 to 2097151)", 1, 2097151),
	OPT_COUNT(struct capture_opts, count, "stop after N packets"),
	OPT_DURATION(struct capture_opts, duration),
	OPT_NETNS(struct capture_opts, netns),
	OPT_JSON(struct capture_opts, json),
	OPT_F('D', "drops", struct capture_opts, drops,
	      "also show the kernel's drops (skb:kfree_skb), in time order"),
	OPT_END,
};

const struct cmd_spec capture_spec = {
	.name = "capture",
	.args = "[FILTER...]",
	.about = "Captures packets with libpcap and a classic filter expression (no eBPF), one line\n"
		 "per packet, or writes them to a pcap file that tcpdump and Wireshark read. On exit\n"
		 "it prints tcpdump's summary: captured, received by filter, dropped by kernel.\n",
	.opts = capture_opts,
	.examples = "  ftnet capture -i eth0 'tcp[tcpflags] & tcp-rst != 0'\n"
		    "  ftnet capture -i any -w /tmp/dns.pcap -c 1000 udp port 53\n"
		    "  ftnet capture --drops -i any -d 10 udp\n",
	.max_args = -1,
};

/* What each option of a live capture is for, named when it comes with -r. */
static const struct { const char *lname, *what; } live_only[] = {
	{ "interface", "-i picks the interface of a live capture" },
	{ "snaplen", "-s sets the snap length of a live capture" },
	{ "buffer-kb", "-B sizes the kernel buffer of a live capture" },
	{ "netns", "--netns picks the namespace of a live capture" },
	{ "drops", "--drops shows the kernel's drops during a live capture" },
	{ "write", "-w writes a live capture to a file" },
};

/* Options that cannot go together are a usage error naming both, never silently ignored. */
static void check_conflicts(const struct capture_opts *o)
{
	for (size_t i = 0; o->read && i < ARRAY_SIZE(live_only); i++)
		if (opt_given(live_only[i].lname))
			usage_error("capture", "--read and --%s conflict: -r reads a file, %s",
				    live_only[i].lname, live_only[i].what);
	if (o->write && o->json)
		usage_error("capture", "--write and --json conflict: -w writes the packets to a pcap file, --json prints them");
	if (o->write && o->drops)
		usage_error("capture", "--write and --drops conflict: drop events do not go into a pcap file");
}

/* The filter: the arguments joined by spaces, as tcpdump takes them. */
static void join_filter(char **args, int n, char *filter, size_t size)
{
	size_t flen = 0;

	filter[0] = '\0';
	for (int i = 0; i < n; i++) {
		size_t l = strlen(args[i]);

		if (flen + l + 2 > size)
			usage_error("capture", "the filter is too long");
		if (flen)
			filter[flen++] = ' ';
		memcpy(filter + flen, args[i], l + 1);
		flen += l;
	}
}

static pcap_t *open_live(const char *ifname, int snaplen, uint64_t kb, bool immediate)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc = pcap_create(ifname, err);
	int ret;

	if (!pc)
		die(EXIT_FAIL, "cannot capture on '%s': %s", ifname, err);
	pcap_set_snaplen(pc, snaplen);
	pcap_set_timeout(pc, CAPTURE_TIMEOUT_MS);
	pcap_set_tstamp_precision(pc, PCAP_TSTAMP_PRECISION_NANO);
	if (kb)
		pcap_set_buffer_size(pc, (int)(kb * 1024));
	/* immediate mode wakes per packet: only for a person watching, not for files or pipes */
	if (immediate)
		pcap_set_immediate_mode(pc, 1);
	ret = pcap_activate(pc);
	if (ret == PCAP_ERROR_NO_SUCH_DEVICE)
		die(EXIT_FAIL, "no interface '%s' here: 'ip link' lists them (--netns for another namespace)",
		    ifname);
	if (ret == PCAP_ERROR_PERM_DENIED)
		die(EXIT_FAIL, "cannot capture on '%s': permission denied: capturing needs root (CAP_NET_RAW)",
		    ifname);
	if (ret < 0)
		die(EXIT_FAIL, "cannot capture on '%s': %s", ifname, pcap_geterr(pc));
	if (ret > 0)
		warn("capture on '%s': %s", ifname, pcap_statustostr(ret));
	/* the any device: cooked v2 names each packet's interface */
	if (!strcmp(ifname, "any"))
		pcap_set_datalink(pc, DLT_LINUX_SLL2);
	return pc;
}

static pcap_t *open_file(const char *path)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	const char *what = file_not_regular(path);
	pcap_t *pc;

	/* before libpcap opens it: a FIFO would wait for a writer, a device never end */
	if (what)
		die(EXIT_FAIL, "cannot read '%s': %s; give a pcap or pcapng file", path, what);
	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc)
		die(EXIT_FAIL, "cannot read '%s': %s", path, err);
	return pc;
}

/* Whether libpcap can filter packets of this link type at all (an empty filter compiles). */
static bool linktype_known(pcap_t *pc)
{
	struct bpf_program prog;

	if (pcap_compile(pc, &prog, "", 1, PCAP_NETMASK_UNKNOWN) < 0)
		return false;
	pcap_freecode(&prog);
	return true;
}

/*
 * Compiles and sets the filter. A file of a link type libpcap does not know is a file error
 * (exit 1) rather than a usage error about the filter.
 */
static void set_filter(struct capture *c, const char *filter, const char *rfile)
{
	struct bpf_program prog;
	char why[PCAP_ERRBUF_SIZE];

	if (pcap_compile(c->pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		const char *name = pcap_datalink_val_to_name(c->linktype);

		snprintf(why, sizeof(why), "%s", pcap_geterr(c->pc));
		if (rfile && !linktype_known(c->pc))
			die(EXIT_FAIL, "cannot read '%s': unknown link type %d%s%s%s: ftnet reads captures of Ethernet, Linux cooked and raw IP packets",
			    rfile, c->linktype, name ? " (" : "", name ? name : "",
			    name ? ")" : "");
		usage_error("capture", "invalid filter '%s': %s", filter, why);
	}
	if (pcap_setfilter(c->pc, &prog) < 0)
		die(EXIT_FAIL, "cannot set the filter: %s", pcap_geterr(c->pc));
	pcap_freecode(&prog);
}

/* The start: the namespace, then the handle (live or a file), the filter and the -w file. */
/*
 * The -w file, opened by us: a FIFO waits for its reader only until -d or a signal (open()
 * would block past both), anything else is created or truncated.
 */
static FILE *open_write(const char *path, double duration)
{
	uint64_t deadline = duration > 0 ? mono_ns() + (uint64_t)(duration * 1e9) : 0;
	struct stat st;
	int fd;

	if (stat(path, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	} else {
		while ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0 && errno == ENXIO &&
		       !session_stop && !(deadline && mono_ns() >= deadline))
			usleep(50000);	/* no reader yet */
		if (fd < 0 && errno == ENXIO)
			die(EXIT_FAIL, "cannot write '%s': nobody opened the FIFO for reading before the run ended",
			    path);
		if (fd >= 0)
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	}
	if (fd < 0)
		die(EXIT_FAIL, "cannot write '%s': %s", path, strerror(errno));
	return fdopen(fd, "w");
}

/* The -w file's end: every write checked (a full disk, /proc files, a reader gone). */
static int close_write(struct capture *c, const char *path)
{
	FILE *f = pcap_dump_file(c->dump);
	int err = c->werr;

	if (!err && (pcap_dump_flush(c->dump) < 0 || ferror(f)))
		err = errno ? errno : EIO;
	if (!err && fsync(fileno(f)) < 0 && errno != EINVAL && errno != EROFS)
		err = errno;	/* EINVAL: a pipe or FIFO, nothing to sync */
	pcap_dump_close(c->dump);
	c->dump = NULL;
	if (!err)
		return 0;
	error("cannot write '%s': %s: %" PRIu64 " packets were captured, not all of them are in the file",
	      path, strerror(err), c->count);
	return -1;
}

static void start(struct capture *c, const struct capture_opts *o, const char *filter)
{
	const char *ifname = o->interface ? o->interface : "any";

	if (o->netns)
		netns_or_die(o->netns);
	if (o->read) {
		c->pc = open_file(o->read);
		ifname = "";
	} else {
		c->immediate = !o->write && isatty(STDOUT_FILENO);
		c->pc = open_live(ifname, (int)(o->snaplen ? o->snaplen : 262144), o->buffer_kb,
				  c->immediate);
	}
	c->ifname = strcmp(ifname, "any") ? ifname : "";
	c->linktype = pcap_datalink(c->pc);
	c->limit = o->count;
	set_filter(c, filter, o->read);
	if (o->write && !(c->dump = pcap_dump_fopen(c->pc, open_write(o->write, o->duration))))
		die(EXIT_FAIL, "cannot write '%s': %s", o->write, pcap_geterr(c->pc));
	/*
	 * Live: non-blocking reads after our own poll(). libpcap's read timeout may never fire
	 * while no packet comes, and it retries on EINTR: neither -d nor Ctrl-C would end it.
	 */
	if (!o->read)
		pcap_setnonblock(c->pc, 1, NULL);
}

static void on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct capture *c = (struct capture *)arg;
	struct packet p;

	if (c->limit && c->count >= c->limit)
		return;
	c->count++;
	if (c->dump) {
		pcap_dump((u_char *)c->dump, h, data);
		if (ferror(pcap_dump_file(c->dump)) && !c->werr) {
			c->werr = errno ? errno : EIO;
			c->limit = c->count;	/* nothing more can be kept: stop */
		}
		return;
	}
	cap_dissect(c->linktype, data, h->caplen, h->len, capture_ts(h), c->ifname, &p);
	out_packet(&p);
}

/* Packets alone (no --drops): read until the file ends, -c, -d or a signal. */
static int loop(struct capture *c, bool file, double duration)
{
	uint64_t deadline = duration > 0 ? mono_ns() + (uint64_t)(duration * 1e9) : 0;

	out_set_abort(&session_stop, deadline);
	while (!session_stop && !(c->limit && c->count >= c->limit)) {
		int n;

		if (deadline && mono_ns() >= deadline)
			break;
		if (!file) {
			struct pollfd pfd = { pcap_get_selectable_fd(c->pc), POLLIN, 0 };

			poll(&pfd, 1, CAPTURE_TIMEOUT_MS);
		}
		n = pcap_dispatch(c->pc, -1, on_packet, (u_char *)c);
		if (n == PCAP_ERROR) {
			error("capture failed: %s", pcap_geterr(c->pc));
			return EXIT_FAIL;
		}
		if (n == PCAP_ERROR_BREAK || (file && n == 0))
			break;	/* the end of the file */
		if (!c->dump)
			out_flush();
	}
	return EXIT_OK;
}

/* tcpdump's summary, to stderr so that it never mixes with the packets */
static void summary(const struct capture *c, const struct capture_opts *o)
{
	struct pcap_stat st;

	if (o->read) {
		fprintf(stderr, "%" PRIu64 " packets read from '%s'\n", c->count, o->read);
		return;
	}
	if (pcap_stats(c->pc, &st) == 0) {
		fprintf(stderr, "%" PRIu64 " packets captured\n%u packets received by filter\n"
			"%u packets dropped by kernel\n", c->count, st.ps_recv, st.ps_drop);
		if (st.ps_drop)
			fprintf(stderr, "%s: hint: the kernel dropped packets ftnet could not take in time: a bigger buffer (-B KB) or a smaller snaplen (-s) helps\n",
				prog_name);
	}
	if (o->drops)
		fprintf(stderr, "%" PRIu64 " drop events\n", c->drops);
}

int cmd_capture(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct out_opts oo = { .mode = OUT_TEXT, .time = TIME_WALL };
	struct capture_opts o = { 0 };
	struct capture c = { 0 };
	char filter[4096];
	int i = opt_parse(&capture_spec, argc, argv, &o), ret;

	check_conflicts(&o);
	join_filter(argv + i, argc - i, filter, sizeof(filter));
	session_signals();	/* before start: a FIFO's open waits for a signal too */
	start(&c, &o, filter);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	if (o.drops) {
		if (tfs_mount(&ctx->tracefs) < 0)
			die(EXIT_FAIL, "--drops needs tracefs, and it cannot be mounted here");
		ret = capture_drops_run(ctx, &c, &oo, o.duration);
	} else {
		ret = loop(&c, o.read != NULL, o.duration);
	}
	out_flush();
	if (c.dump && close_write(&c, o.write) < 0)
		ret = EXIT_FAIL;
	summary(&c, &o);
	pcap_close(c.pc);
	return ret;
}
