/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record --flight (src/cmd/record-flight.c): the kernel keeps the last events, a trigger stops it. */
#ifndef FTNET_FLIGHT_H
#define FTNET_FLIGHT_H

#include <stdbool.h>

struct session;

struct flight {
	const char	*until;		/* EVENT[:FILTER], or NULL */
	char		sys[64], name[64];
	const char	*filter;	/* in until, or NULL */
	bool		trigger;	/* our traceoff trigger is on the event */
	bool		fired;		/* the kernel turned tracing off: the condition was met */
};

/* Reads --until ("drop[:FILTER]" or "SYSTEM:EVENT[:FILTER]"): NULL, or what is wrong. */
const char *flight_parse(struct flight *f, const char *until);
/* Sets the traceoff trigger and the SIGUSR1 handler; NULL or why not. */
const char *flight_start(struct flight *f, struct session *s);
/* Whether to write the file now: the trigger fired, or SIGUSR1 came. */
bool flight_due(struct flight *f, struct session *s);
/* Stops the buffer (nothing after the moment is kept) and removes the trigger. */
void flight_stop(struct flight *f, struct session *s);

#endif
