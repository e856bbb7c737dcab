// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A CPU's ring buffer mapped into memory (Linux 6.10+: mmap of trace_pipe_raw, see the
 * kernel's Documentation/trace/ring-buffer-map.rst). The first page is the meta page; the
 * sub-buffers follow in the order of their ids. TRACE_MMAP_IOCTL_GET_READER gives the reader
 * the next sub-buffer to read, or the same one while the writer still adds to it, and marks
 * everything up to meta->reader.read as read. What is new there is copied out as a
 * sub-buffer of its own: the records are handed on after the next ioctl, which may give the
 * sub-buffer back to the writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "rbmap.h"
#include "base/util.h"

/* include/uapi/linux/trace_mmap.h of 6.10: Debian 12's headers predate it */
struct trace_buffer_meta {
	uint32_t	meta_page_size;
	uint32_t	meta_struct_len;
	uint32_t	subbuf_size;
	uint32_t	nr_subbufs;
	struct {
		uint64_t	lost_events;
		uint32_t	id;
		uint32_t	read;
	} reader;
	uint64_t	flags;
	uint64_t	entries;
	uint64_t	overrun;
	uint64_t	read;
	uint64_t	reserved1;
	uint64_t	reserved2;
};

#define TRACE_MMAP_IOCTL_GET_READER _IO('R', 0x20)

struct rbmap {
	volatile struct trace_buffer_meta	*meta;
	char					*data;
	size_t					meta_len, data_len;
	int					fd;
	int					long_size;	/* of the commit field */
	uint32_t				id, done;	/* sub-buffer, bytes handed on */
	uint64_t				overrun;	/* as last seen */
	uint64_t				since_swap;	/* losses told since */
};

/* the commit field's flags of a sub-buffer the reader took over (kernel/trace/ring_buffer.c) */
#define RB_MISSED_EVENTS	(1UL << 31)
#define RB_MISSED_STORED	(1UL << 30)

static uint64_t get_long(const char *p, int long_size)
{
	uint32_t v32;
	uint64_t v;

	if (long_size == 4) {
		memcpy(&v32, p, 4);
		return v32;
	}
	memcpy(&v, p, 8);
	return v;
}

/*
 * Events the kernel says it lost before sub-buffer sub, when it handed it to the reader: all
 * since the last hand-over, also those before this reader mapped the buffer (as read() tells
 * them); 0 when it says none or not how many.
 */
static uint64_t swap_missed(const struct rbmap *m, const char *sub, uint32_t hdr)
{
	uint64_t commit = get_long(sub + 8, m->long_size);
	/* the kernel's flags are ints: sign-extended into a 64-bit commit, they set its top too */
	uint64_t size = commit & (RB_MISSED_STORED - 1);

	if (!(commit & RB_MISSED_EVENTS) || !(commit & RB_MISSED_STORED) ||
	    hdr + size + (uint64_t)m->long_size > m->meta->subbuf_size)
		return 0;
	return get_long(sub + hdr + size, m->long_size);
}

struct rbmap *rbmap_open(int fd, int long_size)
{
	long page = sysconf(_SC_PAGESIZE);
	struct rbmap *m;
	void *meta;

	meta = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
	if (meta == MAP_FAILED)
		return NULL;
	m = xcalloc(1, sizeof(*m));
	m->fd = fd;
	m->long_size = long_size;
	m->meta = meta;
	m->meta_len = (size_t)page;
	if (m->meta->meta_page_size > (uint32_t)page) {	/* larger than one page: map it all */
		munmap(meta, (size_t)page);
		m->meta_len = m->meta->meta_page_size;
		meta = mmap(NULL, m->meta_len, PROT_READ, MAP_SHARED, fd, 0);
		if (meta == MAP_FAILED) {
			free(m);
			return NULL;
		}
		m->meta = meta;
	}
	m->data_len = (size_t)m->meta->subbuf_size * m->meta->nr_subbufs;
	m->data = mmap(NULL, m->data_len, PROT_READ, MAP_SHARED, fd, (off_t)m->meta_len);
	if (m->data == MAP_FAILED) {
		munmap((void *)m->meta, m->meta_len);
		free(m);
		return NULL;
	}
	/* what an earlier reader of this sub-buffer read is not ours */
	m->id = m->meta->reader.id;
	m->done = m->meta->reader.read;
	m->overrun = m->meta->overrun;
	return m;
}

void rbmap_close(struct rbmap *m)
{
	if (!m)
		return;
	munmap(m->data, m->data_len);
	munmap((void *)m->meta, m->meta_len);
	free(m);
}

int rbmap_subbuf_size(const struct rbmap *m)
{
	return (int)m->meta->subbuf_size;
}

static void put_long(char *p, int long_size, uint64_t v)
{
	if (long_size == 4) {
		uint32_t v32 = (uint32_t)v;

		memcpy(p, &v32, 4);
	} else {
		memcpy(p, &v, 8);
	}
}

int rbmap_read(struct rbmap *m, void *page, int size, int *skip, uint64_t *lost)
{
	uint32_t hdr = 8 + (uint32_t)m->long_size, id, end;
	const char *sub;

	if (ioctl(m->fd, TRACE_MMAP_IOCTL_GET_READER) < 0)
		return -errno;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	*lost = m->meta->overrun - m->overrun;
	m->overrun = m->meta->overrun;
	id = m->meta->reader.id;
	end = m->meta->reader.read;
	if (id >= m->meta->nr_subbufs || hdr + end > m->meta->subbuf_size ||
	    hdr + end > (uint32_t)size)
		return -EIO;
	sub = m->data + (size_t)id * m->meta->subbuf_size;
	if (id != m->id) {	/* a new sub-buffer: all of it is ours */
		uint64_t missed = swap_missed(m, sub, hdr);

		if (missed > m->since_swap + *lost)	/* lost before the map, or unseen */
			*lost = missed - m->since_swap;
		m->since_swap = 0;
		m->id = id;
		m->done = 0;
	} else {
		m->since_swap += *lost;
	}
	if (end <= m->done)
		return 0;
	/* the time stamp, then the size as read (the kernel's flags of missed events dropped:
	 * losses come from the meta page's overrun) */
	memcpy(page, sub, 8);
	put_long((char *)page + 8, m->long_size, end);
	memcpy((char *)page + hdr, sub + hdr, end);
	*skip = (int)m->done;
	m->done = end;
	return (int)(hdr + end);
}

bool rbmap_supported(struct tracefs_instance *inst, char *why, size_t size)
{
	char *path = tracefs_instance_get_file(inst, "per_cpu/cpu0/trace_pipe_raw");
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	struct rbmap *m;
	bool ok;

	tracefs_put_tracing_file(path);
	if (fd < 0) {
		snprintf(why, size, "cannot open trace_pipe_raw: %s", strerror(errno));
		return false;
	}
	m = rbmap_open(fd, (int)sizeof(long));
	if (!m)
		snprintf(why, size, "mmap of trace_pipe_raw: %s (Linux 6.10+ maps it)",
			 strerror(errno));
	ok = m != NULL;
	rbmap_close(m);
	close(fd);
	return ok;
}
