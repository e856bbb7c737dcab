/* Prometheus text exposition files, written whole and renamed into place (textfile collector). */
#ifndef FTNET_PROM_H
#define FTNET_PROM_H

#include <stdint.h>
#include <stdio.h>

struct prom;

/*
 * Starts FILE.tmp.PID beside path; NULL with errno when path is something other than a
 * regular file (EEXIST, EISDIR) or the temporary file cannot be made.
 */
struct prom *prom_open(const char *path);
/* strerror, with EEXIST said as "not a regular file ...". */
const char *prom_strerror(int err);
/* # HELP and # TYPE lines; once per metric name, before its samples. */
void prom_family(struct prom *p, const char *name, const char *type, const char *help);
/* One sample; labels are name/value pairs, NULL-terminated. */
void prom_sample(struct prom *p, const char *name, uint64_t value, const char *const *labels);
/* Writes the file atomically: 0 or -errno (the old file stays on failure). */
int prom_commit(struct prom *p);
/* Closes and removes the temporary file without touching the target. */
void prom_discard(struct prom *p);

#endif
