// SPDX-License-Identifier: GPL-2.0-or-later
/* A trace.dat written by ftnet's writer, from 6.18's formats and pages laid out here. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracedat-build.h"
#include "tracedat/tracedat.h"
#include "base/util.h"

#define PS TB_PAGE_SIZE
#define KFREE_ID 2310		/* skb:kfree_skb in tests/data/linux-6.18 */
#define LOC TB_LOC

static char *texts[8];
static int ntexts;

/* A step that cannot fail when the writer works: the tests after it would mean nothing. */
static void need(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "FAIL building the test file: %s\n", what);
		exit(1);
	}
}

void tb_free_texts(void)
{
	for (int i = 0; i < ntexts; i++)
		free(texts[i]);
	ntexts = 0;
}

char *tb_slurp(const char *datadir, const char *rel, size_t *len)
{
	char path[1024];
	char *t;

	snprintf(path, sizeof(path), "%s/%s", datadir, rel);
	t = read_file(path, len);
	if (!t) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	texts[ntexts++] = t;
	return t;
}

/* --- pages as the kernel lays them out (little-endian, 8-byte longs) --- */

struct page {
	uint8_t		p[PS];
	uint32_t	len;		/* bytes of data after the 16-byte header */
	uint64_t	last;		/* time of the last record */
};

static void page_init(struct page *pg, uint64_t ts)
{
	memset(pg, 0, sizeof(*pg));
	memcpy(pg->p, &ts, 8);
	pg->last = ts;
}

static void put32(struct page *pg, uint32_t v)
{
	memcpy(pg->p + 16 + pg->len, &v, 4);
	pg->len += 4;
}

/* One record of size bytes (a multiple of 4) at ts; a time extension when the delta is big. */
static void page_add(struct page *pg, uint64_t ts, const void *data, uint32_t size)
{
	uint64_t delta = ts - pg->last;

	if (delta >= (1u << 27)) {
		put32(pg, 30 | (uint32_t)((delta & ((1u << 27) - 1)) << 5));
		put32(pg, (uint32_t)(delta >> 27));
		delta = 0;
	}
	if (size <= 28 * 4) {
		put32(pg, size / 4 | (uint32_t)(delta << 5));
	} else {
		put32(pg, (uint32_t)(delta << 5));
		put32(pg, size + 4);
	}
	memcpy(pg->p + 16 + pg->len, data, size);
	pg->len += size;
	pg->last = ts;
}

/* Closes the page: the commit, and missed events (stored after the data) when missed > 0. */
static void page_close(struct page *pg, uint64_t missed)
{
	uint64_t commit = pg->len;

	if (missed) {
		commit |= (1ull << 31) | (1ull << 30);
		memcpy(pg->p + 16 + pg->len, &missed, 8);
	}
	memcpy(pg->p + 8, &commit, 8);
}

/* A kfree_skb record of 6.18: NO_SOCKET (3) at LOC + n, from pid 4242. */
static void kfree(struct page *pg, uint64_t ts, int n)
{
	uint8_t r[40] = { 0 };
	uint16_t id = KFREE_ID, proto = 0x800;
	uint64_t skb = 0xffff888000001000ull + (uint64_t)n, loc = LOC + (uint64_t)n;
	int32_t pid = 4242;
	uint32_t reason = 3;

	memcpy(r, &id, 2);
	memcpy(r + 4, &pid, 4);
	memcpy(r + 8, &skb, 8);
	memcpy(r + 16, &loc, 8);
	memcpy(r + 32, &proto, 2);
	memcpy(r + 36, &reason, 4);
	page_add(pg, ts, r, sizeof(r));
}

/* --- a whole file through the writer --- */


static void meta_for(struct td_meta *m, struct td_blob *fmts, const char *datadir)
{
	size_t n;

	memset(m, 0, sizeof(*m));
	m->header_page.data = tb_slurp(datadir, "linux-6.18/header_page", &n);
	m->header_page.len = n;
	m->header_event.data = tb_slurp(datadir, "linux-6.18/header_event", &n);
	m->header_event.len = n;
	fmts[0].name = "skb";
	fmts[0].data = tb_slurp(datadir, "linux-6.18/skb/kfree_skb/format", &n);
	fmts[0].len = n;
	fmts[1].name = "sock";
	fmts[1].data = tb_slurp(datadir, "linux-6.18/sock/inet_sock_set_state/format", &n);
	fmts[1].len = n;
	m->formats = fmts;
	m->nformats = 2;
	m->kallsyms.data = "ffffffff81000000 T __udp4_lib_rcv\nffffffff81001000 t other\n";
	m->kallsyms.len = strlen(m->kallsyms.data);
	m->long_size = 8;
}

/* CPU 0: drops at 1000, 3000 and 2^28 later; a page that missed 7, then one at 2^29. */
static void write_pages(struct td_writer *w)
{
	struct page pg;

	page_init(&pg, 1000);
	kfree(&pg, 1000, 0);
	kfree(&pg, 3000, 2);
	kfree(&pg, 3000 + (1ull << 28), 4);
	page_close(&pg, 0);
	need(td_page_count(pg.p, PS, 8) == 3, "td_page_count(pg.p, PS, 8)");
	need(td_writer_page(w, 0, pg.p, PS) == 0, "td_writer_page(w, 0, pg.p, PS)");
	page_init(&pg, 1ull << 29);
	kfree(&pg, 1ull << 29, 5);
	page_close(&pg, 7);
	need(td_writer_page(w, 0, pg.p, PS) == 0, "td_writer_page(w, 0, pg.p, PS)");
	/* CPU 1: drops at 2000 and 4000 */
	page_init(&pg, 2000);
	kfree(&pg, 2000, 1);
	kfree(&pg, 4000, 3);
	page_close(&pg, 0);
	need(td_writer_page(w, 1, pg.p, PS) == 0, "td_writer_page(w, 1, pg.p, PS)");
}

void tb_build(struct built *b, const char *datadir, const char *dir)
{
	static const struct td_blob stats[1] = { { NULL, "CPU: 0\nentries: 0\n", 18 } };
	struct td_tail t = { .cmdlines = { NULL, "4242 sender\n1 init\n", 19 },
			     .clock = "local [mono] boot", .uname = "Linux test 6.18 x86_64",
			     .version = "ftnet test groups drops", .cpustats = stats,
			     .ncpustats = 1 };
	struct td_blob fmts[2];
	struct td_writer *w;
	struct td_kept kept;
	struct td_meta m;
	char path[1024];

	meta_for(&m, fmts, datadir);
	snprintf(path, sizeof(path), "%s/t.dat", dir);
	need(td_writer_open(&w, path) == 0, "td_writer_open(&w, path)");
	need(td_writer_begin(w, 2, PS, &m) == 0, "td_writer_begin(w, 2, PS, &m)");
	write_pages(w);
	need(td_writer_finish(w, &t, &kept) == 0, "td_writer_finish(w, &t, &kept)");
	need(kept.pages == 3, "kept.pages");
	need(kept.events == 6, "kept.events");
	need(kept.pages_dropped == 0, "kept.pages_dropped");
	b->data = (uint8_t *)read_file(path, &b->len);
	need(b->data != NULL, "the file written");
	need(kept.file_size == b->len, "kept.file_size");
	b->hp_at = 18 + 12;
	b->he_at = b->hp_at + 8 + m.header_page.len + 13;
	b->fmt_at = b->he_at + 8 + m.header_event.len;
	unlink(path);
}

