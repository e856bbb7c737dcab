// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a trace.dat needs from the running kernel: the page and event headers, the ftrace
 * formats, the formats of the events recorded, kallsyms and the printk formats.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "kernel/groups.h"
#include "tracedat/tracedat.h"
#include "base/util.h"

static const char *keep(struct td_meta_tfs *t, char *text)
{
	t->texts = xrealloc(t->texts, (size_t)(t->ntexts + 1) * sizeof(*t->texts));
	t->texts[t->ntexts++] = text;
	return text;
}

static int read_blob(struct td_meta_tfs *t, const char *file, struct td_blob *b)
{
	int size = 0;
	char *text = tracefs_instance_file_read(NULL, file, &size);

	if (!text)
		return errno ? -errno : -ENOENT;
	b->data = keep(t, text);
	b->len = (size_t)size;
	return 0;
}

static int read_format(struct td_meta_tfs *t, const char *sys, const char *name,
		       struct td_blob *b)
{
	int size = 0;
	char *text = tracefs_event_file_read(NULL, sys, name, "format", &size);

	if (!text)
		return errno ? -errno : -ENOENT;
	b->name = sys;
	b->data = keep(t, text);
	b->len = (size_t)size;
	return 0;
}

/* Every events/ftrace/NAME/format: trace-cmd keeps them all, and they are small. */
static int read_ftrace(struct td_meta_tfs *t)
{
	char **names = tracefs_system_events(NULL, "ftrace");
	int n = 0, ret = 0;

	while (names && names[n])
		n++;
	t->ftrace = xcalloc((size_t)n + 1, sizeof(*t->ftrace));
	for (int i = 0; i < n && !ret; i++) {
		t->names = xrealloc(t->names, (size_t)(t->nnames + 1) * sizeof(*t->names));
		t->names[t->nnames++] = xstrdup(names[i]);
		ret = read_format(t, "ftrace", t->names[t->nnames - 1], &t->ftrace[i]);
		if (ret == -ENOENT)
			ret = 0;	/* an event without a format file */
		else if (!ret)
			t->m.nftrace++;
	}
	tracefs_list_free(names);
	t->m.ftrace = t->ftrace;
	return ret;
}

static int cmp_event(const void *a, const void *b)
{
	const struct group_event *x = a, *y = b;
	int c = strcmp(x->sys, y->sys);

	return c ? c : strcmp(x->name, y->name);
}

int td_meta_from_tfs(struct td_meta_tfs *t, const struct group_event *evs, int n)
{
	struct group_event *sorted = xcalloc((size_t)n + 1, sizeof(*sorted));
	int ret, k = 0;

	memset(t, 0, sizeof(*t));
	memcpy(sorted, evs, (size_t)n * sizeof(*evs));
	qsort(sorted, (size_t)n, sizeof(*sorted), cmp_event);
	t->formats = xcalloc((size_t)n + 1, sizeof(*t->formats));
	ret = read_blob(t, "events/header_page", &t->m.header_page);
	if (!ret)
		ret = read_blob(t, "events/header_event", &t->m.header_event);
	if (!ret)
		ret = read_ftrace(t);
	for (int i = 0; i < n && !ret; i++) {
		if (k && !cmp_event(&sorted[i], &sorted[i - 1]))
			continue;	/* states and connect share one */
		ret = read_format(t, sorted[i].sys, sorted[i].name, &t->formats[k++]);
	}
	t->m.formats = t->formats;
	t->m.nformats = k;
	free(sorted);
	if (!ret && read_blob(t, "printk_formats", &t->m.printk) < 0)
		t->m.printk = (struct td_blob){ 0 };	/* may be absent: the section is empty */
	if (ret)
		return ret;
	t->m.kallsyms.data = read_file("/proc/kallsyms", &t->m.kallsyms.len);
	if (t->m.kallsyms.data)
		keep(t, (char *)t->m.kallsyms.data);
	else
		t->m.kallsyms.len = 0;	/* locations are then addresses */
	return 0;
}

void td_meta_release(struct td_meta_tfs *t)
{
	for (int i = 0; i < t->ntexts; i++)
		free(t->texts[i]);
	for (int i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->texts);
	free(t->names);
	free(t->ftrace);
	free(t->formats);
	memset(t, 0, sizeof(*t));
}
