/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small pcapng writer (libpcap reads pcapng but cannot write it): one section, interfaces,
 * and enhanced packet blocks with nanosecond timestamps and a comment per packet.
 */
#ifndef FTNET_PCAPNG_H
#define FTNET_PCAPNG_H

#include <stdint.h>

/* LINKTYPE_RAW: raw IPv4 or IPv6 (libpcap's DLT_RAW once read back). */
#define PCAPNG_LINKTYPE_ETHERNET	1
#define PCAPNG_LINKTYPE_RAW	101

struct pcapng;

/*
 * A writer on fd (which stays the caller's: pcapng_close() does not close it) that starts with
 * a section header block naming app (shb_userappl; NULL for none). Blocks are buffered. NULL
 * with errno on failure.
 */
struct pcapng *pcapng_open(int fd, const char *app);

/*
 * Adds an interface description block (if_tsresol 9: timestamps in nanoseconds; if_name when
 * name is not NULL). Returns the interface's id for pcapng_packet() (0, 1, ...) or -errno.
 * libpcap 1.10 (capture -r) refuses a file with a second LINKTYPE_RAW interface ("an interface
 * has a type 101 different from the type of the first interface"): for files it must read, add
 * one and name the packet's device in its comment.
 */
int pcapng_interface(struct pcapng *w, uint16_t linktype, uint32_t snaplen, const char *name);

/*
 * Adds an enhanced packet block: caplen bytes of data of a packet len long, at ts_ns (since the
 * epoch), with comment as opt_comment (NULL or "" for none). 0 or -errno: -EINVAL for an
 * unknown interface, caplen over len or the interface's snaplen, a comment over 65535 bytes;
 * a write error (-ENOSPC) as it comes, and again on every later call.
 */
int pcapng_packet(struct pcapng *w, uint32_t ifid, uint64_t ts_ns, const void *data,
		  uint32_t caplen, uint32_t len, const char *comment);

/* Writes out what is buffered: 0 or -errno. */
int pcapng_flush(struct pcapng *w);

/* Flushes and frees the writer: 0, or -errno of the first write that failed. */
int pcapng_close(struct pcapng *w);

#endif
