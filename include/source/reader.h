/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-CPU raw ring-buffer reading, cross-CPU merge by timestamp, lost-event accounting. */
#ifndef FTNET_READER_H
#define FTNET_READER_H

#include <event-parse.h>
#include <stdbool.h>
#include <stdint.h>
#include <tracefs.h>

#include "base/sink.h"

struct reader;

/*
 * Opens every online CPU's trace_pipe_raw; with map, each CPU's buffer is read through a
 * memory map where the kernel allows it (6.10+), else with read().
 */
struct reader *reader_open(struct tracefs_instance *inst, struct tep_handle *tep, bool map);
void reader_close(struct reader *r);
/*
 * Waits up to timeout_ms for data (0: do not wait, -1: forever), then reads everything
 * the buffers hold and hands it to the sink. Returns records delivered, or -errno
 * (-EINTR when a signal arrived).
 */
long reader_round(struct reader *r, int timeout_ms, const struct reader_sink *sink);
/* Whether records are held for the next round (a round with nothing new hands them on). */
bool reader_holding(const struct reader *r);
/*
 * For an instance whose buffer_percent wakes the reader only when a share of the buffer is
 * full: a round whose wait ends without a wake-up reads all the same (what a second held).
 */
void reader_batch(struct reader *r);
/* Reads what is left, and reports losses the page headers did not show (from stats). */
long reader_finish(struct reader *r, const struct reader_sink *sink);
/* "mmap", "read" or "mmap and read": how the buffers are read; *why: why not mapped, or NULL */
const char *reader_method(const struct reader *r, const char **why);
/* Whether this kernel maps the instance's buffers (trying cpu0's); why not in why. */
bool reader_map_supported(struct tracefs_instance *inst, char *why, size_t size);
/* How full the fullest CPU's buffer was in the last round: bytes read over its size. */
double reader_fill(const struct reader *r);
uint64_t reader_lost(const struct reader *r);
uint64_t reader_records(const struct reader *r);
/* The size of the pages read (the instance's sub-buffer size). */
int reader_page_size(const struct reader *r);
/* The CPU numbers read, ascending; returns how many (at most max). */
int reader_cpus(const struct reader *r, int *cpus, int max);

#endif
