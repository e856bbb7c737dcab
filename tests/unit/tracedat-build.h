/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The test file of test-tracedat and the fuzzer's seed: written by ftnet's writer. */
#ifndef FTNET_TEST_TRACEDAT_BUILD_H
#define FTNET_TEST_TRACEDAT_BUILD_H

#include <stddef.h>
#include <stdint.h>

#define TB_PAGE_SIZE 4096
#define TB_LOC 0xffffffff81000456ull	/* the drops' locations: TB_LOC + their number */

struct built {
	uint8_t	*data;
	size_t	len;
	size_t	hp_at, he_at;	/* where header_page's and header_event's sizes are */
	size_t	fmt_at;		/* the ftrace format count */
};

/* datadir/rel read whole (exits when it cannot be); freed by tb_free_texts. */
char *tb_slurp(const char *datadir, const char *rel, size_t *len);
void tb_free_texts(void);
/*
 * Two CPUs: drops at 1000, 3000 and 2^28 later on CPU 0, then a page that lost 7 and a drop
 * at 2^29; drops at 2000 and 4000 on CPU 1. Written in dir, read into b, removed.
 */
void tb_build(struct built *b, const char *datadir, const char *dir);

#endif
