/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kprobe definitions for the groups' fallback backend, their registration and cleanup. */
#ifndef FTNET_PROBE_H
#define FTNET_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "kernel/kprobe.h"


/*
 * One kprobe. fetch names the arguments as $A1..$A6, replaced by "$argN" where the kernel
 * has it (4.20+) or by the architecture's argument registers before that; $V0..$V3 are the
 * offsets of the 8-byte halves of sock_common's IPv6 addresses (skc_v6_daddr, then
 * skc_v6_rcv_saddr), which follow skc_net: 8 bytes further with network namespaces.
 */
struct probe_def {
	const char	*event;		/* ftnet/<event> */
	const char	*func;		/* kernel function */
	const char	*fetch;
	/*
	 * kernel filter on the fetched fields, or NULL. "${caller_not:FUNC}" in it stands for
	 * "the field ret_ip (fetched as $R) is outside FUNC", from kallsyms (optional probes only:
	 * where it cannot be written, the probe is left out).
	 */
	const char	*filter;
	bool		optional;	/* left out where the kernel lacks func (IPv6 built out) */
	int		decode;		/* enum decode_kind */
};


/* Expands $A1..$A6 and $V0..$V3 of d->fetch; 0, or -EINVAL for an unknown arch without $argN. */
/* The function exists here and the fetch can be written (offsets, skb argument known). */
bool probe_usable(const struct probe_def *d);
int probe_format(const struct probe_def *d, bool argn, const char *arch, int v6off, char *buf,
		 size_t size);
/* d->filter with "${caller_not:FUNC}" written out from kallsyms into buf; 0 or -errno. */
int probe_filter_format(const struct probe_def *d, const char *kallsyms, char *buf, size_t size);
/* d's filter for the running kernel (once per run) in *filter, or d->filter and -errno. */
int probe_filter(const struct probe_def *d, const char **filter);
/* Registers the probe unless it exists; 0 or -errno with the kernel's words in err. */
int probe_create(const struct probe_def *d, char *err, size_t errlen);
/* Removes the probe; -EBUSY while an instance has it enabled. */
int probe_remove(const struct probe_def *d);

#endif
