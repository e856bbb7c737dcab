// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the BTF reader on outside input (--btf FILE may name any file). Every
 * blob that parses is asked what ftnet asks of it: the skb offsets, the skb's argument of the
 * drop and receive functions, type sizes, members by path, the line for `ftnet check`.
 */
#include <stdint.h>

#include "kernel/btf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const funcs[] = { "sk_skb_reason_drop", "kfree_skb_reason", "kfree_skb",
					     "__netif_receive_skb_core", "ip_rcv", "consume_skb" };
	static const char *const paths[] = { "headers.network_header", "pkt_type", "len.x", "." };
	struct btf_skb_offsets o;
	struct btf_member m;
	struct btf *btf;
	char line[128];
	int nargs;

	/* btf_parse keeps a copy of exactly the input's length: ASan sees reads past it */
	if (btf_parse(data, size, &btf) < 0)
		return 0;
	btf_skb_offsets(btf, &o);
	btf_describe(line, sizeof(line), "fuzz.btf", 0, &o);
	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		btf_func_arg(btf, funcs[i], "sk_buff", &nargs);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		btf_struct_member(btf, "sk_buff", paths[i], &m);
	for (uint32_t id = 0; id <= btf_type_count(btf) && id < 4096; id++) {
		uint32_t s;

		btf_type_size(btf, id, &s);
		btf_member(btf, id, "len", &m);
	}
	btf_free(btf);
	return 0;
}
