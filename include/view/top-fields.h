/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top's table of tracepoints named as SYSTEM:EVENT, keyed by fields (src/view/top-fields.c). */
#ifndef FTNET_TOP_FIELDS_H
#define FTNET_TOP_FIELDS_H

#include "base/event.h"

struct prom;
struct top_fields;

/* by: field names joined by commas ("sport,dport"), or NULL for one row per event. */
struct top_fields *top_fields_new(const char *by, unsigned int max_keys);
/* The --by fields; returns how many. */
int top_fields_by(const struct top_fields *tf, const char ***names);
void top_fields_free(struct top_fields *tf);
/* Counts one EV_TRACEPOINT under its event and the values of its --by fields. */
void top_fields_add(struct top_fields *tf, const struct ftnet_event *ev);
/* Starts a new interval: interval counts go to zero, totals stay. */
void top_fields_interval(struct top_fields *tf);
/* The first rows rows of the interval by count, and the other row. */
void top_fields_render(struct top_fields *tf, double secs, int rows);
/* The totals as ftnet_tracepoint_events_total{event, FIELD...}. */
void top_fields_prom(struct top_fields *tf, struct prom *p);

#endif
