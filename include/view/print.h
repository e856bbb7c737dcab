/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The printers of events and packets (src/view/print.c), one field call each for text and JSON. */
#ifndef FTNET_PRINT_H
#define FTNET_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"

struct packet;

void out_event_header(void);
/* One captured packet: wall time, interface, protocol, addresses, ports, flags, length. */
void out_packet(const struct packet *p);
void out_event(const struct ftnet_event *ev);

/* Helpers shared with other views. */
void out_fmt_addr(const struct ftnet_event *ev, bool src, char *buf, size_t size);
const char *out_ethertype(uint16_t proto);
/* A packet's flow from kprobes: "udp 10.0.0.1:5353 > 10.0.0.2:53" (ports where known). */
void out_packet_flow(const struct ftnet_event *ev);
/* "tcp", "udp", "icmp", "icmpv6", or the number. */
const char *out_ipproto(uint8_t proto, char *buf, size_t size);

#endif
