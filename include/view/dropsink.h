/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What drops with their packet feed besides the stream printer: a pcap filter in tcpdump's
 * syntax, applied in ftnet's own process to the headers the kprobe fetched (nothing is loaded
 * into the kernel), and a pcapng file of those headers whose comments carry the reason,
 * location, device and network namespace.
 */
#ifndef FTNET_DROPSINK_H
#define FTNET_DROPSINK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/event.h"

struct dropsink;

/*
 * filter (may be NULL) compiled by libpcap; path (may be NULL) written as FILE.tmp.PID and
 * renamed by dropsink_close. NULL with a message in err: a filter libpcap rejects (EINVAL),
 * or a file that cannot be made.
 */
struct dropsink *dropsink_new(const char *filter, const char *path, char *err, size_t size);
/* Whether ev passes the filter: a drop whose packet matches (unknown headers never do). */
bool dropsink_match(const struct dropsink *d, const struct ftnet_event *ev);
/* Writes a matching drop to the file; location as "function+0xoff". 0 or -errno. */
int dropsink_write(struct dropsink *d, const struct ftnet_event *ev, const char *location);
/* Packets written so far. */
unsigned long dropsink_written(const struct dropsink *d);
/* Finishes the file (renamed into place) and frees d: 0, or -errno with the file removed. */
int dropsink_close(struct dropsink *d);

#endif
