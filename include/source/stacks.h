/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel stacks at an event (src/source/stacks.c): the stacktrace trigger, and which frames are ftrace's. */
#ifndef FTNET_STACKS_H
#define FTNET_STACKS_H

#include <stdbool.h>

struct session;

/*
 * A stacktrace trigger on sys:name in the run's instance: the kernel writes an
 * ftrace:kernel_stack record after each of its events, delivered as EV_STACK. NULL, or why not.
 */
const char *stacks_trigger_on(struct session *s, const char *sys, const char *name);
/* Removes it (the trigger keeps the event in set_event): 0 or -errno. */
int stacks_trigger_off(struct session *s, const char *sys, const char *name);
/* A frame the trigger itself adds on top of the stack (the event's tracing functions). */
bool stacks_tracing_frame(const char *sym);

#endif
