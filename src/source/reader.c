// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reads the instance's trace_pipe_raw pages on every CPU and merges their records by time.
 * CPUs are drained one after the other, so a round can hold a CPU's records up to the moment
 * it was read while another's of the same moments come in the next round: records newer than
 * the newest of the round before are held (copied) for the next one, as perf orders its rounds.
 * A CPU cut short by the round's page limit holds back everything newer than what it read.
 * A round with nothing new, and the last, hand on all that is held.
 */
#include <errno.h>
#include <fcntl.h>
#include <kbuffer.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rbmap.h"
#include "source/reader.h"
#include "kernel/tfs.h"
#include "base/util.h"

struct rec_ref {
	uint64_t	ts;
	void		*data;
	int		size;
	uint64_t	lost;		/* > 0 or LOST_UNKNOWN: a loss marker, not a record */
};

#define LOST_UNKNOWN UINT64_MAX

/* Pages per CPU per round: bounds memory and keeps output flowing under a flood
 * (FTNET_ROUND_PAGES=N: fewer, for the tests of the merge) */
#define ROUND_MAX_PAGES 4096

/* The bytes of held records, copied one after the other: no allocation per record. */
struct arena {
	char	*buf;
	size_t	used, cap;
};

struct rcpu {
	struct rec_ref		*held;	/* newer than the last round's newest: data copied */
	size_t			nheld, capheld;
	struct arena		arena[2];	/* held's data, and the one the next round fills */
	struct tracefs_cpu	*tcpu;
	struct rbmap		*map;	/* the buffer mapped, or NULL: read() */
	struct kbuffer		*kbuf;
	struct tfs_cpu_stats	start;
	struct rec_ref		*refs;
	char			**pages;
	size_t			nrefs, caprefs, npages, cappages, used_pages;
	uint64_t		lost_seen;	/* reported through page headers */
	int			cpu;
	int			fd;
	bool			cut;	/* its round stopped at the page limit: more waits */
};

struct reader {
	struct tracefs_instance	*inst;
	struct tep_handle	*tep;
	struct rcpu		*cpus;
	struct pollfd		*pfds;
	uint64_t		records, lost;
	uint64_t		prev_max;	/* the newest record of the last round with any */
	bool			read_on_timeout;	/* reader_batch */
	int			ncpu;
	int			page_size;
	size_t			round_pages;
	size_t			buffer_bytes;	/* of one CPU, 0: unknown */
	double			fill;		/* the last round's fullest CPU, of buffer_bytes */
	int			mapped;		/* CPUs read through a map */
	char			map_why[160];	/* why not, where none is */
};

static int subbuf_size(struct tracefs_instance *inst)
{
	long long kb;

	if (!tracefs_instance_file_read_number(inst, "buffer_subbuf_size_kb", &kb) && kb > 0)
		return (int)(kb * 1024);
	return getpagesize();
}

static size_t buffer_bytes(struct tracefs_instance *inst)
{
	long long kb;

	if (!tracefs_instance_file_read_number(inst, "buffer_size_kb", &kb) && kb > 0)
		return (size_t)kb * 1024;
	return 0;
}

static size_t round_pages(void)
{
	const char *env = getenv("FTNET_ROUND_PAGES");
	char *end;
	unsigned long n;

	if (!env)
		return ROUND_MAX_PAGES;
	n = strtoul(env, &end, 10);
	return *env && !*end && n >= 1 && n <= ROUND_MAX_PAGES ? n : ROUND_MAX_PAGES;
}

/* The CPU's buffer mapped where asked for and the kernel lets it (6.10+), with its why not. */
static void cpu_map(struct reader *r, struct rcpu *c, int fd, int long_size)
{
	c->map = rbmap_open(fd, long_size);
	if (c->map && rbmap_subbuf_size(c->map) != r->page_size) {
		snprintf(r->map_why, sizeof(r->map_why), "its sub-buffers are %d bytes, not %d",
			 rbmap_subbuf_size(c->map), r->page_size);
		rbmap_close(c->map);
		c->map = NULL;
	} else if (!c->map && !r->map_why[0]) {
		snprintf(r->map_why, sizeof(r->map_why), "mmap of trace_pipe_raw: %s%s",
			 strerror(errno), errno == ENODEV || errno == EINVAL ?
			 " (Linux 6.10+ maps it)" : "");
	}
	r->mapped += c->map != NULL;
}

struct reader *reader_open(struct tracefs_instance *inst, struct tep_handle *tep, bool map)
{
	enum kbuffer_long_size lsize;
	enum kbuffer_endian endian;
	struct reader *r;
	int n = 0;

	r = xcalloc(1, sizeof(*r));
	r->inst = inst;
	r->tep = tep;
	r->page_size = subbuf_size(inst);
	r->round_pages = round_pages();
	r->ncpu = tfs_ncpus();
	r->buffer_bytes = buffer_bytes(inst);
	r->cpus = xcalloc(r->ncpu, sizeof(*r->cpus));
	r->pfds = xcalloc(r->ncpu, sizeof(*r->pfds));
	lsize = tep_get_header_page_size(tep) == 4 ? KBUFFER_LSIZE_4 : KBUFFER_LSIZE_8;
	endian = tep_is_file_bigendian(tep) ? KBUFFER_ENDIAN_BIG : KBUFFER_ENDIAN_LITTLE;
	for (int cpu = 0; cpu < r->ncpu; cpu++) {
		struct rcpu *c = &r->cpus[n];
		char file[64], *path;
		int fd;

		snprintf(file, sizeof(file), "per_cpu/cpu%d/trace_pipe_raw", cpu);
		path = tracefs_instance_get_file(inst, file);
		fd = path ? open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
		tracefs_put_tracing_file(path);
		if (fd < 0)
			continue;	/* offline CPU */
		c->tcpu = tracefs_cpu_alloc_fd(fd, r->page_size, true);
		c->kbuf = kbuffer_alloc(lsize, endian);
		if (!c->tcpu || !c->kbuf) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->cpu = cpu;
		if (map)
			cpu_map(r, c, fd, lsize == KBUFFER_LSIZE_4 ? 4 : 8);
		tfs_cpu_stats(inst, cpu, &c->start);
		r->pfds[n].fd = fd;
		r->pfds[n].events = POLLIN;
		n++;
	}
	if (!n) {
		reader_close(r);
		errno = ENOENT;
		return NULL;
	}
	r->ncpu = n;
	return r;
}

void reader_close(struct reader *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->ncpu; i++) {
		struct rcpu *c = &r->cpus[i];

		rbmap_close(c->map);
		if (c->tcpu) {
			tracefs_cpu_free_fd(c->tcpu);
			close(c->fd);
		}
		if (c->kbuf)
			kbuffer_free(c->kbuf);
		free(c->arena[0].buf);
		free(c->arena[1].buf);
		free(c->held);
		for (size_t p = 0; p < c->npages; p++)
			free(c->pages[p]);
		free(c->pages);
		free(c->refs);
	}
	free(r->cpus);
	free(r->pfds);
	free(r);
}

static char *page_get(struct reader *r, struct rcpu *c)
{
	if (c->used_pages == c->npages) {
		if (c->npages == c->cappages) {
			c->cappages = c->cappages ? c->cappages * 2 : 16;
			c->pages = xrealloc(c->pages, c->cappages * sizeof(*c->pages));
		}
		c->pages[c->npages++] = xmalloc(r->page_size);
	}
	return c->pages[c->used_pages++];
}

static struct rec_ref *ref_add(struct rcpu *c)
{
	if (c->nrefs == c->caprefs) {
		c->caprefs = c->caprefs ? c->caprefs * 2 : 1024;
		c->refs = xrealloc(c->refs, c->caprefs * sizeof(*c->refs));
	}
	return &c->refs[c->nrefs++];
}

/* A page's records from offset skip of its data; lost: events lost before them (a map's) */
static void page_parse(struct rcpu *c, char *page, const struct reader_sink *sink, int skip,
		       uint64_t lost)
{
	unsigned long long ts;
	struct rec_ref *ref;
	void *data;
	int missed;

	if (kbuffer_load_subbuffer(c->kbuf, page) < 0)
		return;
	missed = kbuffer_missed_events(c->kbuf);
	if (missed || lost) {
		ref = ref_add(c);
		ref->ts = kbuffer_subbuf_timestamp(c->kbuf, page);
		ref->data = NULL;
		ref->size = 0;
		ref->lost = lost ? lost : missed > 0 ? (uint64_t)missed : LOST_UNKNOWN;
	}
	for (data = skip ? kbuffer_read_at_offset(c->kbuf, skip, &ts) :
		    kbuffer_read_event(c->kbuf, &ts); data;
	     data = kbuffer_next_event(c->kbuf, &ts)) {
		ref = ref_add(c);
		ref->ts = ts;
		ref->data = data;
		ref->size = kbuffer_event_size(c->kbuf);
		ref->lost = 0;
		if (sink->seen)
			sink->seen(sink->ctx, c->cpu, ts, data, ref->size);
	}
}

/* The next page of a mapped CPU: a read()'s return value, errno set on failure. */
static int map_read(struct rcpu *c, char *page, int size, int *skip, uint64_t *lost)
{
	int ret = rbmap_read(c->map, page, size, skip, lost);

	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

static int cpu_drain(struct reader *r, struct rcpu *c, const struct reader_sink *sink)
{
	c->cut = true;
	for (size_t n = 0; n < r->round_pages; n++) {
		char *page = page_get(r, c);
		uint64_t lost = 0;
		int skip = 0;
		int ret = c->map ? map_read(c, page, r->page_size, &skip, &lost) :
			  tracefs_cpu_read(c->tcpu, page, true);

		if (ret <= 0) {
			c->used_pages--;
			if (ret < 0 && errno != EAGAIN && errno != EINTR)
				return -errno;
			c->cut = false;
			break;
		}
		if (sink->page)
			sink->page(sink->ctx, c->cpu, page, ret);
		page_parse(c, page, sink, skip, lost);
	}
	return 0;
}

static void deliver(struct reader *r, struct rcpu *c, struct rec_ref *ref,
		    const struct reader_sink *sink)
{
	struct tep_record rec;

	if (ref->lost) {
		uint64_t n = ref->lost == LOST_UNKNOWN ? 0 : ref->lost;

		c->lost_seen += n;
		r->lost += n;
		sink->lost(sink->ctx, c->cpu, n, ref->ts);
		return;
	}
	memset(&rec, 0, sizeof(rec));
	rec.ts = ref->ts;
	rec.cpu = c->cpu;
	rec.data = ref->data;
	rec.size = ref->size;
	r->records++;
	sink->record(sink->ctx, &rec);
}

/* Entry i of a CPU's run: its held records first (older), then this round's. */
static struct rec_ref *entry(struct rcpu *c, size_t i)
{
	return i < c->nheld ? &c->held[i] : i - c->nheld < c->nrefs ? &c->refs[i - c->nheld] : NULL;
}

/* The next arena, large enough for the bytes of n records from held and refs. */
static struct arena *arena_next(struct rcpu *c, size_t from, size_t refs_from)
{
	struct arena *a = &c->arena[1];
	size_t need = 0;

	for (size_t i = from; i < c->nheld; i++)
		need += (size_t)c->held[i].size;
	for (size_t i = refs_from; i < c->nrefs; i++)
		need += c->refs[i].data ? (size_t)c->refs[i].size : 0;
	if (need > a->cap) {
		a->cap = need + need / 2 + 4096;
		free(a->buf);
		a->buf = xmalloc(a->cap);
	}
	a->used = 0;
	return a;
}

static void arena_copy(struct arena *a, struct rec_ref *h)
{
	if (!h->data)
		return;
	memcpy(a->buf + a->used, h->data, (size_t)h->size);
	h->data = a->buf + a->used;
	a->used += (size_t)h->size;
}

/*
 * What was not handed on: held for the next round, the bytes of the records copied into the
 * other arena (the pages and the arena they are in are reused next round), then swapped.
 */
static void hold_rest(struct rcpu *c, size_t from)
{
	size_t keep = from < c->nheld ? c->nheld - from : 0, n = 0;
	size_t refs_from = from > c->nheld ? from - c->nheld : 0;
	struct arena *a = arena_next(c, from, refs_from), tmp;

	if (keep + c->nrefs - refs_from > c->capheld) {
		c->capheld = keep + c->nrefs - refs_from + 64;
		c->held = xrealloc(c->held, c->capheld * sizeof(*c->held));
	}
	for (size_t i = from; i < c->nheld; i++) {
		c->held[n] = c->held[i];
		arena_copy(a, &c->held[n++]);
	}
	for (size_t i = refs_from; i < c->nrefs; i++) {
		c->held[n] = c->refs[i];
		arena_copy(a, &c->held[n++]);
	}
	c->nheld = n;
	tmp = c->arena[0];
	c->arena[0] = c->arena[1];
	c->arena[1] = tmp;
}

/*
 * k-way merge of the per-CPU runs, each already in time order (k is the CPU count), up to
 * limit: the rest is held for the next round.
 */
static long merge(struct reader *r, const struct reader_sink *sink, uint64_t limit)
{
	size_t *pos = xcalloc(r->ncpu, sizeof(*pos));
	long n = 0;

	for (;;) {
		struct rec_ref *best = NULL, *e;
		int bi = -1;

		for (int i = 0; i < r->ncpu; i++)
			if ((e = entry(&r->cpus[i], pos[i])) && (!best || e->ts < best->ts)) {
				best = e;
				bi = i;
			}
		if (!best || best->ts > limit)
			break;
		deliver(r, &r->cpus[bi], best, sink);
		pos[bi]++;
		n++;
	}
	for (int i = 0; i < r->ncpu; i++) {
		struct rcpu *c = &r->cpus[i];

		hold_rest(c, pos[i]);
		c->nrefs = 0;
		c->used_pages = 0;
	}
	free(pos);
	return n;
}

/* The newest record this round read, 0 when it read none. */
static uint64_t round_max(const struct reader *r)
{
	uint64_t max = 0;

	for (int i = 0; i < r->ncpu; i++) {
		const struct rcpu *c = &r->cpus[i];

		if (c->nrefs && c->refs[c->nrefs - 1].ts > max)
			max = c->refs[c->nrefs - 1].ts;
	}
	return max;
}

bool reader_holding(const struct reader *r)
{
	for (int i = 0; i < r->ncpu; i++)
		if (r->cpus[i].nheld)
			return true;
	return false;
}

/*
 * Merges this round's records: up to the last round's newest, or all when nothing came; and
 * never past the newest of a CPU whose round was cut short (what it has not read is newer).
 */
static long merge_round(struct reader *r, const struct reader_sink *sink)
{
	uint64_t max = round_max(r), limit = max ? r->prev_max : UINT64_MAX;

	for (int i = 0; i < r->ncpu; i++) {
		const struct rcpu *c = &r->cpus[i];

		if (c->cut && c->nrefs && c->refs[c->nrefs - 1].ts < limit)
			limit = c->refs[c->nrefs - 1].ts;
	}
	if (max)
		r->prev_max = max;
	return merge(r, sink, limit);
}

void reader_batch(struct reader *r)
{
	r->read_on_timeout = true;
}

long reader_round(struct reader *r, int timeout_ms, const struct reader_sink *sink)
{
	int ret;

	if (timeout_ms) {
		ret = poll(r->pfds, r->ncpu, timeout_ms);
		if (ret < 0)
			return -errno;
		/* quiet for the whole wait: nothing older can come */
		if (ret == 0 && !r->read_on_timeout)
			return reader_holding(r) ? merge(r, sink, UINT64_MAX) : 0;
	}
	r->fill = 0;
	for (int i = 0; i < r->ncpu; i++) {
		struct rcpu *c = &r->cpus[i];
		double fill;

		ret = cpu_drain(r, c, sink);
		if (ret < 0)
			return ret;
		fill = r->buffer_bytes ? (double)c->used_pages * r->page_size /
		       (double)r->buffer_bytes : 0;
		if (fill > r->fill)
			r->fill = fill;
	}
	return merge_round(r, sink);
}

static bool any_cut(const struct reader *r)
{
	for (int i = 0; i < r->ncpu; i++)
		if (r->cpus[i].cut)
			return true;
	return false;
}

/*
 * The last rounds: until every CPU's buffer is read to its end, or (events flowing on into
 * a persistent instance) as many rounds as a full buffer takes.
 */
long reader_finish(struct reader *r, const struct reader_sink *sink)
{
	long long kb = 0;
	long n = reader_round(r, 0, sink), rounds;

	tracefs_instance_file_read_number(r->inst, "buffer_size_kb", &kb);
	rounds = kb > 0 ? (long)(kb * 1024 / r->page_size / (long)r->round_pages) + 1 : 1;
	for (long i = 0; i < rounds && n >= 0 && any_cut(r); i++) {
		long more = reader_round(r, 0, sink);

		n = more < 0 ? more : n + more;
	}

	n += merge(r, sink, UINT64_MAX);	/* the last: everything held */

	for (int i = 0; i < r->ncpu; i++) {
		struct rcpu *c = &r->cpus[i];
		struct tfs_cpu_stats now;
		uint64_t kernel_lost;

		if (tfs_cpu_stats(r->inst, c->cpu, &now) < 0)
			continue;
		kernel_lost = (now.overrun - c->start.overrun) + (now.dropped - c->start.dropped);
		if (kernel_lost > c->lost_seen) {
			uint64_t extra = kernel_lost - c->lost_seen;

			c->lost_seen += extra;
			r->lost += extra;
			sink->lost(sink->ctx, c->cpu, extra, 0);
		}
	}
	return n;
}

const char *reader_method(const struct reader *r, const char **why)
{
	*why = r->map_why[0] ? r->map_why : NULL;
	return !r->mapped ? "read" : r->mapped == r->ncpu ? "mmap" : "mmap and read";
}

bool reader_map_supported(struct tracefs_instance *inst, char *why, size_t size)
{
	return rbmap_supported(inst, why, size);
}

double reader_fill(const struct reader *r)
{
	return r->fill;
}

uint64_t reader_lost(const struct reader *r)
{
	return r->lost;
}

uint64_t reader_records(const struct reader *r)
{
	return r->records;
}

int reader_page_size(const struct reader *r)
{
	return r->page_size;
}

int reader_cpus(const struct reader *r, int *cpus, int max)
{
	int n = 0;

	for (int i = 0; i < r->ncpu && n < max; i++)
		cpus[n++] = r->cpus[i].cpu;
	return n;
}
