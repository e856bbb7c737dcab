/* pid -> comm names for events, from saved_cmdlines and /proc, refreshed as processes appear. */
#ifndef FTNET_COMM_H
#define FTNET_COMM_H

#include <stdint.h>

struct comm_cache;

struct comm_cache *comm_new(void);
void comm_free(struct comm_cache *c);
/* Fills name (16 bytes) for pid; "<...>" when nobody knows it. now_ns ages entries. */
void comm_lookup(struct comm_cache *c, int pid, int cpu, uint64_t now_ns, char *name);
/* Loads one "pid comm" per line text (saved_cmdlines format); for tests and refresh. */
void comm_parse_cmdlines(struct comm_cache *c, const char *text, uint64_t now_ns);

#endif
