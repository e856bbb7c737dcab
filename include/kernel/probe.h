/* kprobe definitions for the groups' fallback backend, their registration and cleanup. */
#ifndef FTNET_PROBE_H
#define FTNET_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#define PROBE_SYSTEM "ftnet"

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
	const char	*filter;	/* kernel filter on the fetched fields, or NULL */
	bool		optional;	/* left out where the kernel lacks func (IPv6 built out) */
	int		decode;		/* enum decode_kind */
};

/* skc_v6_daddr's offset in struct sock_common on 64-bit, with and without CONFIG_NET_NS */
#define PROBE_V6_NETNS		56
#define PROBE_V6_NO_NETNS	48

/* Argument registers of an architecture ("x86_64", "aarch64"); NULL when unknown. */
const char *probe_arg_reg(const char *arch, int n);
/* Where a probe at a function's entry finds its return address ("$stack0", "%x30"), or NULL. */
const char *probe_return_address(const char *arch);
/* Expands $A1..$A6 and $V0..$V3 of d->fetch; 0, or -EINVAL for an unknown arch without $argN. */
/* The function exists here and the fetch can be written (offsets, skb argument known). */
bool probe_usable(const struct probe_def *d);
int probe_format(const struct probe_def *d, bool argn, const char *arch, int v6off, char *buf,
		 size_t size);
/* skc_v6_daddr's offset on the running kernel: PROBE_V6_NETNS unless it has no namespaces. */
int probe_v6_offset(void);
/* True when the running kernel's kprobe fetch args know $argN. */
bool probe_argn_supported(void);
bool probe_kprobes_supported(void);
/* True when kallsyms lists func as text (kprobes attach to it; not renamed or inlined). */
bool probe_func_exists(const char *func);
/* Registers the probe unless it exists; 0 or -errno with the kernel's words in err. */
int probe_create(const struct probe_def *d, char *err, size_t errlen);
/* Removes the probe; -EBUSY while an instance has it enabled. */
int probe_remove(const struct probe_def *d);
/* Removes every ftnet/ probe that no instance has enabled; returns how many, *busy the others. */
int probe_sweep(int *busy);
/* Counts ftnet/ probes that no instance has enabled (left by a crashed ftnet). */
int probe_stale(void);

#endif
