// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The object of a finding, found without kprobes: from the counters and objects that moved
 * between the two snapshots (devices, sockets, qdiscs, nft rules), the settings that decide
 * (sysctls), the neighbour table, and the ports the events and ICMP errors name.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose/diag.h"
#include "base/util.h"

/* A setting's name with the device's in place of {dev}, its dots written '/' */
static void sysctl_name(const char *tpl, const char *dev, char *out, size_t len)
{
	const char *at = strstr(tpl, "{dev}");
	size_t o;

	if (!at) {
		snprintf(out, len, "%s", tpl);
		return;
	}
	o = snprintf(out, len, "%.*s", (int)(at - tpl), tpl);
	for (; *dev && o + 1 < len; dev++)
		out[o++] = *dev == '.' ? '/' : *dev;
	snprintf(out + o, len - o, "%s", at + 5);
}

static const struct link_stats *link_before(const struct diag *d, const char *name)
{
	for (size_t i = 0; i < d->before.nlinks; i++)
		if (!strcmp(d->before.links[i].name, name))
			return &d->before.links[i];
	return NULL;
}

/* The device whose received (or dropped, when drops) count moved most; lo only if alone. */
static const struct link_stats *moved_dev(const struct diag *d, bool drops)
{
	const struct link_stats *best = NULL;
	uint64_t most = 0;

	for (size_t i = 0; i < d->after.nlinks; i++) {
		const struct link_stats *b = &d->after.links[i], *a = link_before(d, b->name);
		uint64_t m;

		if (!a)
			continue;
		m = drops ? (b->rx_dropped - a->rx_dropped) + (b->tx_dropped - a->tx_dropped) :
			    (b->rx_packets - a->rx_packets);
		if (strcmp(b->name, "lo"))
			m *= 2;		/* ahead of lo at equal counts */
		if (m > most) {
			most = m;
			best = b;
		}
	}
	return best;
}

/* A setting that decides the drop: the value that drops, per its name. */
static bool deciding(const char *name, const char *val)
{
	if (strstr(name, "rp_filter"))
		return strcmp(val, "0");
	if (strstr(name, ".forwarding") || strstr(name, "route_localnet"))
		return !strcmp(val, "0");
	if (strstr(name, "disable_ipv6"))
		return !strcmp(val, "1");
	return true;
}

static void sysctl_cfg(struct finding *f, const char *name)
{
	char val[64];

	diag_sysctl(name, val, sizeof(val));
	if (*val)
		diag_cfg(f, "sysctl", name, strtoll(val, NULL, 10), "%s = %s", name, val);
	else
		diag_cfg(f, "sysctl", name, -1, "%s: not readable in this namespace", name);
}

static void name_dev(struct diag *d, struct finding *f)
{
	const struct link_stats *l = moved_dev(d, false);

	if (!l)
		return;
	snprintf(f->dev, sizeof(f->dev), "%s", l->name);
	snprintf(f->object, sizeof(f->object), "device %s", l->name);
}

/* A per-device setting: the moved device where it has the deciding value. */
static void name_sysctl(struct diag *d, struct finding *f)
{
	const char *tpl = f->entry->sysctl;
	char name[128], val[64];

	if (!strstr(tpl, "{dev}")) {
		snprintf(f->object, sizeof(f->object), "%s", tpl);
		sysctl_cfg(f, tpl);
		return;
	}
	for (size_t i = 0; i < d->after.nlinks; i++) {
		const struct link_stats *b = &d->after.links[i], *a = link_before(d, b->name);

		if (!a || b->rx_packets == a->rx_packets)
			continue;
		sysctl_name(tpl, b->name, name, sizeof(name));
		diag_sysctl(name, val, sizeof(val));
		if (*val && deciding(name, val)) {
			snprintf(f->dev, sizeof(f->dev), "%s", b->name);
			snprintf(f->object, sizeof(f->object), "%s = %s on device %s", name, val,
				 b->name);
			diag_cfg(f, "sysctl", name, strtoll(val, NULL, 10), "%s = %s", name, val);
			return;
		}
	}
	name_dev(d, f);
}

static const struct sock_row *sock_before(const struct diag *d, const struct sock_row *r)
{
	for (size_t i = 0; i < d->before.nsocks; i++)
		if (d->before.socks[i].inode == r->inode && d->before.socks[i].proto == r->proto)
			return &d->before.socks[i];
	return NULL;
}

static void sock_object(struct finding *f, const struct sock_row *r, const char *what)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(r->family, r->saddr, ip, sizeof(ip));
	snprintf(f->port, sizeof(f->port), "%u", r->sport);
	snprintf(f->proto, sizeof(f->proto), r->proto == IPPROTO_TCP ? "tcp" : "udp");
	snprintf(f->object, sizeof(f->object), "%s port %u on %s (%s/%d%s%s)",
		 r->proto == IPPROTO_TCP ? "TCP" : "UDP", r->sport, ip, r->comm[0] ? r->comm : "?",
		 r->pid, *what ? ", " : "", what);
}

/* The socket whose drops grew most, else the one with most queued. */
static void name_socket(struct diag *d, struct finding *f)
{
	const struct sock_row *best = NULL;
	uint64_t most = 0;
	char what[64];

	for (size_t i = 0; i < d->after.nsocks; i++) {
		const struct sock_row *r = &d->after.socks[i], *a = sock_before(d, r);
		uint64_t m = (r->drops - (a ? a->drops : 0)) * 1000000ull + r->rq;

		if (r->state != 10 && m > most) {
			most = m;
			best = r;
		}
	}
	if (!best)
		return;
	snprintf(what, sizeof(what), "Recv-Q %u", best->rq);
	if (best->drops)
		snprintf(what + strlen(what), sizeof(what) - strlen(what), ", %u dropped",
			 best->drops - (sock_before(d, best) ? sock_before(d, best)->drops : 0));
	sock_object(f, best, what);
	diag_ev(f, "sock_diag", "socket_drops", best->drops, "socket %s", what);
}

/* The listener with most half-open handshakes (SYN_RECV), and how many it has. */
static const struct sock_row *half_open(const struct diag *d, unsigned int *most)
{
	const struct sock_row *best = NULL;

	*most = 0;
	for (size_t i = 0; i < d->after.nsocks; i++) {
		const struct sock_row *l = &d->after.socks[i];
		unsigned int n = 0;

		if (l->proto != IPPROTO_TCP || l->state != 10)
			continue;
		for (size_t j = 0; j < d->after.nsocks; j++)
			n += d->after.socks[j].proto == IPPROTO_TCP &&
			     d->after.socks[j].state == 3 && d->after.socks[j].sport == l->sport;
		if (n > *most) {
			*most = n;
			best = l;
		}
	}
	return best;
}

/* The listener whose accept queue is fullest against its backlog (or, for the SYN queue,
 * the one with most half-open handshakes). */
static void name_listener(struct diag *d, struct finding *f)
{
	const struct sock_row *best = NULL;
	unsigned int syn;
	char what[64];

	if (f->entry && !strcmp(f->entry->reason, "SYN_QUEUE_FULL") && (best = half_open(d, &syn))) {
		snprintf(what, sizeof(what), "%u handshakes half-open, backlog %u", syn, best->wq);
		sock_object(f, best, what);
		return;
	}

	for (size_t i = 0; i < d->after.nsocks; i++) {
		const struct sock_row *r = &d->after.socks[i];

		/* inet_diag gives a listener's accept queue as rq and its backlog as wq */
		if (r->proto == IPPROTO_TCP && r->state == 10 &&
		    (!best || (uint64_t)r->rq * (best->wq + 1) > (uint64_t)best->rq * (r->wq + 1)))
			best = r;
	}
	if (!best || !best->rq)
		return;
	snprintf(what, sizeof(what), "accept queue %u, backlog %u", best->rq, best->wq);
	sock_object(f, best, what);
}

/* The port nobody listens on: of the resets sent, or of the ICMP port unreachables. */
static void name_port(struct diag *d, struct finding *f, const char *loc)
{
	bool tcp = strstr(loc, "tcp");
	const struct port_count *p = diag_top_port(d, tcp ? PC_RST_SENT : PC_ICMP_PORT);
	char ip[INET_ADDRSTRLEN];

	snprintf(f->proto, sizeof(f->proto), tcp ? "tcp" : "udp");
	name_dev(d, f);
	if (!p)
		return;
	snprintf(f->port, sizeof(f->port), "%u", p->port);
	inet_ntop(AF_INET, p->addr, ip, sizeof(ip));
	snprintf(f->object, sizeof(f->object), "%s port %u%s%s", tcp ? "TCP" : "UDP", p->port,
		 tcp ? "" : " on ", tcp ? "" : ip);
	diag_ev(f, tcp ? "tcp:tcp_send_reset" : "icmp", tcp ? "resets_sent" : "port_unreachable",
		(int64_t)p->n, "%" PRIu64 " %s for port %u", p->n,
		tcp ? "resets sent" : "ICMP port unreachables sent", p->port);
}

static const struct qdisc_stats *qdisc_before(const struct diag *d, const struct qdisc_stats *q)
{
	for (size_t i = 0; i < d->before.nqd; i++)
		if (!strcmp(d->before.qd[i].dev, q->dev) && d->before.qd[i].handle == q->handle)
			return &d->before.qd[i];
	return NULL;
}

static void name_qdisc(struct diag *d, struct finding *f)
{
	const struct qdisc_stats *best = NULL;
	uint64_t most = 0;
	char lim[48] = "";

	for (size_t i = 0; i < d->after.nqd; i++) {
		const struct qdisc_stats *q = &d->after.qd[i], *a = qdisc_before(d, q);
		uint64_t m = q->drops - (a ? a->drops : 0);

		if (m > most) {
			most = m;
			best = q;
		}
	}
	if (!best)
		return;
	if (best->limit)
		snprintf(lim, sizeof(lim), "limit %u%s, ", best->limit,
			 best->limit_bytes ? " bytes" : " packets");
	snprintf(f->dev, sizeof(f->dev), "%s", best->dev);
	snprintf(f->object, sizeof(f->object), "qdisc %s %x: on %s (%s%" PRIu64 " dropped)",
		 best->kind, best->handle >> 16, best->dev, lim, most);
	diag_ev(f, "tc", "qdisc_drops", (int64_t)most, "qdisc %s %x: drops +%" PRIu64 ", %sbacklog %" PRIu64 " bytes",
		best->kind, best->handle >> 16, most, lim, best->backlog);
}

/* A rule's counter in a ruleset: the line holding "# handle H" in table and chain. */
static uint64_t rule_packets(const char *text, const char *where, const char *handle)
{
	const char *t = text ? strstr(text, where) : NULL, *h, *c;

	if (!t || !(h = strstr(t, handle)))
		return 0;
	while (h > text && h[-1] != '\n')
		h--;
	c = strstr(h, "counter packets ");
	return c && c < strchr(h, '\n') ? strtoull(c + 16, NULL, 10) : 0;
}

/* "counter packets 12 bytes 900 drop" -> "counter drop": the rule as it was written */
static void strip_counts(char *text)
{
	char *c = strstr(text, "counter packets "), *e;

	if (!c || !(e = strstr(c, " bytes ")))
		return;
	e += 7;
	e += strspn(e, "0123456789");
	memmove(c + 7, e, strlen(e) + 1);
}

struct rule_pick {
	char		table[64], chain[64], handle[32], text[160];
	uint64_t	moved;
};

#define RULES_SHOWN 3

/* Keeps r among the RULES_SHOWN that moved most (the first rule, when none moved), in order. */
static void rule_keep(struct rule_pick *best, int *n, const struct rule_pick *r)
{
	int i;

	if (*n == 1 && !best[0].moved) {	/* the first rule stands in until one counts */
		if (r->moved)
			best[0] = *r;
		return;
	}
	if (*n && !r->moved)
		return;
	if (*n == RULES_SHOWN) {
		if (r->moved <= best[RULES_SHOWN - 1].moved)
			return;
		(*n)--;
	}
	for (i = (*n)++; i > 0 && best[i - 1].moved < r->moved; i--)
		best[i] = best[i - 1];
	best[i] = *r;
}

/*
 * Each rule that drops or rejects, with how much its counter moved: those that moved most,
 * most first (or the first rule, when no rule counts). How many are kept.
 */
static int pick_rules(const struct diag *d, struct rule_pick *best)
{
	char *text = d->after.nft ? xstrdup(d->after.nft) : NULL, *save = NULL, *l;
	char table[64] = "", chain[64] = "";
	int n = 0;

	for (l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		char *h = strstr(l, " # handle ");
		char where[160];
		struct rule_pick r;

		l += strspn(l, " \t");
		if (sscanf(l, "table %63[^{]", table) == 1 || sscanf(l, "chain %63s", chain) == 1)
			continue;
		if (!h || (!strstr(l, " drop") && !strstr(l, "reject")) || !strncmp(l, "type ", 5))
			continue;
		snprintf(where, sizeof(where), "table %s", table);
		r.moved = rule_packets(d->after.nft, where, h) - rule_packets(d->before.nft, where, h);
		snprintf(r.table, sizeof(r.table), "%s", table);
		for (size_t k = strlen(r.table); k && r.table[k - 1] == ' '; k--)
			r.table[k - 1] = '\0';
		snprintf(r.chain, sizeof(r.chain), "%s", chain);
		snprintf(r.handle, sizeof(r.handle), "%s", h + 10);
		snprintf(r.text, sizeof(r.text), "%.*s", (int)(h - l), l);
		strip_counts(r.text);
		rule_keep(best, &n, &r);
	}
	free(text);
	return n;
}

/* The rule whose counter moved most; the others that moved too, each with its share. */
static void name_rule(struct diag *d, struct finding *f)
{
	struct rule_pick r[RULES_SHOWN];
	int n;

	if (!d->after.nft) {
		diag_not_checked(d, "firewall rules", "nft is not installed");
		return;
	}
	n = pick_rules(d, r);
	if (!n)
		return;
	snprintf(f->object, sizeof(f->object), "nft rule '%s' (table %s, chain %s, handle %s)",
		 r[0].text, r[0].table, r[0].chain, r[0].handle);
	if (r[0].moved)
		diag_ev(f, "nft", "rule_counter", (int64_t)r[0].moved,
			"rule handle %s counter +%" PRIu64, r[0].handle, r[0].moved);
	for (int i = 1; i < n; i++)
		diag_ev(f, "nft", "rule_counter", (int64_t)r[i].moved,
			"also nft rule '%s' (table %s, chain %s, handle %s): counter +%" PRIu64,
			r[i].text, r[i].table, r[i].chain, r[i].handle, r[i].moved);
	if (strstr(r[0].text, "reject"))
		snprintf(f->title, sizeof(f->title), "%s: the firewall rejected the packets, answering each with a reset or an ICMP error (%" PRIu64 " packets)",
			 f->object, f->packets);
}

/* The destination without a route: of the ICMP unreachables this host sent. */
static void name_route(struct diag *d, struct finding *f)
{
	const struct port_count *p = diag_top_port(d, PC_ICMP_NET);
	char ip[INET_ADDRSTRLEN];

	if (!p)
		p = diag_top_port(d, PC_ICMP_HOST);
	name_dev(d, f);
	if (!p)
		return;
	inet_ntop(AF_INET, p->addr, ip, sizeof(ip));
	snprintf(f->addr, sizeof(f->addr), "%s", ip);
	snprintf(f->object, sizeof(f->object), "destination %s (arriving on %s)", ip,
		 f->dev[0] ? f->dev : "?");
	diag_ev(f, "icmp", "unreachable", (int64_t)p->n, "%" PRIu64 " ICMP unreachables sent for %s",
		p->n, ip);
}

static void name_neigh(struct diag *d, struct finding *f)
{
	struct neigh_row *rows;
	size_t n;

	if (nl_neigh_unresolved(&rows, &n) < 0 || !n) {
		free(rows);
		name_dev(d, f);
		return;
	}
	snprintf(f->dev, sizeof(f->dev), "%s", rows[0].dev);
	snprintf(f->addr, sizeof(f->addr), "%s", rows[0].addr);
	snprintf(f->object, sizeof(f->object), "neighbour %s on %s", rows[0].addr, rows[0].dev);
	diag_cfg(f, "neighbour", rows[0].addr, -1, "neighbour %s on %s: %s", rows[0].addr,
		 rows[0].dev, rows[0].failed ? "FAILED" : "INCOMPLETE");
	free(rows);
}

/* Both ends of the device whose drops moved: its MTU and its peer's. */
static void name_mtu(struct diag *d, struct finding *f)
{
	const struct link_stats *l = moved_dev(d, true);
	uint32_t peer;

	if (!l)
		return;
	snprintf(f->dev, sizeof(f->dev), "%s", l->name);
	peer = l->peer ? nl_link_mtu(l->peer, l->peer_nsid) : 0;
	if (peer)
		snprintf(f->object, sizeof(f->object), "device %s, MTU %u; its peer's MTU %u",
			 l->name, l->mtu, peer);
	else
		snprintf(f->object, sizeof(f->object), "device %s, MTU %u", l->name, l->mtu);
	diag_cfg(f, "netlink", "mtu", l->mtu, "%s mtu %u", l->name, l->mtu);
	if (peer)
		diag_cfg(f, "netlink", "peer_mtu", peer, "its peer (ifindex %d%s) mtu %u", l->peer,
			 l->peer_nsid >= 0 ? ", another namespace" : "", peer);
}

static void name_cpu(struct diag *d, struct finding *f)
{
	uint64_t most = 0;
	size_t cpu = 0;

	for (size_t i = 0; i < d->after.nsn && i < d->before.nsn; i++)
		if (d->after.sn[i].dropped - d->before.sn[i].dropped > most) {
			most = d->after.sn[i].dropped - d->before.sn[i].dropped;
			cpu = i;
		}
	snprintf(f->object, sizeof(f->object), "CPU %zu's input backlog", cpu);
	if (most)
		diag_ev(f, "softnet_stat", "dropped", (int64_t)most,
			"/proc/net/softnet_stat CPU %zu dropped +%" PRIu64, cpu, most);
	sysctl_cfg(f, "net.core.netdev_max_backlog");
}

void diag_name_object(struct diag *d, struct finding *f, const char *loc)
{
	switch (f->kind) {
	case OBJ_SOCKET: name_socket(d, f); break;
	case OBJ_LISTENER: name_listener(d, f); break;
	case OBJ_PORT: name_port(d, f, loc); break;
	case OBJ_DEVICE: name_dev(d, f); break;
	case OBJ_SYSCTL: name_sysctl(d, f); break;
	case OBJ_QDISC: name_qdisc(d, f); break;
	case OBJ_RULE: name_rule(d, f); break;
	case OBJ_ROUTE: name_route(d, f); break;
	case OBJ_NEIGH: name_neigh(d, f); break;
	case OBJ_MTU: name_mtu(d, f); break;
	case OBJ_CPU: name_cpu(d, f); break;
	default: break;
	}
	/* a setting the catalogue names, global or of the device found */
	if (f->kind != OBJ_SYSCTL && f->kind != OBJ_CPU && f->entry && f->entry->sysctl &&
	    (f->dev[0] || !strstr(f->entry->sysctl, "{dev}"))) {
		char name[128];

		sysctl_name(f->entry->sysctl, f->dev, name, sizeof(name));
		sysctl_cfg(f, name);
	}
}
