// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes trace.dat version 6 (trace-cmd's Documentation/trace-cmd/trace-cmd.dat.v6.5.txt).
 * The formats go out first; pages are spooled per CPU in unlinked files beside the output
 * (a CPU's data must be contiguous) and moved in at the end, each chunk punched out of its
 * spool before it is written again, so a full disk still leaves a complete, shorter file.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "tracedat/tracedat.h"
#include "base/util.h"

#define SPOOL_PAGES 16		/* pages buffered per CPU between writes */
#define MOVE_PAGES 64		/* pages moved from a spool at a time */
#define TAIL_RESERVE (1 << 20)	/* held for the cmdlines, options and CPU table */

struct spool {
	char		*buf;
	int		fd;
	int		nbuf;		/* pages in buf */
	uint64_t	pages;		/* pages in the spool file */
};

struct td_writer {
	char		*path, *tmp, *dir;
	struct spool	*cpu;
	const char	*err_at;
	uint64_t	head_end, dropped;
	int		fd, ncpus, page_size, long_size, err;
	bool		begun;		/* the header is written */
};

/* A growing buffer for the header and the tail, written in one go. */
struct obuf {
	char	*p;
	size_t	n, cap;
};

static void put(struct obuf *b, const void *data, size_t len)
{
	if (b->n + len > b->cap) {
		b->cap = (b->n + len) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	if (len)
		memcpy(b->p + b->n, data, len);
	b->n += len;
}

static void put_u16(struct obuf *b, uint16_t v) { put(b, &v, 2); }
static void put_u32(struct obuf *b, uint32_t v) { put(b, &v, 4); }
static void put_u64(struct obuf *b, uint64_t v) { put(b, &v, 8); }

static void put_sized(struct obuf *b, const struct td_blob *t, int width)
{
	if (width == 8)
		put_u64(b, t->len);
	else
		put_u32(b, (uint32_t)t->len);
	put(b, t->data, t->len);
}

static int write_at(int fd, const void *data, size_t len, uint64_t off)
{
	const char *p = data;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static bool host_big_endian(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 0;
}

static void put_formats(struct obuf *b, const struct td_meta *m)
{
	uint32_t nsys = 0;

	put_u32(b, (uint32_t)m->nftrace);
	for (int i = 0; i < m->nftrace; i++)
		put_sized(b, &m->ftrace[i], 8);
	for (int i = 0; i < m->nformats; i++)
		if (!i || strcmp(m->formats[i].name, m->formats[i - 1].name))
			nsys++;
	put_u32(b, nsys);
	for (int i = 0, j; i < m->nformats; i = j) {
		for (j = i; j < m->nformats && !strcmp(m->formats[j].name, m->formats[i].name); j++)
			;
		put(b, m->formats[i].name, strlen(m->formats[i].name) + 1);
		put_u32(b, (uint32_t)(j - i));
		for (int k = i; k < j; k++)
			put_sized(b, &m->formats[k], 8);
	}
}

static void put_head(struct obuf *b, int page_size, const struct td_meta *m)
{
	uint8_t flags[2] = { host_big_endian(), (uint8_t)sizeof(long) };

	put(b, "\027\010\104tracing6", 11);
	put(b, "", 1);
	put(b, flags, 2);
	put_u32(b, (uint32_t)page_size);
	put(b, "header_page", 12);
	put_sized(b, &m->header_page, 8);
	put(b, "header_event", 13);
	put_sized(b, &m->header_event, 8);
	put_formats(b, m);
	put_sized(b, &m->kallsyms, 4);
	put_sized(b, &m->printk, 4);
}

static void writer_free(struct td_writer *w)
{
	for (int i = 0; w->cpu && i < w->ncpus; i++) {
		if (w->cpu[i].fd > 0)
			close(w->cpu[i].fd);
		free(w->cpu[i].buf);
	}
	if (w->fd >= 0)
		close(w->fd);
	free(w->cpu);
	free(w->path);
	free(w->tmp);
	free(w->dir);
	free(w);
}

static long pid_max(void)
{
	char *s = read_file("/proc/sys/kernel/pid_max", NULL);
	long v = s ? strtol(s, NULL, 10) : 0;

	free(s);
	return v > 0 ? v : 4194304;	/* PID_MAX_LIMIT */
}

/*
 * What a killed writer leaves and nothing else: a regular file (not a link, one name) of this
 * user, mode 0600 as td_writer_open makes it, empty or starting as a trace.dat, of a pid that
 * can be and is not running.
 */
static bool stale_ours(int dfd, const char *name, long pid, long max)
{
	unsigned char head[11];
	struct stat st;
	bool ok;
	int fd;

	if (pid <= 0 || pid > max || pid == getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return false;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	     st.st_nlink == 1 && (st.st_mode & 07777) == 0600;
	ok = ok && (!st.st_size || (pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head) &&
				    !memcmp(head, "\027\010\104tracing6", sizeof(head))));
	close(fd);
	return ok;
}

int td_writer_sweep(const char *path)
{
	char *copy = xstrdup(path), *dcopy = xstrdup(path), *base = basename(copy);
	size_t n = strlen(base), tag = strlen(TD_TMP_TAG);
	DIR *d = opendir(dirname(dcopy));
	long max = pid_max();
	struct dirent *de;
	int removed = 0;

	while (d && (de = readdir(d))) {
		char *end;
		long pid;

		if (strncmp(de->d_name, base, n) || strncmp(de->d_name + n, TD_TMP_TAG, tag) ||
		    de->d_name[n + tag] < '0' || de->d_name[n + tag] > '9')
			continue;
		pid = strtol(de->d_name + n + tag, &end, 10);
		if (*end || !stale_ours(dirfd(d), de->d_name, pid, max))
			continue;
		if (!unlinkat(dirfd(d), de->d_name, 0)) {
			note("removed '%s%s', left by a record that was killed (pid %ld)", path,
			     de->d_name + n, pid);
			removed++;
		}
	}
	if (d)
		closedir(d);
	free(copy);
	free(dcopy);
	return removed;
}

int td_writer_open(struct td_writer **out, const char *path)
{
	struct td_writer *w = xcalloc(1, sizeof(*w));
	char *copy = xstrdup(path);
	int ret;

	w->path = xstrdup(path);
	w->dir = xstrdup(dirname(copy));
	free(copy);
	w->tmp = xmalloc(strlen(path) + 32);
	sprintf(w->tmp, "%s" TD_TMP_TAG "%d", path, (int)getpid());
	/* kallsyms holds the kernel's real addresses: readable by the owner only */
	w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		ret = -errno;
		writer_free(w);
		return ret;
	}
	*out = w;
	return 0;
}

int td_writer_begin(struct td_writer *w, int ncpus, int page_size, const struct td_meta *m)
{
	struct obuf b = { 0 };
	int ret;

	if (ncpus < 1 || ncpus > TD_MAX_CPUS || page_size < 256)
		return -EINVAL;
	w->ncpus = ncpus;
	w->page_size = page_size;
	w->long_size = m->long_size;
	w->cpu = xcalloc((size_t)ncpus, sizeof(*w->cpu));
	put_head(&b, page_size, m);
	ret = write_at(w->fd, b.p, b.n, 0);
	w->head_end = b.n;
	free(b.p);
	/* the end must fit even on a disk the pages filled */
	if (!ret && fallocate(w->fd, 0, (off_t)w->head_end, TAIL_RESERVE) < 0 &&
	    errno == ENOSPC)
		ret = -ENOSPC;
	if (ret) {
		w->err = ret;
		w->err_at = "the formats and kernel symbols";
	}
	w->begun = !ret;
	return ret;
}

static int spool_open(struct td_writer *w, struct spool *s)
{
	char *name;

	s->fd = open(w->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (s->fd >= 0)
		return 0;
	/* a file system without O_TMPFILE: a named file, unlinked at once */
	name = xmalloc(strlen(w->dir) + 32);
	sprintf(name, "%s/.ftnet-spool-XXXXXX", w->dir);
	s->fd = mkstemp(name);
	if (s->fd >= 0)
		unlink(name);
	free(name);
	return s->fd >= 0 ? 0 : -errno;
}

static void spool_fail(struct td_writer *w, int cpu, int err)
{
	static char at[48];

	w->err = err;
	snprintf(at, sizeof(at), "the pages of CPU %d", cpu);
	w->err_at = at;
}

static int spool_flush(struct td_writer *w, int cpu)
{
	struct spool *s = &w->cpu[cpu];
	size_t ps = (size_t)w->page_size;
	int ret;

	if (!s->nbuf)
		return 0;
	ret = s->fd > 0 ? 0 : spool_open(w, s);
	if (!ret)
		ret = write_at(s->fd, s->buf, s->nbuf * ps, s->pages * ps);
	if (ret) {
		/* a short write leaves part of a page: the spool holds whole pages only */
		if (s->fd > 0 && ftruncate(s->fd, (off_t)(s->pages * ps)) < 0)
			ret = -errno;
		w->dropped += (uint64_t)s->nbuf;
		s->nbuf = 0;
		spool_fail(w, cpu, ret);
		return ret;
	}
	s->pages += (uint64_t)s->nbuf;
	s->nbuf = 0;
	return 0;
}

int td_writer_page(struct td_writer *w, int cpu, const void *page, int size)
{
	struct spool *s;
	char *dst;

	if (!w->begun || cpu < 0 || cpu >= w->ncpus || size < 0)
		return -EINVAL;
	if (w->err) {
		w->dropped++;
		return w->err;
	}
	s = &w->cpu[cpu];
	if (!s->buf)
		s->buf = xmalloc((size_t)w->page_size * SPOOL_PAGES);
	dst = s->buf + (size_t)s->nbuf * (size_t)w->page_size;
	if (size > w->page_size)
		size = w->page_size;
	memcpy(dst, page, (size_t)size);
	memset(dst + size, 0, (size_t)(w->page_size - size));
	if (++s->nbuf == SPOOL_PAGES)
		return spool_flush(w, cpu);
	return 0;
}

int td_writer_error(const struct td_writer *w)
{
	return w->err;
}

const char *td_writer_tmpname(const struct td_writer *w)
{
	return w->tmp;
}

void td_writer_abort(struct td_writer *w)
{
	if (!w)
		return;
	unlink(w->tmp);
	writer_free(w);
}


static void put_option(struct obuf *b, uint16_t id, const void *data, size_t len)
{
	put_u16(b, id);
	put_u32(b, (uint32_t)len);
	put(b, data, len);
}

static void put_str_option(struct obuf *b, uint16_t id, const char *s)
{
	if (s)
		put_option(b, id, s, strlen(s) + 1);
}

/* The clock's name in trace_clock's text: "local [mono] boot" -> "mono". */
static void clock_name(const char *text, char *name, size_t size)
{
	const char *open = text ? strchr(text, '[') : NULL;
	size_t n = open ? strcspn(open + 1, "]") : 0;

	snprintf(name, size, "%.*s", (int)(n < size ? n : size - 1), open ? open + 1 : "");
}

/* cmdlines to the end of the CPU table; *table: where the table is in the buffer */
static void put_tail(struct td_writer *w, struct obuf *b, const struct td_tail *t,
		     size_t *table)
{
	char clock[64], sel[80];

	put_sized(b, &t->cmdlines, 8);
	put_u32(b, (uint32_t)w->ncpus);
	put(b, "options  ", 10);
	put_str_option(b, TD_OPT_TRACECLOCK, t->clock);
	put_str_option(b, TD_OPT_UNAME, t->uname);
	put_str_option(b, TD_OPT_VERSION, t->version);
	for (int i = 0; i < t->ncpustats; i++) {
		put_u16(b, TD_OPT_CPUSTAT);
		put_u32(b, (uint32_t)t->cpustats[i].len + 1);
		put(b, t->cpustats[i].data, t->cpustats[i].len);
		put(b, "", 1);
	}
	put_u16(b, TD_OPT_DONE);
	put(b, "flyrecord", 10);
	*table = b->n;
	for (int i = 0; i < w->ncpus; i++) {
		put_u64(b, 0);
		put_u64(b, 0);
	}
	/* with a clock option, readers expect the selected clock after the table */
	if (t->clock) {
		clock_name(t->clock, clock, sizeof(clock));
		snprintf(sel, sizeof(sel), "[%s]", clock);
		put_u64(b, strlen(sel));
		put(b, sel, strlen(sel));
	}
}

/*
 * Moves a spool's pages to off in the file: each chunk is read, punched out of the spool
 * (freeing its space on a full disk) and written. Returns the pages moved; an error in *err.
 */
static uint64_t spool_move(struct td_writer *w, struct spool *s, uint64_t off, int *err,
			   uint64_t *events)
{
	size_t ps = (size_t)w->page_size;
	char *buf = xmalloc(ps * MOVE_PAGES);
	uint64_t done = 0;

	while (done < s->pages) {
		uint64_t n = s->pages - done < MOVE_PAGES ? s->pages - done : MOVE_PAGES;
		ssize_t got = pread(s->fd, buf, n * ps, (off_t)(done * ps));

		if (got != (ssize_t)(n * ps)) {
			*err = got < 0 ? -errno : -EIO;
			break;
		}
		fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)(done * ps),
			  (off_t)(n * ps));
		*err = write_at(w->fd, buf, n * ps, off + done * ps);
		if (*err)
			break;
		for (uint64_t i = 0; i < n; i++) {
			int k = td_page_count(buf + i * ps, w->page_size, w->long_size);

			*events += k > 0 ? (uint64_t)k : 0;
		}
		done += n;
	}
	free(buf);
	return done;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* Moves every CPU's pages in and fills the table at table_off; returns the end of data. */
static uint64_t move_all(struct td_writer *w, uint64_t start, uint64_t table_off,
			 struct td_kept *kept)
{
	uint64_t off = start, end = start;
	bool failed = false;

	for (int i = 0; i < w->ncpus; i++) {
		struct spool *s = &w->cpu[i];
		uint64_t moved = 0, entry[2];
		int err = 0;

		/* after a failed move the disk is full: the CPUs after it are not tried */
		if (s->pages && !failed)
			moved = spool_move(w, s, off, &err, &kept->events);
		if (err) {
			failed = true;
			if (!w->err)
				spool_fail(w, i, err);
		}
		w->dropped += s->pages - moved;
		entry[0] = moved ? off : 0;
		entry[1] = moved * (uint64_t)w->page_size;
		if (moved && write_at(w->fd, entry, sizeof(entry), table_off + 16 * (uint64_t)i))
			w->err = w->err ? w->err : -EIO;
		kept->pages += moved;
		kept->bytes += entry[1];
		if (moved) {
			end = off + entry[1];
			off = align_up(end, (uint64_t)w->page_size);
		}
	}
	return end;
}

static int finish_file(struct td_writer *w, const struct td_tail *t, struct td_kept *kept)
{
	struct obuf b = { 0 };
	uint64_t end;
	size_t table;
	int ret;

	put_tail(w, &b, t, &table);
	ret = write_at(w->fd, b.p, b.n, w->head_end);
	end = w->head_end + b.n;
	free(b.p);
	if (ret) {
		w->err_at = "the end of the file (command lines, options, CPU table)";
		return ret;
	}
	end = move_all(w, align_up(end, (uint64_t)w->page_size), w->head_end + table, kept);
	if (ftruncate(w->fd, (off_t)end) < 0 || fsync(w->fd) < 0) {
		w->err_at = "the file";
		return -errno;
	}
	kept->file_size = end;
	if (rename(w->tmp, w->path) < 0) {
		w->err_at = "the file's name";
		kept->file_size = 0;
		return -errno;
	}
	return 0;
}

int td_writer_finish(struct td_writer *w, const struct td_tail *t, struct td_kept *kept)
{
	int ret = 0;

	memset(kept, 0, sizeof(*kept));
	if (!w->begun) {
		kept->error = w->err ? w->err : -EINVAL;
		kept->error_at = w->err_at ? w->err_at : "the file's header";
		td_writer_abort(w);
		return kept->error;
	}
	for (int i = 0; i < w->ncpus && !w->err; i++)
		spool_flush(w, i);
	for (int i = 0; i < w->ncpus; i++)
		w->dropped += (uint64_t)w->cpu[i].nbuf;	/* not flushed after an error */
	ret = finish_file(w, t, kept);
	kept->pages_dropped = w->dropped;
	kept->error = w->err ? w->err : ret;
	kept->error_at = w->err_at;
	if (ret) {
		kept->error = ret;
		kept->file_size = 0;
		unlink(w->tmp);
	}
	writer_free(w);
	return kept->error;
}
