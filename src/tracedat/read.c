// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parses a trace.dat (version 6) held in memory: every size, count and offset is checked
 * against the file before it is used, and the formats go into a tep handle of the file's own
 * (its byte order, long size and page size, never the running kernel's).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracedat-int.h"
#include "tracedat/tracedat.h"
#include "base/util.h"



static int parse_tail(struct td_file *f, struct cur *c)
{
	uint64_t named = 0;
	bool clock = false;
	const uint8_t *w;
	uint32_t n;

	c->section = "the CPU count";
	if (td_get_u32(c, &n))
		return -EINVAL;
	if (!n || n > TD_MAX_CPUS)
		return td_fail(c, "%u CPUs: not from 1 to %d", n, TD_MAX_CPUS);
	f->ncpus = (int)n;
	f->cpus = xcalloc(n, sizeof(*f->cpus));
	c->section = "the options";
	w = td_take(c, 10);
	if (w && !memcmp(w, "options  ", 10)) {
		if (td_parse_options(f, c, &clock, &named))
			return -EINVAL;
		w = td_take(c, 10);
	}
	if (w && !memcmp(w, "latency  ", 10))
		return td_fail(c, "a latency trace: it holds the tracer's text, not events");
	if (!w)
		return -EINVAL;
	c->off -= 10;
	if (td_cpu_table(f, c))
		return -EINVAL;
	if (clock) {
		struct td_blob b;

		c->section = "the trace clock";
		if (td_get_blob(c, 8, &b))
			return -EINVAL;
		td_option_clock(f, b.data, b.len);
	}
	if (td_named_buffer(f, c, named))
		return -EINVAL;
	return td_check_cpus(f, c);
}

static int parse_all(struct td_file *f, struct cur *c)
{
	if (td_parse_header(f, c))
		return -EINVAL;
	f->tep = tep_alloc();
	tep_set_file_bigendian(f->tep, f->big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(f->tep, td_host_big_endian() ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_long_size(f->tep, f->long_size);
	tep_set_page_size(f->tep, f->page_size);
	if (f->version == 7)
		return td_parse_v7(f, c);
	if (td_parse_headers(f, c) || td_parse_ftrace(f, c) || td_parse_systems(f, c) ||
	    td_check_fields(f, c))
		return -EINVAL;
	c->section = "kallsyms";
	if (td_get_blob(c, 4, &f->kallsyms))
		return -EINVAL;
	c->section = "the printk formats";
	if (td_get_blob(c, 4, &f->printk))
		return -EINVAL;
	c->section = "the command lines";
	if (td_get_blob(c, 8, &f->cmdlines))
		return -EINVAL;
	return parse_tail(f, c);
}

int td_parse(struct td_file *f, const uint8_t *data, size_t len, char *err, size_t errlen)
{
	struct cur c = { .p = data, .len = len, .err = err, .errlen = errlen };

	memset(f, 0, sizeof(*f));
	f->data = data;
	f->len = len;
	err[0] = '\0';
	if (!parse_all(f, &c))
		return 0;
	if (!err[0])
		snprintf(err, errlen, "unreadable");
	td_release(f);
	return c.unsupported ? -ENOTSUP : -EINVAL;
}

void td_release(struct td_file *f)
{
	td_z_free(f);
	if (f->tep)
		tep_free(f->tep);
	free(f->cpus);
	f->tep = NULL;
	f->cpus = NULL;
}

bool td_has_event(const struct td_file *f, const char *sys, const char *name)
{
	return f->tep && tep_find_event_by_name(f->tep, sys, name);
}
