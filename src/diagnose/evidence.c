// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diagnose's evidence: the snapshots of counters and objects taken at the start and end of a
 * run, and the ports (and addresses) the events name.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diagnose/diag.h"
#include "kernel/ksyms.h"
#include "view/agg.h"
#include "base/util.h"

static uint64_t kv_value(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->nkv; i++)
		if (!strcmp(s->kv[i].name, name))
			return s->kv[i].value;
	return 0;
}

int64_t diag_delta(const struct diag *d, const char *counter)
{
	return (int64_t)(kv_value(&d->after, counter) - kv_value(&d->before, counter));
}

/* /proc/net/snmp6: "Ip6InDiscards 36", one counter a line */
static void snmp6(struct snapshot *s)
{
	char line[128], name[48];
	unsigned long long v;
	FILE *f = fopen("/proc/net/snmp6", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%47s %llu", name, &v) != 2)
			continue;
		s->kv = xrealloc(s->kv, (s->nkv + 1) * sizeof(*s->kv));
		snprintf(s->kv[s->nkv].name, sizeof(s->kv[0].name), "%s", name);
		s->kv[s->nkv++].value = v;
	}
	fclose(f);
}

/* The ruleset with handles and counters; NULL where nft is not installed. */
static char *nft_ruleset(void)
{
	FILE *p;
	char *text = NULL;
	size_t len = 0, n;
	char buf[4096];

	if (access("/usr/sbin/nft", X_OK) && access("/sbin/nft", X_OK) &&
	    access("/usr/bin/nft", X_OK))
		return NULL;
	p = popen("nft -a list ruleset 2>/dev/null", "re");
	if (!p)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		text = xrealloc(text, len + n + 1);
		memcpy(text + len, buf, n);
		len += n;
		text[len] = '\0';
	}
	pclose(p);
	return text;
}

void diag_snapshot(struct snapshot *s)
{
	nl_links(&s->links, &s->nlinks);
	proc_counters(&s->kv, &s->nkv);
	snmp6(s);
	proc_softnet(&s->sn, &s->nsn);
	proc_conntrack(&s->ct);
	nl_qdiscs(&s->qd, &s->nqd);
	nl_sockets(&s->socks, &s->nsocks);
	nic_stats(s->links, s->nlinks, &s->nic, &s->nnic);
	s->nft = nft_ruleset();
}

void diag_snapshot_free(struct snapshot *s)
{
	free(s->links);
	free(s->kv);
	free(s->sn);
	free(s->qd);
	free(s->socks);
	free(s->nic);
	free(s->nft);
}

void diag_free(struct diag *d)
{
	agg_free(d->drops);
	for (size_t i = 0; i < ARRAY_SIZE(d->reasons); i++)
		free(d->reasons[i]);
	diag_snapshot_free(&d->before);
	diag_snapshot_free(&d->after);
	ksyms_free(d->ks);
	free(d);
}

void diag_count_port(struct diag *d, int kind, int proto, uint16_t port, const uint8_t *addr)
{
	struct port_count *p;

	for (int i = 0; i < d->nports; i++) {
		p = &d->ports[i];
		if (p->kind == kind && p->port == port && p->proto == proto &&
		    (!addr || !memcmp(p->addr, addr, 4))) {
			p->n++;
			return;
		}
	}
	if (d->nports == (int)ARRAY_SIZE(d->ports))
		return;
	p = &d->ports[d->nports++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->proto = proto;
	p->port = port;
	if (addr)
		memcpy(p->addr, addr, 4);
	p->n = 1;
}

const struct port_count *diag_top_port(const struct diag *d, int kind)
{
	const struct port_count *best = NULL;

	for (int i = 0; i < d->nports; i++)
		if (d->ports[i].kind == kind && (!best || d->ports[i].n > best->n))
			best = &d->ports[i];
	return best;
}
