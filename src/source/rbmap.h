/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A CPU's ring buffer read through a memory map (Linux 6.10+), for the reader. */
#ifndef FTNET_RBMAP_H
#define FTNET_RBMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tracefs.h>

struct rbmap;

/*
 * Maps the buffer behind fd (a CPU's trace_pipe_raw); long_size is the size of a sub-buffer
 * header's commit field (the tep's header page). NULL, errno set, where it cannot.
 */
struct rbmap *rbmap_open(int fd, int long_size);
void rbmap_close(struct rbmap *m);
int rbmap_subbuf_size(const struct rbmap *m);
/*
 * Takes the next unread part of the buffer: copies it into page (size bytes) as a sub-buffer
 * whose records from offset *skip of its data are new (those before were handed on already).
 * Returns the bytes copied, 0 when nothing is new, or -errno; *lost gets the events the
 * kernel overwrote since the last call.
 */
int rbmap_read(struct rbmap *m, void *page, int size, int *skip, uint64_t *lost);
/* Whether this kernel maps the instance's buffers; why not, in why, when it does not. */
bool rbmap_supported(struct tracefs_instance *inst, char *why, size_t size);

#endif
