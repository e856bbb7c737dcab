// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * record --flight: the groups trace into a private instance of MB per CPU that nobody reads
 * (overwrite mode: the kernel keeps the last events), and a "traceoff" trigger on the --until
 * event stops that buffer at the moment it fires, in the kernel; SIGUSR1, -d or Ctrl-C stop it
 * from here. The buffer is then read once and written as record writes it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "cmd/commands.h"
#include "decode/decode.h"
#include "flight.h"
#include "base/opt.h"
#include "source/session.h"
#include "base/util.h"

static volatile sig_atomic_t flight_now;

static void on_usr1(int sig)
{
	(void)sig;
	flight_now = 1;
}

const char *flight_parse(struct flight *f, const char *until)
{
	static char why[400];
	const char *rest, *colon;

	f->until = until;
	if (!strncmp(until, "drop", 4) && (!until[4] || until[4] == ':')) {
		snprintf(f->sys, sizeof(f->sys), "skb");
		snprintf(f->name, sizeof(f->name), "kfree_skb");
		rest = until + 4;
	} else {
		colon = strchr(until, ':');
		if (!colon || colon == until || colon - until >= (long)sizeof(f->sys)) {
			snprintf(why, sizeof(why), "--until %s: give drop[:FILTER] or SYSTEM:EVENT[:FILTER], such as 'drop:reason == NETFILTER_DROP'",
				 opt_quote(until));
			return why;
		}
		snprintf(f->sys, sizeof(f->sys), "%.*s", (int)(colon - until), until);
		rest = colon + 1;
		colon = strchr(rest, ':');
		snprintf(f->name, sizeof(f->name), "%.*s",
			 (int)(colon ? colon - rest : (long)strlen(rest)), rest);
		rest = colon ? colon : rest + strlen(rest);
	}
	f->filter = *rest == ':' && rest[1] ? rest + 1 : NULL;
	if (f->name[0] && tracefs_event_file_exists(NULL, f->sys, f->name, "trigger"))
		return NULL;
	snprintf(why, sizeof(why), "--until %s: this kernel has no event '%s:%s' with triggers ('ftnet list' shows the network ones)",
		 opt_quote(until), f->sys, f->name);
	return why;
}

const char *flight_start(struct flight *f, struct session *s)
{
	static char why[320];
	struct sigaction sa;
	char cmd[1200], kf[1024];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	if (!f->until)
		return NULL;
	if (f->filter) {
		struct tep_event *e = tep_find_event_by_name(s->tep, f->sys, f->name);
		int ret = e ? filter_translate(e, f->filter, kf, sizeof(kf)) : 0;

		if (!e)
			snprintf(kf, sizeof(kf), "%s", f->filter);
		if (ret < 0) {
			snprintf(why, sizeof(why), "--until: the filter %s is not one for %s:%s",
				 opt_quote(f->filter), f->sys, f->name);
			return why;
		}
		snprintf(cmd, sizeof(cmd), "traceoff:1 if %s", kf);
	} else {
		snprintf(cmd, sizeof(cmd), "traceoff:1");
	}
	if (tracefs_event_file_append(s->inst, f->sys, f->name, "trigger", cmd) < 0) {
		snprintf(why, sizeof(why), "cannot set the trigger '%s' on %s:%s: %s (a filter the kernel refused?)",
			 cmd, f->sys, f->name, strerror(errno));
		return why;
	}
	f->trigger = true;
	return NULL;
}

bool flight_due(struct flight *f, struct session *s)
{
	char *on;

	if (flight_now)
		return true;
	on = f->trigger ? tracefs_instance_file_read(s->inst, "tracing_on", NULL) : NULL;
	f->fired = on && on[0] == '0';
	free(on);
	return f->fired;
}

void flight_stop(struct flight *f, struct session *s)
{
	if (tracefs_trace_off(s->inst) < 0)
		warn("cannot stop the buffer of instance '%s': %s: the file may hold events of the moment it is read",
		     s->ctx->instance, strerror(errno));
	if (f->trigger &&
	    tracefs_event_file_append(s->inst, f->sys, f->name, "trigger", "!traceoff") < 0)
		warn("cannot remove the traceoff trigger of %s:%s: %s", f->sys, f->name,
		     strerror(errno));
	f->trigger = false;
}
