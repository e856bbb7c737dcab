// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel stacks at an event: the stacktrace trigger in a run's instance, and its frames. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "decode/decode.h"
#include "source/session.h"
#include "source/stacks.h"
#include "base/util.h"

const char *stacks_trigger_on(struct session *s, const char *sys, const char *name)
{
	bool known = tep_find_event_by_name(s->tep, "ftrace", "kernel_stack") != NULL;
	int len = 0;
	char *fmt = known ? NULL :
		    tracefs_event_file_read(NULL, "ftrace", "kernel_stack", "format", &len);
	const char *why = NULL;

	if (!known && (!fmt || len <= 0 ||
		       tep_parse_event(s->tep, fmt, (unsigned long)len, "ftrace")))
		why = "no readable format of ftrace:kernel_stack";
	else if (!decoder_add_stacks(s->dec))
		why = "cannot decode ftrace:kernel_stack";
	free(fmt);
	/* with a condition the kernel records the stack after the event on every version */
	if (!why && tracefs_event_file_append(s->inst, sys, name, "trigger",
					     "stacktrace if common_pid >= 0") < 0 &&
	    tracefs_event_file_append(s->inst, sys, name, "trigger", "stacktrace") < 0)
		why = strerror(errno);
	if (!why)
		s->types |= 1u << EV_STACK;
	return why;
}

int stacks_trigger_off(struct session *s, const char *sys, const char *name)
{
	return tracefs_event_file_append(s->inst, sys, name, "trigger", "!stacktrace") < 0 ?
	       -errno : 0;
}

bool stacks_tracing_frame(const char *sym)
{
	static const char *const prefixes[] = { "trace_event_raw_event_", "__traceiter_",
						"__bpf_trace_", "perf_trace_", "event_triggers_" };

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(sym, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}
