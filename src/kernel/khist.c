// SPDX-License-Identifier: GPL-2.0-or-later
/* Hist triggers: register one, read its table from the hist file, hand on what grew. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tracefs.h>
#include <unistd.h>

#include "base/ctx.h"
#include "kernel/owner.h"
#include "kernel/khist.h"
#include "kernel/tfs.h"
#include "base/util.h"

#define PACKED (KHIST_KEYS * KHIST_STR)	/* a key packed: 8 bytes a number, 16 a string */

/* The cumulative values of each key at the last read: open addressing, grown when half full. */
struct prev_ent {
	unsigned char	key[PACKED];
	uint64_t	hits, sum;
	bool		used;
};

struct khist_prev {
	struct prev_ent	*ents;
	size_t		cap, n;
};

bool khist_supported(const char *tracefs)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/events/skb/kfree_skb/hist", tracefs);
	return !access(path, F_OK);
}

unsigned int khist_size(uint64_t max_keys)
{
	unsigned int size = 2048;

	while (size < max_keys && size < KHIST_MAX_SIZE)
		size <<= 1;
	return size;
}

/* "name$,len.buckets=1000": the keys as written (list, without '$') and as printed (h->keys). */
static void parse_keys(struct khist *h, const char *keys, char *list, size_t size)
{
	char buf[256], *save = NULL;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", keys);
	h->nkeys = 0;
	list[0] = '\0';
	for (char *k = strtok_r(buf, ",", &save); k && h->nkeys < KHIST_KEYS;
	     k = strtok_r(NULL, ",", &save)) {
		size_t len = strlen(k);

		h->is_str[h->nkeys] = len && k[len - 1] == '$';
		if (h->is_str[h->nkeys])
			k[len - 1] = '\0';
		n += (size_t)snprintf(list + n, size - n, "%s%s", n ? "," : "", k);
		k[strcspn(k, ".")] = '\0';	/* the hist file prints the field's name alone */
		snprintf(h->keys[h->nkeys], sizeof(h->keys[0]), "%s", k);
		h->nkeys++;
	}
}

int khist_on(struct khist *h, struct tracefs_instance *inst, const char *sys, const char *name,
	     const char *keys, const char *sum, unsigned int size, const char *filter,
	     char *err, size_t errlen)
{
	char list[128];

	memset(h, 0, sizeof(*h));
	h->inst = inst;
	snprintf(h->sys, sizeof(h->sys), "%s", sys);
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->sum_field, sizeof(h->sum_field), "%s", sum ? sum : "");
	parse_keys(h, keys, list, sizeof(list));
	snprintf(h->trigger, sizeof(h->trigger), "hist:keys=%s:vals=hitcount%s%s:size=%u",
		 list, sum ? "," : "", sum ? sum : "", size);
	if (filter) {
		char full[1024];

		snprintf(full, sizeof(full), "%s if %s", h->trigger, filter);
		if (tracefs_event_file_append(inst, sys, name, "trigger", full) < 0)
			goto fail;
	} else if (tracefs_event_file_append(inst, sys, name, "trigger", h->trigger) < 0) {
		goto fail;
	}
	h->on = true;
	return 0;
fail:
	{
		int e = errno;
		char *log = tracefs_error_last(inst);

		snprintf(err, errlen, "%s", log && *log ? log : strerror(e));
		free(log);
		errno = e;
	}
	return -1;
}

static size_t pack(const struct khist *h, const struct khist_row *r, unsigned char *key)
{
	size_t n = 0;

	memset(key, 0, PACKED);
	for (int i = 0; i < h->nkeys; i++) {
		if (h->is_str[i]) {
			memcpy(key + n, r->str[i], KHIST_STR);
			n += KHIST_STR;
		} else {
			memcpy(key + n, &r->num[i], 8);
			n += 8;
		}
	}
	return n;
}

static struct prev_ent *prev_find(struct khist_prev *p, const unsigned char *key);

static void prev_grow(struct khist_prev *p)
{
	struct prev_ent *old = p->ents;
	size_t oldcap = p->cap;

	p->cap = p->cap ? 2 * p->cap : 256;
	p->ents = xcalloc(p->cap, sizeof(*p->ents));
	p->n = 0;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].used) {
			struct prev_ent *e = prev_find(p, old[i].key);

			*e = old[i];
			p->n++;
		}
	}
	free(old);
}

static struct prev_ent *prev_find(struct khist_prev *p, const unsigned char *key)
{
	uint64_t hash = 1469598103934665603ull;
	size_t i;

	for (size_t k = 0; k < PACKED; k++)
		hash = (hash ^ key[k]) * 1099511628211ull;
	for (i = hash & (p->cap - 1); p->ents[i].used; i = (i + 1) & (p->cap - 1))
		if (!memcmp(p->ents[i].key, key, PACKED))
			return &p->ents[i];
	return &p->ents[i];
}

/* The growth of row's counts since the last read (a key new to us: all of it). */
static void grew(struct khist *h, const struct khist_row *r, uint64_t *hits, uint64_t *sum)
{
	struct khist_prev *p = h->prev;
	unsigned char key[PACKED];
	struct prev_ent *e;

	if (!p)
		h->prev = p = xcalloc(1, sizeof(*p));
	if (2 * (p->n + 1) > p->cap)
		prev_grow(p);
	pack(h, r, key);
	e = prev_find(p, key);
	if (!e->used) {
		memcpy(e->key, key, PACKED);
		e->used = true;
		p->n++;
	}
	/* a table only grows; smaller means it was cleared under us: count from zero */
	*hits = r->hits >= e->hits ? r->hits - e->hits : r->hits;
	*sum = r->sum >= e->sum ? r->sum - e->sum : r->sum;
	e->hits = r->hits;
	e->sum = r->sum;
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "{ reason:          2, name: lo     } hitcount:   5  len:  500": 0, or -1 if malformed. */
static int parse_line(const struct khist *h, const char *p, struct khist_row *r)
{
	memset(r, 0, sizeof(*r));
	p = skip_ws(p + 1);
	for (int i = 0; i < h->nkeys; i++) {
		size_t klen = strlen(h->keys[i]);
		char *end;

		if (strncmp(p, h->keys[i], klen) || p[klen] != ':')
			return -1;
		p = skip_ws(p + klen + 1);
		if (h->is_str[i]) {
			size_t n = strcspn(p, " \t\n}");

			snprintf(r->str[i], KHIST_STR, "%.*s", (int)(n < KHIST_STR ? n : KHIST_STR - 1),
				 p);
			p += n;
		} else {
			bool bucket = *p == '~';	/* .buckets: "~ 1000-1999", the lower edge */

			if (bucket)
				p = skip_ws(p + 1);
			errno = 0;
			r->num[i] = strtoull(p, &end, 0);
			if (end == p || errno)
				return -1;
			p = end;
			if (bucket && *p == '-')
				p += 1 + strspn(p + 1, "0123456789");
		}
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
	}
	p = strchr(p, '}');
	if (!p)
		return -1;
	for (p = skip_ws(p + 1); *p && *p != '\n'; p = skip_ws(p)) {
		size_t n = strcspn(p, ": \n");
		uint64_t v;
		char *end;

		if (p[n] != ':')
			return -1;
		v = strtoull(skip_ws(p + n + 1), &end, 10);
		if (n == 8 && !strncmp(p, "hitcount", 8))
			r->hits = v;
		else if (h->sum_field[0] && n == strlen(h->sum_field) && !strncmp(p, h->sum_field, n))
			r->sum = v;
		p = end;
	}
	return 0;
}

int khist_parse(struct khist *h, const char *text, void (*fn)(void *arg,
		const struct khist_row *row, uint64_t hits, uint64_t sum), void *arg)
{
	uint64_t dropped = 0;
	int bad = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		struct khist_row r;
		uint64_t hits, sum;

		if (*p == '{') {
			if (parse_line(h, p, &r) < 0) {
				bad++;
				continue;
			}
			grew(h, &r, &hits, &sum);
			if (hits || sum)
				fn(arg, &r, hits, sum);
		} else if (!strncmp(skip_ws(p), "Dropped:", 8)) {
			dropped = strtoull(skip_ws(p) + 8, NULL, 10);
		}
	}
	if (dropped > h->prev_dropped)
		fn(arg, NULL, dropped - h->prev_dropped, 0);
	h->prev_dropped = dropped;
	return bad ? -EBADMSG : 0;
}

int khist_read(struct khist *h, void (*fn)(void *arg, const struct khist_row *row,
					   uint64_t hits, uint64_t sum), void *arg)
{
	char *text = tracefs_event_file_read(h->inst, h->sys, h->name, "hist", NULL);
	int ret;

	if (!text)
		return errno ? -errno : -EIO;
	ret = khist_parse(h, text, fn, arg);
	free(text);
	return ret;
}

int khist_off(struct khist *h)
{
	char cmd[300];

	if (!h->on)
		return 0;
	h->on = false;
	snprintf(cmd, sizeof(cmd), "!%s", h->trigger);
	return tracefs_event_file_append(h->inst, h->sys, h->name, "trigger", cmd) < 0 ? -errno : 0;
}

void khist_free(struct khist *h)
{
	struct khist_prev *p = h->prev;

	if (p)
		free(p->ents);
	free(p);
	h->prev = NULL;
}

struct tracefs_instance *khist_instance_new(char *name, size_t size)
{
	struct tracefs_instance *inst;

	snprintf(name, size, KHIST_PREFIX "%d", (int)getpid());
	inst = tfs_instance_open(name, true, NULL);
	if (!inst)
		return NULL;
	owner_set(name, OWNER_INSTANCE, true);	/* for the sweep, should this run be killed */
	/* its events stay off: nothing is written there, a small buffer will do; the clock is
	 * the user-space path's (common_timestamp reads it) */
	tfs_instance_setup(inst, 8);
	return inst;
}

void khist_instance_end(struct tracefs_instance *inst, const char *name)
{
	if (!inst)
		return;
	if (tfs_instance_remove(inst) < 0)	/* frees inst */
		warn("cannot remove the tracefs instance '%s': busy; 'ftnet disable --all' removes it",
		     name);
	else
		owner_forget(name);
}

/*
 * Removes the hist triggers of one event of inst as the kernel lists them ("hist:... [active]"
 * is removed by "!hist:..."); how many are left (one still referred to by another stays).
 */
static int unhist_event(struct tracefs_instance *inst, const char *sys, const char *name)
{
	char *text = tracefs_event_file_read(inst, sys, name, "trigger", NULL);
	int left = 0;

	for (char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		char cmd[1024], *br;
		size_t n = strcspn(p, "\n");

		if (strncmp(p, "hist:", 5))
			continue;
		snprintf(cmd, sizeof(cmd), "!%.*s", (int)n, p);
		br = strstr(cmd, " [");	/* " [active]", " [paused]" */
		if (br)
			*br = '\0';
		if (tracefs_event_file_append(inst, sys, name, "trigger", cmd) < 0)
			left++;
	}
	free(text);
	return left;
}

/*
 * A killed run's triggers: those with variables hold the instance (rmdir says busy), and one
 * whose variable another refers to goes only after it: a few passes over the instance's events.
 */
static void unhist_all(struct tracefs_instance *inst)
{
	char *dir = tracefs_instance_get_dir(inst);	/* allocated */
	char **systems = dir ? tracefs_event_systems(dir) : NULL;

	for (int pass = 0; pass < 4; pass++) {
		int left = 0;

		for (int i = 0; systems && systems[i]; i++) {
			char **events = tracefs_system_events(dir, systems[i]);

			for (int j = 0; events && events[j]; j++)
				left += unhist_event(inst, systems[i], events[j]);
			tracefs_list_free(events);
		}
		if (!left)
			break;
	}
	tracefs_list_free(systems);
	tracefs_put_tracing_file(dir);
}

struct sweep {
	char	names[64][128];
	pid_t	pids[64];
	int	n;
};

static void dead_instance(void *arg, const char *instance, const char *group,
			  const struct owner *o)
{
	struct sweep *sw = arg;

	if (strcmp(group, OWNER_INSTANCE) || sw->n >= (int)ARRAY_SIZE(sw->names))
		return;
	snprintf(sw->names[sw->n], sizeof(sw->names[0]), "%s", instance);
	sw->pids[sw->n++] = o->pid;
}

/*
 * Instances that runs made and were killed before they could remove them (kill -9): only
 * those the ownership records say a run made, and only when nothing in them is a user's or a
 * live run's. Triggers first (they hold the instance), then the instance and its records.
 */
static int sweep_dead(void)
{
	struct sweep *sw = xcalloc(1, sizeof(*sw));
	int removed = 0;

	owner_each_dead(dead_instance, sw);
	for (int i = 0; i < sw->n; i++) {
		struct tracefs_instance *inst;

		if (!owner_all_dead(sw->names[i]))
			continue;
		if (!tracefs_instance_exists(sw->names[i])) {
			owner_forget(sw->names[i]);
			continue;
		}
		inst = tracefs_instance_alloc(NULL, sw->names[i]);
		if (!inst)
			continue;
		unhist_all(inst);
		if (!tracefs_instance_destroy(inst)) {
			note("removed instance '%s', left by a run that is gone (pid %d)",
			     sw->names[i], (int)sw->pids[i]);
			owner_forget(sw->names[i]);
			removed++;
		} else {
			warn("cannot remove the tracefs instance '%s' of a run that is gone: %s",
			     sw->names[i], strerror(errno));
		}
		tracefs_instance_free(inst);
	}
	free(sw);
	return removed;
}

int khist_sweep(void)
{
	return sweep_dead();
}
