/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who turned on what in an instance, kept in /run/ftnet: a user's `ftnet enable` (persistent)
 * or a run (a stream, top, ...) that enables groups for itself and must turn them off again.
 * A run that died without restoring (kill -9) is told from a user's enable by its pid and the
 * start time of that pid. Also the per-instance reader lock (reads consume events).
 */
#ifndef FTNET_OWNER_H
#define FTNET_OWNER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct owner {
	pid_t		pid;		/* 0: enabled by `ftnet enable`, kept */
	uint64_t	start;		/* the run's start time (clock ticks since boot) */
};

/*
 * The pseudo-group recorded for an instance a run made (private ones and any other it
 * created): a run killed with -9 leaves the instance, and this says whose it was.
 */
#define OWNER_INSTANCE "+instance"

/* The owner of group in instance: 0, or -ENOENT when nothing is recorded (a user's). */
int owner_get(const char *instance, const char *group, struct owner *o);
/* Records group as enabled by this process (run true) or by the user (run false). */
int owner_set(const char *instance, const char *group, bool run);
int owner_clear(const char *instance, const char *group);
/* Forgets everything recorded for the instance (removed by disable --all). */
void owner_clear_all(const char *instance);
/* ... and its lock and config files, left by a run that was killed. */
void owner_forget(const char *instance);
/* True when every record of instance is of a run that is gone (and there is one). */
bool owner_all_dead(const char *instance);
/* True when o is this process. */
bool owner_is_me(const struct owner *o);
/* True when o is a run that is gone (its pid is dead or now another process). */
bool owner_dead(const struct owner *o);

/* Calls fn for every group a dead run left on, in any instance. */
void owner_each_dead(void (*fn)(void *arg, const char *instance, const char *group,
				const struct owner *o), void *arg);

/* Exclusive reader lock per instance; fd or -errno (-EBUSY when another ftnet reads). */
int owner_reader_lock(const char *instance);
/* Releases the lock and removes its file. */
void owner_reader_unlock(const char *instance, int fd);
/* True while some ftnet holds the instance's reader lock. */
bool owner_reader_active(const char *instance);

/*
 * Serializes the commands that change an instance's settings (enable, disable, a run's
 * setup and restore): two at once raced into "File exists" and half-applied filters.
 * Blocks until free; fd or -errno.
 */
int owner_config_lock(const char *instance);
void owner_config_unlock(const char *instance, int fd);

#endif
