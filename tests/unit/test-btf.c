// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the BTF reader: the offsets of three kernels' blobs (tests/data/btf, made by
 * mkbtf.py from their full BTF) and of this machine's own BTF, function parameters, every
 * BTF kind in a blob built here, and hostile input: truncated, corrupted, random.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "kernel/btf.h"
#include "tap.h"
#include "base/util.h"

static const char *datadir;

/* --- the kernels' blobs --- */

/* Offset and size of each field of struct btf_skb_offsets, in btf_skb_field() order. */
struct kernel {
	const char	*blob;		/* under tests/data/btf */
	const char	*release;	/* uname -r of the kernel it came from */
	uint32_t	off[20][2];
};

/* Checked with pahole on each kernel's full BTF. */
static const struct kernel kernels[] = {
	{ "linux-6.18.btf", "6.18.44-fc-v595", {
		/* sk_buff: head data network_header transport_header mac_header len dev sk */
		{ 192, 8 }, { 200, 8 }, { 180, 2 }, { 178, 2 }, { 182, 2 }, { 112, 4 }, { 16, 8 },
		{ 24, 8 },
		/* net_device: name ifindex nd_net */
		{ 280, 16 }, { 224, 4 }, { 264, 8 },
		/* sock_common: daddr rcv_saddr dport num family state net v6_daddr v6_rcv_saddr */
		{ 0, 4 }, { 4, 4 }, { 12, 2 }, { 14, 2 }, { 16, 2 }, { 18, 1 }, { 48, 8 },
		{ 56, 16 }, { 72, 16 } } },
	{ "linux-6.1.btf", "6.1.0-56-cloud-amd64", {
		{ 200, 8 }, { 208, 8 }, { 184, 2 }, { 182, 2 }, { 186, 2 }, { 112, 4 }, { 16, 8 },
		{ 24, 8 },
		{ 0, 16 }, { 216, 4 }, { 1280, 8 },
		{ 0, 4 }, { 4, 4 }, { 12, 2 }, { 14, 2 }, { 16, 2 }, { 18, 1 }, { 48, 8 },
		{ 56, 16 }, { 72, 16 } } },
	{ "linux-5.10.btf", "5.10.0-46-cloud-amd64", {
		{ 192, 8 }, { 200, 8 }, { 180, 2 }, { 178, 2 }, { 182, 2 }, { 112, 4 }, { 16, 8 },
		{ 24, 8 },
		{ 0, 16 }, { 256, 4 }, { 1264, 8 },
		{ 0, 4 }, { 4, 4 }, { 12, 2 }, { 14, 2 }, { 16, 2 }, { 18, 1 }, { 48, 8 },
		{ 56, 16 }, { 72, 16 } } },
};

/* Which argument of each function is the skb: index from 0, or -ENOENT / -ESRCH; count. */
struct func_arg {
	const char	*func;
	int		arg[3][2];	/* per kernel above: { index or error, parameters } */
};

static const struct func_arg func_args[] = {
	{ "sk_skb_reason_drop",		{ { 1, 3 }, { -ENOENT, 0 }, { -ENOENT, 0 } } },
	{ "kfree_skb_reason",		{ { -ENOENT, 0 }, { 0, 2 }, { -ENOENT, 0 } } },
	{ "kfree_skb",			{ { -ENOENT, 0 }, { -ENOENT, 0 }, { 0, 1 } } },
	/* its skb is a struct sk_buff **: no parameter is the skb itself */
	{ "__netif_receive_skb_core",	{ { -ESRCH, 3 }, { -ENOENT, 0 }, { -ESRCH, 3 } } },
	{ "ip_rcv",			{ { 0, 4 }, { 0, 4 }, { 0, 4 } } },
	{ "tcp_v4_rcv",			{ { 0, 1 }, { 0, 1 }, { 0, 1 } } },
	{ "udp_rcv",			{ { 0, 1 }, { 0, 1 }, { 0, 1 } } },
	{ "consume_skb",		{ { 0, 1 }, { 0, 1 }, { 0, 1 } } },
};

static struct btf *open_blob(const char *name)
{
	struct btf *btf;
	char path[512];
	int r;

	snprintf(path, sizeof(path), "%s/btf/%s", datadir, name);
	r = btf_open(path, &btf);
	if (r < 0) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerror(-r));
		exit(99);
	}
	return btf;
}

static void check_offsets(const char *what, struct btf *btf, const struct kernel *k)
{
	struct btf_skb_offsets o;
	int n = btf_skb_offsets(btf, &o);

	CHECK_INT(n, btf_skb_offsets_total());
	for (int i = 0; i < btf_skb_offsets_total(); i++) {
		const struct btf_field *f;
		const char *name = btf_skb_field(&o, i, &f);

		tap_run++;
		if (!f->found || f->offset != k->off[i][0] || f->size != k->off[i][1]) {
			tap_failed++;
			fprintf(stderr, "FAIL %s %s: %s offset %u size %u, expected %u %u\n", what,
				k->blob, name, f->offset, f->size, k->off[i][0], k->off[i][1]);
		}
	}
}

/* Members beside the fetched ones: struct groups, bitfields, what typedefs resolve to. */
static void check_members(struct btf *btf, const struct kernel *k)
{
	struct btf_member m, g;
	uint32_t size;
	int id = btf_find_struct(btf, "sk_buff");

	CHECK(id > 0);
	CHECK_INT(btf_type_size(btf, (uint32_t)id, &size), 0);
	CHECK_INT(size, k->off[0][0] == 192 ? 224 : 232);
	/* 5.17+ group the headers as sk_buff.headers; either way, the same place */
	CHECK_INT(btf_member(btf, (uint32_t)id, "network_header", &m), 0);
	if (btf_member(btf, (uint32_t)id, "headers.network_header", &g) == 0)
		CHECK_INT(g.offset, m.offset);
	CHECK_INT(m.bit_size, 0);
	CHECK_INT(m.bit_offset, m.offset * 8);
	/* pkt_type is a 3-bit field in every kernel */
	CHECK_INT(btf_member(btf, (uint32_t)id, "pkt_type", &m), 0);
	CHECK_INT(m.bit_size, 3);
	CHECK_INT(btf_member(btf, (uint32_t)id, "no_such_member", &m), -ENOENT);
	CHECK_INT(btf_member(btf, (uint32_t)id, "len.x", &m), -ENOENT);
	CHECK_INT(btf_member(btf, (uint32_t)id, "", &m), -ENOENT);
	CHECK_INT(btf_member(btf, (uint32_t)id, "len.", &m), -ENOENT);
	CHECK_INT(btf_struct_member(btf, "sock_common", "skc_state", &m), 0);
	CHECK_INT(m.size, 1);	/* volatile unsigned char */
	CHECK_INT(btf_struct_member(btf, "no_such_struct", "len", &m), -ENOENT);
	CHECK_INT(btf_find_struct(btf, "no_such_struct"), -ENOENT);
}

static void check_funcs(struct btf *btf, int ki)
{
	for (size_t i = 0; i < ARRAY_SIZE(func_args); i++) {
		const struct func_arg *fa = &func_args[i];
		int nargs = -1, r = btf_func_arg(btf, fa->func, "sk_buff", &nargs);

		tap_run++;
		if (r != fa->arg[ki][0] || (r != -ENOENT && nargs != fa->arg[ki][1])) {
			tap_failed++;
			fprintf(stderr, "FAIL %s %s: arg %d of %d, expected %d of %d\n",
				kernels[ki].blob, fa->func, r, nargs, fa->arg[ki][0],
				fa->arg[ki][1]);
		}
	}
	{
		int nargs;

		CHECK_INT(btf_func_arg(btf, "ip_rcv", "net_device", &nargs), 1);
		CHECK_INT(btf_func_arg(btf, "no_such_func", "sk_buff", &nargs), -ENOENT);
	}
}

static void test_kernels(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(kernels); i++) {
		struct btf *btf = open_blob(kernels[i].blob);

		check_offsets("blob", btf, &kernels[i]);
		check_members(btf, &kernels[i]);
		check_funcs(btf, (int)i);
		btf_free(btf);
	}
}

/* A kernel's full BTF, where there is one: this machine's, and FTNET_BTF_FULL/<release>. */
static void test_full(const char *path, const struct kernel *k)
{
	struct btf_skb_offsets o;
	struct btf *btf;
	char line[256];
	int r = btf_open(path, &btf);

	CHECK_INT(r, 0);
	if (r < 0)
		return;
	CHECK(btf_type_count(btf) > 10000);
	if (k) {
		check_offsets("full", btf, k);
		check_members(btf, k);
		check_funcs(btf, (int)(k - kernels));
	} else {
		/* another kernel than the blobs': every field found, in its struct */
		CHECK_INT(btf_skb_offsets(btf, &o), btf_skb_offsets_total());
		CHECK(o.skb.head.size == 8 && o.skb.len.size == 4 && o.dev.name.size == 16);
	}
	btf_skb_offsets(btf, &o);
	CHECK_STR(btf_describe(line, sizeof(line), path, 0, &o),
		  !strcmp(path, BTF_VMLINUX) ? "BTF /sys/kernel/btf/vmlinux (20 of 20 offsets)" :
		  line);
	btf_free(btf);
}

static void test_full_kernels(void)
{
	const char *dir = getenv("FTNET_BTF_FULL");
	struct utsname u;
	FILE *f;

	uname(&u);
	f = fopen(BTF_VMLINUX, "rb");
	if (f) {
		const struct kernel *k = NULL;

		fclose(f);
		for (size_t i = 0; i < ARRAY_SIZE(kernels); i++)
			if (!strcmp(u.release, kernels[i].release))
				k = &kernels[i];
		if (!k)
			printf("# %s: kernel %s has no blob here: its offsets are not compared\n",
			       BTF_VMLINUX, u.release);
		test_full(BTF_VMLINUX, k);
	} else {
		printf("# %s absent: the running kernel's BTF is not tested\n", BTF_VMLINUX);
	}
	/* the full files mkbtf.py cut the blobs from, named by release (not in the tree) */
	for (size_t i = 0; dir && i < ARRAY_SIZE(kernels); i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", dir, kernels[i].release);
		if ((f = fopen(path, "rb"))) {
			fclose(f);
			test_full(path, &kernels[i]);
		}
	}
}

/* --- a blob of every kind, built here --- */

struct blob {
	uint8_t		types[4096];
	char		strs[1024];
	size_t		tlen, slen;
	uint32_t	ids;
};

static uint32_t str(struct blob *b, const char *s)
{
	uint32_t off;

	if (!*s)
		return 0;
	off = (uint32_t)b->slen;
	memcpy(b->strs + b->slen, s, strlen(s) + 1);
	b->slen += strlen(s) + 1;
	return off;
}

static void u32(struct blob *b, uint32_t v)
{
	memcpy(b->types + b->tlen, &v, 4);
	b->tlen += 4;
}

/* A type's fixed part; its trailing records follow with u32() and member(). */
static uint32_t type(struct blob *b, const char *name, int kind, int kflag, int vlen, uint32_t st)
{
	u32(b, str(b, name));
	u32(b, (uint32_t)kind << 24 | (uint32_t)kflag << 31 | (uint32_t)vlen);
	u32(b, st);
	return ++b->ids;
}

static void member(struct blob *b, const char *name, uint32_t type, uint32_t off)
{
	u32(b, str(b, name));
	u32(b, type);
	u32(b, off);
}

/* Header, types, strings: the layout the kernel writes. */
static size_t finish(struct blob *b, uint8_t *out)
{
	uint32_t h[6] = { 0, 24, 0, (uint32_t)b->tlen, (uint32_t)b->tlen, (uint32_t)b->slen };

	h[0] = 0xeb9f | 1 << 16;
	memcpy(out, h, 24);
	memcpy(out + 24, b->types, b->tlen);
	memcpy(out + 24 + b->tlen, b->strs, b->slen);
	return 24 + b->tlen + b->slen;
}

enum { T_INT = 1, T_LONG, T_VOIDP, T_ARR, T_OUTER, T_UNION, T_INNER, T_ANON, T_FWD, T_TDEF,
       T_CONST, T_VOL, T_ENUM, T_PROTO, T_PTR, T_CPTR, T_FUNC, T_FLOAT, T_VAR, T_ENUM64, T_SEC,
       T_DTAG, T_TTAG, T_RESTRICT, T_OLDBF, T_BF3, T_BF5, T_FUNC_G, T_PROTO_G, T_LOOP1, T_LOOP2,
       T_BAD, T_SELF, T_HUGEARR, T_HUGE };

static size_t build_all_kinds(uint8_t *out)
{
	static struct blob b;

	memset(&b, 0, sizeof(b));
	b.slen = 1;
	type(&b, "int", 1, 0, 0, 4), u32(&b, 1u << 24 | 32);
	type(&b, "long unsigned int", 1, 0, 0, 8), u32(&b, 64);
	type(&b, "", 2, 0, 0, 0);				/* void * */
	type(&b, "", 3, 0, 0, 0), u32(&b, T_INT), u32(&b, T_INT), u32(&b, 4);
	type(&b, "outer", 4, 1, 9, 64);
	member(&b, "a", T_INT, 0);
	member(&b, "", T_UNION, 32);
	member(&b, "bf", T_INT, 3u << 24 | 72);
	member(&b, "arr", T_ARR, 128);
	member(&b, "p", T_VOIDP, 256);
	member(&b, "t", T_TDEF, 320);
	member(&b, "named", T_INNER, 352);
	member(&b, "e", T_ENUM, 416);
	member(&b, "e64", T_ENUM64, 448);
	type(&b, "", 5, 0, 2, 4);
	member(&b, "u1", T_INT, 0);
	member(&b, "", T_ANON, 0);
	type(&b, "inner", 4, 0, 2, 8);
	member(&b, "x", T_INT, 0);
	member(&b, "y", T_INT, 32);
	type(&b, "", 4, 0, 1, 4);
	member(&b, "deep", T_INT, 0);
	type(&b, "fwd", 7, 0, 0, 0);
	type(&b, "myint", 8, 0, 0, T_CONST);
	type(&b, "", 10, 0, 0, T_VOL);
	type(&b, "", 9, 0, 0, T_INT);
	type(&b, "color", 6, 0, 2, 4), u32(&b, str(&b, "red")), u32(&b, 0);
	u32(&b, str(&b, "green")), u32(&b, 1);
	type(&b, "", 13, 0, 3, T_INT);
	u32(&b, str(&b, "a")), u32(&b, T_INT);
	u32(&b, str(&b, "s")), u32(&b, T_PTR);
	u32(&b, 0), u32(&b, 0);					/* ... */
	type(&b, "", 2, 0, 0, T_CPTR);
	type(&b, "", 10, 0, 0, T_OUTER);			/* const struct outer */
	type(&b, "f", 12, 0, 1, T_PROTO);
	type(&b, "double", 16, 0, 0, 8);
	type(&b, "v", 14, 0, 0, T_INT), u32(&b, 1);
	type(&b, "big", 19, 0, 1, 8), u32(&b, str(&b, "huge")), u32(&b, 1), u32(&b, 2);
	type(&b, ".data", 15, 0, 1, 4), u32(&b, T_VAR), u32(&b, 0), u32(&b, 4);
	type(&b, "tag", 17, 0, 0, T_FUNC), u32(&b, UINT32_MAX);
	type(&b, "user", 18, 0, 0, T_INT);
	type(&b, "", 11, 0, 0, T_PTR);				/* struct outer *restrict */
	type(&b, "oldbf", 4, 0, 2, 4);
	member(&b, "lo", T_BF3, 0);
	member(&b, "hi", T_BF5, 0);
	type(&b, "unsigned int", 1, 0, 0, 4), u32(&b, 3);
	type(&b, "unsigned int", 1, 0, 0, 4), u32(&b, 3u << 16 | 5);
	type(&b, "g", 12, 0, 0, T_PROTO_G);
	type(&b, "", 13, 0, 2, 0);
	u32(&b, str(&b, "x")), u32(&b, T_INT);
	u32(&b, str(&b, "skb")), u32(&b, T_RESTRICT);
	type(&b, "loop1", 8, 0, 0, T_LOOP2);
	type(&b, "loop2", 8, 0, 0, T_LOOP1);
	type(&b, "bad", 4, 0, 2, 4);
	member(&b, "l", T_LOOP1, 0);
	member(&b, "z", T_INT, 0);
	type(&b, "selfish", 4, 0, 2, 4);
	member(&b, "", T_SELF, 0);
	member(&b, "q", T_INT, 0);
	type(&b, "", 3, 0, 0, 0), u32(&b, T_ARR), u32(&b, T_INT), u32(&b, 0x40000000);
	type(&b, "huge", 4, 0, 1, 4);
	member(&b, "big", T_HUGEARR, 0);
	if (b.ids != T_HUGE) {
		fprintf(stderr, "the test blob has %u types, not %d\n", b.ids, T_HUGE);
		exit(99);
	}
	return finish(&b, out);
}

static void check_member(struct btf *btf, const char *s, const char *path, uint32_t bit_off,
			 uint32_t bit_size, uint32_t size)
{
	struct btf_member m;
	int r = btf_struct_member(btf, s, path, &m);

	tap_run++;
	if (r || m.bit_offset != bit_off || m.bit_size != bit_size || m.size != size ||
	    m.offset != bit_off / 8) {
		tap_failed++;
		fprintf(stderr, "FAIL %s.%s: %d, bits %u+%u size %u, expected bits %u+%u size %u\n",
			s, path, r, m.bit_offset, m.bit_size, m.size, bit_off, bit_size, size);
	}
}

static void test_all_kinds(void)
{
	static uint8_t data[8192];
	struct btf_member m;
	struct btf *btf;
	uint32_t size;
	int nargs;

	CHECK_INT(btf_parse(data, build_all_kinds(data), &btf), 0);
	CHECK_INT(btf_type_count(btf), T_HUGE + 1);
	check_member(btf, "outer", "a", 0, 0, 4);
	check_member(btf, "outer", "u1", 32, 0, 4);
	check_member(btf, "outer", "deep", 32, 0, 4);	/* two anonymous levels down */
	check_member(btf, "outer", "bf", 72, 3, 4);
	check_member(btf, "outer", "arr", 128, 0, 16);
	check_member(btf, "outer", "p", 256, 0, 8);
	check_member(btf, "outer", "t", 320, 0, 4);	/* typedef, const, volatile, int */
	check_member(btf, "outer", "named", 352, 0, 8);
	check_member(btf, "outer", "named.y", 384, 0, 4);
	check_member(btf, "outer", "e", 416, 0, 4);
	check_member(btf, "outer", "e64", 448, 0, 8);
	check_member(btf, "oldbf", "lo", 0, 3, 4);	/* bitfields without kind_flag */
	check_member(btf, "oldbf", "hi", 3, 5, 4);
	check_member(btf, "bad", "z", 0, 0, 4);
	CHECK_INT(btf_struct_member(btf, "outer", "x", &m), -ENOENT);	/* not anonymous */
	CHECK_INT(btf_struct_member(btf, "outer", "named.z", &m), -ENOENT);
	CHECK_INT(btf_struct_member(btf, "outer", "a.b", &m), -ENOENT);
	CHECK_INT(btf_struct_member(btf, "bad", "l", &m), -EINVAL);	/* a typedef loop */
	CHECK_INT(btf_struct_member(btf, "selfish", "q", &m), -EINVAL);
	CHECK_INT(btf_struct_member(btf, "huge", "big", &m), -EINVAL);	/* 16 GB */
	CHECK_INT(btf_find_struct(btf, "fwd"), -ENOENT);
	CHECK_INT(btf_find_struct(btf, "inner"), T_INNER);
	CHECK_INT(btf_type_size(btf, T_TDEF, &size), 0);
	CHECK_INT(size, 4);
	CHECK_INT(btf_type_size(btf, T_OUTER, &size), 0);
	CHECK_INT(size, 64);
	CHECK_INT(btf_type_size(btf, T_FLOAT, &size), 0);
	CHECK_INT(size, 8);
	CHECK_INT(btf_type_size(btf, T_SEC, &size), 0);
	CHECK_INT(btf_type_size(btf, T_TTAG, &size), 0);
	CHECK_INT(size, 4);
	CHECK_INT(btf_type_size(btf, T_LOOP1, &size), -EINVAL);
	CHECK_INT(btf_type_size(btf, T_FUNC, &size), -EINVAL);
	CHECK_INT(btf_type_size(btf, T_FWD, &size), -EINVAL);
	CHECK_INT(btf_type_size(btf, 0, &size), -EINVAL);
	CHECK_INT(btf_type_size(btf, T_HUGE + 1, &size), -EINVAL);
	CHECK_INT(btf_type_size(btf, T_HUGEARR, &size), -EINVAL);
	CHECK_INT(btf_func_arg(btf, "f", "outer", &nargs), 1);	/* const struct outer * */
	CHECK_INT(nargs, 2);					/* "..." not counted */
	CHECK_INT(btf_func_arg(btf, "g", "outer", &nargs), 1);	/* through restrict */
	CHECK_INT(btf_func_arg(btf, "f", "inner", &nargs), -ESRCH);
	CHECK_INT(nargs, 2);
	CHECK_INT(btf_func_arg(btf, "v", "outer", &nargs), -ENOENT);	/* a VAR */
	{
		struct btf_skb_offsets o;
		char line[256];

		CHECK_INT(btf_skb_offsets(btf, &o), 0);
		CHECK(!o.skb.head.found && !o.sk.skc_v6_daddr.found);
		btf_describe(line, sizeof(line), "x.btf", 0, &o);
		CHECK(!strncmp(line, "BTF x.btf (0 of 20 offsets): no sk_buff.head, sk_buff.data, ",
			       60));
		/* cut before a name rather than in it */
		CHECK_STR(btf_describe(line, 48, "x.btf", 0, &o),
			  "BTF x.btf (0 of 20 offsets): no sk_buff.head");
	}
	btf_free(btf);
}

/* --- hostile input --- */

static int parse_and_query(const uint8_t *d, size_t size)
{
	struct btf_skb_offsets o;
	struct btf *btf;
	int nargs, r = btf_parse(d, size, &btf);

	if (r < 0)
		return r;
	btf_skb_offsets(btf, &o);
	btf_func_arg(btf, "f", "outer", &nargs);
	btf_func_arg(btf, "sk_skb_reason_drop", "sk_buff", &nargs);
	for (uint32_t id = 0; id <= btf_type_count(btf); id++) {
		uint32_t s;

		btf_type_size(btf, id, &s);
	}
	btf_free(btf);
	return 0;
}

static void set32(uint8_t *d, size_t at, uint32_t v)
{
	memcpy(d + at, &v, 4);
}

static void test_hostile_header(const uint8_t *good, size_t n)
{
	static const struct {
		size_t		at;
		uint32_t	v;
		int		bytes;
	} bad[] = {
		{ 0, 0x9feb, 2 },	/* the other byte order */
		{ 2, 2, 1 },		/* version */
		{ 4, 23, 4 },		/* hdr_len */
		{ 4, 0x7fffffff, 4 },
		{ 8, 2, 4 },		/* type_off misaligned */
		{ 8, 0xfffffff0, 4 },	/* past the end, and wrapping */
		{ 12, 0xfffffff0, 4 },	/* type_len */
		{ 12, 8, 4 },		/* types cut in the middle of one */
		{ 16, 0xffffffff, 4 },	/* str_off */
		{ 20, 0, 4 },		/* str_len */
		{ 20, 0xffffffff, 4 },
	};
	static uint8_t d[8192];
	struct btf *btf;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(d, good, n);
		memcpy(d + bad[i].at, &bad[i].v, (size_t)bad[i].bytes);
		CHECK_INT(btf_parse(d, n, &btf), -EINVAL);
		CHECK(btf == NULL);
	}
	/* strings not starting or ending with NUL */
	memcpy(d, good, n);
	d[n - 1] = 'x';
	CHECK_INT(btf_parse(d, n, &btf), -EINVAL);
	memcpy(d, good, n);
	d[n - (n - 24 - (size_t)(d[12] | d[13] << 8))] = 'x';
	CHECK_INT(btf_parse(d, n, &btf), -EINVAL);
	CHECK_INT(btf_parse(d, 0, &btf), -EINVAL);
	CHECK_INT(btf_parse(d, 23, &btf), -EINVAL);
}

static void test_hostile_types(const uint8_t *good, size_t n)
{
	static uint8_t d[8192];
	struct btf *btf;

	/* the first type (at 24): unknown kinds, unused bits, names and records past the end */
	static const uint32_t infos[] = { 0, 20u << 24, 31u << 24, 1u << 24 | 1u << 16,
					  1u << 24 | 1u << 29, 4u << 24 | 0xffff, 13u << 24 | 600 };

	for (size_t i = 0; i < ARRAY_SIZE(infos); i++) {
		memcpy(d, good, n);
		set32(d, 28, infos[i]);
		CHECK_INT(btf_parse(d, n, &btf), -EINVAL);
	}
	memcpy(d, good, n);
	set32(d, 24, 0x7fffffff);	/* name_off */
	CHECK_INT(btf_parse(d, n, &btf), -EINVAL);
	/* a member's type id past the last: found at lookup */
	memcpy(d, good, n);
	{
		struct btf_member m;
		size_t outer_members = 24 + 16 + 16 + 12 + 24 + 12;

		set32(d, outer_members + 4, 9999);	/* outer.a */
		set32(d, outer_members + 12 + 4, 9999);	/* outer's anonymous union */
		CHECK_INT(btf_parse(d, n, &btf), 0);
		CHECK_INT(btf_struct_member(btf, "outer", "a", &m), -EINVAL);
		CHECK_INT(btf_struct_member(btf, "outer", "zz", &m), -EINVAL);
		btf_free(btf);
	}
}

/* Every truncation, and every byte flipped two ways: errors or answers, never a crash. */
static void test_truncated_and_flipped(const uint8_t *good, size_t n, const char *what)
{
	uint8_t *d = malloc(n);
	size_t ok = 0, bad = 0;
	struct btf *btf;

	for (size_t len = 0; len < n; len++) {
		memcpy(d, good, len);
		if (btf_parse(d, len, &btf) != -EINVAL)
			bad++;
	}
	tap_run++;
	if (bad) {
		tap_failed++;
		fprintf(stderr, "FAIL %s: %zu truncations not refused\n", what, bad);
	}
	memcpy(d, good, n);
	for (size_t i = 0; i < n; i++) {
		uint8_t was = d[i];

		d[i] = ~was;
		ok += parse_and_query(d, n) == 0;
		d[i] = was + 1;
		ok += parse_and_query(d, n) == 0;
		d[i] = was;
	}
	printf("# %s: %zu of %zu flipped blobs still parse\n", what, ok, 2 * n);
	CHECK(ok < 2 * n);
	free(d);
}

/* A small PRNG: the same inputs every run. */
static uint32_t rnd(void)
{
	static uint32_t x = 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* Random bytes behind a header that holds together, kinds mostly known: the walk goes deep. */
static void test_random(void)
{
	static uint8_t d[1024];
	int parsed = 0;

	for (int i = 0; i < 20000; i++) {
		uint32_t tlen = (rnd() % 64) * 12, slen = 1 + rnd() % 64;
		uint32_t h[6] = { 0xeb9f | 1 << 16, 24, 0, tlen, tlen, slen };

		for (size_t j = 0; j < sizeof(d); j++)
			d[j] = (uint8_t)rnd();
		if (i % 2 == 0) {
			memcpy(d, h, sizeof(h));
			for (uint32_t t = 0; t + 12 <= tlen; t += 4) {
				uint32_t v = rnd();

				/* small names, known kinds, small vlen and ids */
				uint32_t info = (v & 0x8000000f) | (1 + v % 19) << 24;

				set32(d, 24 + t, t % 12 == 4 ? info : v % 40);
			}
			d[24 + tlen] = 0;
			d[24 + tlen + slen - 1] = 0;
		}
		parsed += parse_and_query(d, 24 + tlen + slen) == 0;
	}
	printf("# random: %d of 20000 blobs parse\n", parsed);
	CHECK(parsed > 100);
}

static void test_open_errors(void)
{
	struct btf *btf = (struct btf *)1;
	char line[256];

	CHECK_INT(btf_open("/nonexistent/vmlinux", &btf), -ENOENT);
	CHECK(btf == NULL);
	/* not regular files: refused before they are opened (a FIFO would block) */
	CHECK_INT(btf_open("/dev/null", &btf), -ESPIPE);
	CHECK_INT(btf_open("/", &btf), -EISDIR);
	CHECK_STR(btf_describe(line, sizeof(line), "/dev/null", -ESPIPE, NULL),
		  "no BTF: '/dev/null' is no BTF file: it is a device; give a file such as "
		  "/sys/kernel/btf/vmlinux");
	CHECK_STR(btf_describe(line, sizeof(line), BTF_VMLINUX, -ENOENT, NULL),
		  "no BTF: /sys/kernel/btf/vmlinux is absent (a kernel built without "
		  "CONFIG_DEBUG_INFO_BTF): give one with --btf FILE");
	CHECK_STR(btf_describe(line, sizeof(line), "/x", -ENOENT, NULL),
		  "no BTF: cannot read '/x': No such file or directory");
	CHECK_STR(btf_describe(line, sizeof(line), "/dev/null", -EINVAL, NULL),
		  "no BTF: '/dev/null' is not a BTF file ftnet can read");
	CHECK_STR(btf_describe(line, sizeof(line), NULL, 0, NULL),
		  "no BTF: turned off by --btf none");
	CHECK_STR(btf_describe(line, sizeof(line), "/a.btf", 0, NULL), "BTF /a.btf");
	CHECK_STR(btf_describe(line, 4, "/a.btf", 0, NULL), "BTF");
}

static uint8_t *slurp(const char *name, size_t *n)
{
	char path[512];
	uint8_t *d;
	FILE *f;

	snprintf(path, sizeof(path), "%s/btf/%s", datadir, name);
	f = fopen(path, "rb");
	if (!f)
		exit(99);
	d = malloc(1 << 20);
	*n = fread(d, 1, 1 << 20, f);
	fclose(f);
	return d;
}

int main(void)
{
	static uint8_t all[8192];
	size_t n = build_all_kinds(all), bn;
	uint8_t *blob;

	datadir = getenv("TESTDATA");
	if (!datadir)
		datadir = "tests/data";
	test_kernels();
	test_full_kernels();
	test_all_kinds();
	test_hostile_header(all, n);
	test_hostile_types(all, n);
	test_truncated_and_flipped(all, n, "all kinds");
	blob = slurp("linux-6.18.btf", &bn);
	test_truncated_and_flipped(blob, bn, "linux-6.18.btf");
	free(blob);
	test_random();
	test_open_errors();
	printf("btf: %d checks, %d failed\n", tap_run, tap_failed);
	return tap_failed ? 1 : 0;
}
