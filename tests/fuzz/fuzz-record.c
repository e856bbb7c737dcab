// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the decoders and the event printer on arbitrary record bytes, laid on
 * the formats recorded from real kernels (tests/data, found through FTNET_TESTDATA). The first
 * byte picks the kernel, the second the event (and, by its bit 0x40, whether it is decoded as a
 * tracepoint named SYSTEM:EVENT, by its format); the rest follows the 8-byte common header.
 */
#include <event-parse.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "fixtures.h"
#include "base/out.h"
#include "view/print.h"
#include "base/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kernels[] = { "6.18", "6.1", "6.1-probes-v1", "5.10", "4.15", "4.16" };
static struct {
	struct tep_handle	*tep;
	struct decoder		*dec;
	struct decoder		*tpdec;	/* every event a tracepoint named as SYSTEM:EVENT */
	struct tep_event	**events;
	int			nevents;
} k[ARRAY_SIZE(kernels)];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("FTNET_TESTDATA");

	(void)argc;
	(void)argv;
	if (!dir) {
		fprintf(stderr, "fuzz-record: set FTNET_TESTDATA to tests/data\n");
		exit(2);
	}
	for (size_t i = 0; i < ARRAY_SIZE(kernels); i++) {
		k[i].tep = fixture_load(dir, kernels[i]);
		if (!k[i].tep)
			exit(2);
		k[i].dec = decoder_new(k[i].tep);
		k[i].events = tep_list_events(k[i].tep, TEP_EVENT_SORT_ID);
		k[i].tpdec = decoder_new(k[i].tep);
		while (k[i].events && k[i].events[k[i].nevents]) {
			decoder_add_tracepoint(k[i].tpdec, k[i].events[k[i].nevents]->system,
					       k[i].events[k[i].nevents]->name);
			k[i].nevents++;
		}
	}
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct out_opts text = { .mode = OUT_TEXT, .time = TIME_MONO };
	static const struct out_opts js = { .mode = OUT_JSON, .time = TIME_WALL };
	struct ftnet_event ev;
	struct tep_record rec;
	uint8_t *buf;
	uint16_t id;
	size_t n;

	if (size < 2)
		return 0;
	n = data[0] % ARRAY_SIZE(kernels);
	if (!k[n].nevents)
		return 0;
	id = (uint16_t)k[n].events[data[1] % k[n].nevents]->id;
	/* a record of exactly this length, so that a read past it is what ASan sees */
	buf = malloc(8 + size - 2);
	memset(buf, 0, 8);
	memcpy(buf, &id, 2);
	memcpy(buf + 8, data + 2, size - 2);
	memset(&rec, 0, sizeof(rec));
	rec.data = buf;
	rec.size = (int)(8 + size - 2);
	rec.ts = 1000000000ull;
	rec.cpu = data[1] & 1;
	if (decode_record(data[1] & 0x40 ? k[n].tpdec : k[n].dec, &rec, &ev) == 1) {
		out_init(data[1] & 0x80 ? &js : &text);
		out_event(&ev);
	}
	free(buf);
	return 0;
}
