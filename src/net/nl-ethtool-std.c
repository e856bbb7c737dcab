// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ethtool's standard statistics over generic netlink, as 'ethtool -S --all-groups' and
 * 'ethtool -I -a' read them: the IEEE 802.3 and RFC 2819 counters a driver fills the same
 * way whoever wrote it (ETHTOOL_MSG_STATS_GET, Linux 5.13), and the pause frames
 * (ETHTOOL_MSG_PAUSE_GET with ETHTOOL_FLAG_STATS, 5.12). The kernel leaves out what the
 * driver does not count, so a device without them gives nothing.
 */
#include <errno.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <stdio.h>
#include <string.h>

#include "net/nl.h"
#include "base/util.h"

static const char *const group_names[] = {
	[ETHTOOL_STATS_ETH_PHY] = "eth-phy",
	[ETHTOOL_STATS_ETH_MAC] = "eth-mac",
	[ETHTOOL_STATS_ETH_CTRL] = "eth-ctrl",
	[ETHTOOL_STATS_RMON] = "rmon",
};

/* The names the kernel gives them (its ETH_SS_STATS_* string sets), by attribute type. */
static const char *const phy_names[] = {
	[ETHTOOL_A_STATS_ETH_PHY_5_SYM_ERR] = "SymbolErrorDuringCarrier",
};

static const char *const mac_names[] = {
	[ETHTOOL_A_STATS_ETH_MAC_2_TX_PKT] = "FramesTransmittedOK",
	[ETHTOOL_A_STATS_ETH_MAC_3_SINGLE_COL] = "SingleCollisionFrames",
	[ETHTOOL_A_STATS_ETH_MAC_4_MULTI_COL] = "MultipleCollisionFrames",
	[ETHTOOL_A_STATS_ETH_MAC_5_RX_PKT] = "FramesReceivedOK",
	[ETHTOOL_A_STATS_ETH_MAC_6_FCS_ERR] = "FrameCheckSequenceErrors",
	[ETHTOOL_A_STATS_ETH_MAC_7_ALIGN_ERR] = "AlignmentErrors",
	[ETHTOOL_A_STATS_ETH_MAC_8_TX_BYTES] = "OctetsTransmittedOK",
	[ETHTOOL_A_STATS_ETH_MAC_9_TX_DEFER] = "FramesWithDeferredXmissions",
	[ETHTOOL_A_STATS_ETH_MAC_10_LATE_COL] = "LateCollisions",
	[ETHTOOL_A_STATS_ETH_MAC_11_XS_COL] = "FramesAbortedDueToXSColls",
	[ETHTOOL_A_STATS_ETH_MAC_12_TX_INT_ERR] = "FramesLostDueToIntMACXmitError",
	[ETHTOOL_A_STATS_ETH_MAC_13_CS_ERR] = "CarrierSenseErrors",
	[ETHTOOL_A_STATS_ETH_MAC_14_RX_BYTES] = "OctetsReceivedOK",
	[ETHTOOL_A_STATS_ETH_MAC_15_RX_INT_ERR] = "FramesLostDueToIntMACRcvError",
	[ETHTOOL_A_STATS_ETH_MAC_18_TX_MCAST] = "MulticastFramesXmittedOK",
	[ETHTOOL_A_STATS_ETH_MAC_19_TX_BCAST] = "BroadcastFramesXmittedOK",
	[ETHTOOL_A_STATS_ETH_MAC_20_XS_DEFER] = "FramesWithExcessiveDeferral",
	[ETHTOOL_A_STATS_ETH_MAC_21_RX_MCAST] = "MulticastFramesReceivedOK",
	[ETHTOOL_A_STATS_ETH_MAC_22_RX_BCAST] = "BroadcastFramesReceivedOK",
	[ETHTOOL_A_STATS_ETH_MAC_23_IR_LEN_ERR] = "InRangeLengthErrors",
	[ETHTOOL_A_STATS_ETH_MAC_24_OOR_LEN] = "OutOfRangeLengthField",
	[ETHTOOL_A_STATS_ETH_MAC_25_TOO_LONG_ERR] = "FrameTooLongErrors",
};

static const char *const ctrl_names[] = {
	[ETHTOOL_A_STATS_ETH_CTRL_3_TX] = "MACControlFramesTransmitted",
	[ETHTOOL_A_STATS_ETH_CTRL_4_RX] = "MACControlFramesReceived",
	[ETHTOOL_A_STATS_ETH_CTRL_5_RX_UNSUP] = "UnsupportedOpcodesReceived",
};

static const char *const rmon_names[] = {
	[ETHTOOL_A_STATS_RMON_UNDERSIZE] = "etherStatsUndersizePkts",
	[ETHTOOL_A_STATS_RMON_OVERSIZE] = "etherStatsOversizePkts",
	[ETHTOOL_A_STATS_RMON_FRAG] = "etherStatsFragments",
	[ETHTOOL_A_STATS_RMON_JABBER] = "etherStatsJabbers",
};

static const struct {
	const char *const	*names;
	size_t			n;
} stat_names[] = {
	[ETHTOOL_STATS_ETH_PHY] = { phy_names, ARRAY_SIZE(phy_names) },
	[ETHTOOL_STATS_ETH_MAC] = { mac_names, ARRAY_SIZE(mac_names) },
	[ETHTOOL_STATS_ETH_CTRL] = { ctrl_names, ARRAY_SIZE(ctrl_names) },
	[ETHTOOL_STATS_RMON] = { rmon_names, ARRAY_SIZE(rmon_names) },
};

struct std_reply {
	const char		*dev;
	struct nic_stat		**out;
	size_t			*n;
	int			family;
};

static void add(struct std_reply *r, const char *group, const char *name, uint64_t v)
{
	struct nic_stat *s;

	*r->out = xrealloc(*r->out, (*r->n + 1) * sizeof(**r->out));
	s = &(*r->out)[(*r->n)++];
	snprintf(s->dev, sizeof(s->dev), "%s", r->dev);
	snprintf(s->name, sizeof(s->name), "%s-%s", group, name);
	s->value = v;
}

static int family_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (nlmsg_parse(nlmsg_hdr(msg), GENL_HDRLEN, tb, CTRL_ATTR_MAX, NULL) == 0 &&
	    tb[CTRL_ATTR_FAMILY_ID])
		*(int *)arg = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return NL_OK;
}

/* A generic netlink message of family, command cmd; NULL when it cannot be made. */
static struct nl_msg *genl_msg(int family, uint8_t cmd)
{
	struct genlmsghdr g = { .cmd = cmd, .version = 1 };
	struct nl_msg *msg = nlmsg_alloc_simple(family, NLM_F_REQUEST);

	if (msg && nlmsg_append(msg, &g, sizeof(g), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Sends msg (freed) and hands its replies to cb; 0 or a libnl error. */
static int genl_ask(struct nl_sock *sk, struct nl_msg *msg, nl_recvmsg_msg_cb_t cb, void *arg)
{
	int ret = msg ? nl_send_auto(sk, msg) : -NLE_NOMEM;

	nlmsg_free(msg);
	if (ret < 0)
		return ret;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
	return nl_recvmsgs_default(sk);
}

/* The ethtool family's id; 0 when the kernel has none (before 5.6). */
static int ethtool_family(struct nl_sock *sk)
{
	struct nl_msg *msg = genl_msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	int id = 0;

	if (msg && nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, ETHTOOL_GENL_NAME) < 0) {
		nlmsg_free(msg);
		return 0;
	}
	return genl_ask(sk, msg, family_cb, &id) < 0 ? 0 : id;
}

static void stats_group(struct std_reply *r, struct nlattr *grp)
{
	struct nlattr *tb[ETHTOOL_A_STATS_GRP_MAX + 1], *a, *v;
	uint32_t id;
	int rem, rem2;

	if (nla_parse_nested(tb, ETHTOOL_A_STATS_GRP_MAX, grp, NULL) < 0 ||
	    !tb[ETHTOOL_A_STATS_GRP_ID])
		return;
	id = nla_get_u32(tb[ETHTOOL_A_STATS_GRP_ID]);
	if (id >= ARRAY_SIZE(stat_names) || !stat_names[id].names)
		return;
	nla_for_each_nested(a, grp, rem) {
		if (nla_type(a) != ETHTOOL_A_STATS_GRP_STAT)
			continue;
		/* one attribute: its type is the statistic, its value a u64 */
		nla_for_each_nested(v, a, rem2) {
			int t = nla_type(v);

			if (t >= 0 && (size_t)t < stat_names[id].n && stat_names[id].names[t] &&
			    nla_len(v) == sizeof(uint64_t))
				add(r, group_names[id], stat_names[id].names[t], nla_get_u64(v));
		}
	}
}

static int stats_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *a;
	int rem;

	nlmsg_for_each_attr(a, h, GENL_HDRLEN, rem)
		if (nla_type(a) == ETHTOOL_A_STATS_GRP)
			stats_group(arg, a);
	return NL_OK;
}

static int pause_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[ETHTOOL_A_PAUSE_MAX + 1], *st[ETHTOOL_A_PAUSE_STAT_MAX + 1];

	if (nlmsg_parse(nlmsg_hdr(msg), GENL_HDRLEN, tb, ETHTOOL_A_PAUSE_MAX, NULL) < 0 ||
	    !tb[ETHTOOL_A_PAUSE_STATS] ||
	    nla_parse_nested(st, ETHTOOL_A_PAUSE_STAT_MAX, tb[ETHTOOL_A_PAUSE_STATS], NULL) < 0)
		return NL_OK;
	if (st[ETHTOOL_A_PAUSE_STAT_TX_FRAMES])
		add(arg, "pause", "tx_pause_frames", nla_get_u64(st[ETHTOOL_A_PAUSE_STAT_TX_FRAMES]));
	if (st[ETHTOOL_A_PAUSE_STAT_RX_FRAMES])
		add(arg, "pause", "rx_pause_frames", nla_get_u64(st[ETHTOOL_A_PAUSE_STAT_RX_FRAMES]));
	return NL_OK;
}

/* A request for one device: cmd with its header nest (attribute hdr) holding its index. */
static struct nl_msg *dev_msg(int family, uint8_t cmd, int hdr, int ifindex, uint32_t flags)
{
	struct nl_msg *msg = genl_msg(family, cmd);
	struct nlattr *nest = msg ? nla_nest_start(msg, hdr) : NULL;

	if (!nest || nla_put_u32(msg, ETHTOOL_A_HEADER_DEV_INDEX, (uint32_t)ifindex) < 0 ||
	    (flags && nla_put_u32(msg, ETHTOOL_A_HEADER_FLAGS, flags) < 0)) {
		nlmsg_free(msg);
		return NULL;
	}
	nla_nest_end(msg, nest);
	return msg;
}

static void dev_std_stats(struct nl_sock *sk, struct std_reply *r, int ifindex)
{
	struct nl_msg *msg = dev_msg(r->family, ETHTOOL_MSG_STATS_GET, ETHTOOL_A_STATS_HEADER,
				     ifindex, 0);
	struct nlattr *groups = msg ? nla_nest_start(msg, ETHTOOL_A_STATS_GROUPS) : NULL;
	uint32_t all = (1u << ARRAY_SIZE(group_names)) - 1;

	/* every group, as a compact bitset with no mask */
	if (!groups || nla_put_flag(msg, ETHTOOL_A_BITSET_NOMASK) < 0 ||
	    nla_put_u32(msg, ETHTOOL_A_BITSET_SIZE, ARRAY_SIZE(group_names)) < 0 ||
	    nla_put(msg, ETHTOOL_A_BITSET_VALUE, sizeof(all), &all) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	} else {
		nla_nest_end(msg, groups);
	}
	/* errors (a kernel before 5.13, a device that went away) leave nothing */
	genl_ask(sk, msg, stats_cb, r);
	msg = dev_msg(r->family, ETHTOOL_MSG_PAUSE_GET, ETHTOOL_A_PAUSE_HEADER, ifindex,
		      ETHTOOL_FLAG_STATS);
	genl_ask(sk, msg, pause_cb, r);	/* EOPNOTSUPP where the driver has no pause */
}

int nic_std_stats(const struct link_stats *links, size_t nlinks, struct nic_stat **out,
		  size_t *n)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct std_reply r = { .out = out, .n = n };

	if (!sk)
		return -ENOMEM;
	if (nl_connect(sk, NETLINK_GENERIC) < 0) {
		nl_socket_free(sk);
		return -EPROTONOSUPPORT;
	}
	nl_socket_disable_auto_ack(sk);	/* one message answers each request: its reply or error */
	r.family = ethtool_family(sk);
	for (size_t i = 0; r.family && i < nlinks; i++) {
		r.dev = links[i].name;
		dev_std_stats(sk, &r, links[i].ifindex);
	}
	nl_socket_free(sk);
	return r.family ? 0 : -EOPNOTSUPP;
}
