/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The commands and the setup main() does for them. */
#ifndef FTNET_CMDS_H
#define FTNET_CMDS_H

#include <stdbool.h>
#include <event-parse.h>
#include <tracefs.h>

#include "base/ctx.h"
#include "source/enabling.h"

struct group;

enum cmd_flags {
	NEED_TRACEFS = 1 << 0,	/* mount or find tracefs first */
	/*
	 * tracefs unless it reads a file (-r FILE): the command calls tracefs_or_die() after its
	 * options, so that reading a file needs no root
	 */
	LIVE_TRACEFS = 1 << 1,
};

struct cmd_spec;

struct cmd {
	const char		*name;
	int			(*fn)(struct ftnet_ctx *ctx, int argc, char **argv);
	unsigned int		flags;
	const char		*help;
	const struct cmd_spec	*spec;	/* options and help (include/base/opt.h) */
};

/* The global options, parsed before the command's name. */
struct global_opts {
	const char	*instance;
	const char	*btf;		/* --btf FILE|none */
	int		verbose, backend;
	bool		version;
};

/* The command table and the global options (src/cmd/commands.c). */
extern const struct cmd commands[];
extern const size_t ncommands;
extern const struct cmd_spec global_spec;

extern const struct cmd_spec check_spec, list_spec, enable_spec, disable_spec, status_spec,
	stream_spec, top_spec, hist_spec, count_spec, capture_spec, counters_spec, sockets_spec,
	conntrack_spec, nftrace_spec, diagnose_spec, selftest_spec, record_spec, report_spec,
	follow_spec, serve_spec;

int cmd_check(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_list(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_enable(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_disable(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_status(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_stream(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_top(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_hist(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_count(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_counters(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_sockets(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_conntrack(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_nftrace(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_diagnose(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_capture(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_selftest(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_record(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_serve(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_report(struct ftnet_ctx *ctx, int argc, char **argv);
int cmd_follow(struct ftnet_ctx *ctx, int argc, char **argv);

/* Shared by the commands (src/cmd/common.c). */
/* Mounts or finds tracefs into ctx->tracefs, or dies saying what is missing. */
void tracefs_or_die(struct ftnet_ctx *ctx);
const struct group *group_or_die(const char *name);
/*
 * The one line a live run that saw nothing ends with: what that means and what to try
 * ('ftnet selftest', 'ftnet diagnose').
 */
void nothing_seen(void);
/* Whether word names a tracepoint as SYSTEM:EVENT or SYSTEM:* (not a group, not a filter). */
bool arg_is_event(const char *word);
/*
 * The SYSTEM:EVENT words among argv[0..n) moved to *events (allocated; free it), the others
 * kept in order at the front of argv. Returns how many others; *nevents the events.
 */
int args_take_events(char **argv, int n, const char ***events, int *nevents);
/* The backend a group runs on here; dies naming what is missing and the alternative. */
int group_backend_or_die(struct ftnet_ctx *ctx, const struct group *g);
/* A tep handle with the network systems (and nothing else: parsing all events is slow). */
struct tep_handle *tep_load_or_die(void);
/* Moves into a network namespace (--netns NAME|PID) or dies naming it. */
void netns_or_die(const char *spec);
/* Applies kb/filters and enables the groups; on failure undoes what it did and dies. */
void groups_enable_or_die(struct ftnet_ctx *ctx, struct tracefs_instance *inst, bool created,
			  const struct group **gs, int n, const char *filter, bool *changed,
			  int *backends);

/* Warns about every instance a run made and left when it was killed; how many there are. */
int say_dead_instances(void);

struct run_spec;
struct run_stats;
/* run_events, exiting with its status when the source could not start (said why). */
int run_or_exit(struct ftnet_ctx *ctx, struct run_spec *r, struct run_stats *stats);

#endif
