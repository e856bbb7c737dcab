/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One run loop for the commands that read events (stream, top, hist, count, diagnose,
 * capture --drops): start the source, read until the deadline, a count or a signal, call the
 * command's tick every interval, drain, restore the kernel, render the last interval. A
 * command supplies its callbacks; it does not know which source its events come from.
 */
#ifndef FTNET_RUN_H
#define FTNET_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "source/session.h"

struct run_stats {
	uint64_t	records;	/* read from the source */
	uint64_t	delivered;	/* events handed to the command */
	uint64_t	lost;		/* events the kernel could not keep */
};

struct run_spec {
	const char		*cmd;		/* the command, for messages and private instances */
	char			**groups;	/* named on the command line (may be 0) */
	int			ngroups;
	struct session_opts	so;		/* filter, buffer, default group, raw events */
	bool			private_instance;	/* ftnet-CMD-PID, removed at the end */
	double			duration;	/* seconds, 0: until a signal */
	double			interval;	/* seconds between ticks, 0: none */
	const char		*prom;		/* written at every tick and at the end */
	bool			quiet;		/* no "hit Ctrl-C" note */
	/* nothing is read until the run ends (record --flight: the kernel keeps the last) */
	bool			hold;
	/*
	 * A trace.dat to read instead of the kernel (report, -r FILE): the same callbacks get
	 * the file's events in time order; duration and interval follow the file's timestamps,
	 * and the run ends at the file's end.
	 */
	const char		*read_file;
	/*
	 * No events to read: the command's data come from elsewhere (the kernel's hist tables,
	 * read at each tick); the loop only keeps time, ticks and stops on a signal.
	 */
	bool			no_events;

	/* callbacks: arg is the command's state */
	void	*arg;
	/* the source is ready: size tables for what it delivers (s NULL with no_events) */
	void	(*started)(void *arg, struct session *s);
	void	(*on_event)(void *arg, const struct ftnet_event *ev);
	void	(*on_record)(void *arg, struct tep_record *rec);	/* undecoded (count) */
	/* one interval: secs long, final after the source ended */
	void	(*tick)(void *arg, uint64_t now, double secs, bool final);
	int	(*prom_write)(void *arg, const char *path);	/* 0 or -errno */
	/* the run ends: undo what started changed (before the rest is read and the instance is
	 * restored; s NULL with no_events) */
	void	(*stopping)(void *arg, struct session *s);
	/* stop early (stream -c) */
	bool	(*done)(void *arg);
	/* waited in a round: for work besides reading (diagnose's other sources) */
	void	(*idle)(void *arg, uint64_t now);
	/* every raw page as read from the kernel, before its events are decoded (record) */
	void	(*on_page)(void *arg, int cpu, const void *page, int size);
	/*
	 * SIGHUP: when set, a run whose groups are all still on keeps its instance and calls
	 * this (nothing is missed); otherwise the run ends with session_stop == SIGHUP.
	 */
	void	(*reload)(void *arg, struct session *s);
	/* the buffers are drained and the instance not yet restored (record's statistics) */
	void	(*drained)(void *arg, struct session *s);
	/*
	 * A second source that idle reads (capture's pcap handle): when wake_ms > 0, a round
	 * waits for wake_fd to be readable, at most wake_ms, then reads the buffers at once.
	 */
	int	wake_fd;
	int	wake_ms;
};

/*
 * Runs the loop; returns the exit status, or ERR_FAIL or ERR_USAGE when the source could not
 * start (said why). stats, when given, gets the run's counts.
 */
int run_events(struct ftnet_ctx *ctx, struct run_spec *r, struct run_stats *stats);
/* The loop over a file (src/source/run-file.c), which run_events calls when r->read_file is set. */
int run_file(struct ftnet_ctx *ctx, struct run_spec *r, struct run_stats *stats);

#endif
