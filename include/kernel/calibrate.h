/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sk_buff's offsets without BTF (--btf none, or a kernel built without it), found by sending
 * loopback SYNs and reading their skbs through a kprobe on tcp_v4_rcv, then verified by
 * rebuilding other SYNs' flows with them. Needs kprobes; registers and removes its own.
 */
#ifndef FTNET_CALIBRATE_H
#define FTNET_CALIBRATE_H

#include <stddef.h>

struct calib {
	int	head, data, network_header, transport_header, mac_header;
	int	len;	/* -1: not found (packets are rebuilt without it) */
};

/* 0 with c filled, or -errno with why. */
int calibrate_skb(struct calib *c, char *why, size_t size);

#endif
