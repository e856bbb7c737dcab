// SPDX-License-Identifier: GPL-2.0-or-later
/* The objects diagnose names, over netlink (libnl): qdiscs, unresolved neighbours, MTUs. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/fifo.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/nl.h"
#include "base/util.h"

static struct nl_sock *route_sock(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (sk && nl_connect(sk, NETLINK_ROUTE) < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static void qdisc_limit(struct rtnl_qdisc *q, struct qdisc_stats *s)
{
	int v;

	if (!strcmp(s->kind, "tbf") && (v = rtnl_qdisc_tbf_get_limit(q)) > 0) {
		s->limit = v;
		s->limit_bytes = true;
	}
	/* libnl has no getter for a fifo's limit: it is the tc option alone */
}

/*
 * The links (for their names) and one cache alloc fills, over a route socket of their own;
 * NULL when either cannot be read. links_caches_free releases all three.
 */
static struct nl_sock *links_and(int (*alloc)(struct nl_sock *, struct nl_cache **),
				 struct nl_cache **links, struct nl_cache **cache)
{
	struct nl_sock *sk = route_sock();

	*links = *cache = NULL;
	if (!sk)
		return NULL;
	if (rtnl_link_alloc_cache(sk, AF_UNSPEC, links) < 0 || alloc(sk, cache) < 0) {
		if (*links)
			nl_cache_free(*links);
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static void links_caches_free(struct nl_sock *sk, struct nl_cache *links, struct nl_cache *cache)
{
	nl_cache_free(cache);
	nl_cache_free(links);
	nl_socket_free(sk);
}

int nl_qdiscs(struct qdisc_stats **out, size_t *n)
{
	struct nl_cache *links, *cache;
	struct nl_sock *sk = links_and(rtnl_qdisc_alloc_cache, &links, &cache);
	struct nl_object *o;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!sk)
		return -EIO;
	*out = xcalloc(nl_cache_nitems(cache) + 1, sizeof(**out));
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_qdisc *q = (struct rtnl_qdisc *)o;
		struct rtnl_tc *tc = TC_CAST(q);
		struct qdisc_stats *s = &(*out)[k++];
		const char *kind = rtnl_tc_get_kind(tc);

		rtnl_link_i2name(links, rtnl_tc_get_ifindex(tc), s->dev, sizeof(s->dev));
		snprintf(s->kind, sizeof(s->kind), "%s", kind ? kind : "?");
		s->handle = rtnl_tc_get_handle(tc);
		s->parent = rtnl_tc_get_parent(tc);
		s->drops = rtnl_tc_get_stat(tc, RTNL_TC_DROPS);
		s->overlimits = rtnl_tc_get_stat(tc, RTNL_TC_OVERLIMITS);
		s->backlog = rtnl_tc_get_stat(tc, RTNL_TC_BACKLOG);
		s->qlen = rtnl_tc_get_stat(tc, RTNL_TC_QLEN);
		s->packets = rtnl_tc_get_stat(tc, RTNL_TC_PACKETS);
		qdisc_limit(q, s);
	}
	*n = k;
	links_caches_free(sk, links, cache);
	return 0;
}

int nl_neigh_unresolved(struct neigh_row **out, size_t *n)
{
	struct nl_cache *links, *cache;
	struct nl_sock *sk = links_and(rtnl_neigh_alloc_cache, &links, &cache);
	struct nl_object *o;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!sk)
		return -EIO;
	*out = xcalloc(nl_cache_nitems(cache) + 1, sizeof(**out));
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_neigh *ne = (struct rtnl_neigh *)o;
		int st = rtnl_neigh_get_state(ne);
		struct nl_addr *a = rtnl_neigh_get_dst(ne);
		struct neigh_row *r;

		if (!(st & (NUD_FAILED | NUD_INCOMPLETE)) || !a)
			continue;
		r = &(*out)[k++];
		inet_ntop(nl_addr_get_family(a), nl_addr_get_binary_addr(a), r->addr,
			  sizeof(r->addr));
		rtnl_link_i2name(links, rtnl_neigh_get_ifindex(ne), r->dev, sizeof(r->dev));
		r->failed = st & NUD_FAILED;
	}
	*n = k;
	links_caches_free(sk, links, cache);
	return 0;
}

static int mtu_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[IFLA_MAX + 1];
	uint32_t *mtu = arg;

	if (nlmsg_parse(nlmsg_hdr(msg), sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[IFLA_MTU])
		*mtu = nla_get_u32(tb[IFLA_MTU]);
	return NL_OK;
}

uint32_t nl_link_mtu(int ifindex, int nsid)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_sock *sk = route_sock();
	struct nl_msg *msg;
	uint32_t mtu = 0;

	if (!sk)
		return 0;
	msg = nlmsg_alloc_simple(RTM_GETLINK, 0);
	/* the peer of a veth in another namespace: asked there by the id this one has for it */
	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0 &&
	    (nsid < 0 || nla_put_s32(msg, IFLA_TARGET_NETNSID, nsid) == 0) &&
	    nl_send_auto(sk, msg) >= 0) {
		nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, mtu_cb, &mtu);
		nl_recvmsgs_default(sk);
	}
	nlmsg_free(msg);
	nl_socket_free(sk);
	return mtu;
}
