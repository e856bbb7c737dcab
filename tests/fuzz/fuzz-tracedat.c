// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the trace.dat reader on arbitrary files: the sections and their sizes,
 * the format rewrite and libtraceevent behind it, the page walker and the merge, and the
 * decoders and printer on every record read, and version 7's decompression (zstd, zlib).
 * Seeded with tests/data/tracedat.
 */
#include <event-parse.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "decode/decode.h"
#include "base/out.h"
#include "view/print.h"
#include "tracedat/tracedat.h"
#include "base/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct decoder	*dec;
	uint64_t	records;
};

static void on_record(void *arg, struct tep_record *rec)
{
	struct ctx *c = arg;
	struct ftnet_event ev;

	c->records++;
	if (decode_record(c->dec, rec, &ev) == 1)
		out_event(&ev);
}

static void on_lost(void *arg, int cpu, uint64_t count, uint64_t ts)
{
	struct ftnet_event ev = { .type = EV_LOST, .cpu = cpu, .count = count, .ts = ts };

	(void)arg;
	out_event(&ev);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const struct out_opts text = { .mode = OUT_TEXT, .time = TIME_MONO };

	(void)argc;
	(void)argv;
	if (!freopen("/dev/null", "w", stdout))
		abort();
	out_init(&text);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c = { 0 };
	struct reader_sink sink = { .record = on_record, .lost = on_lost, .ctx = &c };
	char err[TD_ERRLEN];
	struct td_reader *r;
	struct td_file f;
	long n;

	if (size >= 16)		/* the same bytes as one page from the kernel */
		td_page_count(data, size < 4096 ? (int)size : 4096, 8);
	if (td_parse(&f, data, size, err, sizeof(err)) < 0)
		return 0;
	c.dec = decoder_new(f.tep);
	r = td_reader_new(&f);
	do
		n = td_read(r, UINT64_MAX, 4096, &sink, err, sizeof(err));
	while (n > 0);
	/* every record is at least 4 bytes of a page (of the file, or decompressed): it ends */
	if (c.records > f.len / 4)
		abort();
	out_flush();
	td_reader_free(r);
	decoder_free(c.dec);
	td_release(&f);
	return 0;
}
