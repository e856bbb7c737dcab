/* Reads the instance's trace_pipe_raw pages on every CPU and merges their records by time. */
#include <errno.h>
#include <fcntl.h>
#include <kbuffer.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader.h"
#include "tfs.h"
#include "util.h"

struct rec_ref {
	uint64_t	ts;
	void		*data;
	int		size;
	uint64_t	lost;		/* > 0 or LOST_UNKNOWN: a loss marker, not a record */
};

#define LOST_UNKNOWN UINT64_MAX

struct rcpu {
	struct tracefs_cpu	*tcpu;
	struct kbuffer		*kbuf;
	struct tfs_cpu_stats	start;
	struct rec_ref		*refs;
	char			**pages;
	size_t			nrefs, caprefs, npages, cappages, used_pages;
	uint64_t		lost_seen;	/* reported through page headers */
	int			cpu;
	int			fd;
};

struct reader {
	struct tracefs_instance	*inst;
	struct tep_handle	*tep;
	struct rcpu		*cpus;
	struct pollfd		*pfds;
	uint64_t		records, lost;
	int			ncpu;
	int			page_size;
};

static int subbuf_size(struct tracefs_instance *inst)
{
	long long kb;

	if (!tracefs_instance_file_read_number(inst, "buffer_subbuf_size_kb", &kb) && kb > 0)
		return (int)(kb * 1024);
	return getpagesize();
}

struct reader *reader_open(struct tracefs_instance *inst, struct tep_handle *tep)
{
	enum kbuffer_long_size lsize;
	enum kbuffer_endian endian;
	struct reader *r;
	int n = 0;

	r = xcalloc(1, sizeof(*r));
	r->inst = inst;
	r->tep = tep;
	r->page_size = subbuf_size(inst);
	r->ncpu = tfs_ncpus();
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

		if (c->tcpu) {
			tracefs_cpu_free_fd(c->tcpu);
			close(c->fd);
		}
		if (c->kbuf)
			kbuffer_free(c->kbuf);
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

static void page_parse(struct rcpu *c, char *page)
{
	unsigned long long ts;
	struct rec_ref *ref;
	void *data;
	int missed;

	if (kbuffer_load_subbuffer(c->kbuf, page) < 0)
		return;
	missed = kbuffer_missed_events(c->kbuf);
	if (missed) {
		ref = ref_add(c);
		ref->ts = kbuffer_subbuf_timestamp(c->kbuf, page);
		ref->data = NULL;
		ref->size = 0;
		ref->lost = missed > 0 ? (uint64_t)missed : LOST_UNKNOWN;
	}
	for (data = kbuffer_read_event(c->kbuf, &ts); data;
	     data = kbuffer_next_event(c->kbuf, &ts)) {
		ref = ref_add(c);
		ref->ts = ts;
		ref->data = data;
		ref->size = kbuffer_event_size(c->kbuf);
		ref->lost = 0;
	}
}

/* Pages per CPU per round: bounds memory and keeps output flowing under a flood. */
#define ROUND_MAX_PAGES 4096

static int cpu_drain(struct reader *r, struct rcpu *c, const struct reader_sink *sink)
{
	for (size_t n = 0; n < ROUND_MAX_PAGES; n++) {
		char *page = page_get(r, c);
		int ret = tracefs_cpu_read(c->tcpu, page, true);

		if (ret <= 0) {
			c->used_pages--;
			if (ret < 0 && errno != EAGAIN && errno != EINTR)
				return -errno;
			break;
		}
		if (sink->page)
			sink->page(sink->ctx, c->cpu, page, ret);
		page_parse(c, page);
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

/* k-way merge of the per-CPU runs, each already in time order; k is the CPU count */
static long merge(struct reader *r, const struct reader_sink *sink)
{
	size_t *pos = xcalloc(r->ncpu, sizeof(*pos));
	long n = 0;

	for (;;) {
		struct rcpu *best = NULL;
		int bi = -1;

		for (int i = 0; i < r->ncpu; i++) {
			struct rcpu *c = &r->cpus[i];

			if (pos[i] < c->nrefs &&
			    (!best || c->refs[pos[i]].ts < best->refs[pos[bi]].ts)) {
				best = c;
				bi = i;
			}
		}
		if (!best)
			break;
		deliver(r, best, &best->refs[pos[bi]++], sink);
		n++;
	}
	for (int i = 0; i < r->ncpu; i++) {
		r->cpus[i].nrefs = 0;
		r->cpus[i].used_pages = 0;
	}
	free(pos);
	return n;
}

long reader_round(struct reader *r, int timeout_ms, const struct reader_sink *sink)
{
	int ret;

	if (timeout_ms) {
		ret = poll(r->pfds, r->ncpu, timeout_ms);
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return 0;
	}
	for (int i = 0; i < r->ncpu; i++) {
		ret = cpu_drain(r, &r->cpus[i], sink);
		if (ret < 0)
			return ret;
	}
	return merge(r, sink);
}

long reader_finish(struct reader *r, const struct reader_sink *sink)
{
	long n = reader_round(r, 0, sink);

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
