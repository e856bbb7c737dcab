// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the capture path on outside input. The first byte picks a link type; the
 * rest is a frame for the dissector and the printer, then the same bytes as a whole pcap file
 * for libpcap's reader followed by the dissector on every packet it yields.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/cap.h"
#include "base/out.h"
#include "view/print.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const struct out_opts text = { .mode = OUT_TEXT, .time = TIME_WALL };

	(void)argc;
	(void)argv;
	if (!freopen("/dev/null", "w", stdout))
		abort();
	out_init(&text);
	return 0;
}

static void print(int linktype, const uint8_t *d, uint32_t caplen, uint32_t len, bool json)
{
	static const struct out_opts text = { .mode = OUT_TEXT, .time = TIME_WALL };
	static const struct out_opts js = { .mode = OUT_JSON };
	struct packet p;

	out_init(json ? &js : &text);
	cap_dissect(linktype, d, caplen, len, 1234567890123456789ull, "fuzz0", &p);
	out_packet(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int types[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
				     DLT_IPV4, DLT_IPV6, 999 };
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *pkt;
	pcap_t *pc;
	FILE *f;

	if (size < 1)
		return 0;
	/* a copy of exactly the frame's length: reads past it are what ASan catches */
	{
		uint8_t *frame = malloc(size - 1 ? size - 1 : 1);

		memcpy(frame, data + 1, size - 1);
		print(types[data[0] % 7], frame, (uint32_t)(size - 1), (uint32_t)size, data[0] & 0x80);
		free(frame);
	}
	f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	pc = pcap_fopen_offline(f, err);	/* takes the FILE: pcap_close closes it */
	if (!pc) {
		fclose(f);
		return 0;
	}
	for (int i = 0; i < 64 && pcap_next_ex(pc, &h, &pkt) == 1; i++)
		print(pcap_datalink(pc), pkt, h->caplen, h->len, i & 1);
	pcap_close(pc);
	return 0;
}
