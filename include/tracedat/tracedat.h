/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trace.dat, trace-cmd's file format (version 6; version 7 is read too): the ring buffer's own
 * pages with the formats needed to read them. The writer builds one from pieces (the kernel's
 * or a test's), the reader checks one whole before anything trusts it, and walks its pages
 * without kbuffer (a hostile page must never loop or read past its end).
 */
#ifndef FTNET_TRACEDAT_H
#define FTNET_TRACEDAT_H

#include <event-parse.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/sink.h"

struct group_event;

#define TD_MAX_CPUS 4096
#define TD_ERRLEN 256

/* trace-cmd's option ids (lib/trace-cmd/include/private/trace-cmd-private.h) */
enum td_option {
	TD_OPT_DONE = 0, TD_OPT_DATE = 1, TD_OPT_CPUSTAT = 2, TD_OPT_BUFFER = 3,
	TD_OPT_TRACECLOCK = 4, TD_OPT_UNAME = 5, TD_OPT_VERSION = 9,
};

/* One file's text: an event format (name: its system), a CPU's stats. */
struct td_blob {
	const char	*name;
	const char	*data;
	size_t		len;
};

/* What is known when recording starts; every text is written as it is. */
struct td_meta {
	struct td_blob		header_page, header_event;
	const struct td_blob	*ftrace;	/* events/ftrace/NAME/format */
	int			nftrace;
	const struct td_blob	*formats;	/* name: the system; one system's events together */
	int			nformats;
	struct td_blob		kallsyms, printk;
	int			long_size;	/* of the kernel's pages (to count their records) */
};

/* What is known at the end. */
struct td_tail {
	struct td_blob		cmdlines;	/* "PID COMM" lines */
	const char		*clock;		/* the trace_clock file ("local [mono] ..."), or NULL */
	const char		*uname;		/* "Linux host 6.18 x86_64", or NULL */
	const char		*version;	/* the writer, or NULL */
	const struct td_blob	*cpustats;	/* per CPU, "CPU: N\n" and its stats file; may be 0 */
	int			ncpustats;
};

/* What the file holds when written, and what could not be kept. */
struct td_kept {
	uint64_t	pages, bytes;	/* of CPU data in the file */
	uint64_t	events;		/* records in those pages */
	uint64_t	pages_dropped;	/* read but not in the file (a write error) */
	uint64_t	file_size;
	int		error;		/* the first write error (-errno), 0 when none */
	const char	*error_at;	/* what was being written then */
};

/* The kernel's part of td_meta, read from tracefs (src/tracedat/kmeta.c). */
struct td_meta_tfs {
	struct td_meta	m;
	struct td_blob	*ftrace, *formats;
	char		**texts, **names;	/* what the blobs point into */
	int		ntexts, nnames;
};

/* Headers, ftrace formats, the formats of evs, printk formats, kallsyms. 0 or -errno. */
int td_meta_from_tfs(struct td_meta_tfs *t, const struct group_event *evs, int n);
void td_meta_release(struct td_meta_tfs *t);

struct td_writer;

/* The temporary file's name: PATH.ftnet-tmp.PID, a name no one else gives a file. */
#define TD_TMP_TAG ".ftnet-tmp."
/* Creates PATH.ftnet-tmp.PID beside path (its directory must be writable). 0 or -errno. */
int td_writer_open(struct td_writer **out, const char *path);
/*
 * Removes the temporary files of writers to path that were killed (-9: they could not clean
 * up), each said in a note: only files that are provably such (td_writer_open's name, mode
 * and owner, a trace.dat's start or nothing, a pid that is no process). How many were.
 */
int td_writer_sweep(const char *path);
/*
 * Writes everything up to the printk formats, and reserves room for the end; page_size is the
 * size of every page given later. 0 or -errno.
 */
int td_writer_begin(struct td_writer *w, int ncpus, int page_size, const struct td_meta *m);
/* Keeps one page read from cpu (size <= page_size; the rest is zeroed). 0 or -errno. */
int td_writer_page(struct td_writer *w, int cpu, const void *page, int size);
/* The first write error of td_writer_page (recording should stop), or 0. */
int td_writer_error(const struct td_writer *w);
/*
 * Writes the rest and renames the file to its name. After an error in the pages the file is
 * still complete, with the pages kept before it; kept says what it holds. Returns 0, or the
 * first error (-errno) with the file renamed if it could be completed and removed otherwise
 * (kept->file_size 0). Frees w.
 */
int td_writer_finish(struct td_writer *w, const struct td_tail *t, struct td_kept *kept);
/* Removes the temporary file and frees w. */
void td_writer_abort(struct td_writer *w);
/* The temporary file's name (for messages). */
const char *td_writer_tmpname(const struct td_writer *w);

/* A parsed file: sections checked against the file's size, formats in a tep handle. */
struct td_cpu {
	uint64_t	offset, size;
};

struct td_z;

struct td_file {
	const uint8_t		*data;		/* the file, or its CPU data decompressed (z) */
	size_t			len;
	int			version;
	bool			big_endian;
	int			long_size;	/* of the kernel's pages (header_page's commit) */
	int			page_size;
	struct tep_handle	*tep;
	struct td_blob		kallsyms, printk, cmdlines;
	char			clock[32];	/* "mono", "" when the file does not say */
	char			uname[128];
	char			writer[160];	/* the version option: "ftnet 0.2.0 groups drops" */
	char			buffer[64];	/* the instance read, "" for the top buffer */
	int			ncpus;
	struct td_cpu		*cpus;
	uint64_t		flyrecord;	/* offset of the CPU table */
	struct td_z		*z;		/* a compressed file's parts decompressed */
};

/*
 * Parses data[0..len) (kept, not copied: it must outlive f). 0, or -EINVAL / -ENOTSUP with
 * err saying what is wrong and where ("truncated in the event formats"). The compressed
 * sections and CPU data of a version 7 file (zstd, zlib) are decompressed into memory f owns.
 */
int td_parse(struct td_file *f, const uint8_t *data, size_t len, char *err, size_t errlen);
void td_release(struct td_file *f);
/* The events the file has formats for: true when sys:name is one. */
bool td_has_event(const struct td_file *f, const char *sys, const char *name);

/* The records in one page in the host's byte order (as read from the kernel), or -EINVAL. */
int td_page_count(const void *page, int size, int long_size);

/*
 * A format file in the kernel's strict shape, written out anew for libtraceevent (which trusts
 * its input): name, id, fields and the print fmt's __print_symbolic tables. 0 with *out
 * (caller frees), or -EINVAL when it is not such a file.
 */
int td_format_clean(const char *in, size_t len, char **out, size_t *outlen);
/* The size of the commit field (the kernel's long) that header_page describes, or -EINVAL. */
int td_header_long_size(const char *in, size_t len);

/* Reading the pages: every CPU's records merged by time, handed to a reader's sink. */
struct td_reader;

struct td_reader *td_reader_new(const struct td_file *f);
void td_reader_free(struct td_reader *r);
/*
 * Delivers records (and lost markers from the page headers) in time order, those before
 * until_ts, at most max. Returns how many, 0 at the end, -EINVAL with err on a corrupt page.
 */
long td_read(struct td_reader *r, uint64_t until_ts, long max, const struct reader_sink *sink,
	     char *err, size_t errlen);
/* The time of the next record, or UINT64_MAX at the end (or at a corrupt page: td_read says). */
uint64_t td_next_ts(struct td_reader *r);
/* The time of the last record delivered. */
uint64_t td_last_ts(const struct td_reader *r);
uint64_t td_records(const struct td_reader *r);
uint64_t td_lost(const struct td_reader *r);

#endif
