/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the halves of a session (session.c runs it, session-setup.c starts it). */
#ifndef FTNET_SESSION_INT_H
#define FTNET_SESSION_INT_H

#include "source/session.h"

/* Turns off what the run turned on and removes the instance when it was the run's own. */
void session_restore(struct session *s);
/* The rename, fork and exit events for comm names, where the instance is the run's own. */
void session_comm_events_on(struct session *s);

/*
 * The tracker of flows for drops, where the run has the drops group and its flow tracepoints
 * (live: group_ident_on; a file: always, it has what was recorded); owners: look up processes.
 */
void session_ident_start(struct session *s, bool owners);
/* The flow tracepoints of drops turned on for this run (in s->raw), where it reads drops. */
void session_ident_events_on(struct session *s);

#endif
