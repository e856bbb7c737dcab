/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pid -> comm names for events: what the kernel's rename and fork events said where the session
 * traces them, else /proc and saved_cmdlines, refreshed as processes appear.
 */
#ifndef FTNET_COMM_H
#define FTNET_COMM_H

#include <stdint.h>

struct comm_cache;

struct comm_cache *comm_new(void);
void comm_free(struct comm_cache *c);
/* Fills name (16 bytes) for pid; "<...>" when nobody knows it. now_ns ages entries. */
void comm_lookup(struct comm_cache *c, int pid, int cpu, uint64_t now_ns, char *name);
/* What the kernel said pid is called from ts on: kept until the kernel says otherwise. */
void comm_note(struct comm_cache *c, int pid, const char *name, uint64_t ts);
/* Gives the "pid comm" lines (saved_cmdlines' format) to use instead of the kernel's (tests). */
void comm_parse_cmdlines(struct comm_cache *c, const char *text);

#endif
