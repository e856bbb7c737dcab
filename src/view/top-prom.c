// SPDX-License-Identifier: GPL-2.0-or-later
/* ftnet top's Prometheus file: the totals of every table, one labelled sample per row. */
#include <errno.h>

#include "view/agg.h"
#include "base/prom.h"
#include "view/top-fields.h"
#include "view/top-view.h"
#include "top-int.h"
#include "base/util.h"

void top_prom_emit(struct top *t, struct prom *p)
{
	static const struct { int v; const char *name, *bytes, *help; } m[] = {
		{ TV_DROPS, "ftnet_drops_total", NULL, "packets dropped (skb:kfree_skb)" },
		{ TV_RESETS, "ftnet_resets_total", NULL, "TCP resets sent and received" },
		{ TV_RFLOW, "ftnet_retransmits_total", NULL, "TCP retransmitted skbs by flow" },
		{ TV_RCOMM, "ftnet_retransmits_by_comm_total", NULL, "TCP retransmits by comm" },
		{ TV_DEV, "ftnet_dev_packets_total", "ftnet_dev_bytes_total",
		  "packets per device" },
		{ TV_UDP, "ftnet_udp_sends_total", "ftnet_udp_send_bytes_total", "UDP sends" },
		{ TV_STATES, "ftnet_tcp_state_transitions_total", NULL, "TCP state changes" },
	};
	char bufs[9][TOP_LABEL_LEN];
	const char *labels[20];

	prom_family(p, "ftnet_lost_events_total", "counter", "events the kernel could not keep");
	prom_sample(p, "ftnet_lost_events_total", t->lost_total, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		struct agg_row **rows;
		size_t n;

		if (!t->agg[m[i].v])
			continue;
		rows = agg_sorted(t->agg[m[i].v], &n);
		prom_family(p, m[i].name, "counter", m[i].help);
		for (size_t j = 0; j < n; j++) {
			top_row_keys(t, m[i].v, rows[j], labels, bufs);
			prom_sample(p, m[i].name, rows[j]->total, labels);
		}
		if (!m[i].bytes)
			continue;
		prom_family(p, m[i].bytes, "counter", "bytes of the same");
		for (size_t j = 0; j < n; j++) {
			top_row_keys(t, m[i].v, rows[j], labels, bufs);
			prom_sample(p, m[i].bytes, rows[j]->total_bytes, labels);
		}
	}
	if (t->fields)
		top_fields_prom(t->fields, p);
}

int top_prom_write(struct top *t, const char *path)
{
	struct prom *p = prom_open(path);

	if (!p)
		return -errno;
	top_prom_emit(t, p);
	return prom_commit(p);
}
