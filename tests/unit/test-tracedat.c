// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of trace.dat: files written by ftnet's writer from 6.18's formats and pages
 * built here (records, time extensions, losses, two CPUs), read back and decoded; then
 * hostile files: truncated everywhere, wrong magic and version, hostile sizes, counts and
 * offsets, corrupt pages and random bytes. Every bad file is an error, never a crash or a loop.
 * Version 7 files, uncompressed and compressed (zstd, zlib), give the same records.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode/decode.h"
#include "tap.h"
#include "tracedat-build.h"
#include "tracedat/tracedat.h"
#include "base/util.h"

#define PS TB_PAGE_SIZE
#define LOC TB_LOC

static const char *datadir;

/* --- reading back --- */

struct seen {
	struct decoder	*dec;
	uint64_t	ts[16], lost, records;
	int		cpu[16], n, nlost, drops, bad;
};

static void on_rec(void *ctx, struct tep_record *rec)
{
	struct seen *s = ctx;
	struct ftnet_event ev;

	if (s->n < 16) {
		s->ts[s->n] = rec->ts;
		s->cpu[s->n] = rec->cpu;
	}
	s->n++;
	s->records++;
	if (s->dec && decode_record(s->dec, rec, &ev) == 1 && ev.type == EV_DROP) {
		s->drops++;
		if (!ev.reason_name || strcmp(ev.reason_name, "NO_SOCKET") || ev.pid != 4242 ||
		    ev.location < LOC || ev.location > LOC + 5)
			s->bad++;
	}
}

static void on_lost(void *ctx, int cpu, uint64_t count, uint64_t ts)
{
	struct seen *s = ctx;

	(void)cpu;
	(void)ts;
	s->lost += count;
	s->nlost++;
}

/* Parses and reads everything; 0, or the first error (err says what). */
static int read_all(const uint8_t *data, size_t len, struct seen *s, bool decode, char *err)
{
	struct reader_sink sink = { .record = on_rec, .lost = on_lost, .ctx = s };
	struct td_reader *r;
	struct td_file f;
	long n;
	int ret = td_parse(&f, data, len, err, TD_ERRLEN);

	memset(s, 0, sizeof(*s));
	if (ret)
		return ret;
	s->dec = decode ? decoder_new(f.tep) : NULL;
	r = td_reader_new(&f);
	do {
		n = td_read(r, UINT64_MAX, 1000, &sink, err, TD_ERRLEN);
	} while (n > 0);
	if (n == 0)
		CHECK(td_next_ts(r) == UINT64_MAX);
	td_reader_free(r);
	decoder_free(s->dec);
	td_release(&f);
	return n < 0 ? (int)n : 0;
}

static void test_roundtrip(const struct built *b)
{
	static const uint64_t want[] = { 1000, 2000, 3000, 4000, 3000 + (1ull << 28), 1ull << 29 };
	static const int cpus[] = { 0, 1, 0, 1, 0, 0 };
	char err[TD_ERRLEN];
	struct td_file f;
	struct seen s;

	CHECK_INT(td_parse(&f, b->data, b->len, err, sizeof(err)), 0);
	CHECK_INT(f.version, 6);
	CHECK_INT(f.page_size, PS);
	CHECK_INT(f.long_size, 8);
	CHECK_INT(f.ncpus, 2);
	CHECK_STR(f.clock, "mono");
	CHECK_STR(f.uname, "Linux test 6.18 x86_64");
	CHECK_STR(f.writer, "ftnet test groups drops");
	CHECK_INT(f.cmdlines.len, 19);
	CHECK(td_has_event(&f, "skb", "kfree_skb"));
	CHECK(td_has_event(&f, "sock", "inet_sock_set_state"));
	CHECK(!td_has_event(&f, "tcp", "tcp_send_reset"));
	CHECK_INT(f.cpus[0].offset % PS, 0);
	CHECK_INT(f.cpus[0].size, 2 * PS);
	CHECK_INT(f.cpus[1].size, PS);
	td_release(&f);
	CHECK_INT(read_all(b->data, b->len, &s, true, err), 0);
	CHECK_INT(s.n, 6);
	for (int i = 0; i < 6; i++) {
		CHECK_INT(s.ts[i], want[i]);
		CHECK_INT(s.cpu[i], cpus[i]);
	}
	CHECK_INT(s.drops, 6);
	CHECK_INT(s.bad, 0);
	CHECK_INT(s.nlost, 1);
	CHECK_INT(s.lost, 7);
}

/* Every prefix of the file is refused with a message: the data of the last CPU ends it. */
static void test_truncated(const struct built *b)
{
	char err[TD_ERRLEN];
	struct td_file f;
	int accepted = 0, silent = 0;

	for (size_t cut = 0; cut < b->len; cut += cut < 16384 ? 1 : 97) {
		uint8_t *copy = xmalloc(cut + 1);

		memcpy(copy, b->data, cut);
		if (!td_parse(&f, copy, cut, err, sizeof(err))) {
			accepted++;
			td_release(&f);
		} else if (!strstr(err, "truncated") && !strstr(err, "past the end")) {
			if (!silent++)
				fprintf(stderr, "cut at %zu: %s\n", cut, err);
		}
		free(copy);
	}
	CHECK_INT(accepted, 0);
	CHECK_INT(silent, 0);
}

/* A copy of the file with v written at off (n bytes); parsing must fail with want in err. */
static void patched(const struct built *b, size_t off, uint64_t v, int n, const char *want)
{
	uint8_t *copy = xmalloc(b->len);
	char err[TD_ERRLEN] = "";
	struct seen s;
	int ret;

	memcpy(copy, b->data, b->len);
	memcpy(copy + off, &v, (size_t)n);
	ret = read_all(copy, b->len, &s, true, err);
	CHECK(ret < 0);
	if (!strstr(err, want))
		fprintf(stderr, "FAIL patch %llx at %zu: '%s', want '%s'\n",
			(unsigned long long)v, off, err, want);
	CHECK(strstr(err, want) != NULL);
	free(copy);
}

static size_t find(const struct built *b, const char *word, size_t n)
{
	const uint8_t *p = memmem(b->data, b->len, word, n);

	CHECK(p != NULL);
	return p ? (size_t)(p - b->data) : 0;
}

static void test_hostile(const struct built *b)
{
	size_t opts = find(b, "options  ", 10), fly = find(b, "flyrecord", 10) + 10;
	uint64_t off0, size0;

	memcpy(&off0, b->data + fly, 8);
	memcpy(&size0, b->data + fly + 8, 8);
	patched(b, 0, 0x18, 1, "magic");
	patched(b, 10, '7', 1, "compression header is unreadable");
	patched(b, 10, '5', 1, "version '5'");
	patched(b, 12, 2, 1, "byte order");
	patched(b, 13, 3, 1, "long size");
	patched(b, 14, 1000, 4, "power of two");
	patched(b, 14, 1u << 30, 4, "power of two");
	patched(b, b->hp_at, 1ull << 60, 8, "truncated in header_page");
	patched(b, b->hp_at, 0, 8, "no header_page");
	patched(b, b->he_at, UINT64_MAX, 8, "truncated in header_event");
	patched(b, b->fmt_at, UINT32_MAX, 4, "too many");
	patched(b, b->fmt_at, 5, 4, "truncated in the ftrace event formats");
	patched(b, b->fmt_at + 4, UINT32_MAX, 4, "too many");
	patched(b, opts - 4, 0, 4, "CPUs: not from 1");
	patched(b, opts - 4, 99999, 4, "CPUs: not from 1");
	patched(b, opts + 12, UINT32_MAX, 4, "truncated in the options");
	patched(b, fly, b->len, 8, "past the end");
	patched(b, fly, UINT64_MAX - 100, 8, "past the end");
	patched(b, fly + 8, UINT64_MAX, 8, "past the end");
	patched(b, fly + 8, size0 + 1, 8, "whole number of pages");
	patched(b, fly + 16, off0, 8, "overlap");
	/* the pages: a commit past the page, records whose lengths point outside it */
	patched(b, off0 + 8, 5000, 8, "longer than a page");
	patched(b, off0 + 8, 2, 8, "a record header is cut");
	patched(b, off0 + 16, (0xfffffff0ull << 32), 8, "runs past the page's data");
	patched(b, off0 + 16, (2ull << 32), 8, "under 4 bytes");
	patched(b, off0 + 16, (0xfffffffcull << 32) | 29 | 32, 8, "runs past the page's data");
	patched(b, off0 + 16, 28, 4, "runs past the page's data");
}

/* A format as the kernel wrote it and as src/tracedat/fmt.c rewrites it: the same to ftnet. */
static void same_format(const char *path)
{
	static const char *const sym[] = { "reason", "state", "oldstate", "newstate", "family",
					   "protocol" };
	struct tep_handle *a = tep_alloc(), *b = tep_alloc();
	struct tep_event *ea, *eb;
	size_t len, clen;
	char *text = read_file(path, &len), *clean = NULL;
	int diff = 0;

	CHECK(text != NULL);
	CHECK_INT(td_format_clean(text, len, &clean, &clen), 0);
	tep_set_long_size(a, 8);
	tep_set_long_size(b, 8);
	CHECK_INT(tep_parse_event(a, text, len, "sys"), 0);
	if (clean)
		CHECK_INT(tep_parse_event(b, clean, clen, "sys"), 0);
	ea = tep_get_first_event(a);
	eb = tep_get_first_event(b);
	CHECK(ea && eb);
	for (struct tep_format_field *f = ea && eb ? ea->format.fields : NULL; f; f = f->next) {
		struct tep_format_field *g = tep_find_field(eb, f->name);

		diff += !g || g->offset != f->offset || g->size != f->size || g->flags != f->flags;
		for (size_t i = 0; i < ARRAY_SIZE(sym); i++)
			for (int v = -1; v < 140 && !strcmp(f->name, sym[i]); v++) {
				const char *x = decode_symbol(ea, f->name, v);
				const char *y = decode_symbol(eb, f->name, v);

				diff += (!x != !y) || (x && strcmp(x, y));
			}
	}
	if (diff)
		fprintf(stderr, "FAIL %s: %d differences after the rewrite\n", path, diff);
	CHECK_INT(diff, 0);
	free(text);
	free(clean);
	tep_free(a);
	tep_free(b);
}

/* The shapes libtraceevent 1.7 crashes or leaks on never reach it (found by fuzzing). */
static void test_format_rules(void)
{
	static const struct { const char *decl; bool ok; } decls[] = {
		{ "int x", true }, { "__u8 saddr[16]", true }, { "__data_loc char[] name", true },
		{ "__rel_loc char[] name", true }, { "int x[2][3]", true },
		{ "const void * skaddr", true }, { "char[] x", false }, { "____u8[16]u16 x", false },
		{ "x", false }, { "int x;y", false }, { "int x[1a]", false }, { "int [4]", false },
	};
	static const char head[] = "name: t\nID: 5\nformat:\n\tfield:unsigned short "
				   "common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n";
	char text[1024], *out;
	size_t len;

	for (size_t i = 0; i < ARRAY_SIZE(decls); i++) {
		int n = snprintf(text, sizeof(text), "%s\tfield:%s;\toffset:8;\tsize:4;\t"
				 "signed:0;\n\nprint fmt: \"\"\n", head, decls[i].decl);
		int ret = td_format_clean(text, (size_t)n, &out, &len);

		if ((ret == 0) != decls[i].ok)
			fprintf(stderr, "FAIL declaration '%s'\n", decls[i].decl);
		CHECK((ret == 0) == decls[i].ok);
		if (!ret)
			free(out);
	}
	/* a table of a field the event lacks is left out (libtraceevent crashes on it) */
	len = (size_t)snprintf(text, sizeof(text), "%s\tfield:int a;\toffset:8;\tsize:4;\t"
			       "signed:1;\n\nprint fmt: \"%%s %%s\", __print_symbolic(REC->b, "
			       "{ 1, \"X\" }), __print_symbolic(REC->a, { 2, \"Y\" }, { 3, "
			       "\"Z\" })\n", head);
	CHECK_INT(td_format_clean(text, len, &out, &len), 0);
	CHECK(strstr(out, "REC->b") == NULL);
	CHECK(strstr(out, "__print_symbolic(REC->a, { 2, \"Y\" }, { 3, \"Z\" })") != NULL);
	free(out);
	{
		static const char hp4[] = "\tfield: local_t commit;\toffset:8;\tsize:4;\tsigned:1;\n";
		static const char hp3[] = "\tfield: local_t commit;\toffset:8;\tsize:3;\n";

		CHECK_INT(td_header_long_size(hp4, strlen(hp4)), 4);
		CHECK(td_header_long_size(hp3, strlen(hp3)) < 0);
	}
}

/* Every format recorded under tests/data (four kernels, kprobes included). */
static void test_fixture_formats(void)
{
	static const char *const kernels[] = { "linux-6.18", "linux-6.1", "linux-6.1-probes-v1",
					       "linux-5.10", "linux-4.15", "linux-4.16" };
	int n = 0;

	for (size_t k = 0; k < ARRAY_SIZE(kernels); k++) {
		char dir[1024];
		DIR *sd, *ed;
		struct dirent *s, *e;

		snprintf(dir, sizeof(dir), "%s/%s", datadir, kernels[k]);
		for (sd = opendir(dir); sd && (s = readdir(sd));) {
			char sub[2048];

			snprintf(sub, sizeof(sub), "%s/%s", dir, s->d_name);
			for (ed = s->d_name[0] != '.' ? opendir(sub) : NULL; ed && (e = readdir(ed));) {
				char path[3072];

				if (e->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s/format", sub, e->d_name);
				if (access(path, R_OK))
					continue;
				same_format(path);
				n++;
			}
			if (ed)
				closedir(ed);
		}
		if (sd)
			closedir(sd);
	}
	CHECK(n >= 40);
}

static uint64_t rnd_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Random bytes in the sections and the pages: an error or a file read, always to its end. */
static void test_random(const struct built *b)
{
	size_t data0 = (size_t)(find(b, "flyrecord", 10) + 48 + PS - 1) / PS * PS;
	uint8_t *copy = xmalloc(b->len);
	int ok = 0, refused = 0;

	for (int i = 0; i < 3000; i++) {
		char err[TD_ERRLEN];
		struct seen s;
		int flips = 1 + (int)(rnd() % 4);

		memcpy(copy, b->data, b->len);
		for (int k = 0; k < flips; k++) {
			size_t at = i % 2 ? rnd() % data0 : data0 + rnd() % (b->len - data0);

			/* page headers and record headers more often than payloads */
			if (i % 4 == 2)
				at = data0 + (rnd() % 3) * PS + rnd() % 24;
			copy[at] = (uint8_t)rnd();
		}
		if (read_all(copy, b->len, &s, true, err))
			refused++;
		else
			ok++;
		CHECK(s.records <= 3 * PS / 4);
	}
	CHECK(ok > 0);
	CHECK(refused > 0);
	free(copy);
}

/* trace-cmd's conversion of the same file to version 7 (uncompressed): the same records. */
static void test_v7(void)
{
	char err[TD_ERRLEN];
	size_t len;
	uint8_t *data = (uint8_t *)tb_slurp(datadir, "tracedat/drops-6.18-v7.dat", &len);
	struct td_file f;
	struct seen s;
	int refused = 0;

	CHECK_INT(td_parse(&f, data, len, err, sizeof(err)), 0);
	CHECK_INT(f.version, 7);
	CHECK_STR(f.clock, "mono");
	CHECK_INT(f.ncpus, 2);
	td_release(&f);
	CHECK_INT(read_all(data, len, &s, true, err), 0);
	CHECK_INT(s.n, 6);
	CHECK_INT(s.drops, 6);
	CHECK_INT(s.bad, 0);
	CHECK_INT(s.lost, 7);
	CHECK_INT(s.ts[4], 3000 + (1ull << 28));
	/* every prefix and random bytes: read or refused, never a crash */
	for (size_t cut = 0; cut < len; cut += cut < 8192 ? 1 : 61)
		refused += read_all(data, cut, &s, true, err) < 0;
	CHECK(refused > 8000);
	for (int i = 0; i < 2000; i++) {
		uint8_t *copy = xmalloc(len);

		memcpy(copy, data, len);
		for (int k = 0; k < 1 + (int)(rnd() % 4); k++)
			copy[i % 2 ? rnd() % 8192 : rnd() % len] = (uint8_t)rnd();
		read_all(copy, len, &s, true, err);
		CHECK(s.records <= len / 4);
		free(copy);
	}
	patched(&(struct built){ .data = data, .len = len }, 34, 1, 2,
		"the headers is compressed, but the file says it is not");
	data[0x12] = 'z';	/* "none" -> "zone": a compression ftnet does not know */
	CHECK_INT(td_parse(&f, data, len, err, sizeof(err)), -ENOTSUP);
	CHECK(strstr(err, "compressed with zone") != NULL);
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Sizes, counts and bytes of a compressed file made wrong: each an error that says so. */
static void test_v7z_hostile(const struct built *b)
{
	const uint8_t *names = b->data + 18;	/* after the magic, "7", byte order, long, page */
	size_t hs = 18 + strlen((const char *)names) + 1;
	size_t sec, chunk = PS;	/* CPU 0's chunks: trace-cmd aligns the CPU data to pages */
	uint32_t size, zsize = rd32(b->data + chunk + 4), usize = rd32(b->data + chunk + 8);
	int refused = 0, n = 0;

	hs += strlen((const char *)b->data + hs) + 1;
	sec = hs + 8 + 16;	/* the first section's (the headers') compression header */
	size = rd32(b->data + sec + 4);
	CHECK_INT(rd32(b->data + hs + 8), 16 | 1 << 16);	/* id 16, compressed */
	CHECK(rd32(b->data + chunk) == 1 || rd32(b->data + chunk) == 2);
	patched(b, sec, UINT32_MAX, 4, "truncated in the headers");
	patched(b, sec + 4, 65u << 20, 4, "over the 64 MiB a block may have");
	patched(b, sec + 4, size + 1, 4, "declared");
	patched(b, sec + 4, size - 1, 4, "declared");
	patched(b, sec + 12, 0x5a5a5a5a, 4, "the headers: corrupt");
	patched(b, chunk, UINT32_MAX, 4, "CPU 0");
	patched(b, chunk + 4, UINT32_MAX - 8, 4, "truncated in chunk 0 of CPU 0");
	patched(b, chunk + 8, UINT32_MAX, 4, "chunk 0 of CPU 0: declares 4294967295 bytes "
		"decompressed, over the 64 MiB");
	patched(b, chunk + 8, usize + PS, 4, "chunk 0 of CPU 0: ");
	patched(b, chunk + 8, usize - 1, 4, "chunk 0 of CPU 0: ");
	patched(b, chunk + 8, 0, 4, "chunk 0 of CPU 0: ");
	patched(b, chunk + 12, 0x5a5a5a5a, 4, "chunk 0 of CPU 0: ");
	/* random bytes anywhere: read or refused, never more records than the pages hold */
	for (int i = 0; i < 2000; i++) {
		uint8_t *copy = xmalloc(b->len);
		char err[TD_ERRLEN];
		struct seen s;

		memcpy(copy, b->data, b->len);
		for (int k = 0; k < 1 + (int)(rnd() % 3); k++)
			copy[i % 2 ? chunk + rnd() % (12 + zsize) : rnd() % b->len] =
				(uint8_t)rnd();
		refused += read_all(copy, b->len, &s, true, err) < 0;
		CHECK(s.records <= 3 * PS / 4);
		free(copy);
	}
	CHECK(refused > 500);
	/* every prefix: the sections ftnet reads, then the CPU data end by CPU 1's chunks */
	for (size_t cut = 0; cut < b->len; cut++) {
		char err[TD_ERRLEN];
		struct seen s;

		if (!read_all(b->data, cut, &s, true, err))
			continue;
		n += !strstr(err, "truncated") && !strstr(err, "past the end");
		refused++;
	}
	CHECK_INT(n, 0);
	CHECK(refused > 2000 + 500);
}

/* trace-cmd's zstd conversion of the v6 file, and a zlib one: the v6 file's very records. */
static void test_v7z(void)
{
	static const char *const names[] = { "tracedat/drops-6.18-zstd.dat",
					     "tracedat/drops-6.18-zlib.dat" };
	char err[TD_ERRLEN];
	struct seen want, s;
	size_t len;
	uint8_t *v6 = (uint8_t *)tb_slurp(datadir, "tracedat/drops-6.18.dat", &len);

	CHECK_INT(read_all(v6, len, &want, true, err), 0);
	CHECK_INT(want.n, 6);
	CHECK_INT(want.lost, 7);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		uint8_t *data = (uint8_t *)tb_slurp(datadir, names[i], &len);
		struct td_file f;

		CHECK_INT(td_parse(&f, data, len, err, sizeof(err)), 0);
		CHECK_INT(f.version, 7);
		CHECK_INT(f.ncpus, 2);
		CHECK_INT(f.cpus[0].size, 2 * PS);
		CHECK_INT(f.cpus[1].size, PS);
		CHECK_STR(f.clock, "mono");
		CHECK_STR(f.writer, "ftnet test groups drops");
		CHECK_INT(f.cmdlines.len, 19);
		CHECK(f.kallsyms.len > 0 && f.kallsyms.data[0] == 'f');
		CHECK(td_has_event(&f, "skb", "kfree_skb"));
		td_release(&f);
		CHECK_INT(read_all(data, len, &s, true, err), 0);
		CHECK_INT(s.n, want.n);
		CHECK_INT(s.drops, 6);
		CHECK_INT(s.bad, 0);
		CHECK_INT(s.nlost, want.nlost);
		CHECK_INT(s.lost, want.lost);
		CHECK(!memcmp(s.ts, want.ts, sizeof(s.ts)));
		CHECK(!memcmp(s.cpu, want.cpu, sizeof(s.cpu)));
		test_v7z_hostile(&(struct built){ .data = data, .len = len });
		memcpy(data + 18, "zstx", 4);
		CHECK_INT(td_parse(&f, data, len, err, sizeof(err)), -ENOTSUP);
		CHECK(strstr(err, "compressed with zstx") != NULL);
	}
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/ftnet-tracedat-XXXXXX";
	struct built b;

	datadir = getenv("TESTDATA");
	if (!datadir)
		datadir = "tests/data";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	tb_build(&b, datadir, dir);
	rmdir(dir);
	if (argc == 3 && !strcmp(argv[1], "--write")) {	/* the fuzzer's seed */
		FILE *out = fopen(argv[2], "w");

		if (!out || fwrite(b.data, 1, b.len, out) != b.len || fclose(out))
			return 1;
		return 0;
	}
	test_format_rules();
	test_fixture_formats();
	test_roundtrip(&b);
	test_truncated(&b);
	test_hostile(&b);
	test_random(&b);
	test_v7();
	test_v7z();
	free(b.data);
	tb_free_texts();
	printf("tracedat: %d checks, %d failed\n", tap_run, tap_failed);
	return tap_failed ? 1 : 0;
}
