/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The group catalogue: what each group traces and what it needs from the kernel. */
#ifndef FTNET_GROUPS_H
#define FTNET_GROUPS_H

#include <stdbool.h>
#include <stdint.h>
#include <tracefs.h>

#include "net/pkt.h"

#define GROUP_MAX_EVENTS 12

struct probe_def;

struct group_event {
	const char		*sys;
	const char		*name;
	const char		*since;		/* kernel version that added it */
	const char		*filter;	/* always applied (anded with the user's), or NULL */
	const struct probe_def	*probe;		/* kprobe backend: the probe to register first */
	int			decode;		/* enum decode_kind */
	bool			optional;	/* used where the kernel has it, not needed */
};

enum backend { BK_AUTO, BK_TRACEPOINT, BK_KPROBE };

/* The most events a group has under either backend (follow's tracepoints) */
#define GROUP_MAX_PROBES 40

/* What a group is, as data: the commands derive their lists and checks from these. */
enum group_flags {
	GF_CORE = 1 << 0,	/* check's exit status depends on it (drops, rx, tx) */
	GF_LATENCY = 1 << 1,	/* a latency: shown by hist, not by top */
	GF_EXTRAS_ALL = 1 << 3,	/* every usable extra probe, not the first of alternatives */
	GF_PATHS = 1 << 2,	/* skb paths: read by follow, not by top or hist */
	GF_STREAM = 1 << 4,	/* events to read one by one (stream, diagnose): no table in top */
};

/* The view each group feeds (top's tables, hist's histograms). */
enum group_view {
	VIEW_DROPS, VIEW_RESETS, VIEW_RETRANS, VIEW_STATES, VIEW_DEVICES, VIEW_UDP,
	VIEW_CONNECT, VIEW_RXLAT, VIEW_PATHS,
	VIEW_NONE,	/* events for stream and diagnose only */
};

struct group {
	const char		*name;
	const char		*desc;
	struct group_event	events[GROUP_MAX_EVENTS];
	const char		*alternative;	/* what to use where the kernel lacks the events */
	unsigned int		types;		/* bit mask of enum ftnet_type it produces */
	const struct probe_def	*probes;	/* kprobe fallback (event NULL ends it), or NULL */
	/*
	 * Probes that add detail to the tracepoints where the kernel has kprobes and ftnet knows
	 * the offsets (the packet of each drop); the first whose function exists is used.
	 */
	const struct probe_def	*extras;
	unsigned int		flags;		/* enum group_flags */
	enum group_view		view;
	/*
	 * Tracepoints that tell the flows of drops where no kprobe reads their packets (each used
	 * where the kernel has it): sockets as they pass, datagrams and segments just before their
	 * drop, the device an skb came in on.
	 */
	const struct group_event *ident;
};

extern const struct group groups[];
extern const int ngroups;

const struct group *group_find(const char *name);
/* "drops, resets, ..." for error messages. */
const char *group_names(void);
/* The names of the groups with every flag of want and none of without: "connect, rxlat". */
const char *group_names_with(unsigned int want, unsigned int without, char *buf, size_t size);
/* 0 when every event exists; -ENOENT with *missing set to the first absent one. */
int group_available(const struct group *g, const struct group_event **missing);
/* True when every event of the group (under either backend) is enabled in the instance. */
bool group_enabled(struct tracefs_instance *inst, const struct group *g);
/* The backend enabled in the instance for g, or -1. */
int group_enabled_backend(struct tracefs_instance *inst, const struct group *g);
/*
 * The backend g runs on given what is wanted: BK_TRACEPOINT or BK_KPROBE, or -1 with why
 * (the missing event or function, and the alternative) written to why.
 */
int group_backend(const struct group *g, enum backend want, char *why, size_t size);
/* The events of g under a backend (tracepoints, or its ftnet/ kprobes); returns the count. */
int group_events(const struct group *g, int backend, struct group_event *out, int max);
const char *backend_name(int backend);
/* --backend tracepoint: no kprobes at all, also none for extras. */
extern bool groups_no_extras;
/* Flows from tracepoints: 1 also where kprobes read the packets (compared), -1 never. */
extern int groups_tp_ident;
/* Whether g's flow tracepoints (ident) run here: no kprobe extra, or groups_tp_ident. */
bool group_ident_on(const struct group *g);
/* The extra probe of g usable here (kprobes, its function, the offsets), or NULL. */
const struct probe_def *group_extra(const struct group *g);
/* All of g's extra probes usable here (GF_EXTRAS_ALL), or the first (group_extra). */
int group_extras(const struct group *g, const struct probe_def **out, int max);
/* A follow step's header at entry, for kernel filters on it; *proto: its transport protocol */
enum pkt_kat group_step_at(const struct probe_def *d, uint8_t *proto);

#endif
