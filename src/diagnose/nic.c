// SPDX-License-Identifier: GPL-2.0-or-later
/* diagnose's finding from the drivers' own statistics ('ethtool -S'): losses on the NIC. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diagnose/diag.h"
#include "base/util.h"

/*
 * What a driver's statistic counts, when it counts packets lost: on the NIC (ring overflows,
 * missed, no buffer, FIFO overruns, drops and discards, the MAC's internal errors; names differ
 * by driver), or damaged on the wire (CRC, alignment, symbol and length errors: the standard
 * eth-mac, eth-phy and rmon names, and drivers' own). Pause frames are flow control, no loss.
 */
enum nic_kind { NIC_NONE, NIC_RING, NIC_WIRE };

static const struct {
	const char	*reason, *title, *fix;
} nic_kinds[] = {
	[NIC_RING] = { "NIC", "its driver counted packets lost on the NIC",
		       "raise the rings (ethtool -G), spread the interrupts over more queues and CPUs (RSS, irqbalance), or pace the sender" },
	[NIC_WIRE] = { "NIC wire", "frames came in damaged (CRC, alignment, symbol or length errors)",
		       "check the cable or transceiver and the link partner's speed and duplex: the frames were damaged before this host" },
};

static enum nic_kind nic_kind(const char *name)
{
	static const char *const wire[] = { "crc", "align", "symbol", "FrameCheckSequence",
					    "Alignment", "SymbolError", "TooLong", "InRangeLength",
					    "Undersize", "Oversize", "Fragments", "Jabbers" };
	static const char *const ring[] = { "drop", "miss", "no_buf", "nobuf", "no_dma", "fifo",
					    "over", "discard", "full", "timeout", "LostDueToIntMAC" };

	if (!strncmp(name, "pause-", 6))
		return NIC_NONE;
	for (size_t i = 0; i < ARRAY_SIZE(wire); i++)
		if (strstr(name, wire[i]))
			return NIC_WIRE;
	for (size_t i = 0; i < ARRAY_SIZE(ring); i++)
		if (strstr(name, ring[i]))
			return NIC_RING;
	return NIC_NONE;
}

/*
 * Per device and kind, the driver's loss counters that moved: the NIC's own findings, each
 * counting the packets of the counter that moved most.
 */
void diag_nic_findings(struct diag *d)
{
	const struct snapshot *a = &d->before, *b = &d->after;

	for (size_t i = 0; i < b->nnic; i++) {
		const struct nic_stat *s = &b->nic[i], *o;
		enum nic_kind k = nic_kind(s->name);
		struct finding *f = NULL;
		uint64_t v;

		o = nic_stat_find(a->nic, a->nnic, s->dev, s->name);
		v = o ? s->value - o->value : 0;
		if (!v || k == NIC_NONE)
			continue;
		for (int j = 0; j < d->n && !f; j++)
			if (d->f[j].kind == OBJ_DEVICE && !strcmp(d->f[j].reason, nic_kinds[k].reason) &&
			    !strcmp(d->f[j].dev, s->dev))
				f = &d->f[j];
		if (!f && (f = diag_add(d, 0, CL_CAUSE))) {
			f->kind = OBJ_DEVICE;
			snprintf(f->reason, sizeof(f->reason), "%s", nic_kinds[k].reason);
			snprintf(f->dev, sizeof(f->dev), "%s", s->dev);
			snprintf(f->object, sizeof(f->object), "device %s", s->dev);
			snprintf(f->fix, sizeof(f->fix), "%s", nic_kinds[k].fix);
			diag_next(d, f, "ftnet counters -c 1|ip -s link show dev {dev}");
		}
		if (!f)
			return;
		/* the counters of one kind often count the same packets (igb's missed and fifo) */
		if (v > f->packets)
			f->packets = v;
		diag_ev(f, "ethtool", s->name, (int64_t)v, "%s +%" PRIu64, s->name, v);
		snprintf(f->title, sizeof(f->title), "%s: %s (%" PRIu64 " packets)", f->object,
			 nic_kinds[k].title, f->packets);
	}
}
