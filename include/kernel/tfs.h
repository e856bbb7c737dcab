/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tracefs: mount, instance lifecycle, event enable/disable and filters, buffer statistics. */
#ifndef FTNET_TFS_H
#define FTNET_TFS_H

#include <stdbool.h>
#include <stdint.h>
#include <event-parse.h>
#include <tracefs.h>

#define TFS_DEFAULT_INSTANCE "ftnet"
#define TFS_ERRLEN 512

/* Finds tracefs or mounts it at /sys/kernel/tracing; 0 or -errno. */
int tfs_mount(const char **path);

/* Checks an instance name ftnet may use; 0 or -EINVAL. */
int tfs_instance_name_ok(const char *name);
/* Wakes readers when pct percent of the buffer is full (0: at every event); 0 or -errno. */
int tfs_buffer_percent(struct tracefs_instance *inst, int pct);
/*
 * True for the names of ftnet's private instances, ftnet-KIND-PID (KIND: agg, calib, or a
 * command that reads in one of its own): not for -I, so that no user's instance is taken
 * for a dead run's and swept.
 */
bool tfs_instance_reserved(const char *name);
bool tfs_instance_exists(const char *name);
/* Opens an existing instance, or creates it (set up for ftnet) when create is set. */
struct tracefs_instance *tfs_instance_open(const char *name, bool create, bool *created);
/* trace_clock mono where offered, buffer_percent 0, and the buffer size when kb > 0. */
int tfs_instance_setup(struct tracefs_instance *inst, unsigned long kb);
/* True when the instance's selected trace_clock is clock. */
bool tfs_instance_clock_is(struct tracefs_instance *inst, const char *clock);
int tfs_instance_remove(struct tracefs_instance *inst);
/* Turns every event of the instance off. */
int tfs_disable_all(struct tracefs_instance *inst);

/* 1 enabled, 0 disabled, -errno when the event does not exist. */
int tfs_event_enabled(struct tracefs_instance *inst, const char *sys, const char *name);
int tfs_event_set(struct tracefs_instance *inst, const char *sys, const char *name, bool on);
/* Sets (or with expr NULL clears) a filter; on failure err holds the kernel's error_log text. */
int tfs_filter_set(struct tracefs_instance *inst, const char *sys, const char *name,
		   const char *expr, char *err, size_t errlen);
/* The current filter, or NULL when none (caller frees). */
char *tfs_filter_get(struct tracefs_instance *inst, const char *sys, const char *name);
/* True when any event is enabled in the instance. */
bool tfs_any_enabled(struct tracefs_instance *inst);

struct tfs_cpu_stats {
	uint64_t entries, overrun, dropped, read_events;
};
int tfs_cpu_stats(struct tracefs_instance *inst, int cpu, struct tfs_cpu_stats *st);
int tfs_ncpus(void);
/* Formats of these systems (NULL-terminated) parsed into a new tep handle; NULL on failure. */
struct tep_handle *tfs_tep_load(const char *const *systems);
/* Adds one event's format to the handle; -1 when tracefs has no such event or it cannot parse. */
int tfs_tep_add(struct tep_handle *tep, const char *sys, const char *name);

/* Whether the instance records at all (tracing_on). */
bool tfs_tracing_on(struct tracefs_instance *inst);
/* "ftnet: cannot ...: <why>: run as root" for a tracefs errno. */
const char *tfs_strerror(int err);

/* A tep handle with the network systems and the comm events (not all: parsing is slow). */
struct tep_handle *tfs_tep_load_net(void);

#endif
