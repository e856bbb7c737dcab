/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kprobes in the system "ftnet" from written-out definitions (src/kernel/kprobe.c). */
#ifndef FTNET_KPROBE_H
#define FTNET_KPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Argument registers of an architecture ("x86_64", "aarch64"); NULL when unknown. */
const char *probe_arg_reg(const char *arch, int n);

/* Where a probe at a function's entry finds its return address ("$stack0", "%x30"), or NULL. */
const char *probe_return_address(const char *arch);

/* skc_v6_daddr's offset on the running kernel: PROBE_V6_NETNS unless it has no namespaces. */
int probe_v6_offset(void);

/* True when the running kernel's kprobe fetch args know $argN. */
bool probe_argn_supported(void);
bool probe_kprobes_supported(void);

/* True when kallsyms lists func as text (kprobes attach to it; not renamed or inlined). */
bool probe_func_exists(const char *func);

/*
 * [*start, *end) of the text function func in a kallsyms file: its address and the next text
 * symbol's above it. 0, -ENOENT without func, -EPERM when the addresses are hidden.
 */
int probe_func_range(const char *kallsyms, const char *func, uint64_t *start, uint64_t *end);

/* Removes every ftnet/ probe that no instance has enabled; returns how many, *busy the others. */
int probe_sweep(int *busy);

/* Counts ftnet/ probes that no instance has enabled (left by a crashed ftnet). */
int probe_stale(void);

#define PROBE_SYSTEM "ftnet"

/* skc_v6_daddr's offset in struct sock_common on 64-bit, with and without CONFIG_NET_NS */
#define PROBE_V6_NETNS		56
#define PROBE_V6_NO_NETNS	48
/* Whether ftnet/<event> is registered. */
bool probe_exists(const char *event);
/* Registers p:ftnet/<event> func fetch; 0 or -errno with the kernel's words in err. */
int probe_register(const char *event, const char *func, const char *fetch, char *err,
		   size_t errlen);
/* Removes ftnet/<event>; -EBUSY while an instance has it enabled. */
int probe_remove_event(const char *event);
/* Argument n as this kernel's fetch args name it: "$argN", or the register; -EINVAL. */
int probe_arg(int n, char *buf, size_t size);

#endif
