/* Per-CPU raw ring-buffer reading, cross-CPU merge by timestamp, lost-event accounting. */
#ifndef FTNET_READER_H
#define FTNET_READER_H

#include <event-parse.h>
#include <stdbool.h>
#include <stdint.h>
#include <tracefs.h>

#include "base/sink.h"

struct reader;

struct reader *reader_open(struct tracefs_instance *inst, struct tep_handle *tep);
void reader_close(struct reader *r);
/*
 * Waits up to timeout_ms for data (0: do not wait, -1: forever), then reads everything
 * the buffers hold and hands it to the sink. Returns records delivered, or -errno
 * (-EINTR when a signal arrived).
 */
long reader_round(struct reader *r, int timeout_ms, const struct reader_sink *sink);
/* Whether records are held for the next round (a round with nothing new hands them on). */
bool reader_holding(const struct reader *r);
/* Reads what is left, and reports losses the page headers did not show (from stats). */
long reader_finish(struct reader *r, const struct reader_sink *sink);
/* How full the fullest CPU's buffer was in the last round: bytes read over its size. */
double reader_fill(const struct reader *r);
uint64_t reader_lost(const struct reader *r);
uint64_t reader_records(const struct reader *r);
/* The size of the pages read (the instance's sub-buffer size). */
int reader_page_size(const struct reader *r);
/* The CPU numbers read, ascending; returns how many (at most max). */
int reader_cpus(const struct reader *r, int *cpus, int max);

#endif
