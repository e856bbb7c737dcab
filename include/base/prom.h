/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Prometheus text exposition files, written whole and renamed into place (textfile collector). */
#ifndef FTNET_PROM_H
#define FTNET_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct prom;

/*
 * Starts FILE.tmp.PID beside path; NULL with errno when path is something other than a
 * regular file (EEXIST, EISDIR) or the temporary file cannot be made.
 */
struct prom *prom_open(const char *path);
/* The same text in memory (ftnet serve), OpenMetrics when asked; prom_take gets it. */
struct prom *prom_open_mem(bool openmetrics);
/* The text of a prom_open_mem (caller frees), *len its length; NULL on failure. p is freed. */
char *prom_take(struct prom *p, size_t *len);
/* strerror, with EEXIST said as "not a regular file ...". */
const char *prom_strerror(int err);
/* # HELP and # TYPE lines; once per metric name, before its samples. */
void prom_family(struct prom *p, const char *name, const char *type, const char *help);
/* One sample; labels are name/value pairs, NULL-terminated. */
void prom_sample(struct prom *p, const char *name, uint64_t value, const char *const *labels);
/* A sample in seconds, given in nanoseconds: exact ("1796617870.123456789", "0.5"). */
void prom_sample_ns(struct prom *p, const char *name, uint64_t ns, const char *const *labels);
/* ns as exact decimal seconds, trailing zeros cut ("0.000001023", "2"); buf of 32 bytes. */
const char *prom_seconds(uint64_t ns, char *buf, size_t size);
/* Writes the file atomically: 0 or -errno (the old file stays on failure). */
int prom_commit(struct prom *p);
/* Closes and removes the temporary file without touching the target. */
void prom_discard(struct prom *p);

#endif
