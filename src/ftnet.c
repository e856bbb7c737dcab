/* ftnet: network debugging through tracefs alone. Global options, the command table, dispatch. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "config.h"
#include "groups.h"
#include "tfs.h"
#include "util.h"

struct cmd {
	const char	*name;
	int		(*fn)(struct ftnet_ctx *ctx, int argc, char **argv);
	unsigned int	flags;
	const char	*help;
};

static const struct cmd commands[] = {
	{ "check", cmd_check, NEED_TRACEFS, "what this kernel offers, and what each group would use" },
	{ "list", cmd_list, NEED_TRACEFS, "the groups, their events, and the raw network tracepoints" },
	{ "enable", cmd_enable, NEED_TRACEFS, "enable groups in the persistent instance" },
	{ "disable", cmd_disable, NEED_TRACEFS, "disable groups (--all removes the instance)" },
	{ "status", cmd_status, NEED_TRACEFS, "enabled groups, filters, buffer and per-CPU losses" },
	{ "stream", cmd_stream, NEED_TRACEFS, "live decoded events, as text or JSON Lines" },
	{ "top", cmd_top, NEED_TRACEFS, "per-interval tables: drops, resets, retransmits, devices, ..." },
	{ "hist", cmd_hist, NEED_TRACEFS, "log2 latency histograms: connect, rxlat" },
	{ "count", cmd_count, NEED_TRACEFS, "counts of any tracepoints, like perf stat -e ... -a" },
	{ "capture", cmd_capture, 0, "capture packets with libpcap, tcpdump-style, --drops too" },
	{ "counters", cmd_counters, 0, "deltas of link, SNMP/netstat and softnet counters" },
	{ "sockets", cmd_sockets, 0, "sockets with data waiting in their queues, and UDP drops" },
	{ "conntrack", cmd_conntrack, 0, "conntrack statistics and table use" },
	{ "nftrace", cmd_nftrace, 0, "nftables trace messages (meta nftrace set 1), decoded" },
	{ "diagnose", cmd_diagnose, 0, "the whole playbook in one run, with ranked findings" },
	{ "selftest", cmd_selftest, NEED_TRACEFS, "provoke every group on loopback and check it was seen" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ftnet [-I NAME] [-v] COMMAND [ARGS]\n\n"
		   "Network debugging with tracefs alone: drops, resets, retransmits, states,\n"
		   "connect latency and per-device traffic, on any kernel with tracefs.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\noptions:\n"
		   "  -I, --instance NAME  tracefs instance to use (default: $FTNET_INSTANCE or 'ftnet')\n"
		   "  -v, --verbose        say more about what is done to the kernel\n"
		   "  --backend KIND       auto (tracepoints, else kprobes), tracepoint or kprobe\n"
		   "  -V, --version        print the version\n"
		   "  -h, --help           this help; 'ftnet COMMAND -h' for a command's\n\n"
		   "EXAMPLES\n"
		   "  ftnet enable drops && ftnet stream\n"
		   "  ftnet stream resets retrans --json -d 10\n"
		   "  ftnet disable --all\n"
		   "  ftnet --backend kprobe stream retrans\n");
}

static void tracefs_or_die(struct ftnet_ctx *ctx)
{
	int ret = tfs_mount(&ctx->tracefs);

	if (ret == -EPERM || ret == -EACCES)
		die(EXIT_FAIL, "cannot mount tracefs at /sys/kernel/tracing: permission denied: "
			       "ftnet needs root (CAP_SYS_ADMIN) to mount and use tracefs");
	if (ret == -ENOENT || ret == -ENODEV)
		die(EXIT_FAIL, "cannot mount tracefs at /sys/kernel/tracing: %s: this kernel "
			       "has no tracefs (CONFIG_FTRACE/CONFIG_TRACING is off)", strerror(-ret));
	if (ret < 0)
		die(EXIT_FAIL, "cannot mount tracefs at /sys/kernel/tracing: %s", strerror(-ret));
	if (access(ctx->tracefs, R_OK | X_OK) < 0)
		die(EXIT_FAIL, "cannot read tracefs at '%s': %s: ftnet needs root "
			       "(CAP_SYS_ADMIN, or read/write permission on tracefs)",
		    ctx->tracefs, strerror(errno));
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "instance", required_argument, NULL, 'I' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "backend", required_argument, NULL, 'B' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ftnet_ctx ctx = { 0 };
	int c;

	ctx.instance = getenv("FTNET_INSTANCE");
	if (!ctx.instance || !*ctx.instance)
		ctx.instance = TFS_DEFAULT_INSTANCE;
	while ((c = getopt_long(argc, argv, "+I:vVhB:", longopts, NULL)) != -1) {
		switch (c) {
		case 'B':
			if (!strcmp(optarg, "auto"))
				ctx.backend = BK_AUTO;
			else if (!strcmp(optarg, "tracepoint"))
				ctx.backend = BK_TRACEPOINT;
			else if (!strcmp(optarg, "kprobe"))
				ctx.backend = BK_KPROBE;
			else
				die(EXIT_USAGE, "invalid --backend '%s': give auto, tracepoint or kprobe",
				    optarg);
			break;
		case 'I':
			ctx.instance = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("ftnet %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (tfs_instance_name_ok(ctx.instance) < 0)
		die(EXIT_USAGE, "invalid instance name '%s': use letters, digits, '-', '_' and '.'",
		    ctx.instance);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct cmd *cmd = &commands[i];
		int sub_argc = argc - optind;
		char **sub_argv = argv + optind;
		bool help = false;

		if (strcmp(argv[optind], cmd->name))
			continue;
		for (int j = 1; j < sub_argc; j++)
			if (!strcmp(sub_argv[j], "-h") || !strcmp(sub_argv[j], "--help"))
				help = true;
		if ((cmd->flags & NEED_TRACEFS) && !help)
			tracefs_or_die(&ctx);
		optind = 0;	/* each command parses its own options */
		return cmd->fn(&ctx, sub_argc, sub_argv);
	}
	error("'%s' is not an ftnet command: the commands are check, list, enable, disable, "
	      "status, stream, top, hist, count, capture, counters, sockets, conntrack, nftrace, diagnose, "
	      "selftest (see 'ftnet -h')", argv[optind]);
	return EXIT_USAGE;
}
