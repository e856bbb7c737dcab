// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet check: what this kernel offers ftnet, and what each group would use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "kernel/groups.h"
#include "kernel/ksyms.h"
#include "kernel/probe.h"
#include "base/out.h"
#include "kernel/tfs.h"
#include "kernel/koffs.h"
#include "base/opt.h"
#include "kernel/owner.h"
#include "source/reader.h"
#include "base/util.h"

const struct cmd_spec check_spec = {
	.name = "check",
	.about = "Reports tracefs, the kernel version, lockdown, kprobe support, kallsyms and,\n"
		 "for each group, the backend it would use or why it is unavailable.\n"
		 "Exits 0 when the core groups (drops, rx, tx) can run.\n",
	.opts = json_only_opts,
	.examples = "  ftnet check\n"
		    "  ftnet check --json\n",
	.max_args = 0,
};

static void row(const char *key, const char *label, const char *value)
{
	out_begin("check");
	out_str(PRINT_JSON, "item", NULL, key);
	out_text("%-18s ", label);
	out_str(PRINT_ANY, "value", "%s", value);
	out_end();
}

static const char *lockdown(char *buf, size_t size)
{
	char *s = read_file("/sys/kernel/security/lockdown", NULL);
	char *a, *b;

	if (!s)
		return "unknown (securityfs not mounted at /sys/kernel/security)";
	/* "none [integrity] confidentiality": the bracketed one is in force */
	a = strchr(s, '[');
	b = a ? strchr(a, ']') : NULL;
	if (a && b) {
		*b = '\0';
		snprintf(buf, size, "%s", a + 1);
	} else {
		snprintf(buf, size, "%s", s);
		buf[strcspn(buf, "\n")] = '\0';
	}
	free(s);
	return buf;
}

/* How readers read the buffers: mapped (6.10+), tried on cpu0 of an instance of our own. */
static void check_map(void)
{
	char name[64], why[200], buf[256];
	struct tracefs_instance *inst;
	bool created = false;

	snprintf(name, sizeof(name), "ftnet-check-%d", (int)getpid());
	inst = tfs_instance_open(name, true, &created);
	if (!inst || !created) {
		row("ring_buffer_map", "ring buffer", "unknown (cannot make an instance to try: run as root)");
		if (inst)
			tracefs_instance_free(inst);
		return;
	}
	if (reader_map_supported(inst, why, sizeof(why)))
		snprintf(buf, sizeof(buf), "mapped (mmap of trace_pipe_raw; FTNET_READ=read: read())");
	else
		snprintf(buf, sizeof(buf), "read() (%s)", why);
	row("ring_buffer_map", "ring buffer", buf);
	tfs_instance_remove(inst);
}

/* tracefs, the kernel, lockdown, kprobes, $argN, kallsyms and drop reasons: one row each */
static void check_kernel(struct ftnet_ctx *ctx)
{
	char buf[256], path[512], *readme;
	struct tep_handle *tep;
	struct ksyms *ks;
	struct utsname u;

	uname(&u);
	row("tracefs", "tracefs", ctx->tracefs);
	snprintf(buf, sizeof(buf), "%s %s", u.release, u.machine);
	row("kernel", "kernel", buf);
	row("lockdown", "lockdown", lockdown(buf, sizeof(buf)));
	snprintf(path, sizeof(path), "%s/kprobe_events", ctx->tracefs);
	row("kprobe_events", "kprobe_events",
	    access(path, F_OK) ? "no (kernel built without CONFIG_KPROBE_EVENTS)" : "yes");
	snprintf(path, sizeof(path), "%s/dynamic_events", ctx->tracefs);
	row("dynamic_events", "dynamic_events", access(path, F_OK) ? "no" : "yes");
	snprintf(path, sizeof(path), "%s/README", ctx->tracefs);
	readme = read_file(path, NULL);
	row("argN", "$argN fetch", readme && strstr(readme, "$arg<N>") ? "yes" :
	    "no (probes would use registers)");
	free(readme);
	ks = ksyms_load("/proc/kallsyms");
	if (ks)
		snprintf(buf, sizeof(buf), "yes (%zu text symbols)", ksyms_count(ks));
	else
		snprintf(buf, sizeof(buf), "no (addresses hidden: run as root, or kptr_restrict): drop locations print as addresses");
	row("kallsyms", "kallsyms", buf);
	ksyms_free(ks);

	tep = tfs_tep_load((const char *const[]){ "skb", NULL });
	if (tep) {
		struct tep_event *e = tep_find_event_by_name(tep, "skb", "kfree_skb");

		if (e && tep_find_field(e, "reason"))
			row("drop_reasons", "drop reasons", "yes (names from kfree_skb's format)");
		else
			row("drop_reasons", "drop reasons",
			    "no (kfree_skb has no reason field before 5.17: locations only)");
		tep_free(tep);
	}
	check_map();
}

/* The kernel's triggers: what record --flight stops with, and in-kernel aggregation. */
static void check_triggers(struct ftnet_ctx *ctx)
{
	char path[512];
	bool trig, hist, snap;

	snprintf(path, sizeof(path), "%s/events/skb/kfree_skb/trigger", ctx->tracefs);
	trig = !access(path, F_OK);
	snprintf(path, sizeof(path), "%s/events/skb/kfree_skb/hist", ctx->tracefs);
	hist = !access(path, F_OK);
	snprintf(path, sizeof(path), "%s/snapshot", ctx->tracefs);
	snap = !access(path, F_OK);
	row("flight_recorder", "flight recorder", !trig ? "no (no event triggers)" : snap ?
	    "yes (traceoff trigger; the kernel has snapshot buffers too)" :
	    "yes (traceoff trigger; no snapshot buffers: CONFIG_TRACER_SNAPSHOT is off)");
	row("hist_triggers", "hist triggers", hist ? "yes" :
	    "no (CONFIG_HIST_TRIGGERS is off)");
	row("aggregation", "aggregation", hist ?
	    "kernel: top (drops by reason, location, protocol; rx, tx; states), count, hist" :
	    "user: every event is read by ftnet");
}

/* Whether the event's format has the field (":NAME;" in a field line, "NAME[" for arrays). */
static bool fmt_has(struct ftnet_ctx *ctx, const char *event, const char *field)
{
	char path[512], pat[64], pat2[64];
	char *text;
	bool has;

	snprintf(path, sizeof(path), "%s/events/%s/format", ctx->tracefs, event);
	text = read_file(path, NULL);
	if (!text)
		return false;
	snprintf(pat, sizeof(pat), " %s;", field);
	snprintf(pat2, sizeof(pat2), " %s[", field);
	has = strstr(text, pat) || strstr(text, pat2);
	free(text);
	return has;
}

/* What the tracepoints tell of drops' flows where no kprobe reads the packets. */
static void tp_identity(struct ftnet_ctx *ctx, const char *why, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "flows from tracepoints (%s):", why);
	const char *sep = " ";
	bool any = false;
	static const struct { const char *event, *field, *what; } parts[] = {
		{ "skb/kfree_skb", "rx_sk", "the socket's for TCP drops after the socket lookup" },
		{ "udp/udp_fail_queue_rcv_skb", "saddr", "UDP receive buffer drops" },
		{ "tcp/tcp_bad_csum", "saddr", "TCP checksum errors" },
		{ "tcp/tcp_send_reset", "skbaddr", "TCP segments answered by a reset" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(parts) && n < size; i++) {
		if (!fmt_has(ctx, parts[i].event, parts[i].field))
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", sep, parts[i].what);
		sep = ", ";
		any = true;
	}
	if (n < size)
		snprintf(buf + n, size - n, "%s; none for drops before the socket lookup%s", any ?
			 "" : " none of them", fmt_has(ctx, "skb/kfree_skb", "rx_sk") ? "" :
			 " (kfree_skb has no rx_sk before 6.12)");
}

/* Where struct offsets come from, and whether drops can carry the packet (kprobes + offsets). */
static void check_identity(struct ftnet_ctx *ctx)
{
	char buf[768], why[384], path[512];

	/* first: without BTF this calibrates (packets of ours), said below with the figures */
	koffs_packets(why, sizeof(why));
	row("offsets", "struct offsets", koffs_describe(buf, sizeof(buf)));
	snprintf(path, sizeof(path), "%s/kprobe_events", ctx->tracefs);
	if (access(path, F_OK))
		tp_identity(ctx, "no kprobe_events (CONFIG_KPROBE_EVENTS) to read packets with", buf,
			    sizeof(buf));
	else if (!koffs_packets(why, sizeof(why)))
		tp_identity(ctx, why, buf, sizeof(buf));
	else if (groups_no_extras)
		tp_identity(ctx, "--backend tracepoint", buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "yes (kprobes, sk_buff offsets %s)", koffs_from_btf() ?
			 "from BTF" : "calibrated; no device or netns without BTF");
	row("packet_identity", "packet identity", buf);
}

/* What group g would trace with backend b, or why it cannot run (why). */
static void group_detail(const struct group *g, int b, const char *why, char *buf, size_t size)
{
	struct group_event ev[GROUP_MAX_PROBES];
	size_t n;
	int ne;

	if (b == BK_TRACEPOINT) {
		snprintf(buf, size, "%s:%s%s%s", g->events[0].sys, g->events[0].name,
			 g->events[1].sys ? " + " : "", g->events[1].sys ? g->events[1].name : "");
		return;
	}
	if (b != BK_KPROBE) {
		snprintf(buf, size, "%s", why);
		return;
	}
	n = (size_t)snprintf(buf, size, "kprobes on");
	ne = group_events(g, BK_KPROBE, ev, GROUP_MAX_PROBES);	/* those used here */
	for (int j = 0; j < ne && n < size; j++)
		n += (size_t)snprintf(buf + n, size - n, "%s %s", j ? "," : "", ev[j].probe->func);
	if (n < size)
		snprintf(buf + n, size - n, " (%s)", why[0] ? why : "--backend kprobe");
}

/* One row per group with its backend; false when a core group cannot run. */
static bool check_groups(struct ftnet_ctx *ctx)
{
	bool core_ok = true;

	if (!out_is_json())
		out_printf("\n%-9s %-11s %s\n", "GROUP", "BACKEND", "DETAIL");
	for (int i = 0; i < ngroups; i++) {
		const struct group *g = &groups[i];
		char why[512], buf[256];
		int b = group_backend(g, ctx->backend, why, sizeof(why));

		if (b < 0 && (g->flags & GF_CORE))
			core_ok = false;
		group_detail(g, b, why, buf, sizeof(buf));
		out_begin("group");
		out_str(PRINT_ANY, "group", "%-9s ", g->name);
		out_str(PRINT_ANY, "backend", "%-11s ", b < 0 ? "unavailable" : backend_name(b));
		out_str(PRINT_ANY, "detail", "%s", buf);
		out_end();
	}
	return core_ok;
}

/* A group a run that died (kill -9) left on: not a user's enable, and nobody will end it. */
static void say_leftover(void *arg, const char *instance, const char *group,
			 const struct owner *o)
{
	struct tracefs_instance *inst = tfs_instance_open(instance, false, NULL);
	const struct group *g = group_find(group);

	(void)arg;
	if (tfs_instance_reserved(instance)) {	/* said with the instance, removed with it */
		if (inst)
			tracefs_instance_free(inst);
		return;
	}
	if (inst && g && group_enabled(inst, g))
		warn("instance '%s': %s left on by a run that ended without restoring (pid %d): 'ftnet -I %s disable --all' or the next run there turns it off",
		     instance, group, (int)o->pid, instance);
	if (inst)
		tracefs_instance_free(inst);
}

int cmd_check(struct ftnet_ctx *ctx, int argc, char **argv)
{
	struct json_opts o = { 0 };
	struct out_opts oo = { .mode = OUT_TEXT };
	bool core_ok;
	int stale;

	opt_parse(&check_spec, argc, argv, &o);
	oo.mode = o.json ? OUT_JSON : OUT_TEXT;
	out_init(&oo);
	check_kernel(ctx);
	check_identity(ctx);
	check_triggers(ctx);
	core_ok = check_groups(ctx);
	out_flush();
	if (probe_kprobes_supported() && (stale = probe_stale()) > 0)
		warn("%d ftnet kprobe%s left by an ftnet that did not exit cleanly: remove with 'ftnet disable --all'",
		     stale, stale == 1 ? "" : "s");
	owner_each_dead(say_leftover, ctx);
	say_dead_instances();
	return core_ok ? 0 : EXIT_FAIL;
}
