/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tracing session: the instance with the groups a command needs (enabled for the run where
 * they were off), the reader, decoders, comm names and connect tracking, and the restore.
 * stream and selftest are both built on it; events come out normalized through on_event.
 */
#ifndef FTNET_SESSION_H
#define FTNET_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <event-parse.h>

#include "base/ctx.h"
#include "base/event.h"

#define SESSION_MAX_GROUPS 16
#define SESSION_SEEN_CPUS 256	/* CPUs whose last looked-up pid is remembered */

struct ksyms;
struct reader_sink;
struct td_source;
struct tracefs_instance;

struct session_opts {
	const char		*filter;	/* for groups enabled for this run */
	unsigned long		buffer_kb;
	/* per CPU for an instance made now when buffer_kb is 0 (0: the kernel's default) */
	unsigned long		default_buffer_kb;
	const char		*default_group;	/* when none is named or enabled; NULL: an error */
	/* tracepoints named "sys:name" or "sys:*" for this run (count; stream, top, record) */
	const char *const	*events;
	int			nevents;
	bool			comms;		/* trace renames and forks for comm names */
	/* event types (bit per enum ftnet_type) whose task name the command shows; 0: all.
	 * Others are not looked up: a flood of them costs no /proc or saved_cmdlines read */
	unsigned int		comm_types;
	bool			flows;		/* drops' flow tracepoints, for runs that decode */
	bool			raw_only;	/* a file's records all go to on_record (count -r) */
	/*
	 * Pages written as they are read (record): woken when 1% of the buffer is full or a
	 * second has passed, not at every event, so a slow trickle does not cost a page each.
	 */
	bool			batch_pages;
	bool			no_map;		/* read() the buffers, never a map (pages kept) */
	/* a file with nothing named: its events no group reads are shown too (stream, report) */
	bool			file_others;
};

struct session {
	struct ftnet_ctx	*ctx;
	struct tracefs_instance	*inst;
	const struct group	*run[SESSION_MAX_GROUPS];
	const struct group	*before[SESSION_MAX_GROUPS];	/* enabled before we came */
	bool			changed[SESSION_MAX_GROUPS];
	bool			gone[SESSION_MAX_GROUPS];	/* turned off under us (warned) */
	int			backend[SESSION_MAX_GROUPS];	/* enum backend of each run group */
	int			nrun, nbefore;
	bool			created;
	bool			cleaned;	/* turned off what a dead run left on */
	int			lockfd;
	unsigned int		types;		/* event types delivered (bit per enum ftnet_type) */
	unsigned int		comm_types;	/* of those, the ones named (0: all) */
	struct tep_handle	*tep;
	struct decoder		*dec;
	struct reader		*rd;
	struct comm_cache	*comm;
	struct pending		*conn, *rxlat, *ports;
	uint64_t		delivered, lost, undecoded;
	uint64_t		records;	/* read from the buffers, set by session_end */
	uint64_t		comm_notes;	/* rename and fork events among them */
	void			(*on_event)(void *arg, const struct ftnet_event *ev);
	/* when set, every record goes here undecoded (count) */
	void			(*on_record)(void *arg, struct tep_record *rec);
	void			*arg;
	char			(*raw)[2][64];	/* the raw events enabled for this run */
	int			nraw;
	int			nuser;		/* the first nuser are those named (SYSTEM:EVENT) */
	bool			raw_filtered;	/* --filter written on them */
	bool			busy;		/* the last round was a flood's */
	uint64_t		interval_ns;	/* busy: the time between reads (session.c) */
	/* when set, every raw page as read, before its records are decoded (record) */
	void			(*on_page)(void *arg, int cpu, const void *page, int size);
	/* a trace.dat read instead of the kernel (src/source/session-file.c), or NULL */
	struct td_source	*file;
	/* the file's kernel symbols for drop locations, NULL for the running kernel's */
	struct ksyms		*ksyms;
	int			seen_pid[SESSION_SEEN_CPUS];	/* pid + 1 last looked up */
	int			exit_id;	/* sched_process_exit's id, -1: none */
	int			wake_fd;	/* with wake_ms > 0: waited on instead (run.h) */
	int			wake_ms;
	bool			batching;	/* buffer_percent set: wait a second when idle */
	/* flows for drops from tracepoints (source/ident.h), where the drops group runs them */
	struct ident		*ident;
	bool			ident_compare;	/* beside kprobes' flows: tp_* fields */
};

extern volatile sig_atomic_t session_stop;
/* SIGINT, SIGTERM, SIGHUP set session_stop; SIGPIPE is ignored (writes fail instead). */
void session_signals(void);

/*
 * Sets everything up: 0, or ERR_FAIL or ERR_USAGE after saying why, with the kernel restored.
 * names: group names (may be 0).
 */
int session_start(struct session *s, struct ftnet_ctx *ctx, char **names, int nnames,
		  const struct session_opts *o);
/* One read round; returns events delivered or -errno (-EINTR on a signal). */
long session_round(struct session *s, int timeout_ms);
/*
 * One paced step: idle, it waits in poll() until an event or until_ns (mono); busy (the last
 * round was large), it sleeps a read interval first; with wake_ms set, it waits for wake_fd
 * (at most wake_ms) and then reads. Returns events or -errno (-EINTR).
 */
long session_step(struct session *s, uint64_t until_ns);
/*
 * The main loop's step for commands with a deadline and an interval (0: none): reads until
 * the nearer of them (or a second). Returns 1 once the deadline has passed, 0 to go on, -1
 * after reporting a read error.
 */
int session_wait(struct session *s, uint64_t deadline, uint64_t next);
/* Warns about run groups another command turned off; 0 when none is left on. */
int session_check(struct session *s);
/* Turns off the events a run enables for comm names (a run killed with -9 leaves them on). */
void session_comm_events_off(struct tracefs_instance *inst);
/* Reads the rest, reports lost events the page headers did not show. */
void session_drain(struct session *s);
/* Closes the reader and restores the instance as it was before session_start. */
void session_end(struct session *s);
/* The sink the readers feed: decode, connect and rxlat pairing, comm names, on_event. */
void session_sink(struct session *s, struct reader_sink *sink);

/*
 * The same session over a trace.dat (src/source/session-file.c): the file's formats, the groups it
 * holds (or those named, which it must hold), its pages merged by time through the sink
 * above. ERR_FAIL or ERR_USAGE, after saying why, for a file it cannot read.
 */
int session_file_start(struct session *s, struct ftnet_ctx *ctx, const char *path,
		       char **names, int nnames, const struct session_opts *o);
/*
 * Delivers at most max events before until_ts, *last_ts set to the time of the last one;
 * returns how many (0 at the end), -1 after reporting a bad page.
 */
long session_file_read(struct session *s, uint64_t until_ts, long max, uint64_t *last_ts);
/* The time of the file's next record (UINT64_MAX at its end). */
uint64_t session_file_next_ts(struct session *s);
void session_file_end(struct session *s);

#endif
