// SPDX-License-Identifier: GPL-2.0-or-later
/* Latencies measured in the kernel: hist variables, synthetic events and a hist per microsecond. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>
#include <unistd.h>

#include "view/hist-kernel.h"
#include "kernel/khist.h"
#include "kernel/tfs.h"
#include "base/util.h"

#define SYNTH_PREFIX "ftnet_"

/* A trigger written as is: the start's variable, the end's onmatch. */
struct raw_trigger {
	char	sys[32], name[64];
	char	text[512];
	bool	on;
};

struct hist_kernel {
	struct tracefs_instance	*inst;
	char			iname[64];
	char			synth[2][48];	/* the latency's, the failure's ("" for none) */
	struct raw_trigger	raw[3];
	int			nraw;
	struct khist		lat, fail;
	struct hist		*us, *ns;
	uint64_t		*failed;
};

/*
 * The start and end of each latency, as the user-space path pairs them (src/source/conn.c and the
 * session's rxlat): connect from SYN_SENT to ESTABLISHED per socket, failures from SYN_SENT to
 * anything else; rxlat from netif_receive_skb to the copy into user space per skb.
 */
static bool is_connect(const struct group *g)
{
	return g->view == VIEW_CONNECT;
}

const char *hist_kernel_why_not(const struct ftnet_ctx *ctx, const struct group *g)
{
	char path[512];

	if (!khist_supported(ctx->tracefs))
		return "this kernel has no hist triggers (CONFIG_HIST_TRIGGERS)";
	snprintf(path, sizeof(path), "%s/synthetic_events", ctx->tracefs);
	if (access(path, F_OK))
		return "this kernel has no synthetic events (CONFIG_SYNTH_EVENTS)";
	if (ctx->backend == BK_KPROBE)
		return "--backend kprobe: the kernel's latencies are taken at the tracepoints";
	if (is_connect(g))
		return tracefs_event_file_exists(NULL, "sock", "inet_sock_set_state", "format") ?
		       NULL : "sock:inet_sock_set_state is missing";
	if (g->view == VIEW_RXLAT)
		return tracefs_event_file_exists(NULL, "net", "netif_receive_skb", "format") &&
		       tracefs_event_file_exists(NULL, "skb", "skb_copy_datagram_iovec", "format") ?
		       NULL : "its tracepoints are missing";
	return "not a latency";
}

static int raw_on(struct hist_kernel *k, const char *sys, const char *name, const char *text,
		  char *err, size_t errlen)
{
	struct raw_trigger *r = &k->raw[k->nraw];

	snprintf(r->sys, sizeof(r->sys), "%s", sys);
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->text, sizeof(r->text), "%s", text);
	if (tracefs_event_file_append(k->inst, sys, name, "trigger", text) < 0) {
		char *log = tracefs_error_last(k->inst);

		snprintf(err, errlen, "%s:%s: %s", sys, name, log && *log ? log : strerror(errno));
		free(log);
		return -1;
	}
	r->on = true;
	k->nraw++;
	return 0;
}

static int synth_add(struct hist_kernel *k, int i, const char *what, const char *fields,
		     char *err, size_t errlen)
{
	char def[160];

	snprintf(k->synth[i], sizeof(k->synth[i]), SYNTH_PREFIX "%s_%d", what, (int)getpid());
	snprintf(def, sizeof(def), "%s %s", k->synth[i], fields);
	if (tracefs_instance_file_append(NULL, "synthetic_events", def) < 0) {
		char *log = tracefs_error_last(NULL);

		snprintf(err, errlen, "synthetic event '%s': %s", def,
			 log && *log ? log : strerror(errno));
		free(log);
		k->synth[i][0] = '\0';
		return -1;
	}
	return 0;
}

static int setup(struct hist_kernel *k, const struct group *g, char *err, size_t errlen)
{
	char text[512];

	if (is_connect(g)) {
		const char *ev = "inet_sock_set_state";

		if (synth_add(k, 0, "conn", "u64 lat; u64 ns", err, errlen) < 0 ||
		    synth_add(k, 1, "cfail", "u64 lat", err, errlen) < 0 ||
		    raw_on(k, "sock", ev, "hist:keys=skaddr:ts0=common_timestamp:clock=mono if newstate == 2 "
			   "&& protocol == 6", err, errlen) < 0)
			return -1;
		snprintf(text, sizeof(text), "hist:keys=skaddr:lat=common_timestamp-$ts0:clock=mono:"
			 "onmatch(sock.%s).trace(%s,$lat,$lat) if oldstate == 2 && newstate == 1 && "
			 "protocol == 6", ev, k->synth[0]);
		if (raw_on(k, "sock", ev, text, err, errlen) < 0)
			return -1;
		snprintf(text, sizeof(text), "hist:keys=skaddr:fl=common_timestamp-$ts0:clock=mono:"
			 "onmatch(sock.%s).trace(%s,$fl) if oldstate == 2 && newstate != 1 && "
			 "protocol == 6", ev, k->synth[1]);
		if (raw_on(k, "sock", ev, text, err, errlen) < 0)
			return -1;
	} else {
		if (synth_add(k, 0, "rxlat", "u64 lat; u64 ns", err, errlen) < 0 ||
		    raw_on(k, "net", "netif_receive_skb", "hist:keys=skbaddr:ts0=common_timestamp:clock=mono",
			   err, errlen) < 0)
			return -1;
		snprintf(text, sizeof(text), "hist:keys=skbaddr:lat=common_timestamp-$ts0:clock=mono:"
			 "onmatch(net.netif_receive_skb).trace(%s,$lat,$lat)", k->synth[0]);
		if (raw_on(k, "skb", "skb_copy_datagram_iovec", text, err, errlen) < 0)
			return -1;
	}
	/* by microsecond, as the user-space path draws them; the sum of nanoseconds exact */
	if (khist_on(&k->lat, k->inst, "synthetic", k->synth[0], "lat.buckets=1000", "ns",
		     khist_size(10000), NULL, err, errlen) < 0)
		return -1;
	if (k->synth[1][0] && khist_on(&k->fail, k->inst, "synthetic", k->synth[1],
				       "common_type", NULL, 2048, NULL, err, errlen) < 0)
		return -1;
	return 0;
}

struct hist_kernel *hist_kernel_start(const struct group *g, char *err, size_t errlen)
{
	struct hist_kernel *k = xcalloc(1, sizeof(*k));

	k->inst = khist_instance_new(k->iname, sizeof(k->iname));
	if (!k->inst) {
		snprintf(err, errlen, "cannot create the tracefs instance '%s': %s", k->iname,
			 tfs_strerror(errno));
		free(k);
		return NULL;
	}
	if (setup(k, g, err, errlen) < 0) {
		hist_kernel_end(k);
		return NULL;
	}
	return k;
}

static void on_lat(void *arg, const struct khist_row *row, uint64_t hits, uint64_t sum)
{
	struct hist_kernel *k = arg;

	if (!row) {	/* a full table: latencies of keys it could not take */
		warn("the kernel's latency table is full: %llu latencies not counted",
		     (unsigned long long)hits);
		return;
	}
	hist_add_n(k->us, row->num[0] / 1000, hits);
	hist_add_n(k->ns, row->num[0], hits);
	k->ns->sum += sum - row->num[0] * hits;	/* the exact nanoseconds, not the bucket's */
}

static void on_fail(void *arg, const struct khist_row *row, uint64_t hits, uint64_t sum)
{
	struct hist_kernel *k = arg;

	(void)row;
	(void)sum;
	*k->failed += hits;
}

int hist_kernel_read(struct hist_kernel *k, struct hist *us, struct hist *ns, uint64_t *failed)
{
	int ret;

	k->us = us;
	k->ns = ns;
	k->failed = failed;
	ret = khist_read(&k->lat, on_lat, k);
	if (!ret && k->fail.on)
		ret = khist_read(&k->fail, on_fail, k);
	return ret;
}

static void synth_remove(const char *name)
{
	char cmd[80];

	snprintf(cmd, sizeof(cmd), "!%s", name);
	if (tracefs_instance_file_append(NULL, "synthetic_events", cmd) < 0)
		warn("cannot remove the synthetic event '%s': %s; 'ftnet disable --all' removes it",
		     name, strerror(errno));
}

void hist_kernel_end(struct hist_kernel *k)
{
	char cmd[520];

	if (!k)
		return;
	khist_off(&k->lat);
	khist_off(&k->fail);
	khist_free(&k->lat);
	khist_free(&k->fail);
	/* the ends (they refer to the start's variable) before the start */
	for (int i = k->nraw - 1; i >= 0; i--) {
		snprintf(cmd, sizeof(cmd), "!%s", k->raw[i].text);
		tracefs_event_file_append(k->inst, k->raw[i].sys, k->raw[i].name, "trigger", cmd);
	}
	khist_instance_end(k->inst, k->iname);
	for (int i = 0; i < 2; i++)
		if (k->synth[i][0])
			synth_remove(k->synth[i]);
	free(k);
}

int hist_kernel_sweep(void)
{
	char *text = tracefs_instance_file_read(NULL, "synthetic_events", NULL);
	int n = 0;

	for (char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char name[64], *us;
		long pid;

		if (sscanf(p, "%63s", name) != 1 || strncmp(name, SYNTH_PREFIX, strlen(SYNTH_PREFIX)))
			continue;
		us = strrchr(name, '_');
		pid = us ? strtol(us + 1, NULL, 10) : 0;
		if (pid <= 0 || !kill((pid_t)pid, 0) || errno == EPERM)
			continue;	/* its run is alive */
		synth_remove(name);
		n++;
	}
	free(text);
	return n;
}
