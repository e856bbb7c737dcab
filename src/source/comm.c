// SPDX-License-Identifier: GPL-2.0-or-later
/* A small open-addressing cache pid -> comm; misses read /proc/PID/comm, then saved_cmdlines. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

#include "source/comm.h"
#include "base/event.h"
#include "base/util.h"

#define COMM_BITS 12
#define COMM_SLOTS (1u << COMM_BITS)
#define COMM_PROBE 8
#define COMM_TTL_NS (5ull * 1000000000ull)	/* pids get reused: look again after this */
#define UNKNOWN_TTL_NS 100000000ull		/* a name nobody knew: asked again after this */
/*
 * A task whose event is read after it exited is named in saved_cmdlines (the kernel saves the
 * name at the task's last switch), but only in a read made after the exit: a miss reads it
 * again, at most once per millisecond of the clock (not of the events' time, which runs behind
 * when ftnet reads late).
 */
#define CMDLINES_GAP_NS 1000000ull

struct comm_slot {
	uint64_t	seen_ns;
	int		pid;	/* 0: empty (pid 0 is answered without the table) */
	bool		noted;	/* from a kernel event: no ageing, evicted last */
	bool		unknown;	/* "<...>": aged sooner */
	char		name[FTNET_COMM_LEN];
};

struct cmdline {
	int	pid;
	char	name[FTNET_COMM_LEN];
};

/*
 * saved_cmdlines is kept apart, sorted by pid: it holds thousands of entries (6552 here), more
 * than the cache, and loading them all into it once evicted the names the kernel's events gave.
 */
struct comm_cache {
	struct comm_slot	slots[COMM_SLOTS];
	struct cmdline		*cmdlines;
	size_t			ncmdlines;
	uint64_t		cmdlines_read;	/* mono_ns() of the last saved_cmdlines read */
	bool			cmdlines_given;	/* by comm_parse_cmdlines: tracefs is not read */
};

struct comm_cache *comm_new(void)
{
	return xcalloc(1, sizeof(struct comm_cache));
}

void comm_free(struct comm_cache *c)
{
	if (c)
		free(c->cmdlines);
	free(c);
}

static bool older(const struct comm_slot *a, const struct comm_slot *b)
{
	if (a->noted != b->noted)
		return !a->noted;
	return a->seen_ns < b->seen_ns;
}

/* pid's slot, or where it goes: an empty one, else the oldest of the window (noted ones last) */
static struct comm_slot *slot_for(struct comm_cache *c, int pid)
{
	unsigned int h = ((unsigned int)pid * 2654435761u) >> (32 - COMM_BITS);
	struct comm_slot *victim = NULL;

	for (unsigned int i = 0; i < COMM_PROBE; i++) {
		struct comm_slot *s = &c->slots[(h + i) & (COMM_SLOTS - 1)];

		if (s->pid == pid || s->pid == 0)
			return s;
		if (!victim || older(s, victim))
			victim = s;
	}
	return victim;
}

static void comm_store(struct comm_cache *c, int pid, const char *name, uint64_t now_ns,
		       bool noted)
{
	struct comm_slot *s = slot_for(c, pid);

	s->pid = pid;
	s->seen_ns = now_ns;
	s->noted = noted;
	s->unknown = !name;
	name = name ? name : "<...>";
	memset(s->name, 0, sizeof(s->name));	/* names are keys of tables: no stale bytes */
	snprintf(s->name, sizeof(s->name), "%s", name);
}

void comm_note(struct comm_cache *c, int pid, const char *name, uint64_t ts)
{
	if (pid > 0)
		comm_store(c, pid, name, ts, true);
}

static int cmdline_cmp(const void *a, const void *b)
{
	const struct cmdline *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* One "PID NAME" line of saved_cmdlines into *v: 1, or 0 for a line that is not one. */
static int cmdline_parse(const char *p, const char *end, struct cmdline *v)
{
	long pid = 0;
	size_t n;

	while (p < end && *p >= '0' && *p <= '9' && pid < 1L << 30)
		pid = pid * 10 + (*p++ - '0');
	if (p == end || *p != ' ' || pid <= 0)
		return 0;
	p++;
	n = (size_t)(end - p) < FTNET_COMM_LEN - 1 ? (size_t)(end - p) : FTNET_COMM_LEN - 1;
	if (!n)
		return 0;
	v->pid = (int)pid;
	memset(v->name, 0, sizeof(v->name));
	memcpy(v->name, p, n);
	return 1;
}

/*
 * Parsed by hand: thousands of lines, read again at most every millisecond while tasks that
 * left are looked up (with sscanf this was a fifth of follow's time under a flood).
 */
static void cmdlines_load(struct comm_cache *c, const char *text)
{
	size_t n = 0, cap = 0;
	struct cmdline *v = NULL;
	bool sorted = true;

	for (const char *p = text, *nl; p && *p; p = *nl ? nl + 1 : nl) {
		nl = strchrnul(p, '\n');
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			v = xrealloc(v, cap * sizeof(*v));
		}
		if (!cmdline_parse(p, nl, &v[n]))
			continue;
		if (n && v[n].pid < v[n - 1].pid)
			sorted = false;
		n++;
	}
	if (n && !sorted)
		qsort(v, n, sizeof(*v), cmdline_cmp);
	free(c->cmdlines);
	c->cmdlines = v;
	c->ncmdlines = n;
}

void comm_parse_cmdlines(struct comm_cache *c, const char *text)
{
	cmdlines_load(c, text);
	c->cmdlines_given = true;
}

/* The kernel's saved_cmdlines, read again unless it was read within the last millisecond. */
static void cmdlines_refresh(struct comm_cache *c)
{
	uint64_t now = mono_ns();
	char *text;

	if (c->cmdlines_given || (c->cmdlines_read && now - c->cmdlines_read < CMDLINES_GAP_NS))
		return;
	text = tracefs_instance_file_read(NULL, "saved_cmdlines", NULL);
	cmdlines_load(c, text);
	free(text);
	c->cmdlines_read = mono_ns();
}

static int proc_comm(int pid, char *name)
{
	char path[64], buf[64];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (!buf[0])
		return -1;
	snprintf(name, FTNET_COMM_LEN, "%s", buf);
	return 0;
}

void comm_lookup(struct comm_cache *c, int pid, int cpu, uint64_t now_ns, char *name)
{
	struct comm_slot *s;
	struct cmdline key = { .pid = pid }, *hit;

	if (pid <= 0) {
		memset(name, 0, FTNET_COMM_LEN);
		snprintf(name, FTNET_COMM_LEN, "swapper/%d", cpu);
		return;
	}
	s = slot_for(c, pid);
	/* a record read before a newer one was stored is not "later": no ageing backwards */
	if (s->pid == pid && (s->noted || now_ns < s->seen_ns ||
			      now_ns - s->seen_ns < (s->unknown ? UNKNOWN_TTL_NS : COMM_TTL_NS))) {
		memcpy(name, s->name, FTNET_COMM_LEN);
		return;
	}
	if (!proc_comm(pid, name)) {
		comm_store(c, pid, name, now_ns, false);
		memcpy(name, slot_for(c, pid)->name, FTNET_COMM_LEN);
		return;
	}
	/* gone already: the kernel saved the name at the task's last switch */
	cmdlines_refresh(c);
	hit = c->ncmdlines ? bsearch(&key, c->cmdlines, c->ncmdlines, sizeof(key), cmdline_cmp) : NULL;
	comm_store(c, pid, hit ? hit->name : NULL, now_ns, false);
	memcpy(name, slot_for(c, pid)->name, FTNET_COMM_LEN);
}
