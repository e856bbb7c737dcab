// SPDX-License-Identifier: GPL-2.0-or-later
/* The command table: name, entry point, what main() sets up first, one line of help. */
#include <stddef.h>

#include "cmd/commands.h"
#include "base/opt.h"
#include "base/out.h"
#include "kernel/tfs.h"
#include "base/util.h"

const struct cmd commands[] = {
	{ "check", cmd_check, NEED_TRACEFS, "what this kernel offers, and what each group would use",
	  &check_spec },
	{ "list", cmd_list, NEED_TRACEFS, "the groups, their events, and the raw network tracepoints",
	  &list_spec },
	{ "enable", cmd_enable, NEED_TRACEFS, "enable groups in the persistent instance",
	  &enable_spec },
	{ "disable", cmd_disable, NEED_TRACEFS, "disable groups (--all removes the instance)",
	  &disable_spec },
	{ "status", cmd_status, NEED_TRACEFS, "enabled groups, filters, buffer and per-CPU losses",
	  &status_spec },
	{ "stream", cmd_stream, LIVE_TRACEFS, "live decoded events, as text or JSON Lines",
	  &stream_spec },
	{ "record", cmd_record, NEED_TRACEFS, "write the events to a trace.dat file (trace-cmd's format)",
	  &record_spec },
	{ "report", cmd_report, 0, "print the events of a trace.dat file as stream does",
	  &report_spec },
	{ "top", cmd_top, LIVE_TRACEFS, "per-interval tables: drops, resets, retransmits, devices, ...",
	  &top_spec },
	{ "hist", cmd_hist, LIVE_TRACEFS, "log2 latency histograms: connect, rxlat",
	  &hist_spec },
	{ "count", cmd_count, LIVE_TRACEFS, "counts of any tracepoints, like perf stat -e ... -a",
	  &count_spec },
	{ "capture", cmd_capture, 0, "capture packets with libpcap, tcpdump-style, --drops too",
	  &capture_spec },
	{ "counters", cmd_counters, 0, "deltas of link, SNMP/netstat and softnet counters",
	  &counters_spec },
	{ "sockets", cmd_sockets, 0, "sockets with data waiting in their queues, and UDP drops",
	  &sockets_spec },
	{ "conntrack", cmd_conntrack, 0, "conntrack statistics and table use",
	  &conntrack_spec },
	{ "nftrace", cmd_nftrace, 0, "nftables trace messages (meta nftrace set 1), decoded",
	  &nftrace_spec },
	{ "diagnose", cmd_diagnose, 0, "the whole playbook in one run, with ranked findings",
	  &diagnose_spec },
	{ "follow", cmd_follow, LIVE_TRACEFS, "each packet's path by skb address: steps, drop or delivery",
	  &follow_spec },
	{ "serve", cmd_serve, NEED_TRACEFS, "a Prometheus exporter: counters and latencies on /metrics",
	  &serve_spec },
	{ "selftest", cmd_selftest, NEED_TRACEFS, "provoke every group on loopback and check it was seen",
	  &selftest_spec },
};

const size_t ncommands = ARRAY_SIZE(commands);

static const char *const backends[] = { "auto", "tracepoint", "kprobe", NULL };

static const char *instance_check(const char *arg)
{
	return tfs_instance_name_ok(arg) < 0 ? "use at most 64 letters, digits, '-', '_' and '.'" :
	       NULL;
}

static const struct opt global_opts[] = {
	OPT_SC('I', "instance", struct global_opts, instance, "NAME",
	       "tracefs instance to use (default: $FTNET_INSTANCE or 'ftnet')", instance_check),
	OPT_INCR('v', "verbose", struct global_opts, verbose,
		 "say more about what is done to the kernel"),
	OPT_C(0, "backend", struct global_opts, backend, "KIND",
	      "auto (tracepoints, else kprobes), tracepoint or kprobe", backends),
	OPT_S(0, "btf", struct global_opts, btf, "FILE",
	      "struct offsets from this BTF file ('none': without BTF; default: the kernel's)"),
	OPT_F('V', "version", struct global_opts, version, "print the version"),
	OPT_END,
};

static void command_list(void)
{
	out_printf("\nCOMMANDS\n");
	for (size_t i = 0; i < ncommands; i++)
		out_printf("  %-10s %s\n", commands[i].name, commands[i].help);
	out_printf("\n'ftnet COMMAND -h' describes a command.\n");
}

const struct cmd_spec global_spec = {
	.name = NULL,
	.args = "COMMAND [ARGS]",
	.about = "Network debugging with tracefs alone: drops, resets, retransmits, states,\n"
		 "connect latency and per-device traffic, on any kernel with tracefs.\n",
	.opts = global_opts,
	.examples = "  ftnet enable drops && ftnet stream\n"
		    "  ftnet stream resets retrans --json -d 10\n"
		    "  ftnet disable --all\n"
		    "  ftnet --backend kprobe stream retrans\n",
	.max_args = -1,
	.posix = true,
	.more_help = command_list,
};
