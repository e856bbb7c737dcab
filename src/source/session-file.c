// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A session over a trace.dat instead of the kernel: the file's own formats, kernel symbols
 * and command names, the groups it holds, and its pages through the same sink as a live run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "source/conn.h"
#include "decode/decode.h"
#include "kernel/groups.h"
#include "kernel/ksyms.h"
#include "kernel/probe.h"
#include "source/ident.h"
#include "session-int.h"
#include "source/session.h"
#include "tracedat/tracedat.h"
#include "base/util.h"

struct td_source {
	struct td_file		f;
	struct td_reader	*rd;
	void			*map;
	size_t			maplen;
	const char		*path;
};

/* What a path is when it is no trace.dat file to map, for the message; NULL for a regular file. */
static const char *not_regular(mode_t mode)
{
	if (S_ISREG(mode))
		return NULL;
	if (S_ISDIR(mode))
		return "it is a directory";
	if (S_ISFIFO(mode))
		return "it is a pipe (FIFO): save the recording to a file first";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "it is a device";
	if (S_ISSOCK(mode))
		return "it is a socket";
	return "it is not a regular file";
}

/* The whole file, mapped; NULL after saying why. A FIFO is refused before it is opened. */
static void *map_file(const char *path, size_t *len)
{
	const char *what;
	struct stat st;
	void *map;
	int fd;

	if (stat(path, &st) < 0) {
		error_errno("cannot open '%s'", path);
		return NULL;
	}
	what = not_regular(st.st_mode);
	if (what) {
		error("cannot read '%s': %s; give a trace.dat file ('ftnet record' writes one)", path,
		      what);
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0 || not_regular(st.st_mode)) {
		error_errno("cannot open '%s'", path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!st.st_size) {
		close(fd);
		error("cannot read '%s': the file is empty", path);
		return NULL;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		error_errno("cannot read '%s'", path);
		return NULL;
	}
	*len = (size_t)st.st_size;
	return map;
}

/* Whether the file has every event of g under one of its backends (optional probes aside). */
static bool file_has_group(const struct td_file *f, const struct group *g)
{
	int n = 0, have = 0;

	for (int i = 0; i < GROUP_MAX_EVENTS && g->events[i].sys; i++) {
		if (g->events[i].optional)
			continue;
		n++;
		have += td_has_event(f, g->events[i].sys, g->events[i].name);
	}
	if (n && have == n)
		return true;
	n = have = 0;
	for (int i = 0; g->probes && g->probes[i].event; i++) {
		if (g->probes[i].optional)
			continue;
		n++;
		have += td_has_event(f, PROBE_SYSTEM, g->probes[i].event);
	}
	return n && have == n;
}

/* ftnet's files name the groups recorded ("ftnet 0.2.0 groups drops,states"). */
static bool file_names_group(const struct td_file *f, const struct group *g, bool *named)
{
	const char *list = strstr(f->writer, " groups ");
	char buf[sizeof(f->writer)], *save, *tok;

	*named = list != NULL;
	if (!list)
		return false;
	snprintf(buf, sizeof(buf), "%s", list + 8);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, g->name))
			return true;
	return false;
}

static int file_groups(struct session *s, const char *path, char **names, int nnames)
{
	const struct td_file *f = &s->file->f;
	char held[256] = "";
	size_t len = 0;

	for (int i = 0; i < ngroups; i++) {
		bool named, recorded = file_names_group(f, &groups[i], &named);

		if (file_has_group(f, &groups[i]) && (recorded || !named)) {
			len += snprintf(held + len, sizeof(held) - len, "%s%s", len ? ", " : "",
					groups[i].name);
			if (!nnames && s->nrun < SESSION_MAX_GROUPS)
				s->run[s->nrun++] = &groups[i];
		}
	}
	for (int i = 0; i < nnames; i++) {
		const struct group *g = group_find(names[i]);

		if (!g)
			return error_usage("unknown group '%s': the groups are %s", names[i],
					   group_names());
		if (!file_has_group(f, g))
			return error("'%s' holds no events of group '%s': it holds %s", path,
				     names[i], held[0] ? held : "none of ftnet's groups");
		if (s->nrun < SESSION_MAX_GROUPS)
			s->run[s->nrun++] = g;
	}
	for (int i = 0; i < s->nrun; i++)
		s->types |= s->run[i]->types;
	s->types |= 1u << EV_LOST;
	return 0;
}

/* Whether e is one of g's events, under either backend. */
static bool group_has(const struct group *g, const struct tep_event *e)
{
	bool probe = !strcmp(e->system, PROBE_SYSTEM);

	for (int i = 0; i < GROUP_MAX_EVENTS && g->events[i].sys; i++)
		if (!strcmp(g->events[i].sys, e->system) && !strcmp(g->events[i].name, e->name))
			return true;
	for (int i = 0; probe && g->probes && g->probes[i].event; i++)
		if (!strcmp(g->probes[i].event, e->name))
			return true;
	for (int i = 0; probe && g->extras && g->extras[i].event; i++)
		if (!strcmp(g->extras[i].event, e->name))
			return true;
	return false;
}

/* One SYSTEM:EVENT or SYSTEM:* named to read: the file's events it names, decoded by format. */
static int file_named(struct session *s, const char *path, const char *name)
{
	struct tep_event **evs = tep_list_events(s->tep, TEP_EVENT_SORT_ID);
	const char *colon = strchr(name, ':');
	int n = 0;

	if (!colon || colon == name || !colon[1])
		return error_usage("invalid event '%s': give SYSTEM:EVENT or SYSTEM:*, such as tcp:tcp_rcv_space_adjust",
				   name);
	for (int i = 0; evs && evs[i]; i++) {
		if (strlen(evs[i]->system) != (size_t)(colon - name) ||
		    strncmp(evs[i]->system, name, (size_t)(colon - name)) ||
		    (strcmp(colon + 1, "*") && strcmp(colon + 1, evs[i]->name)))
			continue;
		n += decoder_add_tracepoint(s->dec, evs[i]->system, evs[i]->name);
	}
	if (!n)
		return error("'%s' holds no event '%s' (its events are listed by 'trace-cmd report --events %s')",
			     path, name, path);
	return 0;
}

/*
 * The tracepoints to show: those named, or with nothing named, every event the file holds
 * that no group read from it claims (a file of 'ftnet record tcp:tcp_rcv_space_adjust', or
 * trace-cmd's of any events). ftrace's own records (stacks) are not events.
 */
static int file_tracepoints(struct session *s, const char *path, const struct session_opts *o,
			    bool named_groups)
{
	struct tep_event **evs;
	int ret = 0;

	for (int i = 0; i < o->nevents && !ret; i++)
		ret = file_named(s, path, o->events[i]);
	if (ret || o->nevents || named_groups || !o->file_others)
		goto out;
	evs = tep_list_events(s->tep, TEP_EVENT_SORT_ID);
	for (int i = 0; evs && evs[i]; i++) {
		bool claimed = !strcmp(evs[i]->system, "ftrace");

		for (int g = 0; g < s->nrun && !claimed; g++)
			claimed = group_has(s->run[g], evs[i]);
		if (!claimed)
			decoder_add_tracepoint(s->dec, evs[i]->system, evs[i]->name);
	}
out:
	if (!ret && decoder_tracepoints(s->dec))
		s->types |= 1u << EV_TRACEPOINT | 1u << EV_LOST;
	if (!ret && !s->nrun && !decoder_tracepoints(s->dec) && o->file_others)
		ret = error("'%s' holds no events of ftnet's groups (%s) and no other tracepoint",
			    path, group_names());
	else if (!ret && !s->nrun && !decoder_tracepoints(s->dec))
		ret = error("'%s' holds no events of ftnet's groups (%s): name the tracepoints to read as SYSTEM:EVENT or SYSTEM:* ('ftnet report %s' shows what it holds)",
			    path, group_names(), path);
	return ret;
}

/* The file's command lines ("PID COMM" per line) into its tep handle. */
static void file_comms(struct tep_handle *tep, const struct td_blob *b)
{
	const char *p = b->data, *end = b->data + b->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[64], comm[FTNET_COMM_LEN + 1];
		int pid;

		snprintf(line, sizeof(line), "%.*s", (int)(n < 63 ? n : 63), p);
		if (sscanf(line, "%d %16[^\n]", &pid, comm) == 2 && pid > 0)
			tep_register_comm(tep, comm, pid);	/* the first name of a pid stays */
		p += n + 1;
	}
}

int session_file_start(struct session *s, struct ftnet_ctx *ctx, const char *path,
		       char **names, int nnames, const struct session_opts *o)
{
	struct td_source *src;
	char err[TD_ERRLEN];
	int ret = 0;

	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->lockfd = -1;
	if (o->filter)
		return error_usage("--filter is applied by the kernel while recording: give it to 'ftnet record', not with a file to read");
	src = xcalloc(1, sizeof(*src));
	src->path = path;
	src->map = map_file(path, &src->maplen);
	if (!src->map) {
		free(src);
		return ERR_FAIL;
	}
	if (td_parse(&src->f, src->map, src->maplen, err, sizeof(err)) < 0) {
		munmap(src->map, src->maplen);
		free(src);
		return error("cannot read '%s': %s", path, err);
	}
	s->file = src;
	s->tep = src->f.tep;
	s->dec = decoder_new(s->tep);
	if (o->raw_only)
		s->types = 1u << EV_LOST;	/* no group needed: count -r counts any event */
	else if (!o->nevents || nnames)
		ret = file_groups(s, path, names, nnames);
	if (!ret && !o->raw_only)
		ret = file_tracepoints(s, path, o, nnames > 0);
	file_comms(s->tep, &src->f.cmdlines);
	if (src->f.kallsyms.len)
		s->ksyms = ksyms_parse(src->f.kallsyms.data, src->f.kallsyms.len);
	if (td_has_event(&src->f, "ftrace", "kernel_stack"))
		decoder_add_stacks(s->dec);	/* record -g: for the views that show stacks */
	s->conn = pending_new(4096, 60ull * 1000000000ull);
	s->rxlat = pending_new(16384, 1000000000ull);
	s->ports = pending_new(1024, 1000000000ull);
	session_ident_start(s, false);
	src->rd = td_reader_new(&src->f);
	if (ret < 0)
		session_file_end(s);
	return ret;
}

long session_file_read(struct session *s, uint64_t until_ts, long max, uint64_t *last_ts)
{
	struct reader_sink sink;
	char err[TD_ERRLEN];
	long n;

	session_sink(s, &sink);
	n = td_read(s->file->rd, until_ts, max, &sink, err, sizeof(err));
	if (n < 0) {
		error("cannot read '%s': %s", s->file->path, err);
		return -1;
	}
	if (n)
		*last_ts = td_last_ts(s->file->rd);
	return n;
}

uint64_t session_file_next_ts(struct session *s)
{
	return td_next_ts(s->file->rd);
}

void session_file_end(struct session *s)
{
	struct td_source *src = s->file;

	if (!src)
		return;
	s->records = td_records(src->rd);
	td_reader_free(src->rd);
	pending_free(s->conn);
	pending_free(s->rxlat);
	pending_free(s->ports);
	ident_free(s->ident);
	s->ident = NULL;
	decoder_free(s->dec);
	ksyms_free(s->ksyms);
	td_release(&src->f);	/* frees the tep handle */
	munmap(src->map, src->maplen);
	free(src);
	s->file = NULL;
	s->conn = s->rxlat = s->ports = NULL;
	s->dec = NULL;
	s->ksyms = NULL;
	s->tep = NULL;
}
