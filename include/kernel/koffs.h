/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's struct offsets the probes read (sock_common for the kprobe backend, sk_buff and
 * net_device for packet identity), and where they came from: the kernel's BTF, a BTF file given
 * with --btf FILE, or, with no BTF, the head of sock_common that has not moved in a decade.
 */
#ifndef FTNET_KOFFS_H
#define FTNET_KOFFS_H

#include <stdbool.h>
#include <stddef.h>

/* The global --btf: NULL for the kernel's own (/sys/kernel/btf/vmlinux), "none", or a file. */
void koffs_configure(const char *btf);
/*
 * The offset of a member as "struct.member" ("sock_common.skc_daddr", "sk_buff.head",
 * "net.ns.inum"); 0, or -ENOENT when no source knows it. Loaded at the first call.
 */
int koffs_lookup(const char *name, long *off);
/* One line for 'ftnet check': the source of the offsets, or why there is none. */
const char *koffs_describe(char *buf, size_t size);
/* Whether the offsets come from BTF (else: built in, and calibrated where kprobes exist). */
bool koffs_from_btf(void);
/* Whether the packet fields of drops can be read here; why not in why. */
bool koffs_packets(char *why, size_t size);
/* A --btf FILE that cannot be used: -errno with why (the caller stops: the user named it). */
int koffs_check(char *why, size_t size);
/* The 1-based argument of func that is a struct sk_buff *, from BTF; -ENOENT without. */
int koffs_skb_arg(const char *func);

#endif
