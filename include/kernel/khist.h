/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * In-kernel aggregation (src/kernel/khist.c): a hist trigger on one event of an instance, its table
 * read back from the event's hist file, and what grew since the last read. The event itself
 * stays off: the kernel aggregates it and writes nothing to the ring buffer.
 */
#ifndef FTNET_KHIST_H
#define FTNET_KHIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KHIST_KEYS 3		/* the kernel's limit for a compound key */
#define KHIST_STR 16		/* string keys: device names */
#define KHIST_MAX_SIZE 131072	/* the kernel's largest table (2^17 entries) */

struct tracefs_instance;
struct khist_prev;

struct khist_row {
	uint64_t	num[KHIST_KEYS];	/* numeric keys, as the kernel printed them */
	char		str[KHIST_KEYS][KHIST_STR];	/* string keys */
	uint64_t	hits, sum;		/* hitcount, and the sum of the value field */
};

struct khist {
	struct tracefs_instance	*inst;
	char			sys[32], name[64];
	char			trigger[256];	/* as written: its removal repeats it */
	int			nkeys;
	char			keys[KHIST_KEYS][32];
	bool			is_str[KHIST_KEYS];
	char			sum_field[32];	/* "" for counts only */
	struct khist_prev	*prev;		/* the cumulative values at the last read */
	uint64_t		prev_dropped;
	bool			on;
};

/* True when this kernel has hist triggers (CONFIG_HIST_TRIGGERS): the hist file exists. */
bool khist_supported(const char *tracefs);

/*
 * Registers hist:keys=KEYS:vals=hitcount[,SUM]:size=SIZE [if FILTER] on sys:name in inst.
 * keys: field names joined by commas, a trailing '$' on a string key ("name$"). 0, or -1
 * with the kernel's words in err.
 */
int khist_on(struct khist *h, struct tracefs_instance *inst, const char *sys, const char *name,
	     const char *keys, const char *sum, unsigned int size, const char *filter,
	     char *err, size_t errlen);

/*
 * Reads the table: fn gets each key whose counts grew since the last read with the growth,
 * then once with row NULL and hits = the growth of the Dropped count (keys the full table
 * could not take). 0, or -errno.
 */
int khist_read(struct khist *h, void (*fn)(void *arg, const struct khist_row *row,
					   uint64_t hits, uint64_t sum), void *arg);
/* The same from the hist file's text (tests). */
int khist_parse(struct khist *h, const char *text, void (*fn)(void *arg,
		const struct khist_row *row, uint64_t hits, uint64_t sum), void *arg);

/* Removes the trigger; 0 or -errno. */
int khist_off(struct khist *h);
void khist_free(struct khist *h);

#define KHIST_PREFIX "ftnet-agg-"	/* the instance of a run's triggers: ftnet-agg-PID */

/* Creates the run's instance (its name into name); NULL with errno when it cannot. */
struct tracefs_instance *khist_instance_new(char *name, size_t size);
/* Removes it (its triggers go with it). */
void khist_instance_end(struct tracefs_instance *inst, const char *name);
/* disable --all: the instances of runs that are gone (kill -9); how many were removed. */
int khist_sweep(void);

/* A table size the kernel takes for max_keys rows: a power of two, 2048 to 2^17. */
unsigned int khist_size(uint64_t max_keys);

#endif
