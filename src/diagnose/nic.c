// SPDX-License-Identifier: GPL-2.0-or-later
/* diagnose's finding from the drivers' own statistics ('ethtool -S'): losses on the NIC. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diagnose/diag.h"
#include "base/util.h"

/* A driver's statistic that counts packets lost on the NIC: ring overflows, missed, no
 * buffer, FIFO overruns, drops and discards (names differ by driver). */
static bool nic_loss(const char *name)
{
	static const char *const words[] = { "drop", "miss", "no_buf", "nobuf", "no_dma",
					     "fifo", "over", "discard", "full", "timeout" };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strstr(name, words[i]))
			return true;
	return false;
}

/* Per device, the driver's loss counters that moved: the NIC's own finding. */
void diag_nic_findings(struct diag *d)
{
	const struct snapshot *a = &d->before, *b = &d->after;

	for (size_t i = 0; i < b->nnic; i++) {
		const struct nic_stat *s = &b->nic[i], *o;
		struct finding *f = NULL;
		uint64_t v;

		o = nic_stat_find(a->nic, a->nnic, s->dev, s->name);
		v = o ? s->value - o->value : 0;
		if (!v || !nic_loss(s->name))
			continue;
		for (int k = 0; k < d->n && !f; k++)
			if (d->f[k].kind == OBJ_DEVICE && !strcmp(d->f[k].reason, "NIC") &&
			    !strcmp(d->f[k].dev, s->dev))
				f = &d->f[k];
		if (!f && (f = diag_add(d, 0, CL_CAUSE))) {
			f->kind = OBJ_DEVICE;
			snprintf(f->reason, sizeof(f->reason), "NIC");
			snprintf(f->dev, sizeof(f->dev), "%s", s->dev);
			snprintf(f->object, sizeof(f->object), "device %s", s->dev);
			snprintf(f->fix, sizeof(f->fix), "raise the rings (ethtool -G), spread the interrupts over more queues and CPUs (RSS, irqbalance), or pace the sender");
			diag_next(d, f, "ftnet counters -c 1|ip -s link show dev {dev}");
		}
		if (!f)
			return;
		f->packets += v;
		diag_ev(f, "ethtool", s->name, (int64_t)v, "%s +%" PRIu64, s->name, v);
		snprintf(f->title, sizeof(f->title), "%s: its driver counted packets lost on the NIC (%" PRIu64 " packets)",
			 f->object, f->packets);
	}
}
